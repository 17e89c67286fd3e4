"""Benchmarks: figures measured in one run, next to a baseline measured in the same run.

Machines are noisy, so the figure that matters is the ratio against a baseline
timed on the same pages, interleaved with ours, best of `repeat` runs. This
module times the stages (extraction, tagging, corpus outputs, end to end);
pipeline/bench/report.py puts every figure into one table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.config import Config

from pipeline.extract.pdffile import open_pdf
from pipeline.errors import RescorpusError
from pipeline.extract import extract
from pipeline.extract.clean import dehyphenate
from pipeline.extract.language import detect_all
from pipeline.extract.model import Extracted


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


def _cpu_timed(func: Callable[[], object]) -> tuple[float, object]:
    """CPU seconds of this process (a loaded machine's waits are not counted), and the value."""
    start = time.process_time()
    value = func()
    return time.process_time() - start, value


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


def bench_extraction(
    paths: Iterable[Path], repeat: int = 1, keep: Callable[[Path, Extracted], None] | None = None
) -> ExtractionBench:
    """CPU seconds per page of our whole extraction (PDF to normalised paper) against bare pdfplumber
    `extract_text` on the same PDFs, in one run.

    Each file is timed `repeat` times, the baseline and ours alternating so that
    both see the same machine load; the best time of each counts. Model loading
    is timed apart (`warmup_seconds`): a run pays it once, not per paper.
    `keep(path, extracted)` receives each paper timed, for the later stages.
    """
    warmup = warm_up()
    rows: list[FileBench] = []
    skipped: list[str] = []
    for path in sorted(paths):
        best_bare = best_ours = float("inf")
        try:
            for _ in range(repeat):
                t_bare, n = _cpu_timed(lambda: bare_extract_text(path))
                t_ours, extracted = _cpu_timed(lambda: extract(path))
                best_bare, best_ours = min(best_bare, t_bare), min(best_ours, t_ours)
        except RescorpusError as exc:
            skipped.append(f"{path.name}: {exc}")
            continue
        if not extracted.has_text_layer:
            skipped.append(f"{path.name}: no text layer")
            continue
        rows.append(FileBench(path.name, int(n), round(best_ours, 4), round(best_bare, 4)))
        if keep is not None:
            keep(path, extracted)
    return ExtractionBench(
        files=len(rows),
        pages=sum(r.pages for r in rows),
        ours_seconds=round(sum(r.ours_seconds for r in rows), 4),
        bare_seconds=round(sum(r.bare_seconds for r in rows), 4),
        skipped=tuple(skipped),
        warmup_seconds=round(warmup, 3),
        per_file=tuple(rows),
    )


# ---------------------------------------------------------------- tagging


@dataclass(frozen=True)
class PaperTagging:
    """One paper's annotation times (best of `repeat`) and the reference entries the run found."""

    name: str
    words: int
    bare_seconds: float  # nlp.pipe over the paper's paragraphs, nothing else
    doc_seconds: float  # build_doc: the same spaCy work plus the paper's Doc and its layout layers
    citations_seconds: float  # the citation component alone on that Doc
    concepts_seconds: float  # the concept component alone, after the citations (it skips their spans)
    references: tuple[dict, ...] = field(default=(), compare=False)  # attributes of each reference entry


@dataclass(frozen=True)
class TaggingBench:
    papers: tuple[PaperTagging, ...]
    load_seconds: float  # the spaCy pipelines and layer components, loaded once before timing

    @property
    def words(self) -> int:
        return sum(p.words for p in self.papers)

    def seconds(self, stage: str) -> float:
        return sum(getattr(p, f"{stage}_seconds") for p in self.papers)

    def words_per_second(self, stage: str) -> float:
        seconds = self.seconds(stage)
        return self.words / seconds if seconds else 0.0

    def to_json(self) -> dict:
        stages = ("bare", "doc", "citations", "concepts")
        return {
            "papers": len(self.papers),
            "words": self.words,
            "load_seconds": round(self.load_seconds, 3),
            "seconds": {s: round(self.seconds(s), 4) for s in stages},
            "words_per_second": {s: round(self.words_per_second(s), 1) for s in stages},
            "per_paper": [{k: v for k, v in asdict(p).items() if k != "references"} for p in self.papers],
        }


def bare_spacy_seconds(extracted: Extracted, models: dict[str, str]) -> float:
    """The baseline: the paper's paragraphs through their language's spaCy pipeline (`nlp.pipe`), no Doc built."""
    from pipeline.annotate.nlp import BATCH_SIZE, pipeline_for

    by_lang: dict[str, list[str]] = {}
    for para in extracted.paragraphs:
        by_lang.setdefault(para.lang if para.lang in models else "", []).append(extracted.text[para.start : para.end])
    start = time.perf_counter()
    for lang, texts in sorted(by_lang.items()):
        for _ in pipeline_for(lang, models).pipe(texts, batch_size=BATCH_SIZE):
            pass
    return time.perf_counter() - start


def bench_tagging(papers: Sequence[tuple[str, Extracted]], config: Config, repeat: int = 1) -> TaggingBench:
    """Words per second of the bare spaCy pipeline, of build_doc, and of each layer component alone,
    on the same papers; the models are loaded (and timed) before."""
    from pipeline.annotate.layers import layers_for
    from pipeline.annotate.nlp import build_doc
    from pipeline.run.executors import warm_up

    load, _ = _timed(lambda: warm_up(config))
    components = dict(layers_for(config).pipeline)
    if papers:  # one untimed pass: first calls pay lazy set-up (vocab, matchers) that a run pays once
        bare_spacy_seconds(papers[0][1], config.models)
        doc = build_doc(papers[0][1], config.models, papers[0][0])
        for component in components.values():
            doc = component(doc)
    rows = []
    for name, extracted in papers:
        # spaCy's tokenizer caches the strings it has seen: one untimed pass, so that the baseline and
        # build_doc (which pipes the same paragraphs) both meet a warm cache, whichever runs first.
        bare_spacy_seconds(extracted, config.models)
        best = {"bare": float("inf"), "doc": float("inf"), "citations": float("inf"), "concepts": float("inf")}
        for _ in range(repeat):
            best["bare"] = min(best["bare"], bare_spacy_seconds(extracted, config.models))
            t_doc, doc = _timed(lambda: build_doc(extracted, config.models, name))
            t_cit, doc = _timed(lambda: components["rescorpus_citations"](doc))
            t_con, doc = _timed(lambda: components["rescorpus_concepts"](doc))
            for stage, t in (("doc", t_doc), ("citations", t_cit), ("concepts", t_con)):
                best[stage] = min(best[stage], t)
        references = tuple(dict(s._.attrs or {}, text=s.text) for s in doc.spans.get("references", []))
        rows.append(PaperTagging(name, len(extracted.text.split()), *(round(best[k], 4) for k in best), references))
    return TaggingBench(tuple(rows), load)


# ---------------------------------------------------------------- end to end and the corpus-level stage

RUN_SCRIPT = "from pipeline.cli import app; app()"  # `rescorpus ARGS` in a fresh Python
BARE_SCRIPT = """import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
"""


@dataclass(frozen=True)
class EndToEndBench:
    """`rescorpus run` on a fresh corpus of the PDFs against bare pdfplumber on them, each in a fresh Python."""

    papers: int
    run_seconds: float  # the whole command, fresh output folder, best of `repeat`
    bare_seconds: float  # a fresh Python importing pdfplumber and calling extract_text on every page
    corpus_seconds: float  # build_corpus_outputs alone on the run's outputs (libraries already loaded)
    failed: tuple[str, ...] = ()  # papers the run could not process (their reason is in its log)
    jobs: int = 1  # `rescorpus run --jobs`

    @property
    def ratio(self) -> float:
        return self.run_seconds / self.bare_seconds if self.bare_seconds else 0.0

    def to_json(self) -> dict:
        per_paper = round(self.corpus_seconds / self.papers, 4) if self.papers else 0.0
        return asdict(self) | {"ratio": round(self.ratio, 3), "corpus_seconds_per_paper": per_paper}


def bench_end_to_end(paths: Sequence[Path], repeat: int = 1, work: Path | None = None, jobs: int = 1) -> EndToEndBench:
    """Add the PDFs to a fresh corpus in a temporary folder, then time `rescorpus run` and the baseline."""
    from pipeline.corpus.add import add_paper

    own = work is None
    work = Path(tempfile.mkdtemp(prefix="rescorpus-bench-")) if own else Path(work)
    try:
        corpus = work / "corpus"
        corpus.mkdir(parents=True, exist_ok=True)
        for path in sorted(paths):
            add_paper(corpus, path)
        best_run = best_bare = float("inf")
        failed: tuple[str, ...] = ()
        for attempt in range(repeat):
            out = work / f"out-{attempt}"
            best_bare = min(best_bare, _child_seconds([BARE_SCRIPT, *map(str, sorted(paths))]))
            seconds, proc = _child([RUN_SCRIPT, "run", "--corpus", str(corpus), "--out", str(out), "--jobs", str(jobs)])
            if proc.returncode not in (0, 1):  # 1: some paper failed, the others were processed
                raise RuntimeError(f"`rescorpus run` failed in the benchmark:\n{proc.stderr[-2000:]}")
            best_run = min(best_run, seconds)
            failed = tuple(sorted(_failed(out)))
        corpus_seconds = bench_corpus_outputs(corpus, work / f"out-{repeat - 1}", repeat)
        return EndToEndBench(len(paths), round(best_run, 3), round(best_bare, 3), round(corpus_seconds, 4), failed, jobs)
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def bench_corpus_outputs(corpus: Path, out: Path, repeat: int = 1) -> float:
    """Seconds of the corpus-level stage (works, graph, database, report) on a run's outputs, best of `repeat`
    after one untimed call that imports its libraries."""
    from pipeline.corpuslevel.aggregate import build_corpus_outputs

    build_corpus_outputs(corpus, out)
    return min(_timed(lambda: build_corpus_outputs(corpus, out))[0] for _ in range(repeat))


def _child(args: list[str]) -> tuple[float, subprocess.CompletedProcess]:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", *args], capture_output=True, text=True)
    return time.perf_counter() - start, proc


def _child_seconds(args: list[str]) -> float:
    seconds, proc = _child(args)
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark baseline failed:\n{proc.stderr[-2000:]}")
    return seconds


def _failed(out: Path) -> list[str]:
    from pipeline.run.outcome import STATUS

    path = out / STATUS
    rows = json.loads(path.read_text(encoding="utf-8")) if path.exists() else []
    return [row["id"] for row in rows if row.get("status") == "failed"]
