"""The output folder's lock: one `rescorpus run` writes a folder at a time; a second one is refused."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import LockedError
from pipeline.workers import held

LOCK = ".lock"


@contextmanager
def output_lock(out: Path) -> Iterator[None]:
    """An exclusive lock on the output folder, released even when the process is killed
    (forked workers close their copy of it: see pipeline.workers)."""
    out.mkdir(parents=True, exist_ok=True)
    with open(out / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise LockedError(
                f"{out}/ is being written by another `rescorpus run`; wait for it to finish, then run again"
            ) from None
        with held(fh.fileno()):
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)
