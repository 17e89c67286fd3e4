"""The run's cache: the code's hash in every key, and the records that list what each stage wrote.

A record (`outputs/.cache/<id>.json`, `_corpus.json`) holds a key and the sha256 of every file written under
it; a stage is skipped when its key is unchanged and its files are still there, unedited. The same records say
which files a run may delete.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pipeline
from pipeline.files import sha256_file
from pipeline.run.outfolder import owned_files

CACHE = ".cache"


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A hash of the package's own source and shipped model weights (`data/*.json`): any change of code or
    of a model is a new pipeline version."""
    digest = hashlib.sha256(pipeline.__version__.encode())
    root = Path(pipeline.__file__).parent
    for path in sorted([*root.rglob("*.py"), *model_files()]):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def model_files() -> list[Path]:
    """The learned models and splits shipped as package data (`pipeline/data/*.json`)."""
    return sorted((Path(pipeline.__file__).parent / "data").glob("*.json"))


def cached_record(out: Path, paper_id: str, key: str) -> dict | None:
    """The paper's cache record when its key matches and every file it lists is there, unedited."""
    path = out / CACHE / f"{paper_id}.json"
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if record.get("key") != key:
        return None
    for rel, digest in record.get("files", {}).items():
        try:  # by bytes: a file written from text hashes as its UTF-8, so one check serves both stages
            if sha256_file(out / rel) != digest:
                return None
        except OSError:
            return None
    return record


def listed_files(out: Path, paper_id: str) -> list[str]:
    """The files the paper's cache record lists (none when it has no readable record)."""
    try:
        files = json.loads((out / CACHE / f"{paper_id}.json").read_text(encoding="utf-8")).get("files")
    except (OSError, ValueError, AttributeError):
        return []
    return sorted(files) if isinstance(files, dict) else []


def delete_unlisted(out: Path, folders: Iterable[str], keep: set[str], also_owned: Iterable[str] = ()) -> None:
    """Delete every file under OUT/<folder> that an earlier run listed as its own (manifest, cache records)
    and that is not in `keep`; a file the run never wrote is never touched. Folders left empty go too."""
    owned = (owned_files(out) | set(also_owned)) - keep
    for folder in folders:
        emptied: set[Path] = set()
        for path in sorted((out / folder).rglob("*")) if (out / folder).is_dir() else []:
            if path.is_file() and path.relative_to(out).as_posix() in owned:
                path.unlink()
                emptied.add(path.parent)
        for parent in sorted(emptied, key=lambda d: len(d.parts), reverse=True):
            while parent != out and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
