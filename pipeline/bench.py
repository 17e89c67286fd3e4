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
from pipeline.extract.pdffile import open_pdf


@dataclass(frozen=True)
class ExtractionBench:
    files: int
    pages: int
    ours_seconds: float
    bare_seconds: float
    skipped: tuple[str, ...]

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
            "ratio": round(self.ratio, 3),
        }


def bare_extract_text(path: Path) -> int:
    """The baseline: pdfplumber's own extract_text on every page. Returns the page count."""
    with open_pdf(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.close()
        return len(pdf.pages)


def _best(func: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, value = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def bench_extraction(paths: Iterable[Path], repeat: int = 1) -> ExtractionBench:
    """Seconds per page of our extraction against bare pdfplumber on the same PDFs."""
    ours = bare = 0.0
    pages = files = 0
    skipped: list[str] = []
    for path in sorted(paths):
        try:
            t_bare, n = _best(lambda: bare_extract_text(path), repeat)
            t_ours, extracted = _best(lambda: extract(path), repeat)
        except RescorpusError as exc:
            skipped.append(f"{path.name}: {exc}")
            continue
        if not extracted.has_text_layer:
            skipped.append(f"{path.name}: no text layer")
            continue
        ours, bare, pages, files = ours + t_ours, bare + t_bare, pages + int(n), files + 1
    return ExtractionBench(files, pages, round(ours, 4), round(bare, 4), tuple(skipped))
