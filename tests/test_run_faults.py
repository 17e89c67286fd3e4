"""Faults: a bad paper never stops the run, a killed run leaves whole files, two runs never write at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.errors import LockedError
from pipeline.run.lock import output_lock
from pipeline.run.outcome import STATUS
from pipeline.run.runner import run
from pipeline.workers import _HELD_LOCKS, forked_pool
from test_run_reproducible import EN, FR, outputs_state


def _corpus_of(corpus: Path, tmp: Path, n: int) -> Path:
    for i in range(n):
        src = tmp / f"p{i}.txt"
        base = FR if i % 2 == 0 else EN
        src.write_text(base + f"\n\nParagraphe {i} : la coopérative numéro {i} a survécu.\n", encoding="utf-8")
        add_paper(corpus, src, paper_id=f"paper-{i}", lang="fr" if i % 2 == 0 else "en")
    return corpus


def test_a_broken_source_is_recorded_and_the_others_are_processed(pdfs, corpus: Path, tmp_path: Path) -> None:
    _corpus_of(corpus, tmp_path, 2)
    added = add_paper(corpus, pdfs.plain, paper_id="broken")
    source = added.path / "source.pdf"
    source.write_bytes(source.read_bytes()[:200])  # damaged after it was added
    result = run(corpus, tmp_path / "out", Config())
    assert sorted(result.processed) == ["paper-0", "paper-1"]
    assert list(result.failed) == ["broken"]
    assert "internal error" not in result.failed["broken"]
    status = {row["id"]: row for row in json.loads((tmp_path / "out" / STATUS).read_text(encoding="utf-8"))}
    assert status["broken"]["status"] == "failed" and status["broken"]["reason"]
    assert status["paper-0"]["status"] == "ok"
    assert "failed broken" in (tmp_path / "out" / "run.log").read_text(encoding="utf-8")


def test_a_second_run_on_the_same_outputs_is_refused(corpus: Path, tmp_path: Path) -> None:
    _corpus_of(corpus, tmp_path, 1)
    out = tmp_path / "out"
    with output_lock(out):
        with pytest.raises(LockedError, match="another `rescorpus run`"):
            run(corpus, out, Config())


HOLDER = """
import sys, time
from pathlib import Path
from pipeline.run.lock import output_lock
from pipeline.workers import forked_pool
with output_lock(Path(sys.argv[1])):
    pool = forked_pool(2)
    list(pool.map(time.sleep, [0, 0]))  # both workers started, and alive
    print("ready", flush=True)
    time.sleep(60)
"""


def test_workers_of_a_killed_run_end_with_it_and_leave_the_lock(tmp_path: Path) -> None:
    """kill -9 of the run alone, not of its process group: its workers end too, and the next run may start."""
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(out)], stdout=subprocess.PIPE, text=True,
                            start_new_session=True)  # fmt: skip
    try:
        assert proc.stdout.readline().strip() == "ready"
        workers = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(workers) == 2
        with pytest.raises(LockedError):  # while the run lives, its lock holds
            with output_lock(out):
                pass
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() and "Z" not in _state(pid) for pid in workers):
            assert time.monotonic() < deadline, "the workers outlived their run"
            time.sleep(0.1)
        with output_lock(out):
            pass
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def _state(pid: str) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
        return True
    except OSError:
        return False


def test_forked_workers_hold_no_copy_of_the_output_lock(tmp_path: Path) -> None:
    with output_lock(tmp_path / "out"):
        (fd,) = _HELD_LOCKS
        with forked_pool(1) as pool:
            assert pool.submit(_fd_open, fd).result() is False
        assert _fd_open(fd)  # the run's own copy stays


def _whole(out: Path) -> None:
    """Every visible output parses completely: nothing half-written."""
    for path in out.rglob("*"):
        if not path.is_file() or path.name.startswith("."):
            continue
        rel = path.relative_to(out).as_posix()
        assert not rel.endswith(".tmp"), rel
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                json.loads(line)


@pytest.mark.slow
@pytest.mark.parametrize("after", [1.5, 4.0, 7.0])
def test_a_run_killed_at_any_moment_leaves_whole_files_and_the_next_finishes(
    corpus: Path, tmp_path: Path, after: float
) -> None:
    _corpus_of(corpus, tmp_path, 4)
    reference = tmp_path / "reference"
    run(corpus, reference, Config())
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "pipeline.cli", "run", "--corpus", str(corpus), "--out", str(out)]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(after)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if out.exists():
        _whole(out)
    run(corpus, out, Config())
    assert outputs_state(out) == outputs_state(reference)
