"""What a glyph PDFium cannot map to Unicode says, decided per font.

A font with no ToUnicode map and no standard encoding (TeX's symbol fonts, a
publisher's bullet font, a Type 3 font) leaves PDFium with a bare char code.
Per font, in this order:
1. the glyph's name in the font program embedded in the PDF (Type 1 "dup 13
   /circlecopyrt put", CFF charsets), through the Adobe Glyph List and the TeX
   names it lacks; a CFF subset holding one glyph draws that glyph whatever the code;
2. PDFium's own guess, when it is a printable character (Type 3 fonts of
   LaTeX documents use ASCII codes: "méningiome" reads right);
3. nothing: the glyph is left out of the text and its page is flagged.
Never "(cid:N)".
"""

from __future__ import annotations

import ctypes
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

import pypdfium2.raw as raw
from pdfminer.encodingdb import name2unicode

TYPE1_ENCODING = re.compile(rb"dup\s+(\d+)\s*/([^\s/\[\]{}()<>]+)\s+put")
# TeX glyph names the Adobe Glyph List does not know.
TEX_NAMES = {
    "circlecopyrt": "\u00a9", "bardbl": "\u2016", "angbracketleft": "\u27e8", "angbracketright": "\u27e9",
    "asteriskmath": "\u2217", "openbullet": "\u25e6", "latticetop": "\u22a4", "follows": "\u227b",
    "precedes": "\u227a", "similarequal": "\u2243", "reflexsubset": "\u2286", "reflexsuperset": "\u2287",
    "propersubset": "\u2282", "propersuperset": "\u2283", "lessmuch": "\u226a", "greatermuch": "\u226b",
    "turnstileleft": "\u22a2", "turnstileright": "\u22a3", "floorleft": "\u230a", "floorright": "\u230b",
    "ceilingleft": "\u2308", "ceilingright": "\u2309", "unionsq": "\u2294", "intersectionsq": "\u2293",
    "mapsto": "\u21a6", "minusplus": "\u2213", "wreathproduct": "\u2240", "coproduct": "\u2210",
    "equivasymptotic": "\u224d", "arrownortheast": "\u2197", "arrowsoutheast": "\u2198",
    "arrownorthwest": "\u2196", "arrowsouthwest": "\u2199", "arrowbothv": "\u2195", "arrowdblbothv": "\u21d5",
    "unionmulti": "\u228e", "precedesequal": "\u2aaf", "followsequal": "\u2ab0", "negationslash": "/",
    "owner": "\u220b", "triangleinv": "\u25bd", "Rfractur": "\u211c", "Ifractur": "\u2111",
    "perpendicular": "\u22a5", "unionsqequal": "\u2291", "intersectionsqequal": "\u2292",
}
BIG = re.compile(r"(?:big|Big|bigg|Bigg|BIGG|tp|bt|mid|ex|text|display)+$")


@lru_cache(maxsize=4096)
def glyph_text(name: str) -> str | None:
    """A glyph name's text ("eacute" -> "é", "uni00E9" -> "é", "parenleftBig" -> "("), None if it names nothing."""
    for candidate in (name, BIG.sub("", name)):
        if not candidate:
            continue
        if candidate in TEX_NAMES:
            return TEX_NAMES[candidate]
        try:
            text = name2unicode(candidate)
        except (KeyError, ValueError):
            continue
        if text and all(_printable(c) for c in text):
            return text
    return None


def _printable(char: str) -> bool:
    return unicodedata.category(char) not in ("Cc", "Cs", "Cn", "Co")


@dataclass
class FontDecoder:
    """One font's fallback: its char codes' glyph names (when its program names them)."""

    names: dict[int, str] = field(default_factory=dict)
    single: str | None = None  # the one glyph of a one-glyph subset

    @classmethod
    def of(cls, font) -> FontDecoder:
        data = _font_data(font)
        if not data:
            return cls()
        if TYPE1_ENCODING.search(data[:65536]):
            found = {int(code): name.decode("latin-1") for code, name in TYPE1_ENCODING.findall(data[:65536])}
            return cls(found)
        return _cff(data)

    def text(self, code: int) -> str | None:
        """The glyph's text (see the module doc), None when nothing usable is known."""
        name = self.names.get(code) or self.single
        if name:
            found = glyph_text(name)
            if found:
                return found
        char = chr(code)
        return char if _printable(char) and code >= 0x20 and not 0x7F <= code < 0xA0 else None


def _font_data(font) -> bytes:
    size = ctypes.c_size_t()
    if not raw.FPDFFont_GetFontData(font, None, 0, size) or not size.value:
        return b""
    buf = (ctypes.c_uint8 * size.value)()
    if not raw.FPDFFont_GetFontData(font, buf, size.value, size):
        return b""
    return bytes(buf)


def _cff(data: bytes) -> FontDecoder:
    """Glyph names of a bare CFF font program (pdfminer's parser); anything else: no names."""
    if not data.startswith(b"\x01\x00"):
        return FontDecoder()
    try:
        from pdfminer.pdffont import CFFFont

        cff = CFFFont("font", io.BytesIO(data))
    except Exception:  # a damaged or unusual program: no names, the other fallbacks apply
        return FontDecoder()
    names = {code: _name(cff.gid2name.get(gid)) for code, gid in cff.code2gid.items()}
    glyphs = [_name(n) for gid, n in cff.gid2name.items() if gid]
    single = glyphs[0] if len(glyphs) == 1 else None
    return FontDecoder({c: n for c, n in names.items() if n}, single)


def _name(value) -> str:
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return value or ""
