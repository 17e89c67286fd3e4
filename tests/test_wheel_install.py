"""The package as a scholar gets it: a built wheel (not the editable checkout), installed on its own path, used in
a fresh folder outside the repository: add, run, eval and the report work with the scheme and gold set the wheel
ships, the manifest names both by hash, and a corpus's own copy of the scheme, once edited, reprocesses every paper.

About a minute: the wheel is built from a copy of the sources (never a stale build/ of the checkout), installed with
`pip install --no-deps --target` (its dependencies are the current environment's), and run as `rescorpus` from the
target's bin/ with only the target on PYTHONPATH."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

FOUNDING = "resilience-cooperatives-coree-maroc"
PAPER = (
    "La résilience des coopératives laitières du Souss\n\n"
    "Résumé\n\n"
    "Face à la sécheresse, les coopératives laitières du Souss ont montré leur résilience : la solidarité entre "
    "les membres et la gouvernance démocratique de l'assemblée générale ont permis de résister à la crise "
    "(Defourny, 2001). La mutualisation des moyens et les circuits courts ont soutenu la transhumance laitière.\n\n"
    "Références\n\n"
    "Defourny, J. (2001). De l'économie sociale à l'entreprise sociale. Revue internationale de l'économie sociale, "
    "12(3), 1-20.\n"
)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the sources and installed into a target folder; returns that folder."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in ("pipeline", "annotations"):  # pipeline/data/concepts and data/gold link into annotations/
        shutil.copytree(REPO / name, src / name, symlinks=True, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, src / name)
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(src), "--no-deps", "--no-build-isolation",
                            "--no-cache-dir", "-w", str(root / "dist")], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert built.returncode == 0, built.stdout[-2000:] + built.stderr[-2000:]
    (wheel,) = (root / "dist").glob("rescorpus-*.whl")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-cache-dir", "--target",
                           str(root / "site"), str(wheel)], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (root / "site" / "wheel-name").write_text(str(wheel), encoding="utf-8")
    return root / "site"


def test_wheel_holds_the_package_and_its_data_and_nothing_else(installed: Path) -> None:
    wheel = Path((installed / "wheel-name").read_text(encoding="utf-8"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        scheme = zf.read("pipeline/data/concepts/resilience-coop.toml")
        gold = {Path(n).name: zf.read(n) for n in names if n.startswith("pipeline/data/gold/")}
    assert all(n.startswith(("pipeline/", "rescorpus-0.1.0.dist-info/")) for n in names), names
    assert not [n for n in names if "shared" in n or n.startswith("pipeline/") and n.endswith((".pdf", ".txt", ".xml"))]
    # the symlinked package data is in the wheel as files, byte for byte the repository's annotations/
    assert scheme == (REPO / "annotations" / "concepts" / "resilience-coop.toml").read_bytes()
    assert gold == {p.name: p.read_bytes() for p in (REPO / "annotations" / "gold").glob("*.jsonl")} and gold
    assert {"pipeline/data/entry_lines.json", "pipeline/data/erudit_split.json", "pipeline/cli.py"} <= set(names)


@pytest.mark.slow
def test_wheel_installed_scholar_folder_add_run_eval_report_and_editing_the_scheme(installed: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CI")} | {"PYTHONPATH": str(installed),
                                                                                   "COLUMNS": "200"}  # fmt: skip
    folder = tmp_path / "my-corpus"  # outside the repository, no annotations/ and no rescorpus.toml
    folder.mkdir()

    def rescorpus(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run([str(installed / "bin" / "rescorpus"), *args], cwd=folder, env=env, capture_output=True,
                              text=True, timeout=600)  # fmt: skip
        assert done.returncode == 0, f"rescorpus {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
        return done

    where = subprocess.run([sys.executable, "-c", "import pipeline; print(pipeline.__file__)"], cwd=folder, env=env,
                           capture_output=True, text=True)  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(installed), where.stdout + where.stderr
    (folder / "souss.txt").write_text(PAPER, encoding="utf-8")
    assert "added 'souss-2021'" in rescorpus("add", "souss.txt", "--id", "souss-2021", "--lang", "fr", "--year", "2021").stdout
    # the founding paper too: it has a shipped gold file (found by content, whatever its id here)
    rescorpus("add", str(REPO / "corpus" / FOUNDING / "source.txt"), "--id", "founding", "--lang", "fr")
    first = rescorpus("run", "--jobs", "1")
    assert first.stdout.startswith("2 papers processed, 0 unchanged"), first.stdout

    shipped = installed / "pipeline" / "data"
    manifest = json.loads((folder / "outputs" / "manifest.json").read_text(encoding="utf-8"))["config"]
    assert (manifest["scheme"], manifest["scheme_sha256"]) == ("resilience-coop.toml", _sha(shipped / "concepts" / "resilience-coop.toml"))
    assert manifest["gold"] == {p.name: _sha(p) for p in sorted((shipped / "gold").glob("*.jsonl"))} and manifest["gold"]
    spans = [json.loads(line) for line in (folder / "outputs" / "annotations" / "souss-2021.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {"resilience", "resistance", "governance"} <= {s["label"] for s in spans if s["layer"] == "concept"}
    assert [s["text"] for s in spans if s["layer"] == "citation"] == ["Defourny, 2001"]

    scored = rescorpus("eval")
    assert "layer/label" in scored.stdout and "concept " in scored.stdout
    # the shipped gold file of the founding paper, scored on the paper added here as 'founding'
    assert [line for line in scored.stdout.splitlines() if line.startswith("founding: ") and " gold spans, " in line]
    assert (folder / "outputs" / "eval" / "report.json").is_file()
    report = (folder / "outputs" / "report" / "index.html").read_text(encoding="utf-8")
    assert "souss-2021" in report and "founding" in report

    # the corpus's own copy of the scheme, edited: a new label; every paper is processed again
    own = folder / "annotations" / "concepts" / "resilience-coop.toml"
    own.parent.mkdir(parents=True)
    text = (shipped / "concepts" / "resilience-coop.toml").read_text(encoding="utf-8")
    own.write_text(text.replace('alt.fr = ["résilient", ', 'alt.fr = ["transhumance laitière", "résilient", ', 1), encoding="utf-8")
    assert own.read_text(encoding="utf-8") != text
    again = rescorpus("run", "--jobs", "1")
    assert again.stdout.startswith("2 papers processed, 0 unchanged"), again.stdout
    manifest = json.loads((folder / "outputs" / "manifest.json").read_text(encoding="utf-8"))["config"]
    assert manifest["scheme_sha256"] == _sha(own)
    spans = (folder / "outputs" / "annotations" / "souss-2021.jsonl").read_text(encoding="utf-8")
    assert '"text": "transhumance laitière"' in spans
    assert rescorpus("run", "--jobs", "1").stdout.startswith("0 papers processed, 2 unchanged")
