"""Atomic, deterministic file writes: a reader never sees half a file, and bytes depend only on content."""

from __future__ import annotations

import csv
import errno
import hashlib
import io
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import RescorpusError


EXPORTS = "exports"  # OUT/exports/: files users ask for (graph, export, import); not outputs of `run`


def _file_mode() -> int:
    """The mode a plain `open()` would give (0666 less the umask): mkstemp's 0600 would hide files from others."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync it, then rename it over `path`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def dumps_json(obj: object) -> str:
    """The one JSON style of outputs: sorted keys, two-space indent, UTF-8, final newline."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, indent=2) + "\n"


def write_json(path: Path, obj: object) -> None:
    atomic_write_text(path, dumps_json(obj))


def csv_text(rows: Iterable[Iterable[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return buf.getvalue()


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
READ_ONLY = {errno.EACCES, errno.EPERM, errno.EROFS}


@contextmanager
def writing_to(folder: Path) -> Iterator[None]:
    """Turn a full disk or a read-only folder met while writing `folder` into one line saying what to do
    (every file is written whole or not at all, so what was there stays usable)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in FULL:
            raise RescorpusError(
                f"cannot write to {folder}/: no space left on device; free some space and run again "
                "(the files already there are whole)"
            ) from None
        if exc.errno in READ_ONLY:
            where = f" ({exc.filename})" if exc.filename else ""
            raise RescorpusError(
                f"cannot write to {folder}/: it is read-only{where}; make it writable or choose another --out"
            ) from None
        raise
    except sqlite3.OperationalError as exc:  # the corpus database reports a full disk in its own words
        text = str(exc).lower()
        if "disk is full" in text or "disk i/o" in text:
            raise RescorpusError(f"cannot write to {folder}/: no space left on device ({exc}); free some space") from None
        if "readonly" in text or "read-only" in text:
            raise RescorpusError(f"cannot write to {folder}/: it is read-only ({exc}); make it writable") from None
        raise
