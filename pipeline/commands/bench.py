"""`rescorpus bench`: every stage timed against its baseline in one run, printed as one table and written as JSON."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.table import Table

from pipeline.cli import app, handles_errors, out_console, say
from pipeline.errors import RescorpusError

REALWORLD_PDFS = Path("../shared/realworld/pdfs")
COLUMNS = ("stage", "figure", "value", "unit", "baseline / target", "met?")


@app.command("bench")
@handles_errors
def bench_cmd(
    pdfs: Annotated[
        Path, typer.Option("--pdfs", help="Folder of PDFs to time (default: ../shared/realworld/pdfs).")
    ] = REALWORLD_PDFS,
    repeat: Annotated[int, typer.Option(min=1, help="Best of N runs of each timing.")] = 1,
    scale: Annotated[
        Optional[int],
        typer.Option(min=2, help="Also run a corpus of N papers with --jobs 1 and 2 (minutes per 100): real texts "
                     "from the Érudit devset when found, else synthetic papers."),
    ] = None,
    devset: Annotated[
        Optional[Path],
        typer.Option(help="Folder of Érudit article XML for --scale and --make-corpus "
                     "(default: ../shared/devset/erudit beside the repository)."),
    ] = None,
    make_corpus: Annotated[
        Optional[Path],
        typer.Option("--make-corpus", help="Only write a corpus of --scale papers made from the Érudit devset to "
                     "DIR/corpus (with DIR/generated.json: the gold reference lists) and stop."),
    ] = None,
    recall: Annotated[
        Optional[Path],
        typer.Option("--recall", help="Only print the reference-list recall per shape of DIR/outputs against "
                     "DIR/generated.json (a --make-corpus folder after `rescorpus run`) and stop."),
    ] = None,
    reference_fields: Annotated[
        Optional[Path],
        typer.Option("--reference-fields", help="Only score reference fields (CRF, parse_entry, rules side by side) on "
                     "the GROBID citation TEI files of DIR (and the Érudit held-out split of --devset), print their "
                     "speed, and stop.", show_default=False),
    ] = None,
    json_out: Annotated[Optional[Path], typer.Option("--json", help="Also write the figures as JSON here.")] = None,
    refextract_python: Annotated[
        Optional[Path],
        typer.Option(help="Python with refextract installed (default: .venv-refextract/bin/python, else this one)."),
    ] = None,
) -> None:
    """Time extraction, tagging, citations, the corpus outputs and `rescorpus run` against baselines measured
    in the same run (bare pdfplumber, bare spaCy, refextract on the gold papers); print one table.

    Reads only --pdfs (and annotations/gold); works in a temporary folder, never in corpus/ or outputs/.

    \b
    Example:
      rescorpus bench --pdfs ../shared/realworld/pdfs --repeat 3 --json bench.json

    \b
    A scale corpus by hand, one command after the other:
      rescorpus bench --make-corpus /tmp/big --scale 200
      rescorpus run --corpus /tmp/big/corpus --out /tmp/big/outputs
      rescorpus bench --recall /tmp/big

    \b
    Reference fields alone:
      rescorpus bench --reference-fields ../shared/devset/grobid/citation/evaluation
    """
    from pipeline.bench.report import run_bench
    from pipeline.files import write_json

    if make_corpus is not None:
        _make_corpus(make_corpus, scale, devset)
        return
    if recall is not None:
        _recall(recall)
        return
    if reference_fields is not None:
        _reference_fields(reference_fields, repeat, json_out, devset)
        return
    if not pdfs.is_dir():
        raise RescorpusError(f"{pdfs}: no such folder of PDFs; pass --pdfs DIR")
    report = run_bench(pdfs, repeat, scale, refextract_python=refextract_python, note=lambda s: say(s, err=True),
                       devset=devset)
    table = Table(title=f"rescorpus bench: {pdfs}/, best of {repeat}", title_justify="left")
    for i, col in enumerate(COLUMNS):
        table.add_column(col, overflow="fold", no_wrap=i == 0, justify="right" if col == "value" else "left")
    for r in report.rows:
        met = "" if r.met is None else ("yes" if r.met else "NO")
        table.add_row(r.stage, r.figure, _value(r.value), r.unit, r.baseline or r.note, met)
    out_console.print(table)
    for line in report.details["extraction"]["skipped"]:
        say(f"  not timed: {line}")
    if json_out:
        write_json(json_out, report.to_json())
        say(f"figures written to {json_out}")


def _value(value: float | int | None) -> str:
    if value is None:
        return "-"
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 100:
        return f"{int(value)}"
    return f"{value:.3g}" if abs(value) < 1 else f"{value:.2f}"


def _make_corpus(dest: Path, n: int | None, devset: Path | None) -> None:
    from pipeline.bench import erudit_corpus as bench_erudit

    folder = devset or bench_erudit.default_devset()
    if not n:
        raise RescorpusError("--make-corpus needs --scale N: how many papers to make")
    if not folder.is_dir() or not any(folder.glob("*.xml")):
        raise RescorpusError(f"{folder}: no Érudit XML files here; pass --devset DIR")
    if (dest / "corpus").exists():
        raise RescorpusError(f"{dest / 'corpus'} already exists; pass an empty or new --make-corpus folder")
    made = bench_erudit.build_corpus(dest / "corpus", n, devset=folder)
    bench_erudit.write_generated(dest / bench_erudit.GENERATED_JSON, made)
    say(bench_erudit.summary(made))
    say(f"corpus written to {dest / 'corpus'}; next: rescorpus run --corpus {dest / 'corpus'} --out {dest / 'outputs'}"
        f" && rescorpus bench --recall {dest}")


def _recall(folder: Path) -> None:
    from pipeline.bench import erudit_corpus as bench_erudit

    generated = folder / bench_erudit.GENERATED_JSON
    if not generated.is_file():
        raise RescorpusError(f"{generated}: not found; make the folder with "
                             f"rescorpus bench --make-corpus {folder} --scale N")
    if not (folder / "outputs").is_dir():
        raise RescorpusError(f"{folder / 'outputs'}: not found; run rescorpus run --corpus {folder / 'corpus'} "
                             f"--out {folder / 'outputs'} first")
    per = bench_erudit.reference_recall(folder / "outputs", bench_erudit.read_generated(generated))
    table = Table(title=f"reference-list recall: {folder}", title_justify="left")
    keys = ("papers", "no_gold", "gold", "matched", "recall", "predicted", "outside", "missing_outputs")
    table.add_column("shape / layout")
    for key in keys:
        table.add_column(key.replace("_", " "), justify="right")
    for shape, row in per.items():
        table.add_row(shape, *("-" if row[k] is None else str(row[k]) for k in keys))
    out_console.print(table)


def _reference_fields(folder: Path, repeat: int, json_out: Path | None, devset: Path | None) -> None:
    from pipeline.bench.reffields import bench_reference_fields, default_erudit
    from pipeline.files import write_json

    if not folder.is_dir() or not any(folder.glob("*.xml")):
        raise RescorpusError(f"{folder}: no GROBID citation TEI files (*.xml) here; pass --reference-fields DIR")
    rows, details = bench_reference_fields(folder, repeat, erudit=devset or default_erudit())
    table = Table(title=f"reference fields: {folder}/, best of {repeat}", title_justify="left")
    for i, col in enumerate(COLUMNS):
        table.add_column(col, overflow="fold", no_wrap=i == 0, justify="right" if col == "value" else "left")
    for r in rows:
        met = "" if r["met"] is None else ("yes" if r["met"] else "NO")
        table.add_row(r["stage"], r["figure"], _value(r["value"]), r["unit"], r["target"], met)
    out_console.print(table)
    if json_out:
        write_json(json_out, {"rows": rows, "details": details})
        say(f"figures written to {json_out}")
