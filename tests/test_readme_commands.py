"""The README's install-and-test commands: `.ci/run` runs exactly them, and a failing apt-get neither stops the
tests nor goes unsaid."""

from __future__ import annotations

import os
import re
import subprocess
import tomllib
from pathlib import Path

from conftest import REPO


def _readme_sh_blocks() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```sh\n(.*?)\n```", text.split("## A short tour")[0], flags=re.S)


def test_readme_ci_run_is_exactly_the_readme_two_commands() -> None:
    commands = _readme_sh_blocks()
    assert len(commands) == 2
    script = [line for line in (REPO / ".ci" / "run").read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.lstrip().startswith("#")]  # fmt: skip
    assert script[-2:] == commands


def test_readme_pytest_prints_skip_reasons() -> None:
    options = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["pytest"]["ini_options"]
    assert "-rs" in options["addopts"].split()


def test_readme_test_command_says_when_apt_get_fails_and_runs_the_tests(tmp_path: Path) -> None:
    """The second command with an apt-get that fails (as without root, or with another apt holding the lock) and a
    stand-in pytest: one line says apt-get failed, and the tests are run."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "apt-get").write_text("#!/bin/sh\necho 'E: Could not get lock /var/lib/dpkg/lock-frontend' >&2\nexit 100\n")
    venv = tmp_path / ".venv" / "bin"
    venv.mkdir(parents=True)
    (venv / "activate").write_text("")
    (venv / "python").write_text("#!/bin/sh\necho \"tests ran: $*\"\n")
    for tool in (bin_dir / "apt-get", venv / "python"):
        tool.chmod(0o755)
    command = _readme_sh_blocks()[1].replace(". .venv/bin/activate && python", f". .venv/bin/activate && {venv / 'python'}")
    env = {"PATH": f"{bin_dir}:{os.environ['PATH']}", "HOME": str(tmp_path)}
    done = subprocess.run(["bash", "-c", "set -euo pipefail; " + command], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    said = [line for line in done.stdout.splitlines() if "apt-get failed" in line]
    assert len(said) == 1 and "tests run" in said[0]
    assert done.stdout.splitlines()[-1] == "tests ran: -m pytest"
