"""The corpus-level stage of a run: evaluation, works, graph, database and report, rebuilt when any input changed."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.config import Config
from pipeline.errors import RescorpusError, one_line
from pipeline.files import atomic_write_text, dumps_json, sha256_file
from pipeline.run.cache import CACHE, cached_record, code_digest, delete_unlisted, listed_files
from pipeline.run.outcome import STATUS, Progress, report

CORPUS_RECORD = "_corpus.json"  # the corpus-level stage's cache record (paper ids cannot start with "_")
EVAL_DIR = "eval"  # the evaluation against the gold set (annotations/gold)
CORPUS_DIRS = ("graph", "report", EVAL_DIR)  # written only by the corpus-level stage


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
    record = cached_record(out, CORPUS_RECORD.removesuffix(".json"), key)
    if record is not None:
        failed.update(record.get("failed", {}))
        return "unchanged"
    from pipeline.corpuslevel.aggregate import build_corpus_outputs  # plotting libraries only when needed

    report(progress, "corpus", "evaluating against the gold set; building works, graph, database and report")
    written: list[Path] = []
    for name, stage in (("eval/", lambda: evaluate_into(corpus, out, config)),
                        ("corpus outputs", lambda: build_corpus_outputs(corpus, out, jobs=jobs, failures=failed))):
        try:
            written += stage()
        except Exception as exc:  # noqa: BLE001 - recorded and reported; the manifest is still written
            failed[name] = one_line(exc)
    files = {p.relative_to(out).as_posix(): sha256_file(p) for p in sorted(written)}
    previous = listed_files(out, CORPUS_RECORD.removesuffix(".json"))
    for rel in sorted(set(previous) - set(files)):  # an output of an earlier run not written this time
        (out / rel).unlink(missing_ok=True)
    delete_unlisted(out, CORPUS_DIRS, set(files))  # what an earlier version wrote there and this one does not
    atomic_write_text(out / CACHE / CORPUS_RECORD, dumps_json({"key": key, "files": files, "failed": dict(sorted(failed.items()))}))
    return "rebuilt"


def evaluate_into(corpus: Path, out: Path, config: Config) -> list[Path]:
    """outputs/eval/report.{json,md} for the gold papers in the corpus; none when there are none."""
    from pipeline.evaluation.goldset import evaluate_gold_set
    from pipeline.evaluation.report import write_report

    folder = out / EVAL_DIR  # an earlier report, when none is made now, goes as a stale output
    if not config.gold_files():
        return []
    try:
        result = evaluate_gold_set(config.gold_dir(), corpus, out)
    except RescorpusError:  # no gold paper is in this corpus
        return []
    return list(write_report(result, folder))
