"""The refextract comparison without timing: gold matching by hash, the scoring, the reasons for skipping."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path

import pytest

from pipeline.bench import refextract as br
from pipeline.bench.report import reference_rows

GOLD = [br.Entry("Ostrom", "1990", "Governing the Commons"), br.Entry("Défourny", "2001", "Introduction"),
        br.Entry("Borzaga", "2009", "")]


def test_gold_papers_match_pdfs_by_source_hash(tmp_path: Path) -> None:
    pdf, other = tmp_path / "a.pdf", tmp_path / "b.pdf"
    pdf.write_bytes(b"%PDF a")
    other.write_bytes(b"%PDF b")
    header = {"header": True, "paper": "a-paper", "source_sha256": hashlib.sha256(b"%PDF a").hexdigest()}
    ref = {"layer": "reference", "authors": ["Ostrom"], "year": "1990", "title": "Governing the Commons",
           "text": "Ostrom, E. (1990). Governing the Commons."}
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in (header, ref)) + "\n", encoding="utf-8")
    stray = {"header": True, "paper": "x", "source_sha256": "0" * 64}
    (tmp_path / "x.jsonl").write_text(json.dumps(stray) + "\n" + json.dumps(ref) + "\n", encoding="utf-8")
    found = br.gold_papers(sorted(tmp_path.glob("*.jsonl")), [pdf, other])
    assert list(found) == [pdf]
    name, entries = found[pdf]
    assert name == "a-paper" and entries == [br.Entry("Ostrom", "1990", "Governing the Commons", ref["text"])]
    # a re-saved PDF (other bytes) whose extracted text is the gold text still counts
    header |= {"source_sha256": "1" * 64, "text_sha256": hashlib.sha256("le texte".encode()).hexdigest()}
    (tmp_path / "a.jsonl").write_text("\n".join(json.dumps(r) for r in (header, ref)) + "\n", encoding="utf-8")
    assert br.gold_papers([tmp_path / "a.jsonl"], [pdf, other]) == {}
    assert list(br.gold_papers([tmp_path / "a.jsonl"], [pdf, other], {other: "le texte", pdf: "autre"})) == [other]


def test_score_counts_author_year_and_title_matches() -> None:
    found = [
        br.Entry("Ostrom, E.", "1990", "Governing the commons"),  # raw author form, title case differs
        br.Entry("", "2001", "", "Defourny, J. (2001). Introduction."),  # no author parsed: the entry text counts
        br.Entry("Borzaga", "2010", ""),  # wrong year
        br.Entry("Smith", "2009", "Another"),  # not in the gold set
    ]
    s = br.score("p", GOLD, found, 1.5)
    assert (s.gold, s.found, s.matched) == (3, 4, 2)
    assert (s.titles_gold, s.titles_matched) == (2, 1) and s.gives_titles


def test_each_found_entry_matches_one_gold_entry_only() -> None:
    s = br.score("p", [br.Entry("Ostrom", "1990", ""), br.Entry("Ostrom", "1990", "")],
                 [br.Entry("Ostrom", "1990", "")], 0.0)
    assert s.matched == 1 and not s.gives_titles


def test_refextract_is_skipped_with_the_reason(tmp_path: Path, monkeypatch) -> None:
    pdf = tmp_path / "a.pdf"
    gold = {pdf: ("a", GOLD)}
    ours = {pdf: (GOLD, 2.0)}
    missing = br.bench_refextract(gold, ours, tmp_path / "no-python")
    assert missing.skipped.startswith(f"{tmp_path / 'no-python'}: no such Python") and "pip install" in missing.skipped
    assert missing.ours[0].matched == 3 and missing.refextract == ()
    rows = reference_rows(missing)
    assert rows[-1].value is None and rows[-1].note.startswith("skipped: ")
    assert rows[1].value == 1.0  # ours: first author + year, all three
    monkeypatch.setattr(br.shutil, "which", lambda name: None)
    assert br.why_not(Path(sys.executable)).startswith("pdftotext not found")


def test_a_python_without_refextract_says_how_to_install(monkeypatch) -> None:
    if importlib.util.find_spec("refextract") is not None:
        pytest.skip("refextract is installed in this Python")
    monkeypatch.setattr(br.shutil, "which", lambda name: "/usr/bin/" + name)
    reason = br.why_not(Path(sys.executable))  # the project's venv: refextract lives in its own
    assert reason.startswith("refextract not installed") and br.REFEXTRACT_PIN in reason
