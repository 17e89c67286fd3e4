"""What a run did: its result, the progress it reports, papers.json and the run log."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

Progress = Callable[[str, str], None]  # (paper id, what happened)
STATUS = "papers.json"  # every paper of the run: ok or failed (with the reason), and its flags


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


def report(progress: Progress | None, paper_id: str, status: str) -> None:
    if progress:
        progress(paper_id, status)


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


def write_log(path: Path, result: RunResult) -> None:
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
