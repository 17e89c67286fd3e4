"""Commands that can take more than a couple of seconds say what they are doing: one plain line per step on
stderr when it is not a terminal (a log, CI; a terminal gets a bar), the results on stdout as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from test_run_reproducible import EN, FR, _add


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("progress")
    _add(root / "corpus", root, "souss-2023", FR, "fr")
    _add(root / "corpus", root, "pandemic-coops", EN, "en")
    done = CliRunner().invoke(app, ["run", "--corpus", str(root / "corpus"), "--out", str(root / "outputs"), "--jobs", "1"])
    assert done.exit_code == 0, done.output
    return root


def test_cli_progress_verify_names_each_paper_it_recomputes(project: Path) -> None:
    result = CliRunner().invoke(app, ["verify", "--corpus", str(project / "corpus"), "--out", str(project / "outputs")])
    assert result.exit_code == 0, result.output
    said = result.stderr.splitlines()
    for paper in ("souss-2023", "pandemic-coops"):
        assert f"{paper}: done" in said
    assert any(line.startswith("corpus: ") for line in said)
    assert result.stdout.strip().splitlines()[-1].startswith("verified: every output")


def test_cli_progress_graph_says_what_it_reads_and_writes(project: Path) -> None:
    result = CliRunner().invoke(app, ["graph", "--corpus", str(project / "corpus"), "--out", str(project / "outputs"),
                                      "--format", "csv"])  # fmt: skip
    assert result.exit_code == 0, result.output
    lines = result.stderr.splitlines()
    assert lines[0].startswith("concepts: reading the papers' outputs in ")
    assert lines[1] == "concepts: graph of 2 papers: writing csv"
    assert result.stdout.startswith("concepts graph of 2 papers: ")


def test_cli_progress_add_bib_names_each_entry_as_it_is_added(tmp_path: Path) -> None:
    (tmp_path / "files").mkdir()
    items = []
    for n, (key, text) in enumerate((("souss2023", FR), ("pandemic2021", EN))):
        (tmp_path / "files" / f"{key}.txt").write_text(text, encoding="utf-8")
        items.append({"id": key, "type": "article-journal", "title": text.splitlines()[0], "issued": {"date-parts": [[2020 + n]]},
                      "file": f"files/{key}.txt"})  # fmt: skip
    (tmp_path / "export.json").write_text(json.dumps(items), encoding="utf-8")
    result = CliRunner().invoke(app, ["add", "--bib", str(tmp_path / "export.json"), "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 0, result.output
    assert result.stderr.splitlines()[:2] == ["souss2023: adding", "pandemic2021: adding"]
    assert result.stdout.strip().splitlines()[-1] == "2 of 2 entries added to " + str(tmp_path / "corpus") + "/"
