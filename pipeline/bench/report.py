"""`rescorpus bench` as one table: every stage's figure next to its baseline or target, measured in one run.

The stages are timed by pipeline/bench/stages.py (extraction, tagging, corpus outputs,
end to end), pipeline/bench/refextract.py (reference lists against refextract
on the gold papers) and, on request, pipeline/bench/scale.py (a synthetic corpus).
"""

from __future__ import annotations

import os

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from pipeline.bench import reffields as bench_reffields
from pipeline.bench import scale as bench_scale
from pipeline.bench.stages import (EndToEndBench, ExtractionBench, TaggingBench, bench_end_to_end, bench_extraction,
                             bench_tagging)
from pipeline.bench.refextract import REFEXTRACT_PIN, RefextractBench, Score, bench_refextract, entry_of, gold_papers
from pipeline.config import Config
from pipeline.errors import RescorpusError
from pipeline.extract.model import Extracted

MAX_RATIO = 1.5  # end to end against bare pdfplumber on the same PDFs
MAX_EXTRACTION_RATIO = 0.35  # extraction alone, CPU seconds, against bare pdfplumber extract_text (issue 13)
GROBID = "GROBID (published), 4 CPUs / 8 threads"
Note = Callable[[str], None]


@dataclass(frozen=True)
class Row:
    """One figure: its stage, what it is, its value and unit, what it is compared with, whether a target is met."""

    stage: str
    figure: str
    value: float | int | None
    unit: str
    baseline: str = ""  # the baseline measured in the same run, or the target
    met: bool | None = None  # None: no target
    note: str = ""  # e.g. why the figure is missing


@dataclass(frozen=True)
class BenchReport:
    rows: tuple[Row, ...]
    details: dict  # every stage's own figures (per file, per paper)

    def to_json(self) -> dict:
        return {"rows": [asdict(r) for r in self.rows], "details": self.details}


def run_bench(
    pdfs: Path,
    repeat: int = 1,
    scale: int | None = None,
    config: Config | None = None,
    refextract_python: Path | None = None,
    note: Note = lambda _: None,
    devset: Path | None = None,
) -> BenchReport:
    """Time every stage on the PDFs of `pdfs` (and a scale corpus of `scale` papers:
    real texts from the Érudit `devset` when it is there, else synthetic) against its baselines."""
    config = config or Config()
    paths = sorted(Path(pdfs).glob("*.pdf"))
    if not paths:
        raise RescorpusError(f"{pdfs}: no PDF files here; pass --pdfs DIR with some PDFs")
    kept: dict[Path, Extracted] = {}
    note(f"extraction: {len(paths)} PDFs, ours and bare pdfplumber, best of {repeat}")
    extraction = bench_extraction(paths, repeat, keep=lambda p, e: kept.__setitem__(p, e))
    if not kept:
        raise RescorpusError(f"{pdfs}: no PDF with a text layer could be read; pass --pdfs DIR with readable PDFs")
    note(f"tagging: {len(kept)} papers")
    tagging = bench_tagging([(p.name, e) for p, e in sorted(kept.items())], config, repeat)
    note("end to end: `rescorpus run` on a fresh corpus of the same PDFs")
    end = bench_end_to_end(sorted(kept), repeat)
    ends = [end]
    if (os.cpu_count() or 1) >= 2:
        note("end to end: the same with `rescorpus run --jobs 2`")
        ends.append(bench_end_to_end(sorted(kept), repeat, jobs=2))
    note("reference lists: ours and refextract on the gold papers")
    per_file = {f.name: f.ours_seconds for f in extraction.per_file}
    ours = {}
    for p, t in zip(sorted(kept), tagging.papers):
        seconds = per_file[p.name] + t.doc_seconds + t.citations_seconds + t.concepts_seconds
        ours[p] = ([entry_of(r) for r in t.references], seconds)
    references = bench_refextract(gold_papers(config.gold_files(), kept, {p: e.text for p, e in kept.items()}), ours, refextract_python)
    details = {"machine": bench_scale.machine(), "extraction": extraction.to_json(), "tagging": tagging.to_json(),
               "end_to_end": end.to_json(), "end_to_end_jobs": [e.to_json() for e in ends], "references": references.to_json()}
    rows = extraction_rows(extraction) + tagging_rows(tagging, end) + [row for e in ends for row in end_rows(e)] + [GROBID_ROW] + reference_rows(references)
    grobid = bench_reffields.default_grobid()
    if grobid.is_dir():
        note(f"reference fields: CRF, parse_entry and rules on {grobid}")
        field_rows, details["reference_fields"] = bench_reffields.bench_reference_fields(
            grobid, repeat, erudit=devset or bench_reffields.default_erudit())
        rows += [Row(r["stage"], r["figure"], r["value"], r["unit"], r["target"], r["met"]) for r in field_rows]
    else:
        rows.append(Row("reference fields", "field micro-F1", None, "", note=f"no GROBID evaluation files at {grobid}"))
    if scale:
        note(f"scale: a corpus of {scale} papers, --jobs 1 and 2 (each run in its own process)")
        figures = bench_scale.bench_scale(n=scale, rerun_n=min(scale, 100), tagging=False, devset=devset, note=note)
        note(f"scale corpus: {figures['corpus']['summary']}")
        details["scale"] = figures
        rows += [Row("scale", r["figure"], r["value"], r["unit"], r["target"], r["met"]) for r in figures["rows"]
                 if not r["figure"].startswith("GROBID")]
    return BenchReport(tuple(rows), details)


def extraction_rows(x: ExtractionBench) -> list[Row]:
    j = x.to_json()
    return [
        Row("extraction", f"ours, {x.files} PDFs / {x.pages} pages", j["ours_seconds_per_page"], "CPU s/page",
            f"bare pdfplumber extract_text: {j['bare_seconds_per_page']} CPU s/page"),
        Row("extraction", "ours / bare pdfplumber (CPU)", j["ratio"], "x", f"target <= {MAX_EXTRACTION_RATIO}x",
            x.ratio <= MAX_EXTRACTION_RATIO),
    ]


def tagging_rows(t: TaggingBench, end: EndToEndBench) -> list[Row]:
    bare = round(t.words_per_second("bare"))
    against = f"bare spaCy: {bare} words/s"
    n = len(t.papers)
    return [
        Row("tagging", f"bare spaCy nlp.pipe (fr_core_news_sm lean / blank en), {t.words} words", bare, "words/s",
            "baseline"),
        Row("tagging", "paper Doc (build_doc: spaCy + Doc + layout)", round(t.words_per_second("doc")), "words/s",
            against),
        Row("tagging", "concept stage alone", round(t.words_per_second("concepts")), "words/s", against),
        Row("tagging", "citation stage alone", round(t.words_per_second("citations")), "words/s", against),
        Row("citations", "citation stage (callouts, references, links)", round(t.seconds("citations") / n, 4),
            "s/paper"),
        Row("corpus", "corpus-level stage (works, graph, database, report)",
            round(end.corpus_seconds / end.papers, 4) if end.papers else None, "s/paper",
            f"{end.corpus_seconds:.2f} s for {end.papers} papers"),
    ]


GROBID_ROW = Row("reference", GROBID, bench_scale.GROBID_SECONDS_PER_PDF[1], "s/PDF",
                 f"published range {bench_scale.GROBID_SECONDS_PER_PDF[0]}-{bench_scale.GROBID_SECONDS_PER_PDF[1]}")


def end_rows(e: EndToEndBench) -> list[Row]:
    """The end-to-end rows of one `rescorpus run --jobs N` against bare pdfplumber."""
    failed = f"; failed: {', '.join(e.failed)}" if e.failed else ""
    return [
        Row("end-to-end", f"`rescorpus run --jobs {e.jobs}`, {e.papers} PDFs, fresh corpus", e.run_seconds, "s",
            f"bare pdfplumber (fresh Python): {e.bare_seconds} s", note=failed.lstrip("; ")),
        Row("end-to-end", f"run --jobs {e.jobs} / bare pdfplumber", round(e.ratio, 2), "x", f"target <= {MAX_RATIO}x",
            e.ratio <= MAX_RATIO),
        Row("end-to-end", f"`rescorpus run --jobs {e.jobs}` per PDF", round(e.run_seconds / e.papers, 3), "s/PDF",
            GROBID + ": 0.24-0.31"),
    ]


def _tool_rows(tool: str, scores: tuple[Score, ...]) -> list[Row]:
    gold = sum(s.gold for s in scores)
    found, matched = sum(s.found for s in scores), sum(s.matched for s in scores)
    titles_gold, titles = sum(s.titles_gold for s in scores), sum(s.titles_matched for s in scores)
    papers = f"{len(scores)} gold papers"
    rows = [
        Row("references", f"{tool}: entries found ({papers})", found, "entries", f"gold: {gold}"),
        Row("references", f"{tool}: first author + year match", round(matched / gold, 3) if gold else None,
            "of gold", f"{matched}/{gold}"),
    ]
    if any(s.gives_titles for s in scores):
        rows.append(Row("references", f"{tool}: title match (of matched)",
                        round(titles / titles_gold, 3) if titles_gold else None, "of gold", f"{titles}/{titles_gold}"))
    else:
        rows.append(Row("references", f"{tool}: title match", None, "", note=f"{tool} gives no title field"))
    rows.append(Row("references", f"{tool}: seconds per PDF", round(sum(s.seconds for s in scores) / len(scores), 3),
                    "s/PDF", "ours: extraction + all layers" if tool == "ours" else "pdftotext + parsing"))
    return rows


def reference_rows(r: RefextractBench) -> list[Row]:
    if not r.ours:
        return [Row("references", "ours and refextract on the gold reference lists", None, "", note=f"skipped: {r.skipped}")]
    rows = _tool_rows("ours", r.ours)
    if r.skipped:
        rows.append(Row("references", REFEXTRACT_PIN, None, "", note=f"skipped: {r.skipped}"))
    else:
        rows += _tool_rows(f"refextract {r.version}", r.refextract)
    return rows
