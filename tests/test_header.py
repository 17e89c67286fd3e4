"""The header model: a paper's title, authors, year, DOI, abstracts and keywords read from its first page,
filled into paper.json by `add` where the user gave nothing (and saying so), never over what the user gave."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fpdf import FPDF

from pipeline.corpus.add import add_paper
from pipeline.extract.header import FEATURES, LABELS, HeaderLine, pdf_lines, read_header, shipped_model, text_lines

from render import _font_files

DEVSET = Path(__file__).resolve().parents[2] / "shared" / "devset"

# Our own title blocks: (text, size, bold), top to bottom; the body follows in 10 pt.
FRENCH = [
    ("Revue internationale de l’économie sociale", 8, True),
    ("Volume 41, numéro 2, 2019, p. 45–67", 8, False),
    ("https://doi.org/10.7202/1234567ar", 8, False),
    ("Les coopératives d’habitation face à la financiarisation", 17, True),
    ("Marie-Claude Tremblay et Jean-François Lévesque", 11, False),
    ("Université du Québec à Montréal, Canada", 8.5, False),
    ("Résumé", 9.5, True),
    ("Cet article examine comment les coopératives d’habitation du Québec résistent à la financiarisation du "
     "logement. À partir de trente entretiens avec des membres et des administrateurs, nous montrons que la "
     "propriété collective et les règles d’inaliénabilité protègent le parc coopératif.", 9, False),
    ("Mots-clés : coopératives d’habitation, financiarisation, propriété collective", 9, False),
]
ENGLISH = [
    ("Journal of Co-operative Organization and Management, vol. 9, no. 1 (2021) 100-118", 8, False),
    ("Worker cooperatives and the resilience of local economies", 17, True),
    ("Sonja Vicari and Alexander Borda-Rodriguez", 11, False),
    ("Department of Development Policy, The Open University, Milton Keynes, UK", 8.5, False),
    ("Abstract", 9.5, True),
    ("This paper asks why worker cooperatives survive economic crises more often than conventional firms. "
     "Drawing on a panel of firms observed over two decades, we find that collective ownership and indivisible "
     "reserves lower the risk of closure during recessions.", 9, False),
    ("Keywords: worker cooperatives, resilience, crisis, local economies", 9, False),
    ("doi:10.1016/j.jcom.2021.100118", 8, False),
]
BODY = {
    "fr": "Les coopératives d’habitation occupent une place singulière dans le paysage du logement québécois. "
          "Nées dans les années soixante-dix, elles regroupent aujourd’hui des milliers de ménages qui gèrent "
          "ensemble leurs immeubles et décident des loyers en assemblée générale. ",
    "en": "Worker cooperatives are firms owned and governed by the people who work in them. Their survival "
          "during recessions has long puzzled economists, who expected them to be fragile. ",
}


def render_title_page(path: Path, block: list[tuple[str, float, bool]], lang: str, meta_title: str | None = None) -> Path:
    """A one-page PDF: the title block, then body paragraphs; `meta_title` goes into the Info dictionary."""
    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(__import__("datetime").datetime(2000, 1, 1, tzinfo=__import__("datetime").timezone.utc))
    if meta_title:
        pdf.set_title(meta_title)
    for style, file in _font_files().items():
        pdf.add_font("Body", style, str(file))
    pdf.add_page()
    y = 70.0
    for text, size, bold in block + [(BODY[lang] * 3, 10, False), (BODY[lang] * 3, 10, False)]:
        pdf.set_font("Body", "B" if bold else "", size)
        words, line = text.split(), ""
        for word in words:
            if line and pdf.get_string_width(f"{line} {word}") > 470:
                pdf.text(62, y + size, line)
                y += size * 1.35
                line = word
            else:
                line = f"{line} {word}".strip()
        pdf.text(62, y + size, line)
        y += size * 1.35 + size * 0.6
    pdf.output(str(path))
    return path


@pytest.fixture
def title_pages(tmp_path: Path) -> dict[str, Path]:
    return {"fr": render_title_page(tmp_path / "fr.pdf", FRENCH, "fr"),
            "en": render_title_page(tmp_path / "en.pdf", ENGLISH, "en", meta_title="Microsoft Word - draft3.docx")}


def paper_json(result) -> dict:
    return json.loads((result.path / "paper.json").read_text(encoding="utf-8"))


def test_header_model_file_matches_the_features() -> None:
    model = shipped_model()
    assert len(model.weights) == len(LABELS) and all(len(w) == len(FEATURES) for w in model.weights)


def test_header_add_reads_a_french_title_block(corpus, title_pages) -> None:
    result = add_paper(corpus, title_pages["fr"])
    data = paper_json(result)
    assert data["title"] == "Les coopératives d’habitation face à la financiarisation"
    assert data["author"][:2] == [{"family": "Tremblay", "given": "Marie-Claude"},
                                  {"family": "Lévesque", "given": "Jean-François"}]
    assert data["issued"] == {"date-parts": [[2019]]}
    assert data["DOI"] == "10.7202/1234567ar"
    assert data["language"] == "fr"
    assert data["volume"] == "41" and data["issue"] == "2"
    ours = data["custom"]["rescorpus"]
    assert ours["header"]["keywords"]["fr"] == ["coopératives d’habitation", "financiarisation", "propriété collective"]
    assert ours["header"]["abstracts"]["fr"].startswith("Cet article examine")
    assert ours["read"]["title"] == "first page" and ours["read"]["language"] == "body text"
    said = " ".join(result.messages)
    assert "read from the first page: title, author" in said and "issued" in said
    assert result.id == "tremblay-2019-cooperatives"


def test_header_add_reads_an_english_title_block_over_junk_metadata(corpus, title_pages) -> None:
    """The Info dictionary says "Microsoft Word - draft3.docx", which the page does not print: the page wins."""
    result = add_paper(corpus, title_pages["en"])
    data = paper_json(result)
    assert data["title"] == "Worker cooperatives and the resilience of local economies"
    assert [a["family"] for a in data["author"]] == ["Vicari", "Borda-Rodriguez"]
    assert data["issued"] == {"date-parts": [[2021]]}
    assert data["DOI"] == "10.1016/j.jcom.2021.100118"
    assert data["language"] == "en"
    assert data["custom"]["rescorpus"]["header"]["keywords"]["en"][0] == "worker cooperatives"
    assert not any("metadata" in m for m in result.messages)


def test_header_add_never_writes_over_what_the_user_gave(corpus, title_pages) -> None:
    result = add_paper(corpus, title_pages["fr"], title="Habiter en coopérative", authors=["Roy, Anne"],
                       year=2020, lang="en", doi="10.5555/given")
    data = paper_json(result)
    assert data["title"] == "Habiter en coopérative" and data["author"] == [{"family": "Roy", "given": "Anne"}]
    assert data["issued"] == {"date-parts": [[2020]]} and data["language"] == "en" and data["DOI"] == "10.5555/given"
    read = data["custom"]["rescorpus"]["read"]
    assert not {"title", "author", "issued", "language", "DOI"} & set(read)
    assert read["volume"] == "first page"  # what the user did not give is still read


def test_header_plain_text_first_lines() -> None:
    text = "\n".join(t for t, _, _ in ENGLISH) + "\n\n" + BODY["en"] * 3
    header = read_header(text_lines(text))
    assert header.doi == "10.1016/j.jcom.2021.100118" and header.year == 2021
    assert header.title == "Worker cooperatives and the resilience of local economies"
    assert header.authors and header.authors[0]["family"] == "Vicari"


def test_header_paper_json_keys_are_csl_json(corpus, title_pages) -> None:
    """The official CSL-JSON schema (csl-data.json) allows no other top-level keys than its variables:
    the project's own go under "custom"."""
    csl_keys = set(CSL_VARIABLES.split())
    for path in title_pages.values():
        data = paper_json(add_paper(corpus, path))
        assert set(data) <= csl_keys, set(data) - csl_keys
        assert isinstance(data["custom"], dict) and isinstance(data["abstract"], str)
        assert all(isinstance(v, str) for v in (data["title"], data["DOI"], data["language"], data["keyword"]))
        assert all(set(a) <= {"family", "given", "literal"} for a in data["author"])


# the variable names of csl-data.json (citation-style-language/schema, schemas/input/csl-data.json)
CSL_VARIABLES = """type id categories language journalAbbreviation shortTitle author chair collection-editor compiler
composer container-author contributor curator director editor editorial-director executive-producer interviewer
illustrator organizer original-author performer producer recipient reviewed-author translator accessed
available-date container event-date issued original-date submitted abstract annote archive archive_collection
archive_location archive-place authority call-number chapter-number citation-number citation-label
collection-number collection-title container-title container-title-short dimensions division DOI edition event
event-place first-reference-note-number genre ISAN ISBN ISCI ISMN ISRC ISSN ISWC issue jurisdiction keyword locator
medium note number number-of-pages number-of-volumes original-publisher original-publisher-place original-title
page page-first part part-title PMCID PMID printing publisher publisher-place references reviewed-title scale
section source status supplement title title-short translated-title translated-title-short URL version volume
year-suffix custom"""


def test_header_grobid_evaluation_subset() -> None:
    """GROBID's header evaluation files and the fifth of its corpus the model was not fitted on."""
    grobid = DEVSET / "grobid" / "header"
    if not grobid.is_dir():
        pytest.skip(f"GROBID's header data is not at {grobid}")
    from pipeline.evaluation.headers import grobid_examples, score

    examples = grobid_examples(grobid / "evaluation" / "tei")
    examples += [e for i, e in enumerate(grobid_examples(grobid / "corpus" / "tei")) if i % 5 == 4][:60]
    figures = score((e, read_header(e.lines)) for e in examples)
    assert figures["title_fuzzy"]["n"] == len(examples)
    assert figures["title_fuzzy"]["share"] >= 0.6, figures
    assert figures["doi"]["share"] >= 0.8, figures


def test_header_training_remakes_the_shipped_model(capsys) -> None:
    if not (DEVSET / "grobid" / "header").is_dir() or not (DEVSET / "erudit").is_dir():
        pytest.skip(f"the development data is not at {DEVSET}: the header model cannot be refitted here")
    from pipeline.train import header

    assert header.main(["--devset", str(DEVSET), "--check"]) == 0
    assert "same weights" in capsys.readouterr().out


def test_header_model_is_in_the_manifest_and_the_code_hash(tmp_path) -> None:
    import hashlib

    from pipeline.config import Config
    from pipeline.run.cache import model_files
    from pipeline.run.manifest import build_manifest

    shipped = Path(__file__).resolve().parents[1] / "pipeline" / "data" / "header.json"
    manifest = build_manifest(tmp_path / "corpus", tmp_path / "out", Config())
    assert manifest["models"]["header.json"] == hashlib.sha256(shipped.read_bytes()).hexdigest()
    assert manifest["models"]["entry_lines.json"]
    assert shipped in model_files()  # code_digest() hashes these with the code: a new model is a new version


def test_header_title_in_large_type_keeps_its_marks_and_one_letter_words(tmp_path) -> None:
    # a one-letter word set in the title's size is not a drop cap; a colon and guillemets are not tall delimiters
    block = [("Revue d’études coopératives, vol. 12, no 3 (2020) : 5-30", 8, False),
             ("Habiter « en commun » : a cooperative answer to a housing crisis", 17, True),
             ("Marie-Claude Tremblay", 11, False)] + FRENCH[5:]
    header = read_header(pdf_lines(render_title_page(tmp_path / "t.pdf", block, "fr")))
    assert header.title == "Habiter « en commun » : a cooperative answer to a housing crisis"


def test_header_translated_title_is_not_a_subtitle(tmp_path) -> None:
    block = [FRENCH[0], FRENCH[1], ("Les coopératives d’habitation face à la financiarisation du logement", 17, True),
             ("Housing cooperatives facing the financialisation of housing", 14, True)] + FRENCH[4:]
    header = read_header(pdf_lines(render_title_page(tmp_path / "t.pdf", block, "fr")))
    assert header.title == "Les coopératives d’habitation face à la financiarisation du logement"
    assert header.subtitle is None


def test_header_title_without_the_page_furniture_around_it() -> None:
    text = ("RESEARCH ARTICLE\nTitle: Worker cooperatives and the resilience of local economies\nAuthors:\n"
            "Sonja Vicari a, Alexander Borda-Rodriguez b\n"
            "a Department of Development Policy, The Open University, Milton Keynes, UK\n\n" + ENGLISH[5][0])
    header = read_header(text_lines(text))
    assert header.title == "Worker cooperatives and the resilience of local economies"
    assert header.authors[0] == {"family": "Vicari", "given": "Sonja"}


@pytest.mark.parametrize("byline, first", [
    ("M.C. Dupont-Moreau, J. Smith", {"family": "Dupont-Moreau", "given": "M.C."}),
    ("Tremblay MC, Lévesque J", {"family": "Tremblay", "given": "MC"}),
    ("SONJA B. VICARI, ALEXANDER BORDA", {"family": "Vicari", "given": "Sonja B."}),  # both in their usual case
    ("DUPONT Jean et Marie LE GALL", {"family": "Dupont", "given": "Jean"}),
    ("Sonja Vicari Alexander Borda-Rodriguez Marie Tremblay", {"family": "Vicari", "given": "Sonja"}),
    ("Martha P.Y. Leung", {"family": "Leung", "given": "Martha P.Y."}),
    ("Jean-H. Tremblay", {"family": "Tremblay", "given": "Jean-H."}),
    ("Baptist University of Riverside, Riverside CA", None),
    ("P A T R I CK T H É R I A U L T", {"family": "Thériault", "given": "Patrick"}),  # letter-spaced capitals
])
def test_header_split_authors_classes(byline, first) -> None:
    from pipeline.extract.header import _strip_marks, split_authors

    names = split_authors(_strip_marks(byline))
    assert (names[0] if names else None) == first


@pytest.mark.parametrize("byline", ["Sonja Vicari a, * , Alexander Borda b", "Sonja Vicari ID 1,2 *, Alexander Borda 3"])
def test_header_byline_marks_are_not_names(byline) -> None:
    from pipeline.extract.header import _strip_marks, split_authors

    assert split_authors(_strip_marks(byline))[:2] == [{"family": "Vicari", "given": "Sonja"},
                                                         {"family": "Borda", "given": "Alexander"}]


def test_header_title_above_the_byline_when_the_model_finds_none() -> None:
    from pipeline.extract.header import fields_from

    lines = [HeaderLine(t) for t in ("Working Paper Series 12", "Worker cooperatives and the resilience",
                                     "of local economies", "Sonja Vicari and Alexander Borda-Rodriguez",
                                     "The Open University, Milton Keynes, UK")]
    header = fields_from(lines, ["meta", "other", "other", "author", "affiliation"])
    assert header.title == "Worker cooperatives and the resilience of local economies"


def test_header_a_short_middle_name_is_a_given_name() -> None:
    from pipeline.extract.header import split_authors

    assert split_authors("Mei Li Chen and Sonja Vicari")[0] == {"family": "Chen", "given": "Mei Li"}


def test_header_year_not_from_a_reference_access_date() -> None:
    """A first page holding the end of a reference ("... [consulté le" / "2019-12-19].") gave that access date as
    the paper's year; a date line that closes a bracket opened before it is the tail of something else."""
    from pipeline.extract.header import find_year, is_date_line

    assert is_date_line("24 May 2011") and is_date_line("2015/02/17") and is_date_line("Printemps 2004")
    assert not is_date_line("2019-12-19].") and not is_date_line("March 3, 1998)")
    assert find_year([], ["Revue d’économie sociale", "2019-12-19].", "Spring 2016"]) == 2016


def test_header_title_without_a_scans_stray_letter_or_a_notes_mark() -> None:
    """Tesseract reads a speck beside a scanned title as a big "a" and the title's note mark as " a": the title
    came out "a: Hydrogen incorporation ... Thermal Plasma a"."""
    from pipeline.extract.header import fields_from

    lines = [HeaderLine("a", size=19.0), HeaderLine("Hydrogen incorporation in a-Si:H -", size=9.0),
             HeaderLine("growth studies on an Expanding Thermal Plasma a", size=9.0),
             HeaderLine("R.J. Severens, F. van de Pas, J. Bastiaanssen", size=7.0)]
    header = fields_from(lines, ["title", "title", "title", "author"])
    assert header.full_title == "Hydrogen incorporation in a-Si:H - growth studies on an Expanding Thermal Plasma"


def test_header_title_stops_at_a_reviewed_books_byline() -> None:
    from pipeline.extract.header import fields_from

    lines = [HeaderLine("Sociologie des relations"), HeaderLine("professionnelles"),
             HeaderLine("Par Michel Lallement, Nouvelle édition, Paris :"), HeaderLine("Reynald Bourque")]
    assert fields_from(lines, ["title", "title", "title", "author"]).title == "Sociologie des relations professionnelles"


def test_header_letter_spaced_capitals_read_as_words(tmp_path) -> None:
    """A chapter's byline in letter-spaced capitals: one letter gap a little wider than the word builder's
    threshold cut "THÉRIAULT" in two, and the author came out as family "Iault", given "PATRICK THÉR"."""
    from render import Placed, render_lines, text_width

    from pipeline.extract.header import pdf_lines_all

    x, pieces = 240.0, []
    for word, gaps in (("PATRICK", [1.0] * 6), ("THÉRIAULT", [1.0, 1.0, 1.0, 1.15, 1.0, 1.0, 1.0, 1.0])):
        for letter, gap in zip(word, gaps + [0.0]):
            pieces.append(Placed(x, 80.0, letter, 9.0))
            x += text_width(letter, 9.0) + gap
        x += 4.2
    body = [Placed(72.0, 140.0, "Une littérature « comme incantatoire »", 24.0),
            Placed(72.0, 200.0, "Forme et pratique de discours archaïques, l’incantation revêt un statut propre.", 11.0)]
    path = render_lines(tmp_path / "chapter.pdf", [pieces + body])
    lines = pdf_lines_all(path)
    assert lines[0].text == "PATRICK THÉRIAULT"
    assert read_header(lines).authors[:1] == [{"family": "Thériault", "given": "Patrick"}]


def test_header_title_without_its_translations() -> None:
    """A plain-text export printing the title in three languages, one a line, over the byline: the three read
    as one title of over 40 words, no title at all."""
    text = ("Entre idéal du projet et consensus idéal, différentes approches de la gouvernance démocratique des "
            "organisations à but non lucratif\nBetween the Ideal of the Project and Ideal Consensus: Different "
            "Approaches to Democratic Governance in Nonprofit Organizations\nEntre el ideal del proyecto y el "
            "consenso ideal, diferentes concepciones de la gobernanza democrática de las organizaciones sin fines "
            "de lucro\n\nPatrick Valeau, Hassen Parak, Frédéric Annette\n\nRésumé\n" + FRENCH[7][0])
    assert read_header(text_lines(text)).title == ("Entre idéal du projet et consensus idéal, différentes approches "
                                                   "de la gouvernance démocratique des organisations à but non lucratif")


def test_header_byline_read_as_the_titles_last_lines_is_a_byline() -> None:
    """A plain-text first page with one name a line under the title: the model ran the title on into the first
    two names ("... local economies Sonja Vicari Alexander Borda") and took the third for the first author.
    A line that leaves the title open ("Learning from" / "Peter Kropotkin"), or set in the title's own type, stays."""
    from pipeline.extract.header import fields_from

    lines = [HeaderLine(t) for t in ("Worker cooperatives and the resilience", "of local economies",
                                     "Anna Vicari", "Alexander J. Borda", "The Open University, Milton Keynes, UK",
                                     "Marie Tremblay")]
    header = fields_from(lines, ["title", "title", "title", "title", "title", "author"])
    assert header.title == "Worker cooperatives and the resilience of local economies"
    assert header.authors[:2] == [{"family": "Vicari", "given": "Anna"}, {"family": "Borda", "given": "Alexander J."}]
    lines = [HeaderLine(t) for t in ("What cooperatives learned from", "Peter Kropotkin", "Anna Vicari")]
    assert fields_from(lines, ["title", "title", "author"]).title == "What cooperatives learned from Peter Kropotkin"
    lines = [HeaderLine("Relire", size=18.0, bold=True), HeaderLine("Peter Kropotkin", size=18.0, bold=True),
             HeaderLine("Anna Vicari", size=11.0, bold=False)]
    assert fields_from(lines, ["title", "title", "author"]).title == "Relire Peter Kropotkin"


def test_header_marked_byline_under_the_title_is_a_byline_without_a_known_given_name() -> None:
    """Plain text: the model ran the title on into a byline whose given names the lexicon does not know but
    whose footnote or ORCID marks show it ("Tavrin Okolu †, Quessa Marrat *", "Ondrel Vask ID 1,2"). A title's
    line with a mark and lower-case words ("of river basins *") stays."""
    from pipeline.extract.header import fields_from

    for byline in ("Tavrin Okolu †, Quessa Marrat *", "Ondrel Vask ID 1,2", "Tavrin Okolu § * Quessa B. Marrat ‡"):
        lines = [HeaderLine(t) for t in ("Sediment transport in braided rivers:", "a flume study",
                                         byline, "Department of Geography, Lakeside University")]
        header = fields_from(lines, ["title", "title", "title", "affiliation"])
        assert header.title == "Sediment transport in braided rivers: a flume study", byline
        if "§" not in byline:  # names with no separators between them need a known given name to be cut
            assert header.authors[0]["family"] in ("Okolu", "Vask"), byline
    lines = [HeaderLine(t) for t in ("Sediment transport in braided rivers:", "a flume study of river basins *",
                                     "Tavrin Okolu")]
    assert fields_from(lines, ["title", "title", "author"]).title == ("Sediment transport in braided rivers: "
                                                                       "a flume study of river basins")


def test_header_title_without_a_masthead_that_ends_in_the_publishers_line() -> None:
    """Plain text: the journal's name in short lines, then its publisher's line, read into the title
    ("Marine Geology Letters (c) Northbridge Verlag 2001 Printed in Norway Sediment transport ...")."""
    from pipeline.extract.header import fields_from

    lines = [HeaderLine(t) for t in ("Marine", "Geology Letters", "(c) Northbridge Verlag 2001", "Printed in Norway",
                                     "Sediment transport in braided rivers:", "a flume study", "Anna Vicari")]
    header = fields_from(lines, ["title"] * 6 + ["author"])
    assert header.title == "Sediment transport in braided rivers: a flume study"


def test_header_title_without_a_section_head_a_report_number_or_a_date_around_it() -> None:
    """A plain-text page read the journal's subject head in capitals, a report's number or a date above or
    under the title into it ("HEALTH POLICY Access to care ...", "... local economies TR-2021-07")."""
    from pipeline.extract.header import fields_from

    for block in (["HEALTH POLICY", "Access to care in rural districts:", "a survey of general practices"],
                  ["Page 1 of 12", "Access to care in rural districts:", "a survey of general practices"],
                  ["March 3, 2021", "Access to care in rural districts:", "a survey of general practices"],
                  ["Access to care in rural districts:", "a survey of general practices", "Technical Report",
                   "CSD//TR-19-004"]):
        lines = [HeaderLine(t) for t in block] + [HeaderLine("Anna Vicari and Peter Borda")]
        header = fields_from(lines, ["title"] * len(block) + ["author"])
        assert header.title == "Access to care in rural districts: a survey of general practices", block
    lines = [HeaderLine(t) for t in ("GLUE: a benchmark", "for reading", "Anna Vicari")]
    assert fields_from(lines, ["title", "title", "author"]).title == "GLUE: a benchmark for reading"


def test_header_title_keeps_a_compounds_hyphen_at_a_line_end() -> None:
    """A title wrapped after a compound's hyphen ("cross-" / "sectional") came out "crosssectional"; a word the
    printer cut ("organisa-" / "tion") still joins."""
    from pipeline.extract.header import fields_from

    lines = [HeaderLine(t) for t in ("A cross-", "sectional survey of worker", "cooperatives and their organisa-",
                                     "tion", "Anna Vicari")]
    assert fields_from(lines, ["title"] * 4 + ["author"]).title == ("A cross-sectional survey of worker cooperatives "
                                                                     "and their organisation")


def test_header_grobid_gold_byline_one_name_a_line(tmp_path) -> None:
    """GROBID's gold byline printed one name a line is one `docAuthor` with line breaks: read as one string it
    held no separator, and no first author could be scored right ("Anna Vicari Peter Borda" never ends in
    "Vicari"); its first line is the first author's."""
    from pipeline.evaluation.headers import first_author_ok, tei_example
    from pipeline.extract.header import Header

    tei = ('<tei xmlns="http://www.tei-c.org/ns/1.0"><text><front><docTitle><titlePart>Worker cooperatives<lb/>'
           '</titlePart></docTitle><byline><docAuthor>Anna Vicari<lb/> Peter K. Borda<lb/></docAuthor></byline>'
           '</front></text></tei>')
    (tmp_path / "a.xml").write_text(tei, encoding="utf-8")
    example = tei_example(tmp_path / "a.xml")
    assert example.first_author_text == "Anna Vicari"
    assert first_author_ok(example, Header(authors=[{"family": "Vicari", "given": "Anna"}]))
    assert not first_author_ok(example, Header(authors=[{"family": "Borda", "given": "Peter K."}]))


def test_header_byline_with_initials_without_full_stops() -> None:
    """A byline printing initials without their full stop ("Anna K Vicari 1 , Peter J Borda 2") did not read as
    names, so where the model missed it there was no title above it and no author; an opening "A" stays a word."""
    from pipeline.extract.header import _names_line, fields_from

    lines = [HeaderLine(t) for t in ("Open Access", "Access to care in rural districts: a survey",
                                     "Anna K Vicari 1 , Peter J Borda 2 and Maria Lopez 1*", "Abstract")]
    header = fields_from(lines, ["other", "other", "other", "other"])
    assert header.title == "Access to care in rural districts: a survey"
    assert header.authors[0] == {"family": "Vicari", "given": "Anna K"}
    assert not _names_line("A Neural Network")


def test_header_year_from_the_pages_date_line_first() -> None:
    """GROBID's gold year is the date a first page prints for its paper (a report's "October, 1992", an online
    date under "Published online", a repository's "2014 March 3."), which a journal line's or a copyright's
    year was preferred to (a volume of the next year); a date that ends a wrapped acceptance line is not it."""
    from pipeline.extract.header import fields_from, is_date_line

    assert is_date_line("October, 1992") and is_date_line("23 rd November 2019") and is_date_line("2014 March 3.")
    assert not is_date_line("on March 17, 2013") and not is_date_line("Smith, Dupont, et al. 2019")
    lines = [HeaderLine(t) for t in ("Journal of Cooperative Studies 2012; 8(3): 11-19", "Worker cooperatives",
                                     "Sonja Vicari", "Received 2 May 2011; revised 9 July 2011; Accepted",
                                     "30 September 2011", "Published online", "4 December 2011",
                                     "© 2012 Cooperative Press")]
    labels = ["meta", "title", "author", "other", "other", "other", "meta", "other"]
    assert fields_from(lines, labels).year == 2011
    lines = [HeaderLine(t) for t in ("Technical Report 31", "1890 Harbour Road, Riverside", "2005")]
    assert fields_from(lines, ["meta", "meta", "meta"]).year == 2005  # a year alone on a meta line is the date


def test_header_title_above_a_date_over_the_byline() -> None:
    """A date printed between the title and the byline ended the search for a title above the byline."""
    from pipeline.extract.header import fields_from

    lines = [HeaderLine(t) for t in ("Worker cooperatives and the resilience", "of local economies",
                                     "3 rd March 2020", "Sonja Vicari and Alexander Borda-Rodriguez")]
    assert fields_from(lines, ["other", "other", "other", "author"]).title == (
        "Worker cooperatives and the resilience of local economies")


def test_header_degrees_after_names_are_not_names() -> None:
    """Degrees printed after a name ("Ann B. Weston, M.D.", "Lena Ortiz MD*") were read as a name or a given
    name ({'family': 'Lena Ortiz', 'given': 'MD'}); a bare "MD" after one word is still a name's initials."""
    from pipeline.extract.header import _strip_marks, split_authors

    assert split_authors(_strip_marks("Lena Ortiz MD*, Peter Borda PhD, MBA"))[0] == {"family": "Ortiz", "given": "Lena"}
    assert split_authors(_strip_marks("Marie S. Dupont, M.D."))[0] == {"family": "Dupont", "given": "Marie S."}
    assert split_authors(_strip_marks("Tremblay MD, Dupont J"))[0] == {"family": "Tremblay", "given": "MD"}


def test_header_a_titles_last_line_read_as_names_is_passed_over() -> None:
    """A title's last line the model read as the byline ("... for a Persistent" / "Object Store", the real byline
    under it read as an address) gave the first author "Store": names that are not surely persons' (no known
    given name, no initial) are passed over for a line of names right below that are."""
    from pipeline.extract.header import fields_from

    lines = [HeaderLine(t) for t in ("Compiler and Runtime Support for a Persistent", "Object Store",
                                     "J. K. Vicari", "P. Borda", "Department of Computer Science")]
    header = fields_from(lines, ["title", "author", "affiliation", "affiliation", "affiliation"])
    assert header.authors[0]["family"] == "Vicari"


def test_header_a_name_cut_where_its_accent_was_lost_is_one_word() -> None:
    """A text layer that drops an accented letter leaves a gap in its place ("Sonja Vic ari"): the lower-case
    piece made the name unreadable and the first author was the next one; particles and function words are
    not glued ("Marie de Rosa", "Learning from Data")."""
    from pipeline.extract.header import split_authors

    assert split_authors("Sonja Vic ari, Peter Borda")[0] == {"family": "Vicari", "given": "Sonja"}
    assert split_authors("Marie de Rosa")[0] == {"family": "de Rosa", "given": "Marie"}
    # Maghreb family names open with a particle the byline keeps ("El Fassi", "Ait Lahcen", "Ould Ahmed")
    assert split_authors("Karim El Fassi et Fatima Ait Lahcen") == [{"family": "El Fassi", "given": "Karim"},
                                                                   {"family": "Ait Lahcen", "given": "Fatima"}]
    assert split_authors("Learning from Data") == []


def test_paper_language_falls_back_on_abstract_when_there_is_no_body() -> None:
    # front matter and an English bibliography only (what a review's first page or a notice gives): the paper's
    # language is its abstract's, not None, and not the references'
    from pipeline.extract import assemble
    from pipeline.extract.header import body_language
    from pipeline.extract.text import parse_text

    text = ("Résumé\n\nCet article étudie la façon dont les coopératives agricoles du Souss conservent la mémoire de "
            "leurs crises, et comment cette mémoire soutient leur capacité d'adaptation au fil des générations.\n\n"
            "Bibliographie\n\n"
            "Smith, J. (2010). Cooperative memory and resilience in the long run. Journal of Co-operative Studies, "
            "43(2), 5-19.\n"
            "Brown, A. (2012). Organisational learning in agricultural cooperatives and their networks. Annals of "
            "Public and Cooperative Economics, 83(1), 1-20.\n")
    assert body_language(assemble(parse_text(text))) == "fr"
    with_body = text.replace("Bibliographie", "Introduction\n\nThe cooperatives of this study were founded in "
                             "the nineteen seventies and have since weathered three droughts and two market "
                             "crises, which this paper follows year by year through their own records and minutes."
                             "\n\nBibliographie")
    assert body_language(assemble(parse_text(with_body))) == "en"  # a body there is, its language wins
