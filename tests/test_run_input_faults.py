"""Faults of the corpus a run reads: broken paper folders, a source replaced after `add`."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.config import Config
from pipeline.corpus import sources
from pipeline.corpus.add import add_paper
from pipeline.run.manifest import verify
from pipeline.run.outcome import STATUS
from pipeline.run.runner import run
from test_run_faults import _corpus_of

runner = CliRunner()


def _break(corpus: Path) -> None:
    """A folder without paper.json, one with malformed JSON, one with wrong types, a stray file."""
    (corpus / "no-json").mkdir()
    (corpus / "no-json" / "source.txt").write_text("texte\n", encoding="utf-8")
    (corpus / "malformed").mkdir()
    (corpus / "malformed" / "paper.json").write_text('{"id": "malformed",', encoding="utf-8")
    good = json.loads((corpus / "paper-0" / "paper.json").read_text(encoding="utf-8"))
    (corpus / "wrong-types").mkdir()
    (corpus / "wrong-types" / "source.txt").write_bytes((corpus / "paper-0" / "source.txt").read_bytes() + b"x\n")
    bad = {**good, "id": "wrong-types", "issued": "2020", "author": "Ostrom"}
    (corpus / "wrong-types" / "paper.json").write_text(json.dumps(bad), encoding="utf-8")
    (corpus / "README.md").write_text("notes on the corpus\n", encoding="utf-8")


def test_broken_paper_folders_are_failed_and_the_others_and_the_corpus_stage_run(corpus: Path, tmp_path: Path) -> None:
    _corpus_of(corpus, tmp_path, 2)
    _break(corpus)
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", "--corpus", str(corpus), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert "2 papers processed" in result.output and "3 failed" in result.output
    assert "graph, database and report rebuilt" in result.output
    status = {row["id"]: row for row in json.loads((out / STATUS).read_text(encoding="utf-8"))}
    assert {pid for pid, row in status.items() if row["status"] == "failed"} == {"malformed", "no-json", "wrong-types"}
    assert "no paper.json" in status["no-json"]["reason"]
    assert "line 1 column" in status["malformed"]["reason"]
    assert '"issued" must be' in status["wrong-types"]["reason"]
    assert (out / "report" / "index.html").is_file() and (out / "text" / "paper-1.txt").is_file()
    assert "failed malformed" in (out / "run.log").read_text(encoding="utf-8")


def _replace_keeping_size_and_mtime(path: Path) -> None:
    """A corrected download of the same length, its mtime set back: only ctime and inode tell."""
    st = path.stat()
    data = path.read_bytes()
    path.unlink()
    path.write_bytes(data[:-2] + b"!\n")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def test_a_source_replaced_after_add_is_failed_with_what_to_do_and_verify_names_it(
    corpus: Path, tmp_path: Path
) -> None:
    _corpus_of(corpus, tmp_path, 2)
    out = tmp_path / "out"
    config = Config()
    run(corpus, out, config)
    source = corpus / "paper-1" / "source.txt"
    _replace_keeping_size_and_mtime(source)
    result = run(corpus, out, config)
    assert result.cached == ["paper-0"] and list(result.failed) == ["paper-1"]
    assert "source.txt changed since it was added" in result.failed["paper-1"]
    assert "add the file again" in result.failed["paper-1"]
    assert not (out / "text" / "paper-1.txt").exists()  # a failed paper keeps no outputs (none of the old file's)
    diffs = verify(corpus, out, config, None, lambda c, o: run(c, o, config))
    assert [d.path for d in diffs if "changed since it was added" in d.what] == ["paper-1/source.txt"]


def test_an_unchanged_source_is_not_read_again(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    _corpus_of(corpus, tmp_path, 2)
    out = tmp_path / "out"
    run(corpus, out, Config())
    hashed: list[Path] = []
    real = sources.sha256_file
    monkeypatch.setattr(sources, "sha256_file", lambda p: hashed.append(Path(p)) or real(p))
    assert run(corpus, out, Config()).cached == ["paper-0", "paper-1"]
    assert hashed == []
    os.utime(corpus / "paper-0" / "source.txt")  # touched, not changed: hashed once more, still the same
    assert run(corpus, out, Config()).cached == ["paper-0", "paper-1"]
    assert hashed == [corpus / "paper-0" / "source.txt"]


@pytest.mark.parametrize("field", [{"flags": "needs_ocr"}, {"sha256": 5}])
def test_wrong_types_in_our_own_fields_are_a_broken_folder(corpus: Path, tmp_path: Path, field: dict) -> None:
    _corpus_of(corpus, tmp_path, 1)
    meta = corpus / "paper-0" / "paper.json"
    csl = json.loads(meta.read_text(encoding="utf-8"))
    csl["custom"]["rescorpus"].update(field)
    meta.write_text(json.dumps(csl), encoding="utf-8")
    result = run(corpus, tmp_path / "out", Config())
    assert list(result.failed) == ["paper-0"] and "broken paper folder" in result.failed["paper-0"]


def test_run_protected_pdf_names_the_run_password_form_with_its_id(pdfs, corpus: Path, tmp_path: Path) -> None:
    add_paper(corpus, pdfs.user_pw, paper_id="locked-2020", password=pdfs.password)
    out = tmp_path / "out"
    args = ["run", "--corpus", str(corpus), "--out", str(out), "--jobs", "1"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "locked-2020: its PDF is protected by a password" in result.output
    assert "`rescorpus run --password locked-2020=PASSWORD`" in result.output
    wrong = runner.invoke(app, [*args, "--password", "locked-2020=guess"])
    assert wrong.exit_code == 1 and "wrong password" in wrong.output
    assert "`rescorpus run --password locked-2020=PASSWORD`" in wrong.output
    right = runner.invoke(app, [*args, "--password", f"locked-2020={pdfs.password}"])
    assert right.exit_code == 0, right.output
    assert (out / "text" / "locked-2020.txt").is_file()
