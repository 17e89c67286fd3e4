"""The corpus stage over real-corpus faults: shared author-less works, one faulty output or paper never stops it."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path

import pytest
from corpus_outputs import PAPERS, REF_OSTROM, make_outputs

import pipeline.corpuslevel.aggregate as aggregate
from pipeline.config import Config
from pipeline.run.cache import CACHE
from pipeline.run.corpusstage import CORPUS_RECORD, update_corpus_outputs
from pipeline.run.outcome import STATUS

INTERVIEW = ("Entretien inédit avec la directrice de la coopérative Tighanimine, Agadir, 12 mars 2018.",
             {"id": "r9", "year": "2018", "title": "Entretien inédit avec la directrice de la coopérative Tighanimine"})


def _with_interview(paper):
    paragraphs = paper.paragraphs + ((INTERVIEW[0], paper.lang, "references"),)
    return dataclasses.replace(paper, paragraphs=paragraphs, references=paper.references + (INTERVIEW,))


def _outputs(tmp_path: Path, papers=PAPERS) -> tuple[Path, Path]:
    corpus, out = make_outputs(tmp_path, tuple(papers))
    (out / STATUS).write_text("[]", encoding="utf-8")
    return corpus, out


def test_run_corpus_stage_two_papers_citing_one_anonymous_work(tmp_path: Path) -> None:
    """Regression: `UNIQUE constraint failed: works.key`, no database, no graph, no manifest."""
    corpus, out = _outputs(tmp_path, [_with_interview(p) for p in PAPERS])
    failed: dict[str, str] = {}
    assert update_corpus_outputs(corpus, out, Config(), failed=failed) == "rebuilt"
    assert failed == {}
    works = [json.loads(line) for line in (out / "works.jsonl").read_text(encoding="utf-8").splitlines()]
    interview = [w for w in works if "entretien" in w["key"]]
    assert len(interview) == 1 and {c["paper"] for c in interview[0]["cited_by"]} == {p.id for p in PAPERS}
    with sqlite3.connect(out / "corpus.sqlite") as db:
        assert db.execute("select cited_by from works where key = ?", (interview[0]["key"],)).fetchone() == (2,)


def test_run_corpus_stage_one_faulty_output_spares_the_others(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = _outputs(tmp_path)
    assert update_corpus_outputs(corpus, out, Config()) == "rebuilt"
    assert (out / "report" / "index.html").exists()

    def broken(*_a, **_k):
        raise ValueError("a faulty work in the report\nsecond line")

    monkeypatch.setattr(aggregate, "write_report", broken)
    meta = corpus / PAPERS[0].id / "paper.json"  # metadata changed: the stage runs again
    meta.write_text(json.dumps({**json.loads(meta.read_text(encoding="utf-8")), "title": "Nouveau titre"}), encoding="utf-8")
    failed: dict[str, str] = {}
    assert update_corpus_outputs(corpus, out, Config(), failed=failed) == "rebuilt"
    assert failed == {"report/": "ValueError: a faulty work in the report"}
    assert not (out / "report" / "index.html").exists()  # not left stale beside new graph and database
    assert (out / "corpus.sqlite").exists() and (out / "graph" / "citations.gexf").exists()
    again: dict[str, str] = {}  # nothing changed: not redone, the fault said again
    assert update_corpus_outputs(corpus, out, Config(), failed=again) == "unchanged"
    assert again == failed
    assert json.loads((out / CACHE / CORPUS_RECORD).read_text(encoding="utf-8"))["failed"] == failed


def test_run_corpus_stage_one_faulty_paper_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    corpus, out = _outputs(tmp_path)
    real = aggregate.load_digests.__globals__["digest_paper"]

    def digest(p):
        if p.id == PAPERS[0].id:
            raise TypeError("'int' object is not iterable")
        return real(p)

    monkeypatch.setitem(aggregate.load_digests.__globals__, "digest_paper", digest)
    failed: dict[str, str] = {}
    update_corpus_outputs(corpus, out, Config(), failed=failed)
    assert failed == {f"paper {PAPERS[0].id}": "TypeError: 'int' object is not iterable"}
    with sqlite3.connect(out / "corpus.sqlite") as db:
        assert [r[0] for r in db.execute("select id from papers")] == [PAPERS[1].id]
    assert REF_OSTROM[1]["title"] in (out / "works.jsonl").read_text(encoding="utf-8")
