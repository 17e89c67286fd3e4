"""The output folder: marked as ours when first written, refused when it holds other files, and the files
an earlier run wrote (the only ones a run may delete)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.errors import RescorpusError
from pipeline.files import EXPORTS, atomic_write_text

MARKER = ".rescorpus-outputs"  # written first into every output folder: `run` replaces and deletes files here
MARKER_TEXT = "This folder is written by `rescorpus run`: it replaces and deletes the files it made here.\n"
MANIFEST = "manifest.json"
CACHE = ".cache"
LOCK = ".lock"  # the run's lock: alone in a folder, it does not make the folder someone else's


def claim(out: Path) -> None:
    """Make sure `out` is an output folder (marked, or with an earlier version's manifest) or empty, and mark it.

    A folder holding anything else is refused: a run deletes stale outputs, never another project's files.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise RescorpusError(f"{out}: is a file, not a folder; pass --out an empty or new folder")
    if (out / MARKER).is_file():
        return
    if out.is_dir() and not _earlier_outputs(out) and any(p.name != LOCK for p in out.iterdir()):
        raise RescorpusError(
            f"{out}/ is not a rescorpus output folder and is not empty: choose an empty or new folder with --out"
        )
    out.mkdir(parents=True, exist_ok=True)
    atomic_write_text(out / MARKER, MARKER_TEXT)


def _earlier_outputs(out: Path) -> bool:
    """An output folder of an earlier version (before the marker): it holds a rescorpus manifest."""
    try:
        manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(manifest, dict) and {"inputs", "outputs", "code_sha256"} <= set(manifest)


def owned_files(out: Path) -> set[str]:
    """Every file (relative to `out`) an earlier run listed as its own: in the manifest or a cache record."""
    owned: set[str] = set()
    for path in [out / MANIFEST, *sorted((out / CACHE).glob("*.json"))]:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        listed = record.get("outputs" if path.name == MANIFEST else "files") if isinstance(record, dict) else None
        if isinstance(listed, dict):
            owned.update(rel for rel in listed if isinstance(rel, str))
    return owned


def iter_outputs(out: Path, skip: Iterable[str] = ()) -> Iterator[Path]:
    """Every output file (not the cache, not the log), sorted: what the manifest lists."""
    skip = set(skip)
    for path in sorted(Path(out).rglob("*")):
        rel = path.relative_to(out).as_posix()
        if (
            path.is_file()
            and not rel.startswith((CACHE + "/", EXPORTS + "/"))
            and rel not in skip
            and not path.name.startswith(".")
        ):
            yield path
