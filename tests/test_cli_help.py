"""Every command of `rescorpus` has help text with an example, and takes --corpus and --out where it reads them."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from pipeline.cli import app


def _commands(group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every leaf command under a (typer) group, as its words."""
    found = []
    for name, command in sorted(group.commands.items()):
        path = (*prefix, name)
        if hasattr(command, "commands"):  # a sub-group: `gold`, `scheme`
            found += _commands(command, path)
        else:
            found.append(path)
    return found


COMMANDS = _commands(typer.main.get_command(app))


def test_every_expected_command_is_registered() -> None:
    names = {" ".join(c) for c in COMMANDS}
    assert {"add", "list", "run", "verify", "eval", "agree", "gold reanchor", "export", "import", "graph", "kwic",
            "contrast", "scheme export", "scheme import", "suggest-terms", "bench"} <= names


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c))
def test_every_command_has_help_with_an_example(command: tuple[str, ...]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Example" in result.output, f"`rescorpus {' '.join(command)} --help` shows no example"


def _help_source(command: tuple[str, ...]) -> str:
    """The help text as written in the code (docstring or help=), before click lays it out."""
    found = typer.main.get_command(app)
    for word in command:
        found = found.commands[word]
    return found.help or ""


@pytest.mark.parametrize("command", [(), *COMMANDS, ("gold",), ("scheme",)], ids=lambda c: " ".join(c) or "rescorpus")
def test_every_help_example_is_a_whole_line_of_its_own(command: tuple[str, ...]) -> None:
    """Piped or at 80 columns, click refolds paragraphs: an example must come out as the line it was written."""
    examples = [line.strip() for line in _help_source(command).splitlines() if line.strip().startswith("rescorpus ")]
    assert examples, f"`rescorpus {' '.join(command)} --help`: no example on a line of its own in the help text"
    lines = [line.strip() for line in CliRunner().invoke(app, [*command, "--help"], terminal_width=80).output.splitlines()]
    for example in examples:
        assert example in lines, f"`rescorpus {' '.join(command)} --help` folds {example!r}"
