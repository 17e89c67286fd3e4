"""`rescorpus parse-refs FILE|-`: reference strings in, CSL-JSON out, one per line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from pipeline.cli import app, handles_errors
from pipeline.errors import RescorpusError


@app.command("parse-refs")
@handles_errors
def parse_refs_cmd(
    source: Annotated[str, typer.Argument(help="A text file with one reference per line, or - for standard input.")],
) -> None:
    """Parse reference strings into fields: one reference per input line, one CSL-JSON object per output line
    (author as family/given, issued date-parts, title, container-title, volume, issue, page, DOI, URL,
    publisher, publisher-place), as anystyle's `parse` does. Blank lines give blank lines.

    \b
    Example:
      rescorpus parse-refs bibliography.txt > bibliography.jsonl
      echo "Ostrom, E. (1990). Governing the commons. Cambridge University Press." | rescorpus parse-refs -
    """
    from pipeline.citations.fields import csl_item

    if source == "-":
        lines = sys.stdin.read().splitlines()
    else:
        path = Path(source)
        if not path.is_file():
            raise RescorpusError(f"{source}: no such file; give a text file with one reference per line, or - "
                                 "to read standard input")
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except UnicodeDecodeError:
            raise RescorpusError(f"{source}: not UTF-8 text; save it as UTF-8 (one reference per line)") from None
    for line in lines:
        text = " ".join(line.split())
        typer.echo(json.dumps(csl_item(text), ensure_ascii=False, sort_keys=True) if text else "")
