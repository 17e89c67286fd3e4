"""Faults of the output folder: `--out` on a folder that is not ours, a full disk, a read-only folder."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import tree_state
from pipeline.cli import app
from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.errors import RescorpusError
MARKER = ".rescorpus-outputs"  # pipeline/run/outfolder.py (spelled out: the test runs against older code too)
from pipeline.run.runner import run
from test_run_faults import _corpus_of
from test_run_reproducible import EN, outputs_state

runner = CliRunner()


def _cli(*args: str):
    return runner.invoke(app, ["run", *args])


def test_run_into_a_project_folder_is_refused_and_deletes_nothing(corpus: Path, tmp_path: Path, monkeypatch) -> None:
    """`rescorpus run --out .` in the project's root: the gold set, scheme and guidelines stay."""
    project = corpus.parent
    _corpus_of(corpus, tmp_path, 1)
    for rel in ("annotations/gold/paper-0.jsonl", "annotations/GUIDELINES.md", "text/notes.txt", "report/draft.md"):
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text("mine\n", encoding="utf-8")
    before = tree_state(project)
    monkeypatch.chdir(project)
    result = _cli("--corpus", "corpus", "--out", ".", "--jobs", "1")
    assert result.exit_code == 1
    assert "is not a rescorpus output folder and is not empty: choose an empty or new folder" in result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    assert tree_state(project) == before


def test_a_run_deletes_only_files_an_earlier_run_listed(corpus: Path, tmp_path: Path) -> None:
    _corpus_of(corpus, tmp_path, 2)
    out = tmp_path / "out"
    run(corpus, out, Config())
    assert (out / MARKER).is_file()
    (out / "text" / "my-notes.txt").write_text("kept\n", encoding="utf-8")  # a user's file in an output folder
    (out / "eval").mkdir(exist_ok=True)
    (out / "eval" / "by-hand.md").write_text("kept\n", encoding="utf-8")
    for path in (corpus / "paper-1").iterdir():
        path.unlink()
    (corpus / "paper-1").rmdir()
    run(corpus, out, Config())
    assert not (out / "text" / "paper-1.txt").exists()  # the removed paper's outputs go
    assert (out / "text" / "my-notes.txt").read_text(encoding="utf-8") == "kept\n"
    assert (out / "eval" / "by-hand.md").read_text(encoding="utf-8") == "kept\n"


def test_an_output_folder_of_an_earlier_version_is_still_accepted(corpus: Path, tmp_path: Path) -> None:
    """Made before the marker existed: its manifest says it is ours."""
    _corpus_of(corpus, tmp_path, 1)
    out = tmp_path / "out"
    run(corpus, out, Config())
    (out / MARKER).unlink()
    before = outputs_state(out)
    again = run(corpus, out, Config())
    assert again.cached == ["paper-0"] and (out / MARKER).is_file()
    assert outputs_state(out) == before


def test_a_file_as_out_is_refused(corpus: Path, tmp_path: Path) -> None:
    _corpus_of(corpus, tmp_path, 1)
    (tmp_path / "out").write_text("a file\n", encoding="utf-8")
    with pytest.raises(RescorpusError, match="is a file, not a folder"):
        run(corpus, tmp_path / "out", Config())


def _grow(corpus: Path, tmp_path: Path) -> None:
    src = tmp_path / "new.txt"
    src.write_text(EN.replace("pandemic", "flood"), encoding="utf-8")
    add_paper(corpus, src, paper_id="new-paper", lang="en")


@pytest.mark.parametrize(
    ("code", "said"),
    [(errno.ENOSPC, "no space left on device"), (errno.EROFS, "is read-only"), (errno.EACCES, "is read-only")],
)
def test_a_full_disk_or_read_only_folder_is_one_line_and_the_outputs_stay_whole(
    corpus: Path, tmp_path: Path, monkeypatch, code: int, said: str
) -> None:
    _corpus_of(corpus, tmp_path, 1)
    out = tmp_path / "out"
    run(corpus, out, Config())
    _grow(corpus, tmp_path)  # something new to write
    before = tree_state(out)
    real_mkstemp = tempfile.mkstemp

    def failing(*args, **kwargs):
        if code == errno.ENOSPC:  # the file is made, the disk fills while it is written
            fd, name = real_mkstemp(*args, **kwargs)
            os.close(fd)
            Path(name).unlink()
        raise OSError(code, os.strerror(code), kwargs.get("dir"))

    monkeypatch.setattr(tempfile, "mkstemp", failing)
    result = _cli("--corpus", str(corpus), "--out", str(out), "--jobs", "1")
    monkeypatch.undo()
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith(f"error: cannot write to {out}/") and said in lines[-1], result.output
    assert "Traceback" not in result.output
    after = tree_state(out)
    assert {k: v for k, v in after.items() if k != ".lock"} == {k: v for k, v in before.items() if k != ".lock"}
    assert run(corpus, out, Config()).processed == ["new-paper"]  # once there is room, the next run finishes


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a 0o555 folder: the monkeypatched test covers it")
def test_a_chmod_read_only_output_folder_is_one_line(corpus: Path, tmp_path: Path) -> None:
    _corpus_of(corpus, tmp_path, 1)
    out = tmp_path / "out"
    run(corpus, out, Config())
    _grow(corpus, tmp_path)
    os.chmod(out / "text", 0o555)
    try:
        result = _cli("--corpus", str(corpus), "--out", str(out), "--jobs", "1")
    finally:
        os.chmod(out / "text", 0o755)
    assert result.exit_code == 1 and "is read-only" in result.output and "Traceback" not in result.output
