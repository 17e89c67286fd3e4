"""The same corpus gives the same bytes whatever the working directory, locale, time zone and hash seed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import REPO
from test_run_reproducible import EN, FR, _add, outputs_state


def _run(corpus: Path, out: Path, config: Path, cwd: Path, **env: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "run", "--corpus", str(corpus), "--out", str(out),
         "--config", str(config), "--jobs", "1"],
        cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr


def test_run_outputs_do_not_depend_on_the_environment(corpus: Path, tmp_path: Path) -> None:
    _add(corpus, tmp_path, "souss-2023", FR, "fr")
    _add(corpus, tmp_path, "pandemic-coops", EN, "en")
    config = tmp_path / "rescorpus.toml"  # absolute scheme and gold: the same settings from any folder
    config.write_text(f'scheme = "{REPO / "annotations/concepts/resilience-coop.toml"}"\n'
                      f'gold = "{REPO / "annotations/gold"}"\n', encoding="utf-8")  # fmt: skip
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    _run(corpus, tmp_path / "a", config, REPO, TZ="UTC", LC_ALL="C.UTF-8", PYTHONHASHSEED="1")
    _run(corpus, tmp_path / "b", config, elsewhere, TZ="Pacific/Kiritimati", LC_ALL="fr_FR.UTF-8",
         LANG="fr_FR.UTF-8", PYTHONHASHSEED="4242")  # fmt: skip
    a, b = outputs_state(tmp_path / "a"), outputs_state(tmp_path / "b")
    assert a.keys() == b.keys() and len(a) > 20
    assert [name for name in a if a[name] != b[name]] == []
