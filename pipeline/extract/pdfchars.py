"""A page's characters from PDFium (pypdfium2): text, box, font name, size and baseline, read once per page.

The chars come out as the dicts pdfplumber's `extract_words` reads (CHAR_KEYS of
pageobjects.py) in pdfplumber's own geometry: x from the page's left edge, `top`
and `bottom` from its top, a box as wide as the glyph's advance and as tall as
its font size above the descender (pdfminer's box), plus `baseline` (the
origin's distance from the top). Characters PDFium generates (spaces and line
breaks it infers) are left out, as pdfminer never made them; printed spaces stay.

PDFium decodes what pdfminer garbles (Type 3 fonts with no ToUnicode, accents of
old TeX fonts). A glyph it cannot map to Unicode is decided per font by
glyphmap.py: its PDFium guess, its name in the embedded font program, or, when
neither means anything, left out of the text, its page counted in `unmapped`.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipeline.extract.glyphmap import FontDecoder

HYPHEN_CODE = 0x02  # PDFium's code for a hyphen that ends a line
PATH_OBJECT = raw.FPDF_PAGEOBJ_PATH


@dataclass
class PageChars:
    """One page as PDFium reads it: its chars, how many ruling paths it draws, glyphs it could not decode."""

    number: int
    width: float
    height: float
    chars: list[dict]
    paths: int  # subpaths drawn: lines, rects, curves (a table's rules among them); at least pdfminer's count
    unmapped: int = 0  # glyphs with no usable Unicode, left out of `chars`
    images: int = 0  # image objects (a scanned page is one big image)


@dataclass
class _Fonts:
    """Decoders per font handle of the document, so each font is judged once."""

    by_handle: dict[int, FontDecoder] = field(default_factory=dict)

    def decoder(self, text_page, index: int) -> FontDecoder:
        obj = raw.FPDFText_GetTextObject(text_page, index)
        font = raw.FPDFTextObj_GetFont(obj)
        key = ctypes.cast(font, ctypes.c_void_p).value or 0
        found = self.by_handle.get(key)
        if found is None:
            found = self.by_handle[key] = FontDecoder.of(font)
        return found


def open_document(path, password: str | None = None) -> pdfium.PdfDocument:
    return pdfium.PdfDocument(str(path), password=password or None)


def read_document(path, password: str | None = None) -> list[PageChars]:
    """Every page's chars, in page order."""
    doc = open_document(path, password)
    try:
        fonts = _Fonts()
        return [read_page(doc, i, fonts) for i in range(len(doc))]
    finally:
        doc.close()


def read_page(doc: pdfium.PdfDocument, index: int, fonts: _Fonts | None = None) -> PageChars:
    """One page's chars (see the module doc), its path and image counts."""
    fonts = fonts or _Fonts()
    page = doc[index]
    try:
        return _read(page, index + 1, fonts)
    finally:
        page.close()


def _read(page, number: int, fonts: _Fonts) -> PageChars:
    view = _View(page.get_bbox(), page.get_rotation())
    paths = images = 0
    for obj in page.get_objects(max_depth=15):  # into form XObjects, as pdfminer goes
        if obj.type == PATH_OBJECT:
            paths += _subpaths(obj.raw)
        elif obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            images += 1
    text_page = page.get_textpage()
    chars: list[dict] = []
    unmapped = 0
    try:
        n = raw.FPDFText_CountChars(text_page)
        lft, rgt, btm, tp = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        box = raw.FS_RECTF()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        name = ctypes.create_string_buffer(256)
        flags = ctypes.c_int()
        matrix = raw.FS_MATRIX()
        width = ctypes.c_float()
        font_of: dict[int, tuple[str, object]] = {}  # text object -> font name, font handle
        descents: dict[tuple[int, float], float] = {}
        copyright_next = False
        for i in range(n):
            if raw.FPDFText_IsGenerated(text_page, i):
                continue
            code = raw.FPDFText_GetUnicode(text_page, i)
            if copyright_next:
                text, copyright_next = "\u00a9", False
            elif code == HYPHEN_CODE and raw.FPDFText_IsHyphen(text_page, i) == 1:
                text = "-"
            elif raw.FPDFText_HasUnicodeMapError(text_page, i) == 1 or _control(code):
                text = fonts.decoder(text_page, i).text(code)
                if text is None:
                    unmapped += 1
                    continue
                if text == "\u00a9" and i + 1 < n and chr(raw.FPDFText_GetUnicode(text_page, i + 1)) in "cC":
                    copyright_next = True  # TeX's © is a big circle with a "c" printed in it: "©" where the "c" is
                    continue
            else:
                text = chr(code)
            raw.FPDFText_GetLooseCharBox(text_page, i, box)
            raw.FPDFText_GetCharOrigin(text_page, i, ox, oy)
            raw.FPDFText_GetMatrix(text_page, i, matrix)
            a, b, c, d = view.turn(matrix.a, matrix.b) + view.turn(matrix.c, matrix.d)
            font_size = raw.FPDFText_GetFontSize(text_page, i)
            size = font_size * math.hypot(c, d)  # the text matrix scales the font
            upright = abs(b) < 1e-6 and abs(c) < 1e-6 and a > 0 and d > 0
            handle = _text_object_key(text_page, i)
            font = font_of.get(handle)
            if font is None:
                raw.FPDFText_GetFontInfo(text_page, i, name, 256, flags)
                font = font_of[handle] = (
                    name.value.decode("latin-1"), raw.FPDFTextObj_GetFont(raw.FPDFText_GetTextObject(text_page, i))
                )
            x, baseline = view.point(ox.value, oy.value)
            ligature = None  # upright chars: the end of PDFium's loose box
            if upright:  # pdfminer's box: the advance wide, the font size tall from the font's descent down
                bottom = baseline - _descent(descents, font[1], size, -size / 4)
                advance = view.advance(box, ox.value, oy.value)  # PDFium's loose box: at least the glyph's ink
                ligature = x + advance  # where the glyph ends, if it is a ligature's (its parts share an origin)
                if raw.FPDFFont_GetGlyphWidth(font[1], code, font_size, width) and width.value > 0:
                    glyph = width.value * math.hypot(a, b)  # the font's /Widths: where the next glyph starts
                    advance = glyph if glyph <= 1.5 * advance else advance
                x0, x1, top = x, x + advance, bottom - size
            else:
                raw.FPDFText_GetCharBox(text_page, i, lft, rgt, btm, tp)
                (p0, q0), (p1, q1) = view.point(lft.value, btm.value), view.point(rgt.value, tp.value)
                x0, x1, top, bottom = min(p0, p1), max(p0, p1), min(q0, q1), max(q0, q1)
                size = max(x1 - x0, bottom - top)
            chars.append(
                {
                    "text": text,
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": bottom,
                    "doctop": top,
                    "upright": upright,
                    "fontname": font[0],
                    "size": round(size, 4),
                    "baseline": baseline,
                    "_end": ligature,
                }
            )
    finally:
        text_page.close()
    _split_ligatures(chars)
    _clamp_advances(chars)
    return PageChars(number, view.width, view.height, chars, paths, unmapped, images)


@dataclass(frozen=True)
class _View:
    """The page as shown: its box and /Rotate; user space -> x from the left, y from the top (pdfplumber's)."""

    box: tuple[float, float, float, float]  # left, bottom, right, top in user space
    rotation: int  # 0, 90, 180, 270 (clockwise)

    @property
    def width(self) -> float:
        l, b, r, t = self.box
        return (t - b) if self.rotation in (90, 270) else (r - l)

    @property
    def height(self) -> float:
        l, b, r, t = self.box
        return (r - l) if self.rotation in (90, 270) else (t - b)

    def point(self, x: float, y: float) -> tuple[float, float]:
        l, b, r, t = self.box
        if self.rotation == 90:
            return y - b, x - l
        if self.rotation == 180:
            return r - x, y - b
        if self.rotation == 270:
            return t - y, r - x
        return x - l, t - y

    def turn(self, vx: float, vy: float) -> tuple[float, float]:
        """A direction in user space as seen on the shown page (y up)."""
        if self.rotation == 90:
            return vy, -vx
        if self.rotation == 180:
            return -vx, -vy
        if self.rotation == 270:
            return -vy, vx
        return vx, vy

    def advance(self, box, ox: float, oy: float) -> float:
        """How far the loose box runs from the origin along the (shown upright) baseline."""
        if self.rotation == 90:
            return box.top - oy
        if self.rotation == 180:
            return ox - box.left
        if self.rotation == 270:
            return oy - box.bottom
        return box.right - ox


def _descent(cache: dict, font, size: float, fallback: float) -> float:
    """The font's descent at `size` (its FontDescriptor's, as pdfminer reads it), below the baseline (< 0)."""
    key = (ctypes.cast(font, ctypes.c_void_p).value or 0, size)
    found = cache.get(key)
    if found is None:
        value = ctypes.c_float()
        found = cache[key] = value.value if raw.FPDFFont_GetDescent(font, ctypes.c_float(size), value) else fallback
    return found


def _split_ligatures(chars: list[dict]) -> None:
    """Chars drawn by one ligature glyph ("ffi") share its origin: each takes an even share of the glyph's box."""
    i = 0
    while i < len(chars):
        j = i + 1
        while j < len(chars) and (chars[j]["x0"], chars[j]["baseline"]) == (chars[i]["x0"], chars[i]["baseline"]):
            j += 1
        ends = [c["_end"] for c in chars[i:j] if c["_end"] is not None]
        if j - i > 1 and ends:
            x0, step = chars[i]["x0"], (max(ends) - chars[i]["x0"]) / (j - i)
            for k, c in enumerate(chars[i:j]):
                c["x0"], c["x1"] = x0 + k * step, x0 + (k + 1) * step
        i = j
    for c in chars:
        del c["_end"]


def _clamp_advances(chars: list[dict]) -> None:
    """A glyph ends where the next one on its baseline starts: a font's /Widths wider than the
    glyph's advance (a ligature from another font) would overlap the next letter and cut the word."""
    for a, b in zip(reversed(chars[:-1]), reversed(chars[1:])):  # from the end: a ligature's parts share its end
        if abs(a["baseline"] - b["baseline"]) < 0.01:
            if a["x0"] < b["x0"] < a["x1"]:
                a["x1"] = b["x0"]
            elif a["x0"] == b["x0"]:
                a["x1"] = min(a["x1"], b["x1"])


def _subpaths(path) -> int:
    """How many pieces pdfminer makes of a path object (one per move-to): lines and rects are counted from these."""
    n = raw.FPDFPath_CountSegments(path)
    if n <= 2:
        return 1
    moves = sum(
        1 for i in range(n) if raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(path, i)) == raw.FPDF_SEGMENT_MOVETO
    )
    return max(1, moves)


def _text_object_key(text_page, index: int) -> int:
    return ctypes.cast(raw.FPDFText_GetTextObject(text_page, index), ctypes.c_void_p).value or 0


def _control(code: int) -> bool:
    """A code with no glyph meaning: C0/C1 controls, surrogates, non-characters."""
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF)
