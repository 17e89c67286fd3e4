"""The one span shape and its JSON-lines form."""

import io
import json

import pytest

from pipeline.errors import InputError
from pipeline.spans import Span, check_offsets, generate_jsonl, read_jsonl, write_jsonl

TEXT = "La résilience des coopératives 😀 (Ostrom, 1990)."


def spans() -> list[Span]:
    c = TEXT.index("Ostrom, 1990")
    return [
        Span("citation", "CITATION", c, c + 12, TEXT[c : c + 12], {"authors": ["Ostrom"], "year": "1990"}),
        Span("concept", "resilience", 3, 13, TEXT[3:13]),
        Span("concept", "cooperative", 18, 30, TEXT[18:30]),
    ]


def test_spans_jsonl_round_trip_through_path(tmp_path):
    path = tmp_path / "out" / "p.jsonl"
    write_jsonl(spans(), path)
    assert read_jsonl(path) == sorted(spans(), key=lambda s: (s.start, s.end))
    assert [p.name for p in path.parent.iterdir()] == ["p.jsonl"]  # no temp file left behind


def test_spans_jsonl_lines_are_flat_sorted_and_unescaped():
    lines = list(generate_jsonl(spans()))
    assert [json.loads(line)["start"] for line in lines] == [3, 18, 34]
    first = lines[0]
    assert "résilience" in first and first.endswith("\n")
    cit = json.loads(lines[2])
    assert list(cit) == sorted(cit)
    assert cit["authors"] == ["Ostrom"] and "attrs" not in cit


def test_spans_jsonl_round_trip_through_file_keeps_list_attributes():
    buf = io.StringIO()
    write_jsonl(spans(), buf)
    back = read_jsonl(io.StringIO(buf.getvalue()))
    assert back[-1].attrs["authors"] == ("Ostrom",)
    assert back[-1] == spans()[0]


def test_spans_sort_order_is_start_end_layer_label():
    a = Span("concept", "b", 0, 5, "x" * 5)
    b = Span("citation", "CITATION", 0, 5, "x" * 5)
    c = Span("concept", "a", 0, 5, "x" * 5)
    d = Span("concept", "a", 0, 3, "x" * 3)
    order = [json.loads(line)["label"] for line in generate_jsonl([a, b, c, d])]
    assert order == ["a", "CITATION", "a", "b"]


def test_spans_rejects_bad_offsets_layers_and_attribute_names():
    with pytest.raises(InputError, match="start <= end"):
        Span("concept", "x", 5, 2, "")
    with pytest.raises(InputError, match="layer"):
        Span("concepts", "x", 0, 1, "a")
    with pytest.raises(InputError, match="clash"):
        Span("concept", "x", 0, 1, "a", {"start": 3})


def test_spans_read_reports_the_bad_line():
    with pytest.raises(InputError, match=r":2: not valid JSON"):
        read_jsonl(io.StringIO('{"layer":"concept","label":"a","start":0,"end":1,"text":"a"}\n{oops\n'))
    with pytest.raises(InputError, match="missing end"):
        read_jsonl(io.StringIO('{"layer":"concept","label":"a","start":0,"text":"a"}\n'))
    with pytest.raises(InputError, match="gold file"):
        read_jsonl(io.StringIO('{"header": true}\n'))


def test_spans_check_offsets_finds_stale_spans():
    stale = Span("concept", "resilience", 0, 10, "résilience")
    assert check_offsets(spans() + [stale], TEXT) == [stale]
