"""Column finding on words as pdfplumber gives them (x0, x1, size, bottom, text)."""

from __future__ import annotations

from pipeline.extract.layout import find_gutter


def _row(y: float, spans: list[tuple[float, float]]) -> list[dict]:
    return [{"x0": a, "x1": b, "size": 10.0, "bottom": y, "text": "coopérative"} for a, b in spans]


def _two_columns(extra: list[dict] | None = None) -> list[list[dict]]:
    rows = []
    for i in range(40):
        y = 100 + 12 * i
        rows.append(_row(y, [(50 + 60 * k, 100 + 60 * k) for k in range(4)] + [(320 + 60 * k, 370 + 60 * k) for k in range(4)]))
    if extra:
        rows[-1].extend(extra)
    return rows


def test_extract_layout_gutter_between_two_columns() -> None:
    gutter = find_gutter(_two_columns(), 595.0, 10.0)
    assert gutter is not None and 280 <= gutter[0] < gutter[1] <= 320


def test_extract_layout_word_running_off_the_page_does_not_break_column_finding() -> None:
    # Regression: a long URL with x1 far past the page edge moved the "middle" off the page: a numpy error
    # on an empty slice stopped the whole paper.
    url = {"x0": 322.0, "x1": 1521.0, "size": 10.0, "bottom": 600.0, "text": "http://www.example.org/partenariat/"}
    gutter = find_gutter(_two_columns([url]), 595.28, 10.0)
    assert gutter is not None and 280 <= gutter[0] < gutter[1] <= 322
