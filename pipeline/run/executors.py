"""Where the papers' jobs run: here, in forked local processes, or on a Dask cluster; results in job order.

A paper that kills its worker (a crash in a PDF library, the OOM killer) is recorded as failed instead of
taking the run with it: the papers in flight with it run again alone, so only the guilty one fails.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from pipeline.config import Config
from pipeline.errors import RescorpusError
from pipeline.run.jobs import Computed, Job, guarded
from pipeline.workers import forked_pool, init_worker


def execute(
    jobs: list[Job], workers: int, executor: str = "local", scheduler: str | None = None
) -> Iterator[tuple[str, Computed | None, str | None]]:
    """Run jobs here, in a process pool, or on a Dask cluster, yielding (id, files, error) in the jobs' order."""
    if executor == "dask":
        yield from _execute_dask(jobs, workers, scheduler)
        return
    if executor != "local":
        raise RescorpusError(f"unknown executor {executor!r}; use local or dask")
    if not jobs:
        return
    if sys.platform != "linux":  # no fork: a pool of spawned workers only pays when there are several
        if workers <= 1 or len(jobs) <= 1:
            for job in jobs:
                yield (job.paper_id, *guarded(job))
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from _windowed(jobs, lambda job: pool.submit(guarded, job), workers * 2)
        return
    # fork: workers inherit the models loaded here once, and a paper that kills its worker (a segfault in a
    # PDF library, the OOM killer) is recorded as failed instead of taking the run with it
    workers = max(1, min(workers, len(jobs)))
    if workers > 1:  # one worker loads only the models its papers need, and keeps them
        warm_up(jobs[0].config)
    yield from _pooled(jobs, workers)


def _pooled(jobs: list[Job], workers: int) -> Iterator[tuple[str, Computed | None, str | None]]:
    """`jobs` through a pool of forked workers, in order. When a worker dies every paper in flight fails
    with it: each of them runs once more alone, so only the paper that kills its worker again is blamed."""
    pending = iter(jobs)
    pool = forked_pool(workers)
    window: list[tuple[Job, Future]] = []
    try:
        while True:
            for nxt in _take(pending, workers * 2 - len(window)):
                window.append((nxt, _submit(pool, nxt)))
            if not window:
                return
            job, future = window.pop(0)
            try:
                outcome = future.result()
            except BrokenProcessPool:
                pool.shutdown(wait=True, cancel_futures=True)
                for suspect, fut in [(job, future), *window]:
                    done = fut.done() and not fut.cancelled() and fut.exception() is None
                    yield (suspect.paper_id, *(fut.result() if done else _alone(suspect)))
                window = []
                pool = forked_pool(workers)
                continue
            yield (job.paper_id, *outcome)
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _submit(pool: ProcessPoolExecutor, job: Job) -> Future:
    """The job's future; on a pool already broken (by a paper still in the window), a failed one."""
    try:
        return pool.submit(guarded, job)
    except BrokenProcessPool as exc:
        future: Future = Future()
        future.set_exception(exc)
        return future


def _alone(job: Job) -> tuple[Computed | None, str | None]:
    """One paper in a forked process of its own: its outputs, or why it has none (how its process died)."""
    ctx = multiprocessing.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_alone_worker, args=(job, send, os.getpid()), daemon=True)
    proc.start()
    send.close()
    try:
        outcome = receive.recv()
    except EOFError:  # it died before sending anything
        outcome = None
    finally:
        receive.close()
        proc.join()
    if outcome is not None:
        return outcome
    code = proc.exitcode or 0
    how = f"signal {-code}" if code < 0 else f"exit code {code}"
    return None, (
        f"the worker processing it died ({how}): a crash in a PDF library, or the machine ran out of memory; "
        "check that the source opens in a PDF reader, or run again with fewer --jobs"
    )


def _alone_worker(job: Job, send: Any, parent: int) -> None:
    init_worker(parent)
    send.send(guarded(job))
    send.close()


def warm_up(config: Config) -> None:
    """Load every model a paper needs (spaCy pipelines, layer components, language and word statistics)."""
    from pipeline.annotate.layers import layers_for
    from pipeline.annotate.nlp import pipeline_for
    from pipeline.extract.clean import dehyphenate
    from pipeline.extract.language import detect

    for lang in sorted(config.models):
        pipeline_for(lang, config.models)
    layers_for(config)
    detect("La coopérative agricole a résisté à la sécheresse grâce à ses membres.")
    dehyphenate("coopé", "rative")


def _windowed(jobs: list[Job], submit: Callable[[Job], Future], size: int):
    """Keep at most `size` jobs in flight (papers stream through; the corpus is never held), in order."""
    window: list[tuple[Job, Future]] = []
    pending = iter(jobs)
    for job in _take(pending, size):
        window.append((job, submit(job)))
    while window:
        job, future = window.pop(0)
        try:
            outcome = future.result()
        except Exception as exc:  # a Dask worker lost (KilledWorker) or a broken pool: this paper has no result
            outcome = None, f"the worker processing it died or was lost ({type(exc).__name__}: {exc}); run again"
        yield (job.paper_id, *outcome)
        for nxt in _take(pending, 1):
            window.append((nxt, submit(nxt)))


def _execute_dask(jobs: list[Job], workers: int, scheduler: str | None):
    """The same jobs on a Dask distributed cluster (at `scheduler`, or a local one with `workers` processes).

    Workers must see the corpus at the same path (a shared file system), as a process pool does.
    """
    try:
        from distributed import Client, LocalCluster
    except ImportError:  # pragma: no cover - distributed is a dependency
        raise RescorpusError("--executor dask needs the `distributed` package: pip install distributed") from None
    if not jobs:
        return
    cluster = None
    try:
        if scheduler:
            client = Client(scheduler, timeout="10s")
        else:
            cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None)
            client = Client(cluster)
    except (OSError, TimeoutError) as exc:
        raise RescorpusError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with `dask scheduler` "
            "and workers with `dask worker ADDRESS`, or check the address"
        ) from None
    try:
        nworkers = max(1, len(client.scheduler_info().get("workers", {})))
        yield from _windowed(jobs, lambda job: client.submit(guarded, job, pure=False), nworkers * 2)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _take(it: Iterator[Job], n: int) -> list[Job]:
    out = []
    for _ in range(n):
        try:
            out.append(next(it))
        except StopIteration:
            break
    return out
