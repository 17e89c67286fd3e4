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
        typer.Option(min=2, help="Also run a synthetic corpus of N papers with --jobs 1 and 2 (minutes per 100)."),
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

    Example:  rescorpus bench --pdfs ../shared/realworld/pdfs --repeat 3 --json bench.json
    """
    from pipeline.bench_report import run_bench
    from pipeline.files import write_json

    if not pdfs.is_dir():
        raise RescorpusError(f"{pdfs}: no such folder of PDFs; pass --pdfs DIR")
    report = run_bench(pdfs, repeat, scale, refextract_python=refextract_python, note=lambda s: say(s, err=True))
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
