"""A page's characters as pdfplumber describes them, without pdfplumber's full object pass.

`page.chars` turns every pdfminer object of a page into a dict of two dozen
attributes, resolving colour spaces and graphic states on the way: on text
pages that costs more than pdfminer's own parsing. The words need five
geometric attributes, the text, the font name and the size, so `page_chars`
reads just those from pdfplumber's own `page.layout`, with pdfplumber's own
arithmetic (MediaBox offsets, top/bottom/doctop), in its order. The result
equals `page.chars` on those keys (tests/test_extract_chars.py checks it on
every page of the fixtures and of the realworld PDFs). Pages with ruling
lines still take pdfplumber's full pass, which the table finder needs.
"""

from __future__ import annotations

from collections.abc import Iterator
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar, LTContainer, LTLine, LTRect
from pdfplumber.page import fix_fontname_bytes

# What `extract_words` and the reader read of a char.
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "upright", "fontname", "size")


def page_chars(page) -> tuple[list[dict], int]:
    """The page's chars (CHAR_KEYS only, in pdfplumber's order) and its count of lines and rects."""
    pdf = page.pdf
    if pdf.laparams is not None:  # text boxes around the chars: pdfplumber's own pass orders them
        return list(page.chars), len(page.lines) + len(page.rects)
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    doctop = page.initial_doctop
    norm = pdf.unicode_norm
    chars: list[dict] = []
    ruling = 0
    for obj in _leaves(page.layout._objs):
        if isinstance(obj, LTChar):
            text = obj.get_text()
            fontname = obj.fontname
            if isinstance(fontname, bytes):  # pragma: no cover - rare byte-encoded font names
                fontname = fix_fontname_bytes(fontname)
            top = (height - obj.y1) + mb_top
            x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
            chars.append(
                {
                    "text": normalize_unicode(norm, text) if norm is not None else text,
                    "x0": x0,
                    "x1": x1,
                    "top": top,
                    "bottom": (height - obj.y0) + mb_top,
                    "doctop": doctop + top,
                    "upright": obj.upright,
                    "fontname": fontname,
                    "size": obj.size,
                }
            )
        elif isinstance(obj, (LTLine, LTRect)):
            ruling += 1
    return chars, ruling


def _leaves(objs) -> Iterator:
    """Every object under a layout, depth first: pdfplumber's `iter_layout_objects` without LAParams."""
    for obj in objs:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj._objs)
        else:
            yield obj
