"""Plain-text sources: paragraphs rebuilt whole, pages, headings, tables, normalisation."""

from pathlib import Path

import pytest

from pipeline.extract import extract
from pipeline.extract.text import parse_text

DATA = Path(__file__).parent / "data"
FOUNDING = Path(__file__).parents[1] / "corpus"


@pytest.mark.parametrize("name", ["double_spaced", "one_per_line"])
def test_extract_text_matches_golden(name):
    expected = (DATA / "golden" / f"{name}.txt").read_text(encoding="utf-8")
    assert extract(DATA / f"{name}.txt").text == expected


def test_extract_text_joins_paragraph_across_page_break():
    e = extract(DATA / "double_spaced.txt")
    para = next(e.text[p.start : p.end] for p in e.paragraphs if "chocs" in e.text[p.start : p.end])
    # The page break (a line starting with one space) fell mid-sentence; the
    # line-break hyphen of "organisa-tions" is the printer's, "socio-économiques" is a word's.
    assert "pour les organisations socio-économiques et pour les coopératives (Mamouni" in para
    assert {p.page for p in e.paragraphs} == {1, 2}


def test_extract_text_headings_become_sections():
    e = extract(DATA / "double_spaced.txt")
    assert [(s.title, s.role, s.level) for s in e.sections] == [
        ("Résumé :", "abstract", 1),
        ("Mots clés", "keywords", 1),  # the keywords line ends the abstract
        ("Abstract :", "abstract", 1),
        ("1. Revue de la littérature", "body", 1),
        ("Conclusion", "conclusion", 1),
    ]


def test_extract_text_keywords_line_is_its_own_paragraph():
    e = extract(DATA / "double_spaced.txt")
    texts = [e.text[p.start : p.end] for p in e.paragraphs]
    assert "Mots clés : Résilience ; Coopérative" in texts


def test_extract_text_paragraph_languages():
    e = extract(DATA / "one_per_line.txt")
    langs = {e.text[p.start : p.end][:30]: p.lang for p in e.paragraphs}
    assert langs["Between the Ideal of the Projec"[:30]] == "en"
    assert langs["La gobernanza de las organizaci"[:30]] == "es"
    assert langs["La gouvernance des organisation"[:30]] == "fr"
    # A heading is read in the language of the paragraph it introduces.
    assert langs["Resumen"] == "es"


def test_extract_text_offsets_index_the_text():
    e = extract(DATA / "double_spaced.txt")
    assert all(e.text[p.start : p.end].strip() == e.text[p.start : p.end] for p in e.paragraphs)
    gaps = [e.text[a.end : b.start] for a, b in zip(e.paragraphs, e.paragraphs[1:])]
    assert set(gaps) == {"\n\n"}


def test_extract_text_table_rows_kept_as_lines():
    source = parse_text(
        "Texte avant le tableau.\n\nTableau N°2 : coopératives par région\n"
        "Région Nombre\nSeoul 3463\nBusan 730\nSource : KoSEA 2019\n\nTexte après.\n"
    )
    kinds = [b.kind for b in source.blocks]
    assert kinds == ["body", "caption", "table", "caption", "body"]
    assert source.blocks[2].text == "Région Nombre\nSeoul 3463\nBusan 730"


def test_extract_text_founding_paper_paragraphs_whole():
    src = next(FOUNDING.glob("*/source.txt"), None)
    if src is None:
        pytest.skip("the founding paper is not in corpus/")
    e = extract(src)
    bodies = [e.text[p.start : p.end] for p in e.paragraphs if p.kind == "body"]
    # A paragraph cut by a page break would start in lower case.
    assert not [b[:40] for b in bodies if b[0].islower()]
    assert any(b.startswith("Pour cela il nous parait") and b.endswith("peuvent être surmontées ?") for b in bodies)
    assert e.languages["fr"] > 10 * e.languages["en"] > 0
    assert [p.lang for p in e.paragraphs if e.text[p.start:].startswith("Resilience is not")] == ["en"]


def test_extract_text_thin_paragraphs_borrow_or_use_their_label():
    e = extract(DATA / "one_per_line.txt")
    from pipeline.extract.language import detect

    assert detect("Palabras clave : gobernanza ; cooperativa") == "es"
    assert detect("Mots clés : gouvernance ; coopérative") == "fr"
    assert detect("Références") == "fr"
    # A list of names reads as German to a detector; it is not evidence enough for a third language.
    assert detect("Yonghui Wu, Mike Schuster, Zhifeng Chen, Quoc V Le, Wolfgang Macherey") in (None, "en")
    assert {p.lang for p in e.paragraphs} == {"fr", "en", "es"}


def test_extract_text_page_numbers_at_form_feeds_are_dropped_and_the_sentence_goes_on() -> None:
    # pdftotext's output: a form feed between pages, the folio alone on the page's last (or first)
    # line. The number is page furniture: gone, and the paragraph cut by the break is one paragraph.
    text = (
        "Introduction\n\nLes coopératives coréennes ont traversé la crise asiatique de 1997 sans perdre\n"
        "leurs membres, comme le montrent plusieurs études de\n\n3\n\fcas menées dans les régions rurales.\n\n"
        "Une autre page commence ici, avec 12 membres.\n\n- 4 -\n\fFin du texte.\n"
    )
    src = parse_text(text)
    bodies = [b.text.replace("\n", " ") for b in src.blocks if b.kind == "body"]
    assert bodies[0].endswith("plusieurs études de cas menées dans les régions rurales.")
    assert not any(b.strip() in ("3", "- 4 -") for b in bodies)
    assert "12 membres" in bodies[1]
