"""The corpus-level stage: from the per-paper outputs to works.jsonl, graph/, corpus.sqlite and report/.

`build_corpus_outputs` is its one entry point. It reads only files under `out`
(and the papers' metadata), never the sources, and writes every file atomically
with bytes that depend on those inputs only: a build from the per-paper cache and
a build from scratch give the same bytes.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.citations.works import build_works, generate_works_jsonl
from pipeline.corpuslevel.graph import build_graph, graph_from_summaries, project
from pipeline.corpuslevel.graphformats import FORMATS, export_graph
from pipeline.corpuslevel.paperdata import PaperData, load_corpus, load_digests, select_papers, work_spans
from pipeline.corpuslevel.report import write_report
from pipeline.corpuslevel.store import DB_NAME, write_database
from pipeline.corpuslevel.works import WORKS, Work, derive_works, read_works
from pipeline.errors import one_line
from pipeline.files import atomic_write_text
from pipeline.workers import forked_pool

GRAPH_DIR = "graph"
REPORT_DIR = "report"
EVALUATION = Path("eval") / "report.json"  # where `rescorpus eval` leaves its result, if it ran
MAP_MIN_WEIGHT = 1  # the maps keep links seen in at least one sentence (paper)


def corpus_works(out: Path, summaries: Sequence[Mapping[str, Any]]) -> tuple[Work, ...]:
    """The cited works (pipeline.citations.works), written to works.jsonl. Reads the papers' cached summaries,
    not the files."""
    path = Path(out) / WORKS
    atomic_write_text(path, "".join(generate_works_jsonl(build_works((s["id"], work_spans(s)) for s in summaries))))
    return read_works(path)


def load_graph(corpus: Path, out: Path, **filters: Any) -> tuple[tuple[PaperData, ...], tuple[Work, ...], nx.Graph]:
    """Papers (filtered: lang, ids, since, until), their works, and the heterogeneous graph of them."""
    papers = load_corpus(corpus, out)
    path = Path(out) / WORKS
    works = read_works(path) if path.exists() else derive_works(papers)
    chosen = select_papers(papers, **filters)
    return chosen, works, build_graph(chosen, works)


def _evaluation(out: Path) -> dict[str, Any] | None:
    path = Path(out) / EVALUATION
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def build_corpus_outputs(
    corpus: Path,
    out: Path,
    timings: dict[str, float] | None = None,
    jobs: int = 1,
    failures: dict[str, str] | None = None,
) -> list[Path]:
    """Write works.jsonl, graph/<kind>.<format> for every projection, corpus.sqlite and report/; return the paths.

    Papers stream through: only their small summaries are held (pipeline.corpuslevel.paperdata, cached per paper
    under outputs/.cache/corpus), the database takes their rows one paper at a time. With `jobs` > 1 the
    files (graph exports, database, report) are written by that many processes at once; the bytes are the
    same. `timings`, when given, receives the seconds of each sub-stage.

    With `failures` given, one faulty paper or output never stops the others: a paper whose share cannot be
    read is left out, an output that cannot be written is not written, and each goes into `failures`
    (what -> one-line reason). Without it, the first fault is raised."""
    corpus, out = Path(corpus), Path(out)
    clock = _Clock(timings if timings is not None else {})
    digests = load_digests(corpus, out, failures)
    summaries = digests.summaries
    clock.lap("papers")
    works = corpus_works(out, summaries)
    clock.lap("works")
    graph = graph_from_summaries(summaries, works)
    maps = {kind: project(graph, kind, min_weight=MAP_MIN_WEIGHT if kind in ("concepts", "concept-works") else 0)
            for kind in ("concepts", "citations", "concept-works", "all")}  # fmt: skip
    clock.lap("graph")
    exports = {kind: partial(export_graph, g, out / GRAPH_DIR / kind, FORMATS) for kind, g in maps.items()}
    tasks: dict[str, Callable[[], list[Path]]] = {  # the longest first, so that parallel workers finish together
        "graph_exports_citations": exports["citations"],
        "graph_exports_all": exports["all"],
        "report": partial(
            write_report, out / REPORT_DIR, summaries, works, maps["concepts"], maps["citations"], _evaluation(out)
        ),
        "database": lambda: [write_database(out / DB_NAME, digests.rows(), works, maps["all"])],
        "graph_exports_concepts": exports["concepts"],
        "graph_exports_concept-works": exports["concept-works"],
    }
    written = [out / WORKS]
    if jobs > 1 and sys.platform == "linux":
        outcomes = _run_forked(tasks, jobs)
        clock.lap("files")
    else:
        outcomes = {}
        for name, task in tasks.items():
            outcomes[name] = _outcome(task)
            clock.lap(name)
    for name, outcome in outcomes.items():
        if isinstance(outcome, BaseException):
            if failures is None:
                raise outcome
            failures[OUTPUT_NAMES.get(name, name)] = one_line(outcome)
        else:
            written += outcome
    return sorted(written)


# What a scholar looks for when an output is missing (task name -> the files it writes).
OUTPUT_NAMES = {
    "report": f"{REPORT_DIR}/",
    "database": DB_NAME,
    **{f"graph_exports_{kind}": f"{GRAPH_DIR}/{kind}.*" for kind in ("citations", "all", "concepts", "concept-works")},
}


def _outcome(task: Callable[[], list[Path]]) -> list[Path] | Exception:
    try:
        return task()
    except Exception as exc:  # one output's fault must not cost the others (the caller decides to raise)
        return exc


_TASKS: dict[str, Callable[[], list[Path]]] = {}  # what forked workers inherit (closures do not pickle)


def _run_task(name: str) -> list[Path]:
    return _TASKS[name]()


def _run_forked(tasks: dict[str, Callable[[], list[Path]]], jobs: int) -> dict[str, list[Path] | BaseException]:
    """Run the tasks in `jobs` forked processes (they inherit the graphs: nothing is pickled but names);
    each task's paths, or the exception it raised (a worker that died fails only the tasks it had)."""
    _TASKS.clear()
    _TASKS.update(tasks)
    try:
        with forked_pool(min(jobs, len(tasks))) as pool:
            futures = {name: pool.submit(_run_task, name) for name in tasks}
            return {name: future.exception() or future.result() for name, future in futures.items()}
    finally:
        _TASKS.clear()


class _Clock:
    """Seconds between laps, into a dict (the benchmark's per-sub-stage figures)."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.into[name] = round(now - self.last, 3)
        self.last = now
