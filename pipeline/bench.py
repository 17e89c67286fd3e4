"""Benchmarks: figures measured in one run, next to a baseline measured in the same run.

Machines are noisy, so the figure that matters is the ratio against a baseline
timed on the same pages, interleaved with ours, best of `repeat` runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.errors import RescorpusError
from pipeline.extract import extract
from pipeline.extract.clean import dehyphenate
from pipeline.extract.language import detect_all
from pipeline.extract.pdffile import open_pdf


@dataclass(frozen=True)
class FileBench:
    """One PDF: its pages and the best time of each extractor on it."""

    name: str
    pages: int
    ours_seconds: float
    bare_seconds: float


@dataclass(frozen=True)
class ExtractionBench:
    files: int
    pages: int
    ours_seconds: float
    bare_seconds: float
    skipped: tuple[str, ...]
    warmup_seconds: float = 0.0  # loading the language and word-frequency models, once per process
    per_file: tuple[FileBench, ...] = ()

    @property
    def ours_per_page(self) -> float:
        return self.ours_seconds / self.pages if self.pages else 0.0

    @property
    def bare_per_page(self) -> float:
        return self.bare_seconds / self.pages if self.pages else 0.0

    @property
    def ratio(self) -> float:
        return self.ours_seconds / self.bare_seconds if self.bare_seconds else 0.0

    def to_json(self) -> dict:
        return asdict(self) | {
            "ours_seconds_per_page": round(self.ours_per_page, 4),
            "bare_seconds_per_page": round(self.bare_per_page, 4),
            "ours_pages_per_second": round(1 / self.ours_per_page, 2) if self.ours_per_page else 0.0,
            "bare_pages_per_second": round(1 / self.bare_per_page, 2) if self.bare_per_page else 0.0,
            "ratio": round(self.ratio, 3),
        }


def bare_extract_text(path: Path) -> int:
    """The baseline: pdfplumber's own extract_text on every page. Returns the page count."""
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def _timed(func: Callable[[], object]) -> tuple[float, object]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def warm_up() -> float:
    """Load the models extraction uses once per process (lingua, wordfreq); return the seconds it took."""
    start = time.perf_counter()
    detect_all(["La résilience des coopératives face aux crises économiques.", "Cooperatives weather crises."])
    dehyphenate("organisa", "tion")
    return time.perf_counter() - start


def bench_extraction(paths: Iterable[Path], repeat: int = 1) -> ExtractionBench:
    """Seconds per page of our whole extraction (PDF to normalised paper) against bare pdfplumber
    `extract_text` on the same PDFs, in one run.

    Each file is timed `repeat` times, the baseline and ours alternating so that
    both see the same machine load; the best time of each counts. Model loading
    is timed apart (`warmup_seconds`): a run pays it once, not per paper.
    """
    warmup = warm_up()
    rows: list[FileBench] = []
    skipped: list[str] = []
    for path in sorted(paths):
        best_bare = best_ours = float("inf")
        try:
            for _ in range(repeat):
                t_bare, n = _timed(lambda: bare_extract_text(path))
                t_ours, extracted = _timed(lambda: extract(path))
                best_bare, best_ours = min(best_bare, t_bare), min(best_ours, t_ours)
        except RescorpusError as exc:
            skipped.append(f"{path.name}: {exc}")
            continue
        if not extracted.has_text_layer:
            skipped.append(f"{path.name}: no text layer")
            continue
        rows.append(FileBench(path.name, int(n), round(best_ours, 4), round(best_bare, 4)))
    return ExtractionBench(
        files=len(rows),
        pages=sum(r.pages for r in rows),
        ours_seconds=round(sum(r.ours_seconds for r in rows), 4),
        bare_seconds=round(sum(r.bare_seconds for r in rows), 4),
        skipped=tuple(skipped),
        warmup_seconds=round(warmup, 3),
        per_file=tuple(rows),
    )
