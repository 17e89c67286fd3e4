"""The run: every paper of the corpus through the per-paper stages, then the corpus-level outputs.

Per-paper work is a pure function of the paper's source and the configuration;
its outputs are written atomically, so a killed run leaves whole files only.
One bad paper is recorded with its reason and never stops the others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import corpus as corpus_mod
from pipeline.errors import RescorpusError
from pipeline.extract import extract
from pipeline.extract.model import Extracted
from pipeline.files import atomic_write_text, csv_text, dumps_json

Progress = Callable[[str, str], None]  # (paper id, what happened)


@dataclass
class RunResult:
    processed: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # paper id -> reason
    flagged: dict[str, list[str]] = field(default_factory=dict)


def paper_outputs(paper_id: str, extracted: Extracted) -> dict[str, str]:
    """Every per-paper output file, relative to the output folder, with its exact content."""
    files = {
        f"text/{paper_id}.txt": extracted.text,
        f"text/{paper_id}.json": dumps_json(extracted.to_json()),
    }
    for n, table in enumerate(extracted.tables, start=1):
        files[f"tables/{paper_id}-{n}.csv"] = csv_text(table.rows)
    return files


def process_paper(paper: corpus_mod.Paper, password: str | None = None) -> dict[str, str]:
    """One paper's outputs (pure: depends only on the source file and the code)."""
    extracted = extract(paper.source, password=password)
    return paper_outputs(paper.id, extracted)


def run(
    corpus: Path,
    out: Path,
    progress: Progress | None = None,
    passwords: Mapping[str, str] | None = None,
) -> RunResult:
    """Process every paper in `corpus` into `out`; stale outputs of removed papers are deleted.

    `passwords` maps paper ids to the passwords of protected PDFs (never stored).
    """
    passwords = passwords or {}
    result = RunResult()
    papers = corpus_mod.iter_papers(Path(corpus))
    written: set[str] = set()
    for paper in papers:
        if progress:
            progress(paper.id, "extracting")
        try:
            files = process_paper(paper, passwords.get(paper.id))
        except RescorpusError as exc:
            result.failed[paper.id] = str(exc)
            if progress:
                progress(paper.id, f"failed: {exc}")
            continue
        for rel, content in sorted(files.items()):
            atomic_write_text(Path(out) / rel, content)
            written.add(rel)
        result.processed.append(paper.id)
        if paper.flags:
            result.flagged[paper.id] = list(paper.flags)
    _remove_stale(Path(out), written)
    return result


def _remove_stale(out: Path, written: set[str]) -> None:
    """Delete per-paper outputs this run did not produce: a removed paper's, or a failed one's old ones."""
    for folder in ("text", "tables"):
        if (out / folder).is_dir():
            for path in sorted((out / folder).iterdir()):
                if f"{folder}/{path.name}" not in written:
                    path.unlink()
