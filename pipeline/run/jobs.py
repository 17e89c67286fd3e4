"""One paper's job, as a worker process runs it: extraction, annotation, its share of the corpus stage.

Per-paper work is a pure function of (source bytes, configuration, code): its result is a mapping of output
paths to contents, so any process may compute it and the outputs are the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline.config import Config
from pipeline.errors import EncryptedError, RescorpusError, encrypted_in_run
from pipeline.files import csv_text, dumps_json

if TYPE_CHECKING:  # the extraction libraries load only in processes that extract
    from pipeline.extract.model import Extracted


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
    (pipeline/corpuslevel/paperdata.py cache files), computed in the worker so the corpus stage only reads it."""

    files: dict[str, str]
    shares: dict[str, str]


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
    from pipeline.corpuslevel.paperdata import digest_files
    from pipeline.extract import extract

    try:
        extracted = extract(Path(job.source), password=job.password)
    except EncryptedError:  # the run's --password takes ID=PASSWORD, not add's bare --password
        raise encrypted_in_run(job.paper_id, wrong=bool(job.password)) from None
    files = paper_outputs(job.paper_id, extracted)
    files[f"annotations/{job.paper_id}.jsonl"] = annotate(extracted, job.config, job.paper_id)
    return Computed(files, digest_files(job.paper_id, job.csl, files))


def guarded(job: Job) -> tuple[Computed | None, str | None]:
    """A paper's outputs, or the one-line reason it has none: a bad paper never stops a run."""
    try:
        return process(job), None
    except RescorpusError as exc:
        return None, str(exc)
    except Exception as exc:  # a bug in a stage on one paper: record it, go on with the others
        return None, f"internal error ({type(exc).__name__}: {exc}); please report it with this paper"
