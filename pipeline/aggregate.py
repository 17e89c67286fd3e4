"""The corpus-level stage: from the per-paper outputs to works.jsonl, graph/, corpus.sqlite and report/.

`build_corpus_outputs` is its one entry point. It reads only files under `out`
(and the papers' metadata), never the sources, and writes every file atomically
with bytes that depend on those inputs only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.corpusdata import WORKS, PaperData, Work, derive_works, load_corpus, read_works, select_papers, works_lines
from pipeline.files import atomic_write_text
from pipeline.formats.graphs import FORMATS, export_graph
from pipeline.graph import build_graph, project
from pipeline.report import write_report
from pipeline.store import DB_NAME, build_database

GRAPH_DIR = "graph"
REPORT_DIR = "report"
EVALUATION = Path("eval") / "report.json"  # where `rescorpus eval` leaves its result, if it ran
MAP_MIN_WEIGHT = 1  # the maps keep links seen in at least one sentence (paper)


def corpus_works(out: Path, papers: tuple[PaperData, ...]) -> tuple[Work, ...]:
    """The cited works: pipeline.citations.works when it is there (it writes works.jsonl), else the
    fallback keys of pipeline.corpusdata, written to works.jsonl in the same shape."""
    try:
        from pipeline.citations.works import build_works  # the citation issue's work identities
    except ImportError:
        build_works = None
    path = Path(out) / WORKS
    if build_works is not None:
        build_works(out)
    else:
        atomic_write_text(path, works_lines(derive_works(papers)))
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


def build_corpus_outputs(corpus: Path, out: Path) -> list[Path]:
    """Write works.jsonl, graph/<kind>.<format> for every projection, corpus.sqlite and report/; return the paths."""
    corpus, out = Path(corpus), Path(out)
    papers = load_corpus(corpus, out)
    works = corpus_works(out, papers)
    graph = build_graph(papers, works)
    written = [out / WORKS]
    maps = {}
    for kind in ("concepts", "citations", "concept-works", "all"):
        maps[kind] = project(graph, kind, min_weight=MAP_MIN_WEIGHT if kind in ("concepts", "concept-works") else 0)
        written += export_graph(maps[kind], out / GRAPH_DIR / kind, FORMATS)
    written.append(build_database(out / DB_NAME, papers, works, maps["all"]))
    written += write_report(out / REPORT_DIR, papers, works, maps["concepts"], maps["citations"], _evaluation(out))
    return sorted(written)
