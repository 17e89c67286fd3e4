"""UIMA CAS XMI for INCEpTION: write, read back, compare; offsets in UTF-16 units inside the file."""

import functools
import io
import re

import pytest
from cassis import load_typesystem

from conftest import span_at
from pipeline.errors import InputError
from pipeline.evaluation.formats.xmi import TYPESYSTEM_FILE, generate_xmi, read_xmi, write_xmi
from pipeline.spans import Span, sort_key

TEXT = (
    "Résilience 😀 des coopératives (Ostrom, 1990 ; Defourny, 2001, 2014a). Gouvernance 𝔼 démocratique.\n\n"
    "Ostrom, E. (1990). Governing the commons. Cambridge University Press.\n"
)


at = functools.partial(span_at, TEXT)  # at(sub, label, layer, nth, **attrs)


SPANS = [
    at("Résilience", "resilience"),
    at("coopératives", "cooperative"),
    at("Gouvernance 𝔼 démocratique", "governance", confidence=0.75),
    at("Ostrom, 1990", "CITATION", "citation", authors=["Ostrom"], year="1990", target="r1"),
    at("Defourny, 2001, 2014a", "CITATION", "citation", authors=["Defourny"], year="2001",
       years=["2001", "2014"], suffix="a", extra_note=""),
    at("Ostrom, E. (1990). Governing the commons. Cambridge University Press.", "REFERENCE", "reference",
       id="r1", authors=["Ostrom, E."], year="1990", title="Governing the commons",
       container="Cambridge University Press", volume=3, tags=[]),
    at("des", "OTHER", "citation"),  # unusual label for the layer: kept
]  # fmt: skip


def test_formats_xmi_round_trip_through_files(tmp_path):
    write_xmi(SPANS, TEXT, tmp_path / "paper.xmi")
    assert (tmp_path / TYPESYSTEM_FILE).exists()
    back = read_xmi(tmp_path / "paper.xmi")
    assert back.text == TEXT
    expected = sorted(SPANS, key=sort_key)
    assert list(back.spans) == expected
    assert [dict(s.attrs) for s in back.spans] == [dict(s.attrs) for s in expected]


def test_formats_xmi_round_trip_through_a_stream():
    buf = io.StringIO()
    write_xmi(SPANS, TEXT, buf)
    back = read_xmi(io.StringIO(buf.getvalue()))
    assert [dict(s.attrs) for s in back.spans] == [dict(s.attrs) for s in sorted(SPANS, key=sort_key)]


def test_formats_xmi_offsets_in_the_file_are_utf16_units():
    xmi = "".join(generate_xmi(SPANS, TEXT))
    coop = TEXT.index("coopératives")
    found = re.search(r'<rescorpus:Concept [^>]*begin="(\d+)" end="(\d+)" label="cooperative"', xmi)
    assert found, xmi
    assert (int(found[1]), int(found[2])) == (coop + 1, coop + 13)  # 😀 is two UTF-16 units
    gov = re.search(r'begin="(\d+)" end="(\d+)" label="governance"', xmi)
    start = TEXT.index("Gouvernance")
    assert (int(gov[1]), int(gov[2])) == (start + 1, start + len("Gouvernance 𝔼 démocratique") + 2)


def test_formats_xmi_typesystem_declares_the_three_types(tmp_path):
    write_xmi(SPANS, TEXT, tmp_path / "paper.xmi")
    ts = load_typesystem((tmp_path / TYPESYSTEM_FILE).read_text())
    citation = ts.get_type("rescorpus.Citation")
    assert {f.name for f in citation.features} >= {"authors", "year", "years", "suffix", "target", "label", "extra"}
    assert ts.get_type("rescorpus.Reference").get_feature("doi") is not None
    assert ts.get_type("rescorpus.Concept").get_feature("label") is not None


def test_formats_xmi_refuses_what_is_not_xmi(tmp_path):
    bad = tmp_path / "bad.xmi"
    bad.write_text("<html></html>")
    with pytest.raises(InputError, match="not a readable UIMA XMI"):
        read_xmi(bad)


def test_formats_xmi_zip_round_trip_as_inception_exports_it(tmp_path):
    import zipfile

    from pipeline.evaluation.formats.xmi import read_xmi_zip, write_xmi_zip

    write_xmi_zip(SPANS, TEXT, tmp_path / "p.zip", "p")
    assert sorted(zipfile.ZipFile(tmp_path / "p.zip").namelist()) == [TYPESYSTEM_FILE, "p.xmi"]
    back = read_xmi_zip(tmp_path / "p.zip")
    expected = sorted(SPANS, key=sort_key)
    assert back.text == TEXT and list(back.spans) == expected
    assert [dict(s.attrs) for s in back.spans] == [dict(s.attrs) for s in expected]
    first = (tmp_path / "p.zip").read_bytes()
    write_xmi_zip(SPANS, TEXT, tmp_path / "p.zip", "p")
    assert (tmp_path / "p.zip").read_bytes() == first  # no timestamps


def test_formats_xmi_reads_layers_made_by_hand_in_inception():
    from cassis import Cas, TypeSystem

    ts = TypeSystem()
    t = ts.create_type("webanno.custom.Concept")
    ts.create_feature(t, "label", "uima.cas.String")
    cas = Cas(typesystem=ts)
    cas.sofa_string = TEXT
    start = TEXT.index("coopératives")
    cas.add(t(begin=start, end=start + 12, label="cooperative"))
    back = read_xmi(io.StringIO(cas.to_xmi()), ts=ts)
    assert back.spans == (Span("concept", "cooperative", start, start + 12, "coopératives"),)


def test_formats_xmi_refuses_a_type_system_without_our_layers():
    from cassis import Cas, TypeSystem

    cas = Cas(typesystem=TypeSystem())
    cas.sofa_string = TEXT
    with pytest.raises(InputError, match="import TypeSystem.xml"):
        read_xmi(io.StringIO(cas.to_xmi()), ts=TypeSystem())


def _bomb(path, mb: int, name: str = "p.xmi") -> None:
    """A zip whose one entry inflates to `mb` MB of zeros, written in a streaming way (~1 kB per MB packed)."""
    import zipfile

    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf, zf.open(name, "w", force_zip64=True) as fh:
        block = b"\0" * 2**20
        for _ in range(mb):
            fh.write(block)


def test_formats_xmi_zip_bomb_refused(tmp_path, monkeypatch):
    """A 1 MB zip once reached 5.3 GB and a MemoryError in `rescorpus import`: unpacked bytes are bounded."""
    from pipeline.evaluation.formats import exchange

    monkeypatch.setattr(exchange, "MAX_IMPORT_BYTES", 4 * 2**20)
    _bomb(tmp_path / "bomb.zip", 16)
    assert (tmp_path / "bomb.zip").stat().st_size < 100_000
    with pytest.raises(InputError, match=r"its entries declare more than 4 MB .*a zip bomb\?\): refused"):
        exchange.read_annotated(tmp_path / "bomb.zip")


def test_formats_xmi_zip_under_the_bound_is_read(tmp_path):
    from pipeline.evaluation.formats.exchange import check_zip

    _bomb(tmp_path / "big.zip", 3)
    check_zip(tmp_path / "big.zip", limit=4 * 2**20)
    with pytest.raises(InputError, match="more than 2 MB"):
        check_zip(tmp_path / "big.zip", limit=2 * 2**20)


def test_formats_xmi_default_import_bound():
    from pipeline.evaluation.formats.exchange import MAX_IMPORT_BYTES

    assert MAX_IMPORT_BYTES == 256 * 2**20
