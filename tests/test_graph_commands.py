"""`rescorpus graph`, `kwic`, `contrast`: thin commands over the library, with help and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from corpus_outputs import make_outputs
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.corpuslevel.aggregate import build_corpus_outputs
from pipeline.corpuslevel.graphformats import read_gexf

runner = CliRunner()


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    corpus, out = make_outputs(tmp_path_factory.mktemp("cli"))
    build_corpus_outputs(corpus, out)
    return corpus, out


@pytest.mark.parametrize("command", ["graph", "kwic", "contrast"])
def test_graph_commands_have_help_with_an_example(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output and "--out" in result.output


def test_graph_command_filters_and_writes(folders, tmp_path: Path) -> None:
    corpus, out = folders
    base = tmp_path / "fr"
    result = runner.invoke(app, ["graph", "--kind", "concepts", "--lang", "fr", "--format", "gexf",
                                 "--to", str(base), "--corpus", str(corpus), "--out", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "of 1 papers" in result.output
    g = read_gexf(base.with_suffix(".gexf"))
    assert g.nodes["concept:governance"]["count"] == 3  # the French paper's mentions only


def test_graph_command_refuses_an_empty_selection(folders) -> None:
    corpus, out = folders
    result = runner.invoke(app, ["graph", "--since", "2030", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 1 and "no paper matches" in result.output


def test_kwic_and_contrast_commands(folders) -> None:
    corpus, out = folders
    result = runner.invoke(app, ["kwic", "governance", "--lang", "en", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 0
    assert "[governance]" in result.output and "gouvernance" not in result.output.split("[")[1].split("]")[0]
    result = runner.invoke(app, ["contrast", "--by", "year", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 0 and "year = 2014" in result.output and "training" in result.output
    result = runner.invoke(app, ["contrast", "--by", "colour", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 1 and "no such field" in result.output


def test_contrast_by_year_without_any_year_says_how_to_add_them(tmp_path: Path) -> None:
    corpus, out = make_outputs(tmp_path)
    for meta in corpus.glob("*/paper.json"):
        csl = json.loads(meta.read_text(encoding="utf-8"))
        del csl["issued"]
        meta.write_text(json.dumps(csl), encoding="utf-8")
    build_corpus_outputs(corpus, out)
    result = runner.invoke(app, ["contrast", "--by", "year", "--corpus", str(corpus), "--out", str(out)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "no paper has a year (2 papers in the corpus database)" in result.output
    assert '"issued": {"date-parts": [[2020]]}' in result.output and "--year 2020" in result.output
    assert "no concept annotations" not in result.output
    assert runner.invoke(app, ["contrast", "--by", "lang", "--corpus", str(corpus), "--out", str(out)]).exit_code == 0
