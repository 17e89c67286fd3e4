"""The PDF layout reader: columns, hyphens, furniture, notes, headings; fixtures rendered by render.py."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from render import Placed, render_lines, render_pdf, render_table_page, text_width, wrap_lines

from pipeline.extract import assemble
from pipeline.extract.clean import join_lines
from pipeline.extract.pdf import read_pdf

GOLDEN = Path(__file__).parent / "data" / "golden"
REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "pdfs"
needs_realworld = pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is absent")


def normalised(source) -> str:
    """The paper's normalised text, as the pipeline writes it (footnotes where they are read, at their page's foot)."""
    return assemble(source).text


def sentences(start: int, stop: int) -> str:
    return " ".join(f"Sentence number {i:03d} is about the cooperative movement." for i in range(start, stop))


# Six paragraphs on one page in two columns: the third flows from the foot of the left column to the top of the right.
TWO_COLUMN_PAGE = [sentences(9 * k, 9 * k + 9) for k in range(6)]

FRENCH = [
    "# 1. Introduction",
    "La gouver\u00adnance démocra\u00adtique des coopé\u00adratives repose sur une organi\u00adsation "
    "collective où chaque membre dispose d'une voix^{1}. Les asso\u00adciations de l'économie sociale "
    "et solidaire parta\u00adgent cette exigence de parti\u00adcipation, malgré les diffi\u00adcultés de "
    "fonction\u00adnement. La résilience organi\u00adsationnelle des entre\u00adprises coopé\u00adratives "
    "tient à la propriété collective et à la réserve impar\u00adtageable, que la litté\u00adrature "
    "considère comme une protection contre la démutua\u00adlisation.",
    "# 2. Conclusion",
    "Les coopé\u00adratives traversent les crises mieux que les sociétés de capitaux.",
]
HYPHENATED = [
    "gouvernance", "démocratique", "coopératives", "organisation", "associations", "partagent",
    "participation", "difficultés", "fonctionnement", "organisationnelle", "entreprises",
    "impartageable", "littérature", "démutualisation",
]


def render_french(path: Path) -> Path:
    return render_pdf(
        path,
        [FRENCH, ["La suite du texte sur la seconde page, sans autre note."]],
        title="Résilience des coopératives",
        header="Revue internationale de l'économie sociale, vol. 12",
        page_numbers=True,
        footnotes=[["1 Voir l'Alliance coopérative internationale, 1995."]],
        columns=2,  # narrow columns: many words broken at line ends
    )


def test_pdf_two_columns_read_column_by_column(tmp_path):
    path = render_pdf(tmp_path / "two.pdf", [TWO_COLUMN_PAGE], columns=2, title="A two column paper")
    source = read_pdf(path)
    numbers = [int(n) for n in re.findall(r"Sentence number (\d{3})", normalised(source))]
    assert numbers == list(range(54))
    assert {b.column for b in source.blocks if "Sentence" in b.text} == {1, 2}
    assert source.blocks[0].kind == "heading" and source.blocks[0].column == 0
    # the paragraph cut by the column break is one paragraph again
    assert normalised(source).split("\n\n")[1:] == TWO_COLUMN_PAGE


def test_pdf_hyphenated_french_words_join(tmp_path):
    source = read_pdf(render_french(tmp_path / "fr.pdf"))
    raw = "\n".join(b.text for b in source.blocks)
    assert re.search(r"\w-\n\w", raw), "the fixture should print line-break hyphens"
    text = normalised(source)
    for word in HYPHENATED:
        assert word in text
    assert not re.search(r"\w-\s\w", text)


def test_pdf_furniture_removed_and_footnote_kept_as_note(tmp_path):
    source = read_pdf(render_french(tmp_path / "fr.pdf"))
    texts = [b.text for b in source.blocks]
    assert not any("Revue internationale" in t for t in texts)
    assert not any(re.fullmatch(r"\s*\d+\s*", t) for t in texts)
    notes = [b for b in source.blocks if b.kind == "note"]
    assert [join_lines(b.text) for b in notes] == ["1 Voir l'Alliance coopérative internationale, 1995."]
    assert notes[0].page == 1
    paper = assemble(source)
    at = paper.text.index("voix¹.")  # the call stays on its word, raised (it read "voix1." before superscripts)
    marks = [m for p in paper.paragraphs for m in p.superscripts or ()]
    assert (at + 4, at + 5, "note") in marks  # its note is on the page: a footnote call, not a callout


def test_pdf_headings_have_kind_and_level(tmp_path):
    source = read_pdf(render_french(tmp_path / "fr.pdf"))
    headings = [(join_lines(b.text), b.level) for b in source.blocks if b.kind == "heading"]
    assert headings == [("Résilience des coopératives", 0), ("1. Introduction", 1), ("2. Conclusion", 1)]


def test_pdf_indented_paragraphs_split(tmp_path):
    paragraphs = [sentences(0, 6), sentences(6, 12), sentences(12, 18)]
    source = read_pdf(render_pdf(tmp_path / "ind.pdf", [paragraphs], indent=18))
    assert [join_lines(b.text) for b in source.blocks] == paragraphs


def test_pdf_golden_normalised_text(tmp_path):
    source = read_pdf(render_french(tmp_path / "fr.pdf"))
    text = normalised(source) + "\n"
    golden = GOLDEN / "pdf_french_hyphenated.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_pdf_golden_two_columns(tmp_path):
    source = read_pdf(render_pdf(tmp_path / "two.pdf", [TWO_COLUMN_PAGE], columns=2, title="A two column paper"))
    text = normalised(source) + "\n"
    golden = GOLDEN / "pdf_two_columns.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(text, encoding="utf-8")
    assert text == golden.read_text(encoding="utf-8")


def test_pdf_empty_page_has_no_text_layer(tmp_path):
    source = read_pdf(render_pdf(tmp_path / "blank.pdf", [[]]))
    assert source.has_text_layer is False and source.blocks == ()


def test_pdf_deterministic(tmp_path):
    path = render_french(tmp_path / "fr.pdf")
    assert read_pdf(path) == read_pdf(path)


# --- the real-world PDFs -------------------------------------------------------------------


def real(name: str):
    return read_pdf(REALWORLD / name)


@pytest.mark.realworld
@needs_realworld
@pytest.mark.parametrize(
    "name, first, last, inside",
    [
        (
            "en_acl2020_specter_2col.pdf",
            "Representation learning is a critical ingredient for natural language processing systems.",
            "SPECTER outperforms a variety of competitive baselines on the benchmark.",
            "As the pace of scientific publication continues to increase",
        ),
        (
            "en_naacl2018_literature_graph_2col.pdf",
            "We describe a deployed scalable system for organizing published scientific literature",
            "are used to enable semantic features in www.semanticscholar.org.",
            "The goal of this work is to facilitate algorithmic discovery in the scientific literature.",
        ),
    ],
)
def test_pdf_realworld_two_column_abstract_in_order(name, first, last, inside):
    text = normalised(real(name))
    assert first in text and inside in text
    start = text.index(first)
    abstract = text[start : text.index("\n\n", start)]
    assert last in abstract  # the whole abstract is one paragraph, in order
    assert text.index(inside) > start


@pytest.mark.realworld
@needs_realworld
@pytest.mark.parametrize(
    "name",
    [
        "en_acl2020_specter_2col.pdf",
        "en_naacl2018_literature_graph_2col.pdf",
        "en_intpsychogeriatrics2014_2col_authoryear.pdf",
        "fr_erudit_relind_recension_2col.pdf",
    ],
)
def test_pdf_realworld_columns_not_interleaved(name):
    source = real(name)
    body = [b for b in source.blocks if b.kind == "body" and b.column in (1, 2)]
    assert len(body) > 10
    # a left-column block ends left of every right-column block of the same page starts
    for b in body:
        others = [o for o in body if o.page == b.page and o.column != b.column]
        for o in others:
            left, right = (b, o) if b.column == 1 else (o, b)
            assert left.bbox[2] <= right.bbox[0] + 1
    # a line cut by the layout would leave a dangling hyphen before another column's word
    # ("token- and sentence-level" is the authors' own suspended hyphen)
    assert not re.search(r"[a-z]- (?!and |or |et |ou )[a-z]", normalised(source))


@pytest.mark.realworld
@needs_realworld
@pytest.mark.parametrize("name", ["fr_taln_2010-004_ferret_synonymes.pdf", "fr_taln_recital2012-017_emotion_forums.pdf"])
def test_pdf_realworld_latex_words_separated(name):
    text = normalised(real(name))
    words = text.split()
    glued = [w for w in words if len(re.sub(r"\W", "", w)) > 25 and "/" not in w and "@" not in w]
    assert len(words) > 4000
    assert glued == []


@pytest.mark.realworld
@needs_realworld
def test_pdf_realworld_taln_phrases():
    text = normalised(real("fr_taln_recital2012-017_emotion_forums.pdf"))
    assert "La recherche d’information peut être définie comme" in text


@pytest.mark.realworld
@needs_realworld
@pytest.mark.parametrize(
    "name",
    [
        "fr_erudit_criminologie_maruna2020_bilingual.pdf",
        "fr_erudit_arborescences_hallion_sociolinguistique.pdf",
        "fr_erudit_livre_incantation_chapitre_footnotes.pdf",
        "fr_erudit_relind_recension_2col.pdf",
        "fr_taln_2010-004_ferret_synonymes.pdf",
        "fr_taln_recital2012-017_emotion_forums.pdf",
    ],
)
def test_pdf_realworld_french_no_line_break_hyphen_left(name):
    text = normalised(real(name))
    assert "-\n" not in text
    assert re.findall(r"\b[a-zà-ÿ]{2,}- [a-zà-ÿ]{2,}\b", text) == []


@pytest.mark.realworld
@needs_realworld
def test_pdf_realworld_criminologie_abstracts_apart():
    blocks = [b for b in real("fr_erudit_criminologie_maruna2020_bilingual.pdf").blocks if b.page <= 2]
    heads = [join_lines(b.text) for b in blocks if b.kind == "heading"]
    assert {"Résumé", "Abstract", "Resumen"} <= set(heads)
    texts = [join_lines(b.text) for b in blocks if b.kind == "body"]
    fr = [t for t in texts if t.startswith("Le concept de réhabilitation")]
    en = [t for t in texts if t.startswith("The concept of rehabilitation")]
    es = [t for t in texts if t.startswith("El concepto de rehabilitación")]
    assert len(fr) == len(en) == len(es) == 1
    assert "The concept" not in fr[0] and "El concepto" not in en[0]


@pytest.mark.realworld
@needs_realworld
def test_pdf_realworld_running_headers_removed():
    blocks = real("fr_erudit_criminologie_maruna2020_bilingual.pdf").blocks
    assert not any(b.text.strip() == "Criminologie" for b in blocks)
    assert not any(re.fullmatch(r"\d+", b.text.strip()) for b in blocks)


@pytest.mark.realworld
@needs_realworld
def test_pdf_realworld_scanned_has_no_text_layer(monkeypatch):
    """Without Tesseract (tests/test_extract_ocr.py reads it with it)."""
    from pipeline.extract import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    source = real("en_SCANNED_conference_abstract_imageonly.pdf")
    assert source.has_text_layer is False and source.blocks == ()


# --- regressions found on the real-world PDFs, each with its own rendered fixture ---------------

LEFT_X, RIGHT_X, COL_W, TOP, FOOT = 60.0, 309.64, 225.64, 72.0, 765.0
AUTHORS = ["Dupont", "Martin", "Lefebvre", "Gagnon", "Roy", "Côté", "Bouchard", "Gauthier", "Morin", "Lavoie"]


def entry(n: int) -> str:
    """An invented reference: numbered, authors in bold (as Cambridge and BMC set them)."""
    a, b = AUTHORS[n % 10], AUTHORS[(n * 3 + 1) % 10]
    return (
        f"{n}. *{a}, J. and {b}, M.* ({1990 + n}). Cooperative governance and organisational resilience "
        f"in the social economy, case {n}. Revue des coopératives, {n}, {10 * n}–{10 * n + 9}."
    )


def references_paper(path: Path, entries: int = 26) -> Path:
    """Body text in the left column (10 pt), the reference list in the right one (8 pt, hanging,
    bold authors) running on to the left column of page 2: the two columns' lines never share a baseline."""
    body = wrap_lines(sentences(0, 36), LEFT_X, TOP, COL_W, size=10, leading=1.25)
    assert body[-1].top < FOOT
    pages: list[list[Placed]] = [body + [Placed(RIGHT_X, TOP, "References", 10, bold=True)], []]
    x, y, page = RIGHT_X, TOP + 18, 0
    for n in range(1, entries + 1):
        for line in wrap_lines(entry(n), 0.0, 0.0, COL_W - 12, size=8, hanging=12):
            if y > FOOT:
                x, y, page = LEFT_X, TOP, 1
            pages[page].append(Placed(x + line.x, y, line.text, 8))
            y += 8 * 1.2
    return render_lines(path, pages)


def test_pdf_reference_list_beside_body_one_entry_per_paragraph(tmp_path):
    """Rows of a 10 pt column and an 8 pt column used to chain into one line; a bold author
    line used to read as a heading; numbered entries at a page foot used to read as footnotes."""
    extracted = assemble(read_pdf(references_paper(tmp_path / "refs.pdf")))
    paragraphs = [extracted.text[p.start : p.end] for p in extracted.paragraphs]
    assert paragraphs[0] == sentences(0, 36)
    assert paragraphs[1] == "References"
    assert paragraphs[2:] == [entry(n).replace("*", "") for n in range(1, 27)]
    kinds = {p.kind for p in extracted.paragraphs[2:]}
    assert kinds == {"body"}
    assert [s.role for s in extracted.sections] == ["references"]


def test_pdf_braces_around_email_names_dropped(tmp_path):
    """TeX prints "{ann,bob}@x.org" with braces below the names and a tall brace beside stacked
    names: each used to come out as a paragraph of its own ("{", "}")."""
    size = 10.0
    lines = [
        Placed(80, TOP, "{", size),  # lowered brace, same size as the names
        Placed(88, TOP - 6, "ann.roy,bob.morin", size),
        Placed(175, TOP, "}", size),
        Placed(183, TOP - 6, "@coop.example.org", size),
        Placed(60, TOP + 30, "{", 34),  # one tall brace beside three names
        *(Placed(80, TOP + 32 + 12 * i, name, size) for i, name in enumerate(["ann.roy", "bob.morin", "eve.cote"])),
        *wrap_lines(sentences(0, 4), 60, TOP + 90, 475, size=size),
    ]
    extracted = assemble(read_pdf(render_lines(tmp_path / "braces.pdf", [lines])))
    paragraphs = extracted.text.split("\n\n")
    assert not [p for p in paragraphs if len(p) <= 2]
    assert not any(set(p) & set("{}") for p in paragraphs)
    assert "ann.roy,bob.morin @coop.example.org" in paragraphs[0]  # the brace's place stays a gap
    assert paragraphs[-1] == sentences(0, 4)


def test_pdf_table_found_and_kept_out_of_running_text(tmp_path):
    rows = [["Pays", "Coopératives", "Membres"], ["France", "22 600", "29 000 000"], ["Québec", "3 300", "8 800 000"]]
    path = render_table_page(tmp_path / "table.pdf", sentences(0, 3), rows, sentences(3, 6))
    source = read_pdf(path)
    assert [t.rows for t in source.tables] == [tuple(tuple(r) for r in rows)]
    extracted = assemble(source)
    kinds = [(p.kind, extracted.text[p.start : p.end]) for p in extracted.paragraphs]
    assert kinds[0] == ("body", sentences(0, 3))
    assert kinds[1][0] == "table" and kinds[1][1].splitlines()[1] == "France | 22 600 | 29 000 000"
    assert kinds[2] == ("body", sentences(3, 6))
    assert len(kinds) == 3


def test_pdf_ligatures_expanded_nfc(tmp_path):
    text = "Le \ufb01nancement des coope\u0301ratives et l\u2019ef\ufb01cacite\u0301 de leur \ufb02exibilite\u0301."
    extracted = assemble(read_pdf(render_pdf(tmp_path / "lig.pdf", [[text]])))
    assert extracted.text == "Le financement des coopératives et l\u2019efficacité de leur flexibilité."


SPANISH = (
    "El concepto de economía social se refiere a las cooperativas, mutuales y asociaciones que "
    "producen bienes y servicios con una finalidad social y una gestión democrática."
)
NAMES = (
    "Wolfgang Müller, Klaus Schneider, Jürgen Fischer, Dieter Weber, Helmut Wagner, Günter Becker, "
    "Manfred Schulz, Uwe Hoffmann, et al. 2016. Cooperative banks and the financial crisis."
)
SECTIONED = [
    "# Résumé",
    "Les coopératives traversent les crises mieux que les sociétés de capitaux, grâce à leur réserve "
    "impartageable et à la participation de leurs membres.",
    "# Abstract",
    "Cooperatives weather crises better than investor-owned firms, thanks to their indivisible reserves "
    "and the participation of their members.",
    "# Resumen",
    SPANISH,
    "# 1. Introduction",
    "La résilience organisationnelle désigne la capacité d'une organisation à absorber un choc et à "
    "poursuivre son activité.",
    "# Références",
    NAMES,
]


def test_pdf_sections_and_paragraph_languages(tmp_path):
    """Named and numbered headings start sections; each paragraph has its language; a list of
    German names in an English reference used to be labelled "de"."""
    extracted = assemble(read_pdf(render_pdf(tmp_path / "sec.pdf", [SECTIONED])))
    assert [(s.title, s.role, s.level) for s in extracted.sections] == [
        ("Résumé", "abstract", 1),
        ("Abstract", "abstract", 1),
        ("Resumen", "abstract", 1),
        ("1. Introduction", "introduction", 1),
        ("Références", "references", 1),
    ]
    langs = [(p.kind, p.lang) for p in extracted.paragraphs]
    assert langs == [
        ("heading", "fr"), ("body", "fr"), ("heading", "en"), ("body", "en"), ("heading", "es"), ("body", "es"),
        ("heading", "fr"), ("body", "fr"), ("heading", "fr"), ("body", "en"),
    ]
    golden = GOLDEN / "pdf_sections.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(extracted.text + "\n", encoding="utf-8")
    assert extracted.text + "\n" == golden.read_text(encoding="utf-8")


def test_bench_extraction_counts_pages_and_skips_bad_files(tmp_path):
    """The figures come from the same pages for both extractors; no timing is asserted."""
    from pipeline.bench.stages import bench_extraction

    render_pdf(tmp_path / "a.pdf", [[sentences(0, 3)], [sentences(3, 6)]])
    render_pdf(tmp_path / "b.pdf", [[sentences(6, 9)]])
    (tmp_path / "c.pdf").write_bytes(b"")
    result = bench_extraction(tmp_path.glob("*.pdf"))
    assert (result.files, result.pages) == (2, 3)
    assert [(f.name, f.pages) for f in result.per_file] == [("a.pdf", 2), ("b.pdf", 1)]
    assert len(result.skipped) == 1 and result.skipped[0].startswith("c.pdf")
    figures = result.to_json()
    assert figures["ratio"] > 0 and figures["ours_pages_per_second"] > 0


def test_pdf_superscript_with_separate_accent_joins_its_word(tmp_path):
    """Old TeX prints "1ère" as "1", a raised "ere" and a grave accent glyph over its first "e":
    the accent used to keep the superscript out of the line, as a paragraph "ere" of its own."""
    x = 60 + text_width("La 1 ")
    sup = 7.0
    line = [
        Placed(60, TOP, "La 1", 10),
        Placed(x - text_width(" ") + 0.5, TOP - 3, "ere", sup),
        Placed(x - text_width(" ") + 0.5 + 0.4, TOP - 3, "`", sup),
        Placed(x + text_width("ere", sup), TOP, "colonne du tableau donne les fréquences des coopératives.", 10),
    ]
    above = wrap_lines(sentences(0, 2), 60, TOP - 40, 475)
    extracted = assemble(read_pdf(render_lines(tmp_path / "accent.pdf", [above + line])))
    assert extracted.text.split("\n\n") == [
        sentences(0, 2),
        "La 1ère colonne du tableau donne les fréquences des coopératives.",
    ]


def test_pdf_word_broken_at_a_gap_stays_one_paragraph(tmp_path):
    """A paragraph never ends inside a word: "organisa-" then, after a wider gap (a page-top
    figure, a display line), "tion" used to leave "organisa-" ending a paragraph."""
    lines = [
        Placed(60, TOP, "La résilience des coopératives tient à leur organisa-", 10),
        Placed(60, TOP + 30, "tion collective et à la réserve impartageable.", 10),
        Placed(60, TOP + 60, "Une autre idée commence ici, dans un autre paragraphe.", 10),
    ]
    extracted = assemble(read_pdf(render_lines(tmp_path / "gap.pdf", [lines])))
    assert extracted.text.split("\n\n") == [
        "La résilience des coopératives tient à leur organisation collective et à la réserve impartageable.",
        "Une autre idée commence ici, dans un autre paragraphe.",
    ]


def test_pdf_reference_entry_cut_after_its_first_line(tmp_path):
    """An entry whose first line stops short without a full stop goes on on the indented lines
    under it: it used to be cut after its first line (too few entries to show a hanging list)."""
    entries = [
        ["1. Martin, J. (1991). Cooperative", "governance and resilience. Revue des coopératives, 1, 10–19."],
        ["2. Lefebvre, J. (1992). Mutual banks", "in the crisis of the nineties. Revue des mutuelles, 2, 20–29."],
    ]
    body = wrap_lines(sentences(0, 6), LEFT_X, TOP, COL_W)
    y = body[-1].top + 30
    refs = [Placed(LEFT_X, y, "References", 10, bold=True)]
    for first, second in entries:
        refs += [Placed(LEFT_X, y + 16, first, 8), Placed(LEFT_X + 12, y + 25.6, second, 8)]
        y += 19.2
    extracted = assemble(read_pdf(render_lines(tmp_path / "cut.pdf", [body + refs])))
    assert extracted.text.split("\n\n")[2:] == [" ".join(e) for e in entries]
