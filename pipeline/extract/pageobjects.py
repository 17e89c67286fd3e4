"""A page's characters and ruling lines as pdfplumber describes them, without pdfplumber's full object pass.

`page.chars` and `page.edges` turn every pdfminer object of a page into a dict
of two dozen attributes, resolving colour spaces and graphic states on the way:
on text pages that costs more than pdfminer's own parsing. The words need eight
attributes of a char, so `read_objects` reads just those from pdfplumber's own
`page.layout`, with pdfplumber's own arithmetic (MediaBox offsets,
top/bottom/doctop), in its order; lines, rects and curves keep their pdfminer
objects and become pdfplumber dicts (pdfplumber's `process_object`) only when
the table finder needs their edges. `chars` equals `page.chars` on CHAR_KEYS,
`edges` equals `page.edges`, and `find_tables` finds pdfplumber's tables
(tests/test_extract_pageobjects.py checks all three on every page of the
fixtures and of the realworld PDFs).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from unicodedata import normalize as normalize_unicode

from pdfminer.layout import LTChar, LTContainer, LTCurve, LTLine, LTRect
from pdfplumber.page import fix_fontname_bytes
from pdfplumber.table import Table, TableFinder
from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

# What `extract_words` and the reader read of a char.
CHAR_KEYS = ("text", "x0", "x1", "top", "bottom", "doctop", "upright", "fontname", "size")


@dataclass
class PageObjects:
    """What the reader uses of one page: chars (CHAR_KEYS), and its lines, rects and curves."""

    page: object  # the pdfplumber Page they come from
    chars: list[dict]
    lines: list = field(default_factory=list)  # pdfminer LTLine, LTRect, LTCurve objects, in layout order
    rects: list = field(default_factory=list)
    curves: list = field(default_factory=list)

    @property
    def ruling(self) -> int:
        """How many lines and rects the page draws (pdfplumber's `len(page.lines) + len(page.rects)`)."""
        return len(self.lines) + len(self.rects)

    @property
    def bbox(self) -> tuple:
        return self.page.bbox

    @cached_property
    def edges(self) -> list[dict]:
        """pdfplumber's `page.edges`: line edges, then rect edges, then curve edges."""
        convert = self.page.process_object
        edges = [line_to_edge(convert(obj)) for obj in self.lines]
        for obj in self.rects:
            edges += rect_to_edges(convert(obj))
        for obj in self.curves:
            edges += curve_to_edges(convert(obj))
        return edges

    def find_tables(self) -> list[Table]:
        """pdfplumber's `page.find_tables()` with its default settings (ruling lines), from these edges."""
        return TableFinder(self).tables  # the "lines" strategy reads only `edges` (and `bbox`) of its page


def read_objects(page) -> PageObjects:
    """The page's chars (CHAR_KEYS only, in pdfplumber's order) and its ruling objects."""
    pdf = page.pdf
    if pdf.laparams is not None:  # text boxes around the chars: pdfplumber's own pass orders them
        return _full_pass(page)
    height = page.height
    mb_x0, mb_top = page.mediabox[:2]
    doctop = page.initial_doctop
    norm = pdf.unicode_norm
    got = PageObjects(page, [])
    for obj in _leaves(page.layout):
        kind = type(obj)
        if kind is LTChar:
            text = obj.get_text()
            fontname = obj.fontname
            if isinstance(fontname, bytes):  # pragma: no cover - rare byte-encoded font names
                fontname = fix_fontname_bytes(fontname)
            top = (height - obj.y1) + mb_top
            x0, x1 = (obj.x0 + mb_x0, obj.x1 + mb_x0) if mb_x0 != 0 else (obj.x0, obj.x1)
            got.chars.append(
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
        elif kind is LTLine:
            got.lines.append(obj)
        elif kind is LTRect:
            got.rects.append(obj)
        elif kind is LTCurve:
            got.curves.append(obj)
        elif isinstance(obj, (LTChar, LTCurve)):  # a subclass pdfplumber would name otherwise: its own pass
            return _full_pass(page)
    return got


def _full_pass(page) -> PageObjects:
    objects = PageObjects(page, [{k: c[k] for k in CHAR_KEYS} for c in page.chars])
    objects.edges = page.edges  # already pdfplumber's own; lines and rects only counted
    objects.lines, objects.rects = list(page.lines), list(page.rects)
    return objects


def _leaves(container) -> Iterator:
    """Every object under a layout, depth first: pdfplumber's `iter_layout_objects` without LAParams."""
    for obj in container:
        if isinstance(obj, LTContainer):
            yield from _leaves(obj)
        else:
            yield obj
