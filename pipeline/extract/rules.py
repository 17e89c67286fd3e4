"""Ruled edges read from PDFium's path objects, to tell which pages may hold a ruled table.

pdfplumber's table finder (ruling lines) needs pdfminer's parse of the page, the
costliest step of reading a PDF. The edges pdfminer would give (axis-aligned
pieces of lines, rects and curves, as pdfplumber's `page.edges`) are read here
from PDFium instead, and pdfplumber's own finder is run on them: only a page
where it finds a table of 2 x 2 cells or more is parsed again by pdfminer, whose
tables are the ones kept (pdf.py). Snapping and intersection tolerances of 3 pt
absorb the two libraries' rounding.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2.raw as raw
from pdfplumber.table import TableFinder

MIN_LENGTH = 3.0  # pdfplumber's edge_min_length


@dataclass
class _Edges:
    """What TableFinder reads of a page: its edges and its box."""

    bbox: tuple[float, float, float, float]
    edges: list[dict] = field(default_factory=list)


def may_hold_table(page, point, width: float, height: float) -> bool:
    """Whether pdfplumber's finder sees a table of 2 x 2 cells or more in the page's ruled edges.

    `point(x, y)` turns user space into the shown page's x from the left and y from the top."""
    found = _Edges((0.0, 0.0, width, height))
    for obj, matrix in _paths(page):
        for a, b in _pieces(obj, matrix):
            (x0, y0), (x1, y1) = point(*a), point(*b)
            if abs(x0 - x1) < 0.01 and abs(y1 - y0) >= MIN_LENGTH:
                top, bottom = min(y0, y1), max(y0, y1)
                found.edges.append({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0.0,
                                    "height": bottom - top, "orientation": "v", "object_type": "line"})
            elif abs(y0 - y1) < 0.01 and abs(x1 - x0) >= MIN_LENGTH:
                left, right = min(x0, x1), max(x0, x1)
                found.edges.append({"x0": left, "x1": right, "top": y0, "bottom": y0, "width": right - left,
                                    "height": 0.0, "orientation": "h", "object_type": "line"})
    h = sum(1 for e in found.edges if e["orientation"] == "h")
    if h < 3 or len(found.edges) - h < 3:  # 2 x 2 cells need 3 rules each way
        return False
    for table in TableFinder(found).tables:
        rows = table.rows
        if len(rows) >= 2 and max(len(r.cells) for r in rows) >= 2:
            return True
    return False


def _paths(page):
    """Every path object of the page with its matrix to page space, into form XObjects."""
    stack = [(raw.FPDFPage_CountObjects(page), lambda k: raw.FPDFPage_GetObject(page, k), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))]
    m = raw.FS_MATRIX()
    while stack:
        count, get, outer = stack.pop()
        for k in range(count):
            obj = get(k)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind not in (raw.FPDF_PAGEOBJ_PATH, raw.FPDF_PAGEOBJ_FORM) or not raw.FPDFPageObj_GetMatrix(obj, m):
                continue
            matrix = _times((m.a, m.b, m.c, m.d, m.e, m.f), outer)
            if kind == raw.FPDF_PAGEOBJ_PATH:
                yield obj, matrix
            else:
                stack.append((raw.FPDFFormObj_CountObjects(obj), lambda k, form=obj: raw.FPDFFormObj_GetObject(form, k), matrix))


def _times(m: tuple, outer: tuple) -> tuple:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _pieces(path, matrix: tuple):
    """Consecutive points of each subpath (Bézier control points included, as pdfminer keeps them),
    and the closing piece of a closed one, in user space."""
    a, b, c, d, e, f = matrix
    x, y = ctypes.c_float(), ctypes.c_float()
    start = last = None
    for i in range(raw.FPDFPath_CountSegments(path)):
        seg = raw.FPDFPath_GetPathSegment(path, i)
        raw.FPDFPathSegment_GetPoint(seg, x, y)
        p = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if raw.FPDFPathSegment_GetType(seg) == raw.FPDF_SEGMENT_MOVETO:
            start = p
        elif last is not None:
            yield last, p
        if raw.FPDFPathSegment_GetClose(seg) and start is not None and p != start:
            yield p, start
        last = p
