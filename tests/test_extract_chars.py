"""The reader's chars (pipeline.extract.chars) are pdfplumber's own `page.chars`, key for key, in order:
the words, and so the text, cannot differ from what pdfplumber's full object pass would give."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from render import render_pdf, render_table_page

from pipeline.extract.chars import CHAR_KEYS, page_chars
from pipeline.extract.pdffile import open_pdf

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "pdfs"
TEXT = "Les coopératives coréennes ont résisté à la crise grâce à leurs réseaux et à la formation des membres. " * 12


def pdfplumber_view(path: Path) -> list[tuple[list[dict], int]]:
    """Per page: pdfplumber's chars on CHAR_KEYS, and its count of lines and rects; and ours."""
    pages = []
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            ours = page_chars(page)
            theirs = ([{k: c[k] for k in CHAR_KEYS} for c in page.chars], len(page.lines) + len(page.rects))
            pages.append((ours, theirs))
            page.close()
    return pages


def shifted_mediabox(src: Path, dest: Path) -> Path:
    """A copy whose MediaBox does not start at (0, 0): pdfplumber shifts x by its origin."""
    writer = PdfWriter(clone_from=PdfReader(src))
    for page in writer.pages:
        x0, y0, x1, y1 = (float(v) for v in page.mediabox)
        page.mediabox = RectangleObject([x0 - 36, y0 - 18, x1 + 12, y1 + 40])
    with open(dest, "wb") as fh:
        writer.write(fh)
    return dest


def test_chars_equal_pdfplumber_on_text_tables_and_shifted_pages(tmp_path):
    text = render_pdf(tmp_path / "text.pdf", [[TEXT, TEXT], [TEXT]])
    table = render_table_page(tmp_path / "table.pdf", TEXT, [["Pays", "Membres"], ["Corée", "2 000 000"]], TEXT)
    shifted = shifted_mediabox(text, tmp_path / "shifted.pdf")
    for path in (text, table, shifted):
        pages = pdfplumber_view(path)
        assert pages and all(ours[0] for ours, _ in pages)  # text was read
        for ours, theirs in pages:
            assert ours == theirs
    ruled = pdfplumber_view(table)[0][0][1]
    assert ruled >= 4  # the grid's lines are counted: that page still goes through the table finder


@pytest.mark.realworld
@pytest.mark.skipif(not REALWORLD.is_dir(), reason="../shared/realworld is absent")
@pytest.mark.parametrize(
    "name",
    [
        "fr_erudit_criminologie_maruna2020_bilingual.pdf",  # Érudit: cover page, footnotes, licence lines
        "fr_taln_2010-037_ENCRYPTED_ownerpw.pdf",  # owner password, LaTeX fonts
        "en_bmc_hsr2014_2col_numeric.pdf",  # two columns, tables with rules
    ],
)
def test_chars_equal_pdfplumber_on_realworld_pages(name, tmp_path):
    copy = tmp_path / name
    copy.write_bytes((REALWORLD / name).read_bytes())
    pages = pdfplumber_view(copy)
    assert sum(len(ours[0]) for ours, _ in pages) > 10_000
    assert [ours for ours, _ in pages] == [theirs for _, theirs in pages]
