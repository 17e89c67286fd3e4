"""The run: every paper of the corpus through the per-paper stages, then the corpus-level outputs.

`run` is the one entry point (`rescorpus run`): under the output folder's lock it runs the per-paper stage
(pipeline.run.papers), writes papers.json, runs the corpus-level stage (pipeline.run.corpusstage), then writes
the manifest and appends to the run log. Per-paper work is a pure function of (source bytes, configuration,
code); that one fact gives the cache, parallel runs and byte-identical outputs.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path

from pipeline.config import Config
from pipeline.files import atomic_write_text, dumps_json, writing_to
from pipeline.run.corpusstage import update_corpus_outputs
from pipeline.run.lock import output_lock
from pipeline.run.manifest import RUN_LOG, write_manifest
from pipeline.run.outcome import STATUS, Progress, RunResult, paper_status, write_log
from pipeline.run.outfolder import claim
from pipeline.run.papers import update_papers


def run(
    corpus: Path,
    out: Path,
    config: Config | None = None,
    progress: Progress | None = None,
    passwords: Mapping[str, str] | None = None,
    jobs: int = 1,
    executor: str = "local",
    scheduler: str | None = None,
) -> RunResult:
    """Regenerate `out` from `corpus`: papers that changed, corpus-level outputs, the manifest.

    Holds a lock on `out` so two runs never write at once; the second is refused. `out` must be empty,
    new or an output folder already (see pipeline/run/outfolder.py); a full disk or a read-only `out` is
    a RescorpusError.
    """
    corpus, out = Path(corpus), Path(out)
    with writing_to(out):
        claim(out)
        return _run(corpus, out, (config or Config()).for_corpus(corpus), progress, passwords, jobs, executor, scheduler)


def _run(
    corpus: Path,
    out: Path,
    config: Config,
    progress: Progress | None,
    passwords: Mapping[str, str] | None,
    jobs: int,
    executor: str,
    scheduler: str | None,
) -> RunResult:
    started = time.perf_counter()
    with output_lock(out):
        _sweep_temporary(out)
        result = update_papers(corpus, out, config, progress, passwords or {}, jobs, executor, scheduler)
        atomic_write_text(out / STATUS, dumps_json(paper_status(result)))
        corpus_started = time.perf_counter()
        result.corpus_outputs = update_corpus_outputs(
            corpus, out, config, progress, jobs if executor == "local" else 1, result.corpus_failed
        )
        result.corpus_seconds = time.perf_counter() - corpus_started
        write_manifest(corpus, out, config)
        result.seconds = time.perf_counter() - started
        write_log(out / RUN_LOG, result)
    return result


def _sweep_temporary(out: Path) -> None:
    """Delete temporary files a killed run left behind (safe: we hold the lock, nobody else writes)."""
    for path in sorted(out.rglob(".*.tmp")):
        path.unlink(missing_ok=True)
