"""A page's characters from PDFium (pypdfium2): text, box, font name, size and baseline, read once per page.

The chars come out as columns (one list per attribute pdfplumber's `extract_words`
reads, COLUMNS; `PageChars.chars` gives pdfplumber's dicts) in pdfplumber's own
geometry: x from the page's left edge, `top` and `bottom` from its top, a box as wide as the glyph's advance and as tall as
its font size above the descender (pdfminer's box), plus `baseline` (the
origin's distance from the top). Characters PDFium generates (spaces and line
breaks it infers) are left out, as pdfminer never made them; printed spaces stay.

PDFium decodes what pdfminer garbles (Type 3 fonts with no ToUnicode, accents of
old TeX fonts). A glyph it cannot map to Unicode is decided per font by
glyphmap.py: its PDFium guess, its name in the embedded font program, or, when
neither means anything, left out of the text, its page counted in `unmapped`.

Speed: every char costs four PDFium calls (its text object, whether its Unicode
is mapped, its origin, its loose box), through ctypes prototypes on plain ints;
what all chars of a text object share (font, matrix, size) is asked once per
object. The page's ruled tables (rules.py) are found while the page is open.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field

import numpy as np
import pypdfium2 as pdfium
import pypdfium2.raw as raw

from pipeline.extract.glyphmap import FontDecoder
from pipeline.extract.rules import RuledTable, find_tables

HYPHEN_CODE = 0x02  # PDFium's code for a hyphen that ends a line
GENERATED_CODES = frozenset((0x20, 0x0A, 0x0D, 0x02))  # what PDFium adds: spaces, line breaks
PATH_OBJECT = raw.FPDF_PAGEOBJ_PATH


# Second ctypes prototypes of the per-char PDFium calls, taking and giving plain ints: pypdfium2's own
# convert a wrapper object on every call, a third of the page's reading time over 3,000 chars.
_V, _I = ctypes.c_void_p, ctypes.c_int


def _fast(func, restype, *argtypes):
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, ctypes.c_void_p).value)


_get_object = _fast(raw.FPDFText_GetTextObject, _V, _V, _I)
_get_unicode = _fast(raw.FPDFText_GetUnicode, ctypes.c_uint, _V, _I)
_is_generated = _fast(raw.FPDFText_IsGenerated, _I, _V, _I)
_map_error = _fast(raw.FPDFText_HasUnicodeMapError, _I, _V, _I)
_loose_box = _fast(raw.FPDFText_GetLooseCharBox, _I, _V, _I, _V)
_char_origin = _fast(raw.FPDFText_GetCharOrigin, _I, _V, _I, _V, _V)

# The columns of a page's chars: the keys of pdfplumber's char dicts the words read, and the baseline.
COLUMNS = ("text", "x0", "x1", "top", "bottom", "upright", "fontname", "size", "baseline")


@dataclass
class PageChars:
    """One page as PDFium reads it: its chars (one list per column of COLUMNS, in PDFium's order),
    how many ruling paths it draws, glyphs it could not decode."""

    number: int
    width: float
    height: float
    columns: dict[str, list]
    tables: list[RuledTable]  # pdfplumber's finder's tables on the page's ruled edges (rules.py)
    unmapped: int = 0  # glyphs with no usable Unicode, left out of the chars
    images: int = 0  # image objects (a scanned page is one big image)

    def __len__(self) -> int:
        return len(self.columns["text"])

    @property
    def chars(self) -> list[dict]:
        """The chars as pdfplumber's dicts (`doctop` is `top`: one page)."""
        cols = self.columns
        return [
            dict(zip(COLUMNS, row), doctop=row[3]) for row in zip(*(cols[k] for k in COLUMNS))
        ]


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


@dataclass
class _Object:
    """What every char of one text object shares: its font, and its matrix and font size (PDFium
    gives each char its object's), so they are asked once per object, not per char."""

    font: _Font
    upright: bool
    a: float  # the matrix's x scale, as shown
    size: float  # the char box's height: the font size scaled by the matrix (upright objects)
    font_size: float
    drop: float  # the box's bottom below the baseline: the font's descent at that size
    name: str = ""
    glyphs: dict[int, float] = field(default_factory=dict)  # code -> its advance on the page (/Widths)

    def glyph(self, code: int) -> float:
        """The advance the font's /Widths give the glyph, in page units (0 when the font does not say)."""
        unit = self.font.widths.get(code)
        return (self.font.width(code) if unit is None else unit) * self.font_size * self.a


def _read(page, number: int, fonts: _Fonts) -> PageChars:
    view = _View(page.get_bbox(), page.get_rotation())
    paths, images = _count_objects(page.raw)
    tables = find_tables(page.raw, view.point, view.width, view.height) if paths else []
    text_page = page.get_textpage()
    tp = text_page.raw
    handle = ctypes.cast(tp, ctypes.c_void_p).value
    rows: list[tuple] = []  # per char kept: its COLUMNS
    ends: list[float | None] = []  # per char kept: where its glyph ends (a ligature's parts share one)
    unmapped = 0
    try:
        n = raw.FPDFText_CountChars(tp)
        lft, rgt, btm, top_ = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
        box = raw.FS_RECTF()
        box_at = ctypes.addressof(box)
        ox, oy = ctypes.c_double(), ctypes.c_double()
        ox_at, oy_at = ctypes.addressof(ox), ctypes.addressof(oy)
        objects: dict[int, _Object] = {}  # text object -> what its chars share
        by_handle: dict[int, _Font] = {}  # font -> its name, descent and widths, read once per page
        turned = view.rotation != 0
        left, top_edge = view.box[0], view.box[3]
        copyright_next = False
        codes = _codes(tp, n)
        get_object, get_unicode, map_error, loose_box, char_origin = (
            _get_object, _get_unicode, _map_error, _loose_box, _char_origin)
        add, end = rows.append, ends.append
        last_key, obj = -1, None  # (a char with no text object has key None)
        for i, code in enumerate(codes if codes is not None else [0xFFFE] * n):
            if code == 0xFFFE:  # GetText's stand-in for a line-end hyphen (its code is HYPHEN_CODE)
                code = get_unicode(handle, i)
            if code in GENERATED_CODES and _is_generated(handle, i):
                continue
            key = get_object(handle, i)
            if key != last_key:
                obj = objects.get(key)
                if obj is None:  # a new text object: its font may be known from another one
                    obj = objects[key] = _object_of(tp, i, by_handle, view)
                last_key = key
            if copyright_next:
                text, copyright_next = "\u00a9", False
            elif code == HYPHEN_CODE and raw.FPDFText_IsHyphen(tp, i) == 1:
                text = "-"
            elif map_error(handle, i) == 1 or code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000 \
                    or code == 0xFFFE or code == 0xFFFF:  # a code with no glyph meaning: controls, surrogates
                text = fonts.decoder(tp, i).text(code)
                if text is None:
                    unmapped += 1
                    continue
                if text == "\u00a9" and i + 1 < n and chr(get_unicode(handle, i + 1)) in "cC":
                    copyright_next = True  # TeX's © is a big circle with a "c" printed in it: "©" where the "c" is
                    continue
            else:
                text = chr(code)
            char_origin(handle, i, ox_at, oy_at)
            px, py = ox.value, oy.value
            if turned:
                x, baseline = view.point(px, py)
            else:
                x, baseline = px - left, top_edge - py
            if obj.upright:  # pdfminer's box: the advance wide, the font size tall from the font's descent down
                size = obj.size
                bottom = baseline + obj.drop
                loose_box(handle, i, box_at)
                advance = view.advance(box, px, py) if turned else box.right - px
                end(x + advance)  # where the glyph ends, if it is a ligature's (its parts share an origin)
                glyph = obj.glyphs.get(code)
                if glyph is None:
                    glyph = obj.glyphs[code] = obj.glyph(code)
                if 0 < glyph <= 1.5 * advance:
                    advance = glyph
                add((text, x, x + advance, bottom - size, bottom, True, obj.name, size, baseline))
            else:
                raw.FPDFText_GetCharBox(tp, i, lft, rgt, btm, top_)
                (p0, q0), (p1, q1) = view.point(lft.value, btm.value), view.point(rgt.value, top_.value)
                x0, x1, top, bottom = min(p0, p1), max(p0, p1), min(q0, q1), max(q0, q1)
                end(None)
                add((text, x0, x1, top, bottom, False, obj.name, max(x1 - x0, bottom - top), baseline))
    finally:
        text_page.close()
    columns = dict(zip(COLUMNS, map(list, zip(*rows)))) if rows else {k: [] for k in COLUMNS}
    _split_ligatures(columns["x0"], columns["x1"], columns["baseline"], ends)
    _clamp_advances(columns["x0"], columns["x1"], columns["baseline"])
    return PageChars(number, view.width, view.height, columns, tables, unmapped, images)


def _object_of(tp, index: int, by_handle: dict, view: _View) -> _Object:
    """The text object of char `index`: its font (one per font handle of the page), matrix and size."""
    obj = raw.FPDFText_GetTextObject(tp, index)
    handle = raw.FPDFTextObj_GetFont(obj)
    font = by_handle.get(_address(handle))
    if font is None:
        font = by_handle[_address(handle)] = _Font.of(tp, index, handle)
    matrix = raw.FS_MATRIX()
    raw.FPDFText_GetMatrix(tp, index, matrix)
    if view.rotation != 0:
        a, b, c, d = view.turn(matrix.a, matrix.b) + view.turn(matrix.c, matrix.d)
    else:
        a, b, c, d = matrix.a, matrix.b, matrix.c, matrix.d
    font_size = raw.FPDFText_GetFontSize(tp, index)
    upright = -1e-6 < b < 1e-6 and -1e-6 < c < 1e-6 and a > 0 and d > 0
    size = font_size * d  # the text matrix scales the font
    glyphs = font.scaled.setdefault((font_size, a), {})  # objects set in one font at one scale share advances
    return _Object(font, upright, a, size, font_size, font.descent * size, font.name, glyphs)


def _codes(text_page, n: int) -> list[int] | None:
    """The page's char codes in one call (UTF-16), None when a char outside the BMP breaks the one-to-one."""
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = raw.FPDFText_GetText(text_page, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    units = np.frombuffer(buf.raw[: 2 * max(0, got - 1)], dtype=np.uint16)
    if len(units) != n or ((units >= 0xD800) & (units < 0xE000)).any():
        return None
    return units.tolist()


def _address(pointer) -> int:
    return ctypes.c_void_p.from_buffer(pointer).value or 0


@dataclass
class _Font:
    """One text object's font: name, handle, descent and advance widths per unit of font size."""

    name: str
    handle: object
    descent: float  # below the baseline, positive, per unit of size (the FontDescriptor's, as pdfminer reads it)
    widths: dict[int, float] = field(default_factory=dict)
    scaled: dict[tuple[float, float], dict[int, float]] = field(default_factory=dict)  # (size, x scale) -> advances

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
    """How many path objects (rules a table could be drawn with) and images the page draws, forms included."""
    paths = images = 0
    stack = [(raw.FPDFPage_CountObjects(page), lambda k: raw.FPDFPage_GetObject(page, k))]
    while stack:
        count, get = stack.pop()
        for k in range(count):
            obj = get(k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == PATH_OBJECT:
                paths += 1
            elif kind == raw.FPDF_PAGEOBJ_IMAGE:
                images += 1
            elif kind == raw.FPDF_PAGEOBJ_FORM:
                stack.append((raw.FPDFFormObj_CountObjects(obj), lambda k, form=obj: raw.FPDFFormObj_GetObject(form, k)))
    return paths, images


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


def _split_ligatures(x0s: list[float], x1s: list[float], baselines: list[float], ends: list[float | None]) -> None:
    """Chars drawn by one ligature glyph ("ffi") share its origin: each takes an even share of the glyph's box."""
    n = len(x0s)
    if n < 2:
        return
    x0, base = np.array(x0s), np.array(baselines)
    shared = np.flatnonzero((x0[1:] == x0[:-1]) & (base[1:] == base[:-1]))  # char k + 1 starts where k does
    i = 0
    for k in shared.tolist():
        if k < i:  # inside the group already split
            continue
        i, x, b = k, x0s[k], baselines[k]
        j = i + 2
        while j < n and x0s[j] == x and baselines[j] == b:
            j += 1
        known = [e for e in ends[i:j] if e is not None]
        if known:
            step = (max(known) - x) / (j - i)
            for m in range(i, j):
                x0s[m], x1s[m] = x + (m - i) * step, x + (m - i + 1) * step
        i = j


def _clamp_advances(x0s: list[float], x1s: list[float], baselines: list[float]) -> None:
    """A glyph ends where the next one on its baseline starts: a font's /Widths wider than the
    glyph's advance (a ligature from another font) would overlap the next letter and cut the word.

    From the end of the page: a ligature's parts (one origin) share the end of the last of them."""
    if len(x0s) < 2:
        return
    x0, x1, base = np.array(x0s), np.array(x1s), np.array(baselines)
    line = np.abs(base[:-1] - base[1:]) < 0.01
    a0, b0, a1 = x0[:-1], x0[1:], x1[:-1]
    cut = line & (a0 < b0) & (b0 < a1)  # x1 of char k is never changed before step k: all at once
    for k in np.flatnonzero(cut).tolist():
        x1s[k] = x0s[k + 1]
    for k in np.flatnonzero(line & (a0 == b0)).tolist()[::-1]:  # after char k + 1 took its end
        x1s[k] = min(x1s[k], x1s[k + 1])
