"""The scheme and the gold set a run uses: shipped with the package, unless the corpus carries its own; named by hash."""

from __future__ import annotations

import hashlib
import json
import shutil
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO
from pipeline.cli import app
from pipeline.config import DEFAULT_SCHEME, SHIPPED, SHIPPED_GOLD, SHIPPED_SCHEME, Config, load_config
from pipeline.run.runner import run
from test_run_reproducible import EN, FR, _add

FOUNDING = "resilience-cooperatives-coree-maroc"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_config_shipped_scheme_and_gold_are_the_repository_annotations_and_package_data() -> None:
    assert SHIPPED_SCHEME.read_bytes() == (REPO / DEFAULT_SCHEME).read_bytes()
    gold = {p.name: p.read_bytes() for p in (REPO / "annotations" / "gold").glob("*.jsonl")}
    assert gold and {p.name: p.read_bytes() for p in SHIPPED_GOLD.glob("*.jsonl")} == gold
    # a wheel holds what the package-data patterns match: the scheme and every gold file
    patterns = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["package-data"]
    matched = {p.resolve() for pattern in patterns["pipeline"] for p in SHIPPED.parent.glob(pattern) if p.is_file()}
    assert {SHIPPED_SCHEME.resolve(), *(p.resolve() for p in SHIPPED_GOLD.glob("*.jsonl"))} <= matched


def test_run_outside_the_repository_uses_the_shipped_scheme_and_gold_set_and_names_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scholar's folder with papers and no annotations/: the run tags with the shipped scheme, scores against
    the shipped gold set, and the manifest says which, by hash; `rescorpus eval` needs no --gold."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "corpus" / FOUNDING, tmp_path / "corpus" / FOUNDING)
    result = run(Path("corpus"), Path("outputs"), load_config(Path("rescorpus.toml")))
    assert result.processed == [FOUNDING] and not result.failed
    config = json.loads((tmp_path / "outputs" / "manifest.json").read_text(encoding="utf-8"))["config"]
    assert (config["scheme"], config["scheme_sha256"]) == (SHIPPED_SCHEME.name, _sha(SHIPPED_SCHEME))
    assert config["gold"] == {p.name: _sha(p) for p in sorted(SHIPPED_GOLD.glob("*.jsonl"))}
    assert (tmp_path / "outputs" / "eval" / "report.json").is_file()
    spans = (tmp_path / "outputs" / "annotations" / f"{FOUNDING}.jsonl").read_text(encoding="utf-8")
    assert '"layer": "concept"' in spans
    scored = CliRunner().invoke(app, ["eval"])
    assert scored.exit_code == 0, scored.output
    assert f"{FOUNDING}: " in scored.output and "layer/label" in scored.output


def test_run_a_corpus_carrying_its_own_scheme_uses_it_and_editing_it_reprocesses_every_paper(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    corpus = project / "corpus"
    _add(corpus, tmp_path, "souss-2023", FR, "fr")
    _add(corpus, tmp_path, "pandemic-coops", EN, "en")
    own = project / DEFAULT_SCHEME  # annotations/concepts/resilience-coop.toml beside corpus/
    own.parent.mkdir(parents=True)
    own.write_text(SHIPPED_SCHEME.read_text(encoding="utf-8") + "\n# this corpus's own copy\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # the working folder is not the project: the corpus's own scheme is found beside it
    out = tmp_path / "out"
    run(corpus, out, Config())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["scheme_sha256"] == _sha(own) != _sha(SHIPPED_SCHEME)
    assert manifest["config"]["gold"] == {p.name: _sha(p) for p in sorted(SHIPPED_GOLD.glob("*.jsonl"))}
    assert sorted(run(corpus, out, Config()).cached) == ["pandemic-coops", "souss-2023"]
    own.write_text(own.read_text(encoding="utf-8") + "\n# edited by the scholar\n", encoding="utf-8")
    again = run(corpus, out, Config())
    assert sorted(again.processed) == ["pandemic-coops", "souss-2023"] and again.cached == []
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["config"]["scheme_sha256"] == _sha(own)


@pytest.mark.parametrize(
    ("args", "toml", "named"),
    [
        (["run", "--scheme", "mine.toml"], None, "--scheme mine.toml: no such file"),
        (["verify", "--scheme", "mine.toml"], None, "--scheme mine.toml: no such file"),
        (["run"], 'scheme = "annotations/concepts/mine.toml"\n', 'scheme = "annotations/concepts/mine.toml": no such file'),
        (["eval", "--gold", "my-gold"], None, "--gold my-gold: no such folder"),
        (["eval"], 'gold = "my-gold"\n', 'gold = "my-gold": no such folder'),
        (["run"], 'gold = "my-gold"\n', 'gold = "my-gold": no such folder'),
    ],
)
def test_config_a_named_scheme_or_gold_set_that_is_missing_is_an_error_not_the_shipped_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], toml: str | None, named: str
) -> None:
    """A typo in --scheme, --gold or rescorpus.toml stops the command with exit 1, saying which path and what to
    do; the run does not go on with the shipped scheme (no outputs/ appears)."""
    monkeypatch.chdir(tmp_path)
    shutil.copytree(REPO / "corpus" / FOUNDING, tmp_path / "corpus" / FOUNDING)
    if toml is not None:
        (tmp_path / "rescorpus.toml").write_text(toml, encoding="utf-8")
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1, result.output
    line = result.output.strip().splitlines()[-1]
    assert line.startswith("error: ") and named in line, result.output
    assert ("leave --" in line) if toml is None else ("fix the path, or remove the line" in line and "rescorpus.toml" in line)
    assert "shipped with rescorpus" in line and "Traceback" not in result.output
    assert not (tmp_path / "outputs").exists()


def test_config_a_scheme_named_in_code_that_is_missing_is_an_error(tmp_path: Path) -> None:
    from pipeline.errors import RescorpusError

    with pytest.raises(RescorpusError, match="no such scheme file"):
        Config(scheme=tmp_path / "gone.toml").paper_json()
    with pytest.raises(RescorpusError, match="no such gold folder"):
        Config(gold=tmp_path / "gone").gold_files()
