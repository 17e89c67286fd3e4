"""brat standoff: write, read back, compare (exact, attributes and links included)."""

import functools
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import span_at
from pipeline.errors import InputError
from pipeline.evaluation.formats.brat import brat_config, generate_brat, read_brat, write_brat
from pipeline.spans import Span, sort_key

TEXT = (
    "La résilience des coopératives 😀 face à la crise\n(Emery & Trist, 1965 ; Kamdem, s. d.).\n\n"
    "Emery, F. E., & Trist, E. L. (1965). The causal texture.\n"
)


at = functools.partial(span_at, TEXT)  # at(sub, label, layer, nth, **attrs)


SPANS = [
    at("résilience", "resilience"),
    at("coopératives 😀 face", "cooperative", note="odd span, kept exactly"),
    at("la crise\n(Emery", "crisis"),  # crosses a line break
    at("Emery & Trist, 1965", "CITATION", "citation", authors=["Emery", "Trist"], year="1965", target="r1"),
    at("Kamdem, s. d.", "CITATION", "citation", authors=["Kamdem"], year="n.d.", target="missing-ref"),
    at("Emery, F. E., & Trist, E. L. (1965). The causal texture.", "REFERENCE", "reference",
       id="r1", authors=["Emery", "Trist"], year="1965", title="The causal texture", pages=[1, 2]),
    Span("citation", "crisis", 0, 2, "La"),  # a label outside its usual layer
]  # fmt: skip


def test_formats_brat_round_trip_through_files(tmp_path):
    write_brat(SPANS, TEXT, tmp_path / "paper.ann")
    assert (tmp_path / "paper.txt").read_bytes() == TEXT.encode("utf-8")
    back = read_brat(tmp_path / "paper")
    assert back.text == TEXT
    assert list(back.spans) == sorted(SPANS, key=sort_key)
    assert [dict(s.attrs) for s in back.spans] == [dict(s.attrs) for s in sorted(SPANS, key=sort_key)]


def test_formats_brat_lines_use_labels_fragments_relations_and_notes():
    lines = list(generate_brat(SPANS))
    t_lines = [line for line in lines if line.startswith("T")]
    assert t_lines[0] == "T1\tcrisis 0 2\tLa\n"
    crossing = next(line for line in t_lines if line.split("\t")[1].startswith("crisis") and ";" in line)
    start = TEXT.index("la crise")
    assert crossing.split("\t")[1] == f"crisis {start} {start + 8};{start + 9} {start + 15}"
    relations = [line for line in lines if line.startswith("R")]
    assert len(relations) == 1 and relations[0].startswith("R1\tCites Arg1:T")
    notes = "".join(line for line in lines if line.startswith("#"))
    assert '"target": "missing-ref"' in notes and '"target": "r1"' not in notes
    assert '"layer": "citation"' in notes


def test_formats_brat_reads_a_hand_made_document():
    ann = (
        "T1\tCITATION 50 69\tEmery & Trist, 1965\n"
        "T2\tREFERENCE 89 145\tEmery, F. E., & Trist, E. L. (1965). The causal texture.\n"
        "A1\tChecked T1\n"
        "R1\tCites Arg1:T1 Arg2:T2\n"
    )
    back = read_brat(io.StringIO(ann), text=TEXT)
    cit, ref = back.spans
    assert (cit.layer, cit.attrs) == ("citation", {"Checked": True, "target": "T2"})
    assert ref.attrs == {"id": "T2"}


def test_formats_brat_refuses_a_text_that_does_not_match():
    ann = "".join(generate_brat(SPANS))
    with pytest.raises(InputError, match="do not belong together"):
        read_brat(io.StringIO(ann), text=TEXT.replace("résilience", "resilience"))


def test_formats_brat_config_declares_labels_and_relation():
    conf = brat_config(["governance"])
    assert "[entities]\nCITATION\nREFERENCE\ngovernance\n" in conf and "Cites\tArg1:CITATION, Arg2:REFERENCE" in conf


LABELS = st.sampled_from(["governance", "finance_access", "CITATION", "REFERENCE"])
VALUES = st.one_of(
    st.text(max_size=8), st.lists(st.text(max_size=6), max_size=3), st.integers(), st.sampled_from(["r1", "r2"])
)
ATTRS = st.dictionaries(st.sampled_from(["authors", "year", "years", "target", "id", "title", "x"]), VALUES, max_size=4)
CHARS = st.characters(blacklist_categories=("Cs",))


@st.composite
def documents(draw):
    text = draw(st.text(alphabet=st.one_of(CHARS, st.sampled_from("\n é😀\t")), min_size=1, max_size=40))
    spans = []
    for _ in range(draw(st.integers(0, 6))):
        a = draw(st.integers(0, len(text)))
        b = draw(st.integers(a, len(text)))
        layer = draw(st.sampled_from(["concept", "citation", "reference"]))
        spans.append(Span(layer, draw(LABELS), a, b, text[a:b], draw(ATTRS)))
    return text, spans


@settings(max_examples=200, deadline=None)
@given(documents())
def test_formats_brat_round_trip_property(doc):
    text, spans = doc
    buf = io.StringIO()
    write_brat(spans, text, buf)
    expected = sorted(spans, key=sort_key)
    for known_text in (text, None):
        back = read_brat(io.StringIO(buf.getvalue()), text=known_text)
        got = list(back.spans)
        # a reference that two citations point at keeps its id; links resolve to the same id
        assert got == expected
        assert [dict(s.attrs) for s in got] == [dict(s.attrs) for s in expected]
