"""Characters from PDFium (pipeline/extract/pdfchars.py, glyphmap.py): every glyph decoded or flagged, never "(cid:".

The realworld PDFs are the ones pdfminer garbled: "(cid:N)" codes in four of them and the accents of
the RECITAL 2012 paper ("mØningiome", "Aoßt"); poppler's pdftotext is the reference for that paper's accents.
"""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pytest

from pipeline.extract import extract
from pipeline.extract.glyphmap import glyph_text
from pipeline.extract.pdf import read_pdf
from pipeline.extract.pdfchars import read_document

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld"
needs_realworld = pytest.mark.skipif(not (REALWORLD / "pdfs").is_dir(), reason="../shared/realworld is absent")
RECITAL = "fr_taln_recital2012-017_emotion_forums.pdf"
PASSWORDS = {"en_ENCRYPTED_userpw_test_nonacademic.pdf": "test"}
# What pdfminer made of accents: "Ø" for "é" inside a word ("mØningiome"; a name may start with Ø: "Østbye"),
# "ß" for "û" ("Aoßt"), stray replacement and control chars.
MISDECODED = re.compile(r"[a-zà-ÿ]Ø|[a-zà-ÿ]ß[a-z]|\ufffd|[\x00-\x08\x0b-\x1f\x7f-\x9f]|\(cid:\d+\)")
ACCENTED = re.compile(r"\b\w*[à-öø-ÿœ]\w*\b")


def readable_realworld() -> list[str]:
    """The realworld PDFs with a text layer that open (the manifest's broken and scanned ones left out)."""
    if not (REALWORLD / "MANIFEST.tsv").exists():
        return []
    with open(REALWORLD / "MANIFEST.tsv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [r["file"] for r in rows if not re.search(r"BROKEN|SCANNED", r["file"])]


@pytest.mark.realworld
@needs_realworld
@pytest.mark.parametrize("name", readable_realworld())
def test_pdfchars_realworld_text_has_no_cid_and_no_misdecoded_accent(name):
    text = extract(REALWORLD / "pdfs" / name, password=PASSWORDS.get(name)).text
    assert len(text) > 2000
    assert "(cid:" not in text
    assert MISDECODED.findall(text) == []


@pytest.mark.realworld
@needs_realworld
@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (Debian poppler-utils) is not installed")
def test_pdfchars_recital_accented_words_are_pdftotexts():
    path = REALWORLD / "pdfs" / RECITAL
    poppler = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True)
    theirs = set(ACCENTED.findall(unicodedata.normalize("NFC", poppler.stdout)))
    ours_text = extract(path).text
    ours = set(ACCENTED.findall(ours_text))
    assert len(theirs) > 300  # the paper is French: hundreds of accented word forms
    found = theirs & ours
    assert len(found) >= 0.97 * len(theirs), sorted(theirs - ours)[:40]
    for word in ("méningiome", "Août", "entrée", "à", "être", "définie"):
        assert word in ours, word


@pytest.mark.realworld
@needs_realworld
def test_pdfchars_symbol_fonts_decoded_from_their_glyph_names():
    """TeX's CMSY has no Unicode map: its glyph names ("circlecopyrt", "bardbl") in the embedded program decide."""
    text = extract(REALWORLD / "pdfs" / "en_acl2020_specter_2col.pdf").text
    assert "©2020 Association for Computational Linguistics" in text.replace("© 2020", "©2020")
    assert "‖" in text


@pytest.mark.realworld
@needs_realworld
def test_pdfchars_undecodable_glyphs_left_out_per_font_and_their_pages_flagged():
    """BMC's list bullets come from a one-glyph font whose glyph is named "C15": nothing to decode, so the
    bullets are left out and pages 2 and 3 flagged; the other fonts of those pages read as ever."""
    source = read_pdf(REALWORLD / "pdfs" / "en_bmc_hsr2014_2col_numeric.pdf")
    assert source.undecoded_pages == (2, 3)
    page2 = [b.text for b in source.blocks if b.page == 2]
    assert sum(len(t) for t in page2) > 3000
    extracted = extract(REALWORLD / "pdfs" / "en_bmc_hsr2014_2col_numeric.pdf")
    assert extracted.flags == ("undecoded_glyphs:p2,p3",)
    assert extracted.to_json()["flags"] == ["undecoded_glyphs:p2,p3"]


def test_glyphmap_names_to_text():
    assert glyph_text("eacute") == "é"
    assert glyph_text("uni00E9") == "é"
    assert glyph_text("circlecopyrt") == "©"
    assert glyph_text("parenleftBig") == "("
    assert glyph_text("bardbl") == "‖"
    assert glyph_text("c142") is None and glyph_text("SI") is None and glyph_text(".notdef") is None


def test_pdfchars_boxes_and_baselines_on_a_rendered_page(tmp_path):
    """Every char has pdfplumber's geometry: the box a font size tall above the descender, the baseline inside it."""
    from render import render_pdf

    path = render_pdf(tmp_path / "p.pdf", [["Les coopératives coréennes ont résisté à la crise."]], header="Revue")
    (page,) = read_document(path)
    text = "".join(c["text"] for c in page.chars)
    assert "Lescoopérativescoréennesontrésistéàlacrise." in text
    for c in page.chars:
        assert c["upright"] and c["x0"] < c["x1"]
        assert c["bottom"] - c["top"] == pytest.approx(c["size"], abs=0.01)
        assert c["top"] < c["baseline"] < c["bottom"]


def test_rules_tables_found_without_pdfminer_parsing_a_page(tmp_path, monkeypatch):
    """The table finder runs on PDFium's ruled edges: pdfminer never interprets a page, and the grid is found."""
    from pdfminer.pdfinterp import PDFPageInterpreter
    from render import render_pdf, render_table_page

    parsed: list[object] = []
    real = PDFPageInterpreter.process_page
    monkeypatch.setattr(PDFPageInterpreter, "process_page", lambda self, page: parsed.append(page) or real(self, page))
    text = "Les coopératives coréennes ont résisté à la crise grâce à leurs réseaux. " * 12
    plain = render_pdf(tmp_path / "plain.pdf", [[text], [text]], header="Revue", footnotes=[["1 Une note."], []])
    assert read_pdf(plain).tables == ()
    table = render_table_page(tmp_path / "table.pdf", text, [["Pays", "Membres"], ["Corée", "2 000 000"]], text)
    found = read_pdf(table).tables
    assert len(found) == 1 and found[0].rows == (("Pays", "Membres"), ("Corée", "2 000 000"))
    assert parsed == []


def _plumber_tables(page) -> list[tuple]:
    """pdfplumber's own tables of a page (pdfminer's edges), of 2 rows or more with a row of 2 cells or more."""
    return [(t.bbox, [r.cells for r in t.rows]) for t in page.find_tables()
            if len(t.rows) >= 2 and max(len(r.cells) for r in t.rows) >= 2]


def _same_tables(ours, theirs) -> bool:
    """The same tables, cells and boxes, to PDFium's 32-bit float precision."""
    def near(a, b):
        return a is b if a is None or b is None else all(abs(x - y) < 1e-3 for x, y in zip(a, b))

    return len(ours) == len(theirs) and all(
        near(t.bbox, bbox) and len(t.rows) == len(rows)
        and all(len(r) == len(s) and all(near(c, d) for c, d in zip(r, s)) for r, s in zip(t.rows, rows))
        for t, (bbox, rows) in zip(ours, theirs)
    )


def test_rules_tables_are_pdfplumbers_on_rendered_grids(tmp_path):
    import pdfplumber
    from render import render_table_page

    text = "Les coopératives coréennes ont résisté à la crise grâce à leurs réseaux. " * 6
    rows = [["Pays", "Membres", "Part"], ["Corée", "2 000 000", "12 %"], ["Kenya", "14 000", "3 %"]]
    path = render_table_page(tmp_path / "t.pdf", text, rows, text)
    ours = read_document(path)
    with pdfplumber.open(path) as pdf:
        theirs = [_plumber_tables(page) for page in pdf.pages]
    assert [len(t) for t in theirs] == [1]
    assert all(_same_tables(page.tables, t) for page, t in zip(ours, theirs))


@pytest.mark.realworld
@needs_realworld
def test_rules_tables_are_pdfplumbers_on_realworld_pages():
    """On every realworld page, PDFium's edges give the tables pdfplumber's finder gives on pdfminer's."""
    import pdfplumber

    checked = 0
    for name in readable_realworld():
        path, password = REALWORLD / "pdfs" / name, PASSWORDS.get(name)
        ours = read_document(path, password)
        with pdfplumber.open(path, password=password or "") as pdf:
            for page, mine in zip(pdf.pages, ours):
                theirs = _plumber_tables(page)
                checked += bool(theirs)
                assert _same_tables(mine.tables, theirs), (name, page.page_number)
    assert checked >= 10  # pages with ruled tables among them (TALN, the Érudit book chapter)
