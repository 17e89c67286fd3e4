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
    assert result.exit_code == 0 and "Example" in result.output and "--out" in result.output


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


def test_kwic_and_contrast_format_tsv_and_json(folders) -> None:
    import csv
    import io

    corpus, out = folders
    common = ["--corpus", str(corpus), "--out", str(out), "--format"]
    kwic = runner.invoke(app, ["kwic", "governance", "--width", "12", *common, "tsv"])
    assert kwic.exit_code == 0, kwic.output
    rows = list(csv.DictReader(io.StringIO(kwic.stdout), delimiter="\t"))
    assert len(rows) == 4 and {r["paper"] for r in rows} == {"alpha-fr", "beta-en"}  # the concept's spans
    plain = runner.invoke(app, ["kwic", "governance", "--width", "12", "--corpus", str(corpus), "--out", str(out)])
    assert [f"[{r['keyword']}]" in line for r, line in zip(rows, plain.stdout.splitlines(), strict=True)] == [True] * 4
    assert all(len(r["left"]) <= 12 and len(r["right"]) <= 12 for r in rows)
    assert {r["keyword"] for r in rows} == {"gouvernance démocratique", "governance", "gouvernance"}
    as_json = json.loads(runner.invoke(app, ["kwic", "governance", "--width", "12", *common, "json"]).stdout)
    assert [{k: str(v) for k, v in r.items()} for r in as_json] == rows
    text = runner.invoke(app, ["contrast", "--by", "year", "--corpus", str(corpus), "--out", str(out)]).stdout
    data = json.loads(runner.invoke(app, ["contrast", "--by", "year", *common, "json"]).stdout)
    assert {r["part"] for r in data} == {"2014", "2019"} and {r["by"] for r in data} == {"year"}
    training = next(r for r in data if r["part"] == "2014" and r["concept"] == "training")
    row = next(line for line in text.splitlines() if "training" in line)  # the 2014 table comes first
    assert f"{training['score']:+.2f}" in row and f" {training['F_corpus']} " in row
    tsv = runner.invoke(app, ["contrast", "--by", "year", *common, "tsv"]).stdout.splitlines()
    assert tsv[0].split("\t") == ["by", "part", "concept", "score", "f_part", "F_corpus", "expected", "tokens_part",
                                  "tokens_corpus"] and len(tsv) == len(data) + 1  # fmt: skip
