"""Ruled tables from PDFium's path objects: pdfplumber's table finder run on the edges PDFium reads.

pdfplumber's table finder (its default "lines" strategy) reads only the page's
edges: the axis-aligned pieces of its lines, rects and curves (pdfplumber's
`page.edges`), at least 1 pt long before snapping and joining, 3 pt after. Those
pieces are read here from PDFium's paths (into form XObjects, through their
matrices), so no page is ever parsed by pdfminer: the tables are pdfplumber's own
finder's on the same edges, their boxes within PDFium's float precision
(1e-4 pt) of what pdfminer's edges give (tests/test_extract_pdfchars.py
checks every realworld page and the rendered fixtures against pdfplumber's
`page.find_tables()`).
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass, field

import pypdfium2.raw as raw
from pdfplumber.table import TableFinder

PREFILTER = 1.0  # pdfplumber's edge_min_length_prefilter: shorter pieces never join an edge
FLAT = 0.01  # a piece whose ends differ by less than this across is axis-aligned (float precision)

_V, _I = ctypes.c_void_p, ctypes.c_int


def _fast(func, restype, *argtypes):
    """A second ctypes prototype of a PDFium function on plain ints (no wrapper object per call)."""
    return ctypes.CFUNCTYPE(restype, *argtypes)(ctypes.cast(func, ctypes.c_void_p).value)


_count_segments = _fast(raw.FPDFPath_CountSegments, _I, _V)
_get_segment = _fast(raw.FPDFPath_GetPathSegment, _V, _V, _I)
_segment_point = _fast(raw.FPDFPathSegment_GetPoint, _I, _V, _V, _V)
_segment_type = _fast(raw.FPDFPathSegment_GetType, _I, _V)
_segment_close = _fast(raw.FPDFPathSegment_GetClose, _I, _V)
MOVETO = raw.FPDF_SEGMENT_MOVETO


@dataclass
class _Edges:
    """What TableFinder reads of a page: its edges and its box."""

    bbox: tuple[float, float, float, float]
    edges: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class RuledTable:
    """A table pdfplumber's finder sees: its box and its rows of cell boxes (None where a row has no cell)."""

    bbox: tuple[float, float, float, float]
    rows: tuple[tuple[tuple[float, float, float, float] | None, ...], ...]


def find_tables(page, point, width: float, height: float) -> list[RuledTable]:
    """pdfplumber's `page.find_tables()` (default settings) on the page's ruled edges, tables of
    2 rows or more with a row of 2 cells or more.

    `point(x, y)` turns user space into the shown page's x from the left and y from the top."""
    found = _Edges((0.0, 0.0, width, height))
    h = v = 0
    for obj, matrix in _paths(page):
        for a, b in _pieces(obj, matrix):
            (x0, y0), (x1, y1) = point(*a), point(*b)
            if abs(x0 - x1) < FLAT and abs(y1 - y0) >= PREFILTER:
                top, bottom = min(y0, y1), max(y0, y1)
                found.edges.append({"x0": x0, "x1": x0, "top": top, "bottom": bottom, "width": 0.0,
                                    "height": bottom - top, "orientation": "v", "object_type": "line"})
                v += 1
            elif abs(y0 - y1) < FLAT and abs(x1 - x0) >= PREFILTER:
                left, right = min(x0, x1), max(x0, x1)
                found.edges.append({"x0": left, "x1": right, "top": y0, "bottom": y0, "width": right - left,
                                    "height": 0.0, "orientation": "h", "object_type": "line"})
                h += 1
    if h < 3 or v < 3:  # 2 x 2 cells need 3 rules each way
        return []
    tables = []
    for table in TableFinder(found).tables:
        rows = table.rows
        if len(rows) >= 2 and max(len(r.cells) for r in rows) >= 2:
            tables.append(RuledTable(tuple(table.bbox), tuple(tuple(r.cells) for r in rows)))
    return tables


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
    x_at, y_at = ctypes.addressof(x), ctypes.addressof(y)
    handle = ctypes.cast(path, ctypes.c_void_p).value
    start = last = None
    for i in range(_count_segments(handle)):
        seg = _get_segment(handle, i)
        _segment_point(seg, x_at, y_at)
        p = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if _segment_type(seg) == MOVETO:
            start = p
        elif last is not None:
            yield last, p
        if _segment_close(seg) and start is not None and p != start:
            yield p, start
        last = p
