"""`rescorpus train NAME [--check]`: refit one of the shipped learned models from ../shared/devset."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli import app, say

# NAME -> the training module (pipeline/train/<module>.py): its main(argv) refits pipeline/data/<model>.json
MODELS = {
    "entry-lines": "pipeline.train.entry_lines",
    "header": "pipeline.train.header",
}


@app.command("train")
def train_cmd(
    name: Annotated[str, typer.Argument(help=f"Which model: {', '.join(MODELS)}.")],
    check: Annotated[bool, typer.Option("--check", help="Refit and fail (exit 1) if the shipped file differs.")] = False,
    devset: Annotated[
        Optional[Path], typer.Option(help="The folder with grobid/ and erudit/ (default: ../shared/devset).")
    ] = None,
) -> None:
    """Refit a shipped model from the development data (fixed seeds: the same file for the same data), print
    its scores on the data it was not fitted on; with --check, only compare with the shipped file.

    \b
    Example:
      rescorpus train header --check
    """
    if name not in MODELS:
        say(f"no model '{name}': choose one of {', '.join(MODELS)}", err=True)
        raise typer.Exit(1)
    argv = [*(["--check"] if check else []), *(["--devset", str(devset)] if devset else [])]
    raise typer.Exit(importlib.import_module(MODELS[name]).main(argv))
