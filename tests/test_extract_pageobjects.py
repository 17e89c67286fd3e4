"""The reader's page objects (pipeline/extract/pageobjects.py) are pdfplumber's own: the same chars key for
key and in order, the same edges, the same tables. The words, and so the text, cannot differ from what
pdfplumber's full object pass would give."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import RectangleObject
from render import render_pdf, render_table_page

from pipeline.extract.pdffile import open_pdf
from pipeline.extract.pageobjects import CHAR_KEYS, read_objects

TEXT = "Les coopératives coréennes ont résisté à la crise grâce à leurs réseaux et à la formation des membres. " * 12


def both_views(path: Path) -> list[tuple[tuple, tuple]]:
    """Per page: (chars, ruling count, edges, tables) as read by pageobjects, and as pdfplumber gives them."""
    pages = []
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            ours = read_objects(page)
            mine = (ours.chars, ours.ruling, ours.edges, [(t.bbox, t.cells) for t in ours.find_tables()])
            theirs = (
                [{k: c[k] for k in CHAR_KEYS} for c in page.chars],
                len(page.lines) + len(page.rects),
                page.edges,
                [(t.bbox, t.cells) for t in page.find_tables()],
            )
            pages.append((mine, theirs))
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


def test_objects_equal_pdfplumber_on_text_tables_and_shifted_pages(tmp_path):
    text = render_pdf(tmp_path / "text.pdf", [[TEXT, TEXT], [TEXT]])
    table = render_table_page(tmp_path / "table.pdf", TEXT, [["Pays", "Membres"], ["Corée", "2 000 000"]], TEXT)
    for path in (text, table, shifted_mediabox(text, tmp_path / "shifted.pdf"), shifted_mediabox(table, tmp_path / "t.pdf")):
        pages = both_views(path)
        assert pages and all(mine[0] for mine, _ in pages)  # text was read
        for mine, theirs in pages:
            assert mine == theirs
    (chars, ruling, edges, tables), _ = both_views(table)[0]
    assert ruling >= 4 and len(tables) == 1 and len(tables[0][1]) == 4  # the grid: one table of 2 x 2 cells


@pytest.mark.realworld
@pytest.mark.parametrize(
    "name",
    [
        "fr_erudit_criminologie_maruna2020_bilingual.pdf",  # Érudit: cover page, footnotes, licence lines
        "fr_taln_2010-037_ENCRYPTED_ownerpw.pdf",  # owner password, LaTeX fonts
        "en_bmc_hsr2014_2col_numeric.pdf",  # two columns, tables with rules
    ],
)
def test_objects_equal_pdfplumber_on_realworld_pages(name, realworld, tmp_path):
    copy = tmp_path / name
    copy.write_bytes((realworld / "pdfs" / name).read_bytes())
    pages = both_views(copy)
    assert sum(len(mine[0]) for mine, _ in pages) > 10_000
    assert [mine for mine, _ in pages] == [theirs for _, theirs in pages]
