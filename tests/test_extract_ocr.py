"""OCR of pages without a text layer (pipeline/extract/ocr.py): Tesseract in fra+eng after deskewing, its words
through the same layout; without Tesseract a scan is flagged needs_ocr with the command that installs it.

The scanned fixture is French text written here, drawn on an A4 page image at 300 dpi, turned by 1.5 degrees
and embedded as the page's only image (tests/render.py `render_scan`). The shaded fixtures are English text written
here, scanned to black and white with a book's spine shadow along one edge (`render_shaded_scan`).
"""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from render import render_scan, render_shaded_scan

from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.extract import extract, ocr
from pipeline.extract.pdf import read_pdf
from pipeline.run.runner import run

REALWORLD = Path(__file__).resolve().parents[2] / "shared" / "realworld" / "pdfs"
SCANNED = "en_SCANNED_conference_abstract_imageonly.pdf"
FRENCH = [
    "Les coopératives agricoles du Maroc ont traversé la sécheresse de 2016 grâce à la mutualisation des "
    "équipements, à l'entraide entre leurs membres et au soutien des unions régionales. Les entretiens menés "
    "auprès de quarante coopératrices montrent que la confiance accumulée pendant des années de travail commun "
    "a permis de partager les pertes sans vendre les terres.",
    "Cette résilience tient d'abord à la gouvernance démocratique : chaque membre dispose d'une voix, quelle que "
    "soit sa part du capital, et les décisions difficiles sont prises en assemblée générale. Elle tient ensuite "
    "à la réserve impartageable, qui protège l'entreprise contre la tentation de la démutualisation.",
    "Nous concluons que les politiques publiques devraient renforcer les réseaux de coopératives plutôt que "
    "financer des projets isolés, et former les dirigeantes élues à la gestion financière.",
]

ENGLISH = [
    "Housing cooperatives in Montreal kept their rents below the market through the nineties because members "
    "voted each year on the budget and did the upkeep themselves. The archive of their general meetings shows "
    "how a small reserve, set aside in good years, paid for the roofs when the winter of 1998 broke them.",
    "The federation lent money to the weakest of them at no interest, and its staff trained new boards in "
    "bookkeeping. Members we met spoke of solidarity less than of habit: the meeting came every spring, "
    "and people went.",
]


def words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d+", text.casefold().replace("’", "'"))


def recall(expected: str, got: str) -> float:
    """The share of the expected words found in the text read, counted with their repetitions."""
    pool: dict[str, int] = {}
    for w in words(got):
        pool[w] = pool.get(w, 0) + 1
    hit = 0
    for w in words(expected):
        if pool.get(w, 0) > 0:
            pool[w] -= 1
            hit += 1
    return hit / len(words(expected))


@pytest.fixture
def scan(tmp_path) -> Path:
    return render_scan(tmp_path / "scan-fr.pdf", FRENCH, angle=1.5)


def test_ocr_measures_the_skew_it_undoes(tmp_path, tesseract):
    import pypdfium2 as pdfium

    for angle in (1.5, -2.0):
        doc = pdfium.PdfDocument(str(render_scan(tmp_path / f"s{angle}.pdf", FRENCH, angle=angle)))
        image = doc[0].render(scale=ocr.DPI / 72, grayscale=True).to_pil().convert("L")
        assert ocr.measure_skew(image) == pytest.approx(-angle, abs=0.3)
        doc.close()


def test_ocr_scanned_french_page_reads_as_text_in_french(scan, tesseract):
    extracted = extract(scan)
    assert extracted.has_text_layer is False  # the PDF has none: the text is Tesseract's
    assert recall(" ".join(FRENCH), extracted.text) >= 0.95
    assert max(extracted.languages, key=extracted.languages.get) == "fr"
    assert [p for p, _ in extracted.ocr_pages] == [1] and extracted.ocr_pages[0][1] >= 80
    assert extracted.flags == ("ocr",)
    assert extracted.to_json()["ocr"] == [{"page": 1, "confidence": extracted.ocr_pages[0][1]}]
    paragraphs = [extracted.text[p.start : p.end] for p in extracted.paragraphs]
    assert len(paragraphs) == 3 and paragraphs[0].startswith("Les coopératives agricoles")  # the layout's blocks


@pytest.mark.parametrize("side", ["right", "left"])
def test_ocr_shaded_scan_reads_the_words_in_the_spine_shadow(tmp_path, tesseract, side):
    """A black-and-white scan of a book's page: the spine's shadow darkens the last words of every line (the first,
    on a left-hand page) into speckle and fattened strokes; they are read all the same, and no noise comes out as words."""
    shaded = render_shaded_scan(tmp_path / f"shaded-{side}.pdf", ENGLISH, side=side, floor=0.2, angle=-1.0, seed=7)
    text = extract(shaded).text
    assert recall(" ".join(ENGLISH), text) >= 0.95
    assert recall(text, " ".join(ENGLISH)) >= 0.95  # precision: the speckle is not read as words


def test_ocr_flatten_leaves_an_evenly_lit_page_as_it_is_and_blanks_a_black_edge():
    from PIL import Image, ImageDraw

    page = Image.new("L", (800, 400), 255)
    ImageDraw.Draw(page).rectangle((100, 100, 300, 110), fill=0)  # a stroke on white paper
    before = page.tobytes()
    flat = np.asarray(ocr.flatten(page))
    assert page.tobytes() == before  # a new image: the page is left as rendered
    assert (flat == np.asarray(page)).all()  # evenly lit: left as it is
    edge = page.copy()
    ImageDraw.Draw(edge).rectangle((600, 0, 800, 400), fill=0)  # beyond the paper: the scanner's black lid
    flat = np.asarray(ocr.flatten(edge))
    assert (flat[:, 680:] == 255).all() and flat[105, 200] < 60


def test_ocr_deterministic(scan, tesseract):
    assert read_pdf(scan) == read_pdf(scan)


def test_ocr_without_tesseract_a_scan_is_flagged_with_the_command(scan, tmp_path, monkeypatch):
    monkeypatch.setattr(ocr, "available", lambda: False)
    source = read_pdf(scan)
    assert source.blocks == () and source.has_text_layer is False and source.ocr_pages == ()
    result = add_paper(tmp_path / "corpus", scan)
    assert result.flags == ("needs_ocr",)
    assert any(ocr.INSTALL in m for m in result.messages)


def test_ocr_add_flags_a_scan_ocr_when_tesseract_reads_it(scan, tmp_path, tesseract):
    result = add_paper(tmp_path / "corpus", scan)
    assert result.flags == ("ocr",)
    assert any("Tesseract" in m for m in result.messages)


def test_ocr_add_reads_a_scans_title_authors_and_language_from_its_first_page(tmp_path, tesseract):
    # a scholar drops in a scanned paper with no flags: its title block is read as a born-digital one's is
    pdf = render_scan(tmp_path / "scan.pdf", FRENCH, angle=1.5, title="La résilience des coopératives agricoles marocaines",
                      byline="Amina Benali et Karim Tazi")
    result = add_paper(tmp_path / "corpus", pdf)
    paper = json.loads((result.path / "paper.json").read_text(encoding="utf-8"))
    assert paper["title"] == "La résilience des coopératives agricoles marocaines"
    assert [a["family"] for a in paper["author"]] == ["Benali", "Tazi"]
    assert paper["language"] == "fr"
    assert paper["custom"]["rescorpus"]["read"]["title"] == "first page"


@pytest.mark.slow
@pytest.mark.realworld
def test_ocr_scanned_fixture_and_realworld_scan_in_one_run(scan, tmp_path, tesseract):
    """`rescorpus run` over the fixture and the realworld scan: both come out as text, each in its language."""
    corpus = tmp_path / "corpus"
    add_paper(corpus, scan, paper_id="scan-fr")
    if not (REALWORLD / SCANNED).exists():
        pytest.skip(f"real-world PDFs not found at {REALWORLD}")
    copy = tmp_path / SCANNED
    shutil.copyfile(REALWORLD / SCANNED, copy)
    add_paper(corpus, copy, paper_id="scan-en")
    out = tmp_path / "out"
    result = run(corpus, out, Config())
    assert not result.failed and sorted(result.processed) == ["scan-en", "scan-fr"]
    fr = (out / "text" / "scan-fr.txt").read_text(encoding="utf-8")
    assert recall(" ".join(FRENCH), fr) >= 0.95
    en = (out / "text" / "scan-en.txt").read_text(encoding="utf-8")
    assert "Hydrogen incorporation in a-Si:H" in en and "Eindhoven University of Technology" in en
    for paper_id, lang in (("scan-fr", "fr"), ("scan-en", "en")):
        structure = json.loads((out / "text" / f"{paper_id}.json").read_text(encoding="utf-8"))
        assert max(structure["languages"], key=structure["languages"].get) == lang
        assert "ocr" in structure["flags"] and structure["ocr"][0]["page"] == 1
    status = {row["id"]: row for row in json.loads((out / "papers.json").read_text(encoding="utf-8"))}
    assert status["scan-fr"]["flags"] == ["ocr"] and status["scan-en"]["flags"] == ["ocr"]


def test_ocr_installing_tesseract_reads_again_a_scan_added_without_it(scan, tmp_path, monkeypatch, tesseract):
    """The OCR engine and its models are in a scan's cache key and in the manifest: a paper added (and run) while
    Tesseract was missing is read again once it is installed, then kept while nothing changes."""
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    monkeypatch.setattr(ocr, "available", lambda: False)  # a machine without Tesseract
    assert add_paper(corpus, scan, paper_id="scan-fr").flags == ("needs_ocr",)
    first = run(corpus, out, Config())
    assert first.processed == ["scan-fr"]
    assert (out / "text" / "scan-fr.txt").read_text(encoding="utf-8").strip() == ""
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["versions"]["ocr"] == "none"

    monkeypatch.undo()  # Tesseract installed: the paper's flag in paper.json still says needs_ocr
    second = run(corpus, out, Config())
    assert second.processed == ["scan-fr"] and second.cached == []
    assert recall(" ".join(FRENCH), (out / "text" / "scan-fr.txt").read_text(encoding="utf-8")) >= 0.95
    engine = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["versions"]["ocr"]
    assert engine == ocr.engine()
    assert re.fullmatch(r"tesseract \d+\.\d+[\w.-]*, eng [0-9a-f]{12}, fra [0-9a-f]{12}", engine), engine

    third = run(corpus, out, Config())
    assert third.processed == [] and third.cached == ["scan-fr"]


def test_ocr_engine_leaves_the_keys_of_born_digital_papers_alone(tmp_path, monkeypatch):
    """Only a scan's key names the OCR engine: installing Tesseract does not make a run redo every paper."""
    from render import render_pdf

    from pipeline.corpus.papers import load_paper
    from pipeline.run.papers import paper_key

    text = "Les coopératives coréennes ont résisté à la crise grâce à leurs réseaux. " * 20
    add_paper(tmp_path / "corpus", render_pdf(tmp_path / "p.pdf", [[text]]), paper_id="digital")
    paper = load_paper(tmp_path / "corpus", "digital")
    scanned = dataclasses.replace(paper, flags=("needs_ocr",))
    monkeypatch.setattr(ocr, "engine", lambda: "none")
    before, scan_before = paper_key(paper, "cfg"), paper_key(scanned, "cfg")
    monkeypatch.setattr(ocr, "engine", lambda: "tesseract 9.9, eng 000000000000, fra 000000000000")
    assert paper_key(paper, "cfg") == before
    assert paper_key(scanned, "cfg") != scan_before
