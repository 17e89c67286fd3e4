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
from pipeline.extract.rules import may_hold_table

HYPHEN_CODE = 0x02  # PDFium's code for a hyphen that ends a line
GENERATED_CODES = frozenset((0x20, 0x0A, 0x0D, 0x02))  # what PDFium adds: spaces, line breaks
PATH_OBJECT = raw.FPDF_PAGEOBJ_PATH


@dataclass
class PageChars:
    """One page as PDFium reads it: its chars, how many ruling paths it draws, glyphs it could not decode."""

    number: int
    width: float
    height: float
    chars: list[dict]
    paths: int  # 1 when the page's ruled edges (rules.py) may hold a table of 2 x 2 cells, else 0
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
    paths, images = _count_objects(page.raw)
    if paths >= 2:  # enough rules each way for a cell: does pdfplumber's finder see a table in them?
        paths = int(may_hold_table(page.raw, view.point, view.width, view.height))
    text_page = page.get_textpage()
    chars: list[dict] = []
    unmapped = 0
    get_unicode, get_object = raw.FPDFText_GetUnicode, raw.FPDFText_GetTextObject
    get_matrix, get_size, get_box = raw.FPDFText_GetMatrix, raw.FPDFText_GetFontSize, raw.FPDFText_GetLooseCharBox
    map_error, get_origin = raw.FPDFText_HasUnicodeMapError, raw.FPDFText_GetCharOrigin
    try:
        n = raw.FPDFText_CountChars(text_page)
        lft, rgt, btm, tp = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        box = raw.FS_RECTF()
        matrix = raw.FS_MATRIX()
        ox, oy = ctypes.c_double(), ctypes.c_double()
        fonts_of: dict[int, _Font] = {}  # text object -> its font
        by_handle: dict[int, _Font] = {}  # font -> its name, descent and widths, read once per page
        turned = view.rotation != 0
        copyright_next = False
        codes = _codes(text_page, n)
        ends: list[float | None] = []  # per char kept: where its glyph ends (a ligature's parts share one)
        for i in range(n):
            code = codes[i] if codes is not None else 0xFFFE
            if code == 0xFFFE:  # GetText's stand-in for a line-end hyphen (its code is HYPHEN_CODE)
                code = get_unicode(text_page, i)
            if code in GENERATED_CODES and raw.FPDFText_IsGenerated(text_page, i):
                continue
            obj = get_object(text_page, i)
            key = _address(obj)
            font = fonts_of.get(key)
            if font is None:  # a new text object: its font may be known from another one
                handle = raw.FPDFTextObj_GetFont(obj)
                font = by_handle.get(_address(handle))
                if font is None:
                    font = by_handle[_address(handle)] = _Font.of(text_page, i, handle)
                fonts_of[key] = font
            if copyright_next:
                text, copyright_next = "\u00a9", False
            elif code == HYPHEN_CODE and raw.FPDFText_IsHyphen(text_page, i) == 1:
                text = "-"
            elif map_error(text_page, i) == 1 or _control(code):
                text = fonts.decoder(text_page, i).text(code)
                if text is None:
                    unmapped += 1
                    continue
                if text == "\u00a9" and i + 1 < n and chr(get_unicode(text_page, i + 1)) in "cC":
                    copyright_next = True  # TeX's © is a big circle with a "c" printed in it: "©" where the "c" is
                    continue
            else:
                text = chr(code)
            get_box(text_page, i, box)
            get_matrix(text_page, i, matrix)
            get_origin(text_page, i, ox, oy)
            if turned:
                a, b, c, d = view.turn(matrix.a, matrix.b) + view.turn(matrix.c, matrix.d)
            else:
                a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
            font_size = get_size(text_page, i)
            upright = -1e-6 < b < 1e-6 and -1e-6 < c < 1e-6 and a > 0 and d > 0
            x, baseline = view.point(ox.value, oy.value)
            ligature = None  # upright chars: the end of PDFium's loose box
            if upright:  # pdfminer's box: the advance wide, the font size tall from the font's descent down
                size = font_size * d  # the text matrix scales the font
                bottom = baseline + font.descent * size
                advance = view.advance(box, ox.value, oy.value)  # PDFium's loose box: at least the glyph's ink
                ligature = x + advance  # where the glyph ends, if it is a ligature's (its parts share an origin)
                unit = font.widths.get(code)
                glyph = (font.width(code) if unit is None else unit) * font_size * a  # /Widths: the next glyph's start
                if 0 < glyph <= 1.5 * advance:
                    advance = glyph
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
                    "fontname": font.name,
                    "size": size,
                    "baseline": baseline,
                }
            )
            ends.append(ligature)
    finally:
        text_page.close()
    _split_ligatures(chars, ends)
    _clamp_advances(chars)
    return PageChars(number, view.width, view.height, chars, paths, unmapped, images)


def _codes(text_page, n: int) -> list[int] | None:
    """The page's char codes in one call (UTF-16), None when a char outside the BMP breaks the one-to-one."""
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = raw.FPDFText_GetText(text_page, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    units = memoryview(buf.raw[: 2 * max(0, got - 1)]).cast("H")
    if len(units) != n or any(0xD800 <= u < 0xE000 for u in units):
        return None
    return list(units)


def _address(pointer) -> int:
    return ctypes.c_void_p.from_buffer(pointer).value or 0


@dataclass
class _Font:
    """One text object's font: name, handle, descent and advance widths per unit of font size."""

    name: str
    handle: object
    descent: float  # below the baseline, positive, per unit of size (the FontDescriptor's, as pdfminer reads it)
    widths: dict[int, float] = field(default_factory=dict)

    @classmethod
    def of(cls, text_page, index: int, handle) -> _Font:
        name = ctypes.create_string_buffer(256)
        raw.FPDFText_GetFontInfo(text_page, index, name, 256, ctypes.c_int())
        value = ctypes.c_float()
        descent = -value.value / 100 if raw.FPDFFont_GetDescent(handle, ctypes.c_float(100.0), value) else 0.25
        return cls(name.value.decode("latin-1"), handle, descent)

    def width(self, code: int) -> float:
        """The advance of the glyph for `code` per unit of font size (0 when the font does not say)."""
        found = self.widths.get(code)
        if found is None:
            value = ctypes.c_float()
            ok = raw.FPDFFont_GetGlyphWidth(self.handle, code, ctypes.c_float(100.0), ctypes.byref(value))
            found = self.widths[code] = value.value / 100 if ok else 0.0
        return found


def _count_objects(page) -> tuple[int, int]:
    """How many ruled edges a table could be made of and how many images the page draws, forms included.

    pdfplumber's table finder needs a cell: two horizontal and two vertical edges at least 3 pt long,
    from lines and rects (curves and polylines are left out, as pdfminer does). The first number is the
    smaller of the two counts, an upper bound: a page where it is under 2 holds no table it would find.
    """
    across = down = images = 0
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    stack = [(raw.FPDFPage_CountObjects(page), lambda k: raw.FPDFPage_GetObject(page, k))]
    while stack:
        count, get = stack.pop()
        for k in range(count):
            obj = get(k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == PATH_OBJECT:
                rules = _rules(obj)
                if rules and raw.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                    wide, tall = right.value - left.value >= 3, top.value - bottom.value >= 3
                    across += 2 * rules if wide else 0
                    down += 2 * rules if tall else 0
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                stack.append((raw.FPDFFormObj_CountObjects(obj), lambda k, form=obj: raw.FPDFFormObj_GetObject(form, k)))
    return min(across, down), images


def _rules(path) -> int:
    """Subpaths of straight segments only, of 1, 3 or 4 of them (a line, a rect): at least pdfminer's
    LTLine + LTRect count for the path, so no table is missed."""
    n = raw.FPDFPath_CountSegments(path)
    found = run = 0
    straight = True
    for i in range(n):
        kind = raw.FPDFPathSegment_GetType(raw.FPDFPath_GetPathSegment(path, i))
        if kind == raw.FPDF_SEGMENT_MOVETO:
            found += straight and run in (1, 3, 4)
            run, straight = 0, True
        else:
            run += 1
            straight = straight and kind == raw.FPDF_SEGMENT_LINETO
    return found + (straight and run in (1, 3, 4))


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


def _split_ligatures(chars: list[dict], ends: list[float | None]) -> None:
    """Chars drawn by one ligature glyph ("ffi") share its origin: each takes an even share of the glyph's box."""
    n, i = len(chars), 0
    while i < n - 1:
        first, nxt = chars[i], chars[i + 1]
        if nxt["x0"] != first["x0"] or nxt["baseline"] != first["baseline"]:
            i += 1
            continue
        j = i + 2
        while j < n and chars[j]["x0"] == first["x0"] and chars[j]["baseline"] == first["baseline"]:
            j += 1
        known = [e for e in ends[i:j] if e is not None]
        if known:
            x0, step = first["x0"], (max(known) - first["x0"]) / (j - i)
            for k in range(i, j):
                chars[k]["x0"], chars[k]["x1"] = x0 + (k - i) * step, x0 + (k - i + 1) * step
        i = j


def _clamp_advances(chars: list[dict]) -> None:
    """A glyph ends where the next one on its baseline starts: a font's /Widths wider than the
    glyph's advance (a ligature from another font) would overlap the next letter and cut the word."""
    for a, b in zip(reversed(chars[:-1]), reversed(chars[1:])):  # from the end: a ligature's parts share its end
        if abs(a["baseline"] - b["baseline"]) < 0.01:
            if a["x0"] < b["x0"] < a["x1"]:
                a["x1"] = b["x0"]
            elif a["x0"] == b["x0"]:
                a["x1"] = min(a["x1"], b["x1"])


def _control(code: int) -> bool:
    """A code with no glyph meaning: C0/C1 controls, surrogates, non-characters."""
    return code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 or code in (0xFFFE, 0xFFFF)
