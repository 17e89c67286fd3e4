"""The manifest: what produced `outputs/`, and a check that anyone can rerun.

outputs/manifest.json lists every input with its sha256, the configuration and
its hash, the versions of Python, spaCy, the models and every pinned package,
and every output file with its sha256. Nothing in it depends on when or where
the run happened, so two runs on the same inputs write the same bytes.
"""

from __future__ import annotations

import importlib.metadata as md
import json
import platform
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Config
from pipeline.files import sha256_file, write_json
from pipeline.run.cache import code_digest, model_files
from pipeline.run.outfolder import iter_outputs

MANIFEST = "manifest.json"
RUN_LOG = "run.log"  # times and machine: kept out of the manifest
NOT_LISTED = {MANIFEST, RUN_LOG}


def pinned_versions() -> dict[str, str]:
    """Installed versions of rescorpus and of everything it declares as a dependency."""
    versions = {"python": platform.python_version(), "rescorpus": md.version("rescorpus")}
    for requirement in md.requires("rescorpus") or []:
        if "extra ==" in requirement:
            continue
        name = re.split(r"[<>=!~;\[ ]", requirement, maxsplit=1)[0]
        try:
            versions[name.lower()] = md.version(name)
        except md.PackageNotFoundError:
            versions[name.lower()] = "not installed"
    return dict(sorted(versions.items()))


def build_manifest(corpus: Path, out: Path, config: Config) -> dict:
    inputs = {
        path.relative_to(corpus).as_posix(): sha256_file(path)
        for path in sorted(Path(corpus).rglob("*"))
        if path.is_file() and not any(part.startswith(".") for part in path.relative_to(corpus).parts)
    }
    outputs = {p.relative_to(out).as_posix(): sha256_file(p) for p in iter_outputs(out, skip=NOT_LISTED)}
    return {
        "inputs": inputs,
        "config": config.to_json(),
        "config_sha256": config.digest(),
        "code_sha256": code_digest(),
        "models": {path.name: sha256_file(path) for path in model_files()},
        "versions": pinned_versions(),
        "outputs": outputs,
    }


def write_manifest(corpus: Path, out: Path, config: Config) -> dict:
    manifest = build_manifest(corpus, out, config)
    write_json(Path(out) / MANIFEST, manifest)
    return manifest


def changed_sources(corpus: Path) -> list[Difference]:
    """Every paper whose source is no longer the file that was added (its sha256 is not paper.json's)."""
    from pipeline.corpus.papers import iter_papers
    from pipeline.corpus.sources import SourceCheck, changed_reason

    check = SourceCheck()
    return [
        Difference(paper.source.relative_to(corpus).as_posix(), changed_reason(paper))
        for paper in iter_papers(Path(corpus))
        if paper.source.is_file() and check.changed(paper)
    ]


@dataclass(frozen=True)
class Difference:
    path: str
    what: str  # "changed" | "missing" | "extra" | "input changed" | ...


def compare(expected: dict, actual: dict) -> list[Difference]:
    """Every input, setting and output on which two manifests disagree."""
    diffs: list[Difference] = []
    for section, label in (("inputs", "input"), ("outputs", "output")):
        exp, act = expected.get(section, {}), actual.get(section, {})
        for path in sorted(set(exp) | set(act)):
            if path not in act:
                diffs.append(Difference(path, f"{label} missing"))
            elif path not in exp:
                diffs.append(Difference(path, f"{label} not in the manifest"))
            elif exp[path] != act[path]:
                diffs.append(Difference(path, f"{label} differs"))
    for key in ("config_sha256", "versions"):
        if expected.get(key) != actual.get(key):
            diffs.append(Difference(key, "differs: the outputs were made with another configuration or versions"))
    return diffs


def verify(
    corpus: Path,
    out: Path,
    config: Config,
    manifest_path: Path | None,
    rerun: Callable[[Path, Path], None],
) -> list[Difference]:
    """Recompute everything from `corpus` in a scratch folder and compare with the manifest and `out`.

    Reports outputs whose bytes differ from what the manifest records (an edited
    file) and outputs the manifest records that the recomputation does not give.
    """
    manifest_path = manifest_path or Path(out) / MANIFEST
    config = config.for_corpus(corpus)  # as `run` resolves it
    recorded = json.loads(Path(manifest_path).read_text(encoding="utf-8"))
    current = build_manifest(corpus, out, config)
    diffs = compare(recorded, current) + changed_sources(corpus)
    scratch = Path(tempfile.mkdtemp(prefix="rescorpus-verify-"))
    try:
        rerun(corpus, scratch)
        fresh = build_manifest(corpus, scratch, config)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    for d in compare(recorded, fresh):
        if d.path not in {x.path for x in diffs}:
            diffs.append(Difference(d.path, d.what + " (recomputed from corpus/)"))
    return sorted(diffs, key=lambda d: d.path)
