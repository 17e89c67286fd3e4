"""`rescorpus train NAME [--check]`: refit one of the shipped models from the development data (../shared/devset),
or with --check refit it and fail when the result is not the shipped file byte for byte."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli import app

train_app = typer.Typer(
    help="Refit a shipped model from ../shared/devset (fixed seeds: the same data gives the same bytes).\n\n"
    "\b\nExample:\n  rescorpus train references --check",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(train_app, name="train")

DevsetOpt = Annotated[
    Optional[Path], typer.Option("--devset", help="Folder with grobid/ and erudit/ (default: ../shared/devset "
                                 "beside the repository).", show_default=False)
]
CheckOpt = Annotated[bool, typer.Option("--check", help="Refit and exit 1 when the shipped model differs; write nothing.")]


def _run(main, devset: Path | None, check: bool) -> None:
    argv = (["--devset", str(devset)] if devset else []) + (["--check"] if check else [])
    code = main(argv)
    if code:
        raise typer.Exit(code)


@train_app.command("entry-lines")
def train_entry_lines(devset: DevsetOpt = None, check: CheckOpt = False) -> None:
    """The entry-start line model (pipeline/data/entry_lines.json), from GROBID's citation corpus and the Érudit
    development split.

    \b
    Example:
      rescorpus train entry-lines --check
    """
    from pipeline.train import entry_lines

    _run(entry_lines.main, devset, check)


@train_app.command("references")
def train_references(devset: DevsetOpt = None, check: CheckOpt = False) -> None:
    """The reference-field CRF (pipeline/data/reference_fields.crfsuite), from GROBID's citation corpus less its
    evaluation files; prints its figures and the rule parser's on GROBID's evaluation files.

    \b
    Example:
      rescorpus train references --check
    """
    from pipeline.train import reference_fields

    _run(reference_fields.main, devset, check)


@train_app.command("header")
def train_header(devset: DevsetOpt = None, check: CheckOpt = False) -> None:
    """The first-page header model (pipeline/data/header.json), from GROBID's header corpus (less every fifth
    file, held out) and the Érudit development split rendered with a title block.

    \b
    Example:
      rescorpus train header --check
    """
    from pipeline.train import header

    _run(header.main, devset, check)
