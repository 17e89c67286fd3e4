"""OCR for pages without a text layer: Tesseract (pytesseract) in French and English, after deskewing
and flattening the page's light.

A page is rendered by PDFium at 300 dpi, its skew measured (the angle whose
rotation makes the rows of ink sharpest, within ±5°) and undone, its uneven
light taken out (`flatten`: the shadow of a book's spine, a dark scanner edge,
which a black-and-white scan turns into speckle and fattened strokes), and
Tesseract reads it in fra+eng. Its words come back as the word dicts the layout
reads (layout.py: x0, x1, top, bottom in PDF points, a size per printed line), so
columns, running headers and hyphenation are decided as for born-digital pages.
Without Tesseract, `available()` is False and a scan stays without text, flagged
`needs_ocr` with the command that installs it (`INSTALL`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from pipeline.files import sha256_file

LANGUAGES = ("fra", "eng")
DPI = 300
MAX_SKEW = 5.0  # degrees either way
# `flatten`, in pixels at DPI: the paper's light is estimated on a grid of CELL x CELL pixels, as the
# PAPER-th percentile of the cells within WINDOW cells (about 5 mm: wider than a letter, narrower than a shadow)
BLUR = 1.2  # px: a black-and-white scan's speckle and jagged edges smoothed to grey
CELL, WINDOW, PAPER = 8, 7, 70
SHADED = 0.05  # paper darker than the page's own by this share: cleaned (ink kept, speckle dropped)
DEEP = 0.3  # this much darker: the strokes are fatter, and so are the specks (a wider opening)
ILLEGIBLE = 0.65  # this much darker: no legible text left, only noise (blanked)
INSTALL = "apt-get install tesseract-ocr tesseract-ocr-fra tesseract-ocr-eng"
WHY_MISSING = (
    "no text layer (a scan?): flagged needs_ocr; install Tesseract (OCR) to read it "
    f"(`{INSTALL}` on Debian/Ubuntu, `brew install tesseract tesseract-lang` on macOS) and run again"
)


@dataclass(frozen=True)
class OcrPage:
    """What Tesseract read on one page: its words (layout.py's word dicts) and their mean confidence (0-100)."""

    words: list[dict]
    confidence: float
    skew: float  # degrees the page was turned by before reading


@lru_cache(maxsize=1)
def available() -> bool:
    """Whether Tesseract and its French and English models are installed (and pytesseract importable)."""
    if shutil.which("tesseract") is None:
        return False
    try:
        import pytesseract

        langs = set(pytesseract.get_languages(config=""))
    except Exception:  # pytesseract missing, or a broken install
        return False
    return set(LANGUAGES) <= langs


def engine() -> str:
    """What reads scans on this machine, for the run manifest and the cache keys of scanned papers:
    "tesseract 5.3.0, eng <sha256 of eng.traineddata, 12 digits>, fra <...>", or "none" without Tesseract.

    The models are named by their content: installing Tesseract, or another version of it or of a
    language's model, makes a new key, so `rescorpus run` reads the scans again."""
    return _engine() if available() else "none"


@lru_cache(maxsize=1)
def _engine() -> str:
    import pytesseract

    listing = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True, check=False)
    found = re.search(r'"([^"]+)"', listing.stdout + listing.stderr)
    models = []
    for lang in sorted(LANGUAGES):
        path = Path(found.group(1)) / f"{lang}.traineddata" if found else None
        digest = sha256_file(path)[:12] if path is not None and path.is_file() else "?"
        models.append(f"{lang} {digest}")
    return ", ".join([f"tesseract {pytesseract.get_tesseract_version()}", *models])


def read_page(page, width: float, height: float) -> OcrPage:
    """OCR one PDFium page (see the module doc); `width` x `height` is the page in points as shown."""
    import pytesseract

    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # one thread: the same words every run, no oversubscribed cores
    scale = DPI / 72
    image = page.render(scale=scale, grayscale=True).to_pil().convert("L")
    skew = measure_skew(image)
    if skew:
        image = image.rotate(skew, resample=3, fillcolor=255)  # 3: bicubic
    image = flatten(image)
    data = pytesseract.image_to_data(
        image, lang="+".join(LANGUAGES), config="--psm 3", output_type=pytesseract.Output.DICT
    )
    return OcrPage(_words(data, scale), _confidence(data), skew)


def measure_skew(image) -> float:
    """The angle (degrees, counter-clockwise) that makes the text lines horizontal: the rotation whose
    row profile of ink varies most, searched coarse then fine, on a small copy of the page."""
    small = image.copy()
    small.thumbnail((800, 800))
    ink = np.asarray(small) < 128
    if ink.mean() < 0.001:
        return 0.0
    picture = small.point(lambda v: 255 if v < 128 else 0)  # ink white on black: rotation fills with 0

    def sharpness(angle: float) -> float:
        rows = np.asarray(picture.rotate(angle, resample=2)).sum(axis=1, dtype=np.float64)  # 2: bilinear
        return float(np.var(np.diff(rows)))

    best = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.01, 0.5), key=sharpness)
    best = max(np.arange(best - 0.5, best + 0.51, 0.1), key=sharpness)
    return round(float(best), 1) if abs(best) >= 0.2 else 0.0


def flatten(image):
    """A copy of the page (grey, "L") with its uneven light taken out, for Tesseract, whose binarisation is global.

    A page evenly lit is left as it is. Otherwise it is blurred by BLUR (a black-and-white scan's speckle turns to
    pale grey that the threshold drops), and where the paper is darker than the page's own (a spine's shadow, a
    dark edge) each pixel is compared with the paper's light around it: ink where it is under half of it, and only
    where it belongs to a solid stroke (a morphological opening: 2 px wide, 3 px in deep shadow, where the scan
    fattened strokes and specks alike); where the paper is nearly black, nothing is legible and it is blanked."""
    from PIL import Image, ImageFilter
    from scipy import ndimage  # only scans need it: kept out of the import of every run (0.2 s)

    grey = image.convert("L")
    cells = np.asarray(grey.reduce(CELL), dtype=np.float32)  # each cell's mean
    paper = ndimage.uniform_filter(ndimage.percentile_filter(cells, PAPER, size=WINDOW), size=WINDOW)
    light = max(float(np.percentile(paper, 95)), 1.0)  # the page's own paper
    shaded = paper < (1 - SHADED) * light
    if not shaded.any():
        return grey.copy()
    blurred = grey.filter(ImageFilter.GaussianBlur(BLUR))
    # only the boxes around shaded areas are worked on (a shadow is a band along an edge: a small part of the page)
    w, h = grey.size
    size = (paper.shape[1] * CELL, paper.shape[0] * CELL)
    full = np.asarray(Image.fromarray(paper).resize(size, Image.BILINEAR))
    out = np.array(blurred)
    labels, _ = ndimage.label(ndimage.binary_dilation(shaded))
    for rows, cols in ndimage.find_objects(labels):
        box = slice(rows.start * CELL, min(rows.stop * CELL, h)), slice(cols.start * CELL, min(cols.stop * CELL, w))
        around = full[box]
        shade = 1 - around / light
        ink = out[box] < 0.5 * np.maximum(around, 1.0)
        solid = np.where(
            shade > DEEP,
            ndimage.binary_opening(ink, structure=np.ones((3, 3), bool)),
            ndimage.binary_opening(ink, structure=np.ones((2, 2), bool)),
        )
        cleaned = np.where(solid & (shade <= ILLEGIBLE), 0, 255).astype(np.uint8)
        region = out[box]
        region[shade > SHADED] = cleaned[shade > SHADED]
    return Image.fromarray(out)


def _confidence(data: dict) -> float:
    confs = [float(c) for c, t in zip(data["conf"], data["text"]) if t.strip() and float(c) >= 0]
    return round(sum(confs) / len(confs), 1) if confs else 0.0


def _words(data: dict, scale: float) -> list[dict]:
    """Tesseract's words as layout word dicts, in points; each word's size is its printed line's height."""
    lines: dict[tuple[int, int, int], list[int]] = {}
    boxes: dict[tuple[int, int, int], tuple[int, int]] = {}  # Tesseract's line boxes (level 4): top, height
    for i, text in enumerate(data["text"]):
        key = (data["block_num"][i], data["par_num"][i], data["line_num"][i])
        if data["level"][i] == 4:
            boxes[key] = (data["top"][i], data["height"][i])
        elif text.strip() and float(data["conf"][i]) >= 0:
            lines.setdefault(key, []).append(i)
    words: list[dict] = []
    extents = {}
    for key, idx in lines.items():
        line_top = min(data["top"][i] for i in idx)
        extents[key] = boxes.get(key) or (line_top, max(data["top"][i] + data["height"][i] for i in idx) - line_top)
    common = float(np.median([h for _, h in extents.values()])) if extents else 0.0
    for key in sorted(lines):
        idx = lines[key]
        top, height = extents[key]
        # A line box runs from ascenders to descenders, about the font size: lines within a fifth of the
        # page's commonest height are set in its size (a line without descenders is not smaller type).
        size = round(2 * (common if abs(height - common) <= 0.2 * common else height) / scale) / 2 or 1.0
        for i in idx:  # every word as tall as its line: Tesseract's lines stay the layout's rows
            x0 = data["left"][i] / scale
            words.append(
                {
                    "text": data["text"][i],
                    "x0": x0,
                    "x1": x0 + data["width"][i] / scale,
                    "top": (top + 0.2 * height) / scale,  # the line's middle: a slant left by the scan
                    "bottom": (top + 0.8 * height) / scale,  # does not chain it to its neighbours
                    "doctop": (top + 0.2 * height) / scale,
                    "upright": True,
                    "fontname": "OCR",
                    "size": size,
                    "spaced": True,  # a word of its own: a space before it on its line
                    "conf": float(data["conf"][i]),  # Tesseract's confidence in the word, 0-100
                }
            )
    return words
