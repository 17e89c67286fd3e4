"""The word builder on arrays (pipeline/extract/words.py) gives pdfplumber's `extract_words`, word for word:
the same text, the same boxes to the last bit, the same order, on every page of the fixtures and the
realworld PDFs. The reader's words, and so its text, cannot differ from what pdfplumber's builder gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from pdfplumber.utils import extract_words

from pipeline.extract.layout import WORD_GAP
from pipeline.extract.pdf import WORD_Y_TOLERANCE
from pipeline.extract.pdfchars import read_document
from pipeline.extract.words import page_words

from test_extract_pdfchars import PASSWORDS, REALWORLD, needs_realworld, readable_realworld

TEXT = "Les coopératives coréennes ont résisté à la crise grâce à leurs réseaux^{1} et à la formation. " * 10


def plumbers(chars: list[dict]) -> list[dict]:
    return extract_words(chars, x_tolerance_ratio=WORD_GAP, y_tolerance=WORD_Y_TOLERANCE, keep_blank_chars=False,
                         use_text_flow=False, extra_attrs=["fontname", "size"], expand_ligatures=False)


def page_words_as_plumbers(columns: dict) -> list[dict]:
    """Our words with pdfplumber's keys (ours add the first char's baseline)."""
    return [{k: v for k, v in w.items() if k != "baseline"} for w in page_words(columns, WORD_GAP, WORD_Y_TOLERANCE)]


def assert_same_words(path: Path, password: str | None = None) -> int:
    words = 0
    for page in read_document(path, password):
        ours = page_words_as_plumbers(page.columns)
        assert ours == plumbers(page.chars), (path.name, page.number)
        words += len(ours)
    return words


def test_words_are_pdfplumbers_on_rendered_pages(tmp_path):
    from render import render_pdf, render_table_page

    one = render_pdf(tmp_path / "one.pdf", [[TEXT, "# 2. Méthode", TEXT]], header="Revue", footnotes=[["1 Une note."]])
    two = render_pdf(tmp_path / "two.pdf", [[TEXT, TEXT]], columns=2)
    table = render_table_page(tmp_path / "table.pdf", TEXT, [["Pays", "Membres"], ["Corée", "2 000 000"]], TEXT)
    for path in (one, two, table):
        assert assert_same_words(path) > 100


def test_words_of_rotated_text_are_pdfplumbers(tmp_path):
    """Rotated runs (an axis label, a margin note) are not upright: pdfplumber's builder reads them, in their place."""
    from fpdf import FPDF

    doc = FPDF(unit="pt", format="A4")
    doc.add_page()
    doc.set_font("Helvetica", size=10)
    doc.text(72, 100, "Before the turn, a line of upright words.")
    with doc.rotation(90, x=300, y=400):
        doc.text(300, 400, "Rotated label of a figure axis")
    doc.text(72, 500, "After the turn, upright again.")
    path = tmp_path / "rotated.pdf"
    doc.output(str(path))
    (page,) = read_document(path)
    assert not all(page.columns["upright"]) and any(page.columns["upright"])
    words = page_words_as_plumbers(page.columns)
    assert words == plumbers(page.chars)
    texts = [w["text"] for w in words]
    turned = "".join(w["text"] for w in words if not w["upright"])
    assert turned == "Rotatedlabelofafigureaxis"  # (pdfplumber reads rotated glyph boxes letter by letter)
    turned_at = [i for i, w in enumerate(words) if not w["upright"]]  # in their place: between the two lines
    assert turned_at == list(range(texts.index("words.") + 1, texts.index("After")))


def test_words_of_an_empty_page_are_none(tmp_path):
    from render import render_scanned

    (page,) = read_document(render_scanned(tmp_path / "scan.pdf"))
    assert page_words_as_plumbers(page.columns) == plumbers(page.chars) == []


@pytest.mark.realworld
@needs_realworld
@pytest.mark.parametrize("name", readable_realworld())
def test_words_are_pdfplumbers_on_realworld_pages(name):
    assert assert_same_words(REALWORLD / "pdfs" / name, PASSWORDS.get(name)) > 500
