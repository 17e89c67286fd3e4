"""A worker that dies (a segfault in a PDF library, the OOM killer) fails its paper only; the run goes on."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import pytest

import pipeline.run.executors as executors
import pipeline.run.jobs as jobs_mod
from pipeline.config import Config
from pipeline.run.outcome import STATUS
from pipeline.run.runner import run
from test_run_faults import _corpus_of
from test_run_reproducible import outputs_state

KILLER = "paper-2"


def _deadly(real):
    """`process` that kills its own worker process on KILLER (forked workers inherit the patch)."""

    def process(job):
        if job.paper_id == KILLER:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(job)

    return process


@pytest.mark.parametrize("jobs", [1, 3])
def test_a_paper_that_kills_its_worker_is_failed_and_the_others_are_processed(
    corpus: Path, tmp_path: Path, monkeypatch, jobs: int
) -> None:
    _corpus_of(corpus, tmp_path, 5)
    reference = tmp_path / "reference"
    run(corpus, reference, Config())
    monkeypatch.setattr(jobs_mod, "process", _deadly(jobs_mod.process))
    out = tmp_path / "out"
    result = run(corpus, out, Config(), jobs=jobs)
    assert sorted(result.processed) == ["paper-0", "paper-1", "paper-3", "paper-4"]
    assert list(result.failed) == [KILLER]
    assert "the worker processing it died (signal 9)" in result.failed[KILLER]
    assert result.corpus_outputs == "rebuilt"
    for pid in result.processed:  # the innocent papers in flight with it were run again, whole
        assert (out / "text" / f"{pid}.txt").read_bytes() == (reference / "text" / f"{pid}.txt").read_bytes()
    assert f'"id": "{KILLER}"' in (out / STATUS).read_text(encoding="utf-8")
    assert set(outputs_state(out)) > {f"annotations/{pid}.jsonl" for pid in result.processed}


def test_a_lost_dask_worker_fails_its_paper_only() -> None:
    """Dask gives up on a paper whose workers keep dying (KilledWorker): that paper fails, the next is read."""
    from concurrent.futures import Future

    def submit(job):
        future: Future = Future()
        if job.paper_id == "lost":
            future.set_exception(RuntimeError("KilledWorker: attempted to run the task 3 times"))
        else:
            future.set_result(("computed", None))
        return future

    jobs = [jobs_mod.Job(pid, "", (), None, Config()) for pid in ("lost", "fine")]
    outcomes = list(executors._windowed(jobs, submit, 2))
    assert outcomes[1] == ("fine", "computed", None)
    assert outcomes[0][:2] == ("lost", None) and "the worker processing it died or was lost" in outcomes[0][2]
