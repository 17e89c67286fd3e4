"""The per-paper stage of a run: compute the papers whose key changed, keep the others, delete what is stale.

Files are written atomically and the cache record after them (listed before written), so a killed run leaves
whole files and no orphan, and the next run finishes the job. One bad paper is recorded with its reason; the
others go on.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Mapping
from pathlib import Path

from pipeline.config import Config
from pipeline.corpus import papers as corpus_mod
from pipeline.corpus.sources import SourceCheck, changed_reason
from pipeline.corpuslevel.paperdata import write_cache_file
from pipeline.errors import broken_paper
from pipeline.extract import ocr
from pipeline.files import atomic_write_text, dumps_json, sha256_text
from pipeline.run.cache import CACHE, cached_record, code_digest, delete_unlisted, listed_files
from pipeline.run.executors import execute
from pipeline.run.jobs import Job
from pipeline.run.outcome import Progress, RunResult, report

PER_PAPER_DIRS = ("text", "tables", "annotations")


OCR_FLAGS = frozenset(("ocr", "needs_ocr"))  # a scan: its text is the OCR engine's


def paper_key(paper: corpus_mod.Paper, config_digest: str) -> str:
    """The paper's cache key: its source, the configuration, the code, and for a scan the OCR engine and
    its models (installing Tesseract reads again a paper added, and flagged needs_ocr, without it)."""
    engine = f":{ocr.engine()}" if OCR_FLAGS & set(paper.flags) else ""
    return hashlib.sha256(f"{paper.sha256}:{config_digest}:{code_digest()}{engine}".encode()).hexdigest()


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
        report(progress, name, f"failed: {exc}")

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
        record = cached_record(out, paper.id, key)
        if record is not None:
            records[paper.id] = record
            result.cached.append(paper.id)
            report(progress, paper.id, "unchanged")
        else:
            todo.append((paper, key))
    sources.save({p.id for p in papers})

    job_list = [
        Job(p.id, str(Path(p.source).resolve()), p.flags, passwords.get(p.id), config, dict(p.csl)) for p, _ in todo
    ]
    keys = {p.id: k for p, k in todo}
    dropped: set[str] = set()
    for paper_id, computed, error in execute(job_list, jobs, executor, scheduler):
        if error is not None:
            result.failed[paper_id] = error
            report(progress, paper_id, f"failed: {error}")
            continue
        files = computed.files
        earlier = set(listed_files(out, paper_id))
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
        report(progress, paper_id, "done")

    _remove_stale(out, {rel for r in records.values() for rel in r["files"]}, set(records), dropped)
    result.paper_seconds = time.perf_counter() - started
    return result


def _remove_stale(out: Path, keep: set[str], ids: set[str], dropped: set[str]) -> None:
    """Delete per-paper outputs no current paper produced: a removed paper's, a failed one's old ones,
    and `dropped` (those a reprocessed paper's earlier version wrote)."""
    delete_unlisted(out, PER_PAPER_DIRS, keep, dropped)
    if (out / CACHE).is_dir():
        for path in sorted((out / CACHE).glob("*.json")):
            if path.stem not in ids and not path.name.startswith("_"):
                path.unlink()
