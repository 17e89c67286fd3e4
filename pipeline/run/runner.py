"""The run: every paper of the corpus through the per-paper stages, then the corpus-level outputs.

Per-paper work is a pure function of (source bytes, configuration, code): its
result is a mapping of output paths to contents. That one fact gives the cache
(skip a paper whose key is unchanged), parallel runs (any process may compute
it) and byte-identical outputs. Files are written atomically and the cache
record after them, so a killed run leaves whole files and the next run
finishes the job. One bad paper is recorded with its reason; the others go on.
"""

from __future__ import annotations

import ctypes
import fcntl
import hashlib
import json
import multiprocessing
import os
import signal
import sys
import time
from contextlib import contextmanager
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pipeline
from pipeline.corpus import add as corpus_mod
from pipeline.config import Config
from pipeline.corpuslevel.corpusdigest import write_cache_file
from pipeline.errors import LockedError, RescorpusError, broken_paper, one_line
from pipeline.files import EXPORTS, atomic_write_text, csv_text, dumps_json, sha256_file, sha256_text, writing_to
from pipeline.run.outfolder import claim, owned_files
from pipeline.corpus.sources import SourceCheck, changed_reason

if TYPE_CHECKING:  # the extraction libraries load only in processes that extract
    from pipeline.extract.model import Extracted

Progress = Callable[[str, str], None]  # (paper id, what happened)
CACHE = ".cache"
LOCK = ".lock"
PER_PAPER_DIRS = ("text", "tables", "annotations")
CORPUS_RECORD = "_corpus.json"  # the corpus-level stage's cache record (paper ids cannot start with "_")
STATUS = "papers.json"  # every paper of the run: ok or failed (with the reason), and its flags
EVAL_DIR = "eval"  # the evaluation against the gold set (annotations/gold)
CORPUS_DIRS = ("graph", "report", EVAL_DIR)  # written only by the corpus-level stage
PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies


@dataclass
class RunResult:
    processed: list[str] = field(default_factory=list)  # computed this run
    cached: list[str] = field(default_factory=list)  # unchanged, skipped
    failed: dict[str, str] = field(default_factory=dict)  # paper id -> reason
    flagged: dict[str, list[str]] = field(default_factory=dict)
    corpus_outputs: str = ""  # "rebuilt" or "unchanged"
    corpus_failed: dict[str, str] = field(default_factory=dict)  # corpus-level output not written -> reason
    seconds: float = 0.0  # the whole run
    paper_seconds: float = 0.0  # the per-paper stage
    corpus_seconds: float = 0.0  # evaluation, works, graph, database, report


@dataclass(frozen=True)
class Job:
    """What a worker needs for one paper: picklable, so it can go to another process."""

    paper_id: str
    source: str
    flags: tuple[str, ...]
    password: str | None
    config: Config
    csl: Mapping[str, Any] = field(default_factory=dict)  # the paper's metadata (its corpus-stage share reads it)


@dataclass(frozen=True)
class Computed:
    """A paper's outputs (path relative to the output folder -> content) and its share of the corpus stage
    (pipeline/corpuslevel/corpusdigest.py cache files), computed in the worker so the corpus stage only reads it."""

    files: dict[str, str]
    shares: dict[str, str]


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the package's own source: any change of code is a new pipeline version."""
    digest = hashlib.sha256(pipeline.__version__.encode())
    root = Path(pipeline.__file__).parent
    for path in sorted(root.rglob("*.py")):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def paper_key(paper: corpus_mod.Paper, config_digest: str) -> str:
    return hashlib.sha256(f"{paper.sha256}:{config_digest}:{code_digest()}".encode()).hexdigest()


def paper_outputs(paper_id: str, extracted: Extracted) -> dict[str, str]:
    """The extraction outputs of one paper, relative to the output folder, with their exact content."""
    files = {
        f"text/{paper_id}.txt": extracted.text,
        f"text/{paper_id}.json": dumps_json(extracted.to_json()),
    }
    for n, table in enumerate(extracted.tables, start=1):
        files[f"tables/{paper_id}-{n}.csv"] = csv_text(table.rows)
    return files


def process(job: Job) -> Computed:
    """One paper's outputs: extraction, then the annotation layers on its Doc; then its corpus-stage share."""
    from pipeline.annotate.layers import annotate  # spaCy and the PDF libraries only in processes that work
    from pipeline.corpuslevel.corpusdigest import digest_files
    from pipeline.extract import extract

    extracted = extract(Path(job.source), password=job.password)
    files = paper_outputs(job.paper_id, extracted)
    files[f"annotations/{job.paper_id}.jsonl"] = annotate(extracted, job.config, job.paper_id)
    return Computed(files, digest_files(job.paper_id, job.csl, files))


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
        return _run(corpus, out, config or Config(), progress, passwords, jobs, executor, scheduler)


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
    from pipeline.run.manifest import RUN_LOG, write_manifest

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
        _log(out / RUN_LOG, result)
    return result


def corpus_key(corpus: Path, out: Path, config: Config) -> str:
    """What the corpus-level outputs depend on: every per-paper output, the papers' metadata, the code."""
    digest = hashlib.sha256(f"{code_digest()}:{config.digest()}".encode())
    for path in sorted((out / CACHE).glob("*.json")):
        if not path.name.startswith("_"):  # the corpus record, the sources seen
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    digest.update(b"status\0" + (out / STATUS).read_bytes())
    for path in sorted(Path(corpus).glob("*/paper.json")):
        digest.update(path.parent.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def update_corpus_outputs(
    corpus: Path,
    out: Path,
    config: Config,
    progress: Progress | None = None,
    jobs: int = 1,
    failed: dict[str, str] | None = None,
) -> str:
    """Rebuild works, graph, database and report when any per-paper output or metadata changed
    (their files written by `jobs` processes).

    A fault in one paper's share or one output is recorded in `failed` (what -> reason) and the rest is
    written; the record keeps the faults, so a rerun with nothing changed reports them again without redoing
    the work. An output that could not be written this time is deleted rather than left stale."""
    failed = {} if failed is None else failed
    key = corpus_key(corpus, out, config)
    record = _cached(out, CORPUS_RECORD.removesuffix(".json"), key)
    if record is not None:
        failed.update(record.get("failed", {}))
        return "unchanged"
    from pipeline.corpuslevel.aggregate import build_corpus_outputs  # plotting libraries only when needed

    _report(progress, "corpus", "evaluating against the gold set; building works, graph, database and report")
    written: list[Path] = []
    for name, stage in (("eval/", lambda: evaluate_into(corpus, out, config)),
                        ("corpus outputs", lambda: build_corpus_outputs(corpus, out, jobs=jobs, failures=failed))):
        try:
            written += stage()
        except Exception as exc:  # noqa: BLE001 - recorded and reported; the manifest is still written
            failed[name] = one_line(exc)
    files = {p.relative_to(out).as_posix(): sha256_file(p) for p in sorted(written)}
    previous = _listed(out, CORPUS_RECORD.removesuffix(".json"))
    for rel in sorted(set(previous) - set(files)):  # an output of an earlier run not written this time
        (out / rel).unlink(missing_ok=True)
    _delete_unlisted(out, CORPUS_DIRS, set(files))  # what an earlier version wrote there and this one does not
    atomic_write_text(out / CACHE / CORPUS_RECORD, dumps_json({"key": key, "files": files, "failed": dict(sorted(failed.items()))}))
    return "rebuilt"


def evaluate_into(corpus: Path, out: Path, config: Config) -> list[Path]:
    """outputs/eval/report.{json,md} for the gold papers in the corpus; none when there are none."""
    from pipeline.evaluation.evaluate import evaluate_gold_set
    from pipeline.evaluation.report import write_report

    folder = out / EVAL_DIR  # an earlier report, when none is made now, goes as a stale output
    if not config.gold_files():
        return []
    try:
        result = evaluate_gold_set(config.gold, corpus, out)
    except RescorpusError:  # no gold paper is in this corpus
        return []
    return list(write_report(result, folder))


def _sweep_temporary(out: Path) -> None:
    """Delete temporary files a killed run left behind (safe: we hold the lock, nobody else writes)."""
    for path in sorted(out.rglob(".*.tmp")):
        path.unlink(missing_ok=True)


def paper_status(result: RunResult) -> list[dict]:
    """What became of each paper, in id order: the part of the run a report shows (no times)."""
    ids = sorted(set(result.processed) | set(result.cached) | set(result.failed))
    rows = []
    for paper_id in ids:
        row: dict = {"id": paper_id, "status": "failed" if paper_id in result.failed else "ok"}
        if paper_id in result.failed:
            row["reason"] = result.failed[paper_id]
        row["flags"] = sorted(result.flagged.get(paper_id, []))
        rows.append(row)
    return rows


_HELD_LOCKS: set[int] = set()  # descriptors of the output locks this process holds


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder, released even when the process is killed
    (forked workers close their copy of it: see `forked_pool`)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"{out}/ is being written by another `rescorpus run`; wait for it to finish, then run again"
            ) from None
        _HELD_LOCKS.add(fh.fileno())
        try:
            yield
        finally:
            _HELD_LOCKS.discard(fh.fileno())
            fcntl.flock(fh, fcntl.LOCK_UN)


def forked_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers (they inherit the loaded models and data) that end with the run and
    never keep its output lock (see `_init_worker`)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_init_worker,
        initargs=(os.getpid(),),
    )


def _init_worker(parent: int) -> None:
    """A worker closes its copy of the output lock (a flock belongs to every copy of its descriptor)
    and asks the kernel to kill it when the run dies: workers orphaned by a `kill -9` of the run sat
    on their memory, and their lock kept the next run out."""
    for fd in sorted(_HELD_LOCKS):
        try:
            os.close(fd)  # this process's copy only; the lock stays with the run
        except OSError:
            pass
    _HELD_LOCKS.clear()
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
            pass
    if os.getppid() != parent:  # the run died before the line above
        os._exit(1)


def _log(path: Path, result: RunResult) -> None:
    """Append this run's times and outcomes to the run log (never part of the manifest)."""
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    lines = [
        f"{stamp} run: {len(result.processed)} processed, {len(result.cached)} unchanged, "
        f"{len(result.failed)} failed, {result.seconds:.2f} s (papers {result.paper_seconds:.2f} s, "
        f"corpus outputs {result.corpus_outputs} {result.corpus_seconds:.2f} s)"
    ]
    lines += [f"{stamp}   failed {pid}: {reason}" for pid, reason in sorted(result.failed.items())]
    lines += [f"{stamp}   not written {what}: {reason}" for what, reason in sorted(result.corpus_failed.items())]
    with open(path, "a", encoding="utf-8") as fh:
        fh.write("\n".join(lines) + "\n")


def update_papers(
    corpus: Path,
    out: Path,
    config: Config,
    progress: Progress | None,
    passwords: Mapping[str, str],
    jobs: int,
    executor: str = "local",
    scheduler: str | None = None,
) -> RunResult:
    """Compute the papers whose key changed, keep the others, delete outputs of papers gone."""
    started = time.perf_counter()
    cfg_digest = config.paper_digest()
    result = RunResult()

    def broken(name: str, exc: object) -> None:
        result.failed[name] = str(exc)
        _report(progress, name, f"failed: {exc}")

    papers = list(corpus_mod.iter_papers(corpus, on_broken=broken))
    sources = SourceCheck(out / CACHE)
    records: dict[str, dict] = {}
    todo: list[tuple[corpus_mod.Paper, str]] = []
    for paper in papers:
        if paper.flags:
            result.flagged[paper.id] = list(paper.flags)
        try:
            changed = sources.changed(paper)
        except OSError as exc:
            broken(paper.id, broken_paper(paper.folder, f"cannot read {paper.source.name}: {exc.strerror}"))
            continue
        if changed:
            broken(paper.id, changed_reason(paper))
            continue
        key = paper_key(paper, cfg_digest)
        record = _cached(out, paper.id, key)
        if record is not None:
            records[paper.id] = record
            result.cached.append(paper.id)
            _report(progress, paper.id, "unchanged")
        else:
            todo.append((paper, key))
    sources.save({p.id for p in papers})

    job_list = [
        Job(p.id, str(Path(p.source).resolve()), p.flags, passwords.get(p.id), config, dict(p.csl)) for p, _ in todo
    ]
    keys = {p.id: k for p, k in todo}
    dropped: set[str] = set()
    for paper_id, computed, error in _execute(job_list, jobs, executor, scheduler):
        if error is not None:
            result.failed[paper_id] = error
            _report(progress, paper_id, f"failed: {error}")
            continue
        files = computed.files
        earlier = set(_listed(out, paper_id))
        dropped |= earlier - set(files)  # what its earlier version wrote and this one does not
        pending = dict.fromkeys(sorted(earlier | set(files)), "")  # listed before written: a kill leaves no orphan
        atomic_write_text(out / CACHE / f"{paper_id}.json", dumps_json({"key": "", "files": pending}))
        for rel, content in sorted(files.items()):
            atomic_write_text(out / rel, content)
        record = {"key": keys[paper_id], "files": {rel: sha256_text(c) for rel, c in sorted(files.items())}}
        atomic_write_text(out / CACHE / f"{paper_id}.json", dumps_json(record))
        for rel, content in sorted(computed.shares.items()):  # checked by key when read: no fsync needed
            write_cache_file(out / rel, content)
        records[paper_id] = record
        result.processed.append(paper_id)
        _report(progress, paper_id, "done")

    _remove_stale(out, {rel for r in records.values() for rel in r["files"]}, set(records), dropped)
    result.paper_seconds = time.perf_counter() - started
    return result


def _execute(
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
                yield (job.paper_id, *_guarded(job))
            return
        with ProcessPoolExecutor(max_workers=workers) as pool:
            yield from _windowed(jobs, lambda job: pool.submit(_guarded, job), workers * 2)
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
        return pool.submit(_guarded, job)
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
    _init_worker(parent)
    send.send(_guarded(job))
    send.close()


def warm_up(config: Config) -> None:
    """Load every model a paper needs (spaCy pipelines, layer components, language and word statistics)."""
    from pipeline.annotate.layers import layers_for
    from pipeline.extract.clean import dehyphenate
    from pipeline.extract.language import detect
    from pipeline.annotate.nlp import pipeline_for

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
        yield from _windowed(jobs, lambda job: client.submit(_guarded, job, pure=False), nworkers * 2)
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


def _guarded(job: Job) -> tuple[Computed | None, str | None]:
    """A paper's outputs, or the one-line reason it has none: a bad paper never stops a run."""
    try:
        return process(job), None
    except RescorpusError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug in a stage on one paper: record it, go on with the others
        return None, f"internal error ({type(exc).__name__}: {exc}); please report it with this paper"


def _cached(out: Path, paper_id: str, key: str) -> dict | None:
    """The paper's cache record when its key matches and every file it lists is there, unedited."""
    path = out / CACHE / f"{paper_id}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("key") != key:
        return None
    for rel, digest in record.get("files", {}).items():
        try:  # by bytes: a file written from text hashes as its UTF-8, so one check serves both stages
            if sha256_file(out / rel) != digest:
                return None
        except OSError:
            return None
    return record


def _listed(out: Path, paper_id: str) -> list[str]:
    """The files the paper's cache record lists (none when it has no readable record)."""
    try:
        files = json.loads((out / CACHE / f"{paper_id}.json").read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return []
    return sorted(files) if isinstance(files, dict) else []


def _remove_stale(out: Path, keep: set[str], ids: set[str], dropped: set[str]) -> None:
    """Delete per-paper outputs no current paper produced: a removed paper's, a failed one's old ones,
    and `dropped` (those a reprocessed paper's earlier version wrote)."""
    _delete_unlisted(out, PER_PAPER_DIRS, keep, dropped)
    if (out / CACHE).is_dir():
        for path in sorted((out / CACHE).glob("*.json")):
            if path.stem not in ids and not path.name.startswith("_"):
                path.unlink()


def _delete_unlisted(out: Path, folders: Iterable[str], keep: set[str], also_owned: Iterable[str] = ()) -> None:
    """Delete every file under OUT/<folder> that an earlier run listed as its own (manifest, cache records)
    and that is not in `keep`; a file the run never wrote is never touched. Folders left empty go too."""
    owned = (owned_files(out) | set(also_owned)) - keep
    for folder in folders:
        emptied: set[Path] = set()
        for path in sorted((out / folder).rglob("*")) if (out / folder).is_dir() else []:
            if path.is_file() and path.relative_to(out).as_posix() in owned:
                path.unlink()
                emptied.add(path.parent)
        for parent in sorted(emptied, key=lambda d: len(d.parts), reverse=True):
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent


def _report(progress: Progress | None, paper_id: str, status: str) -> None:
    if progress:
        progress(paper_id, status)


def iter_outputs(out: Path, skip: Iterable[str] = ()) -> Iterator[Path]:
    """Every output file (not the cache, not the log), sorted: what the manifest lists."""
    skip = set(skip)
    for path in sorted(Path(out).rglob("*")):
        rel = path.relative_to(out).as_posix()
        if (
            path.is_file()
            and not rel.startswith((CACHE + "/", EXPORTS + "/"))
            and rel not in skip
            and not path.name.startswith(".")
        ):
            yield path
