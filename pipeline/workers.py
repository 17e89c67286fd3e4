"""Forked worker processes that end with their parent and never keep a lock it holds.

A kernel module (it imports nothing of the pipeline): the run's executors and the corpus-level stage both
fork workers that inherit the models and data already loaded, and neither may leave orphans behind.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager

PR_SET_PDEATHSIG = 1  # prctl(2): the signal a process gets when its parent dies
_HELD_LOCKS: set[int] = set()  # descriptors of the output locks this process holds


@contextmanager
def held(fd: int) -> Iterator[None]:
    """Mark the lock on descriptor `fd` as held while the block runs: workers forked meanwhile close it."""
    _HELD_LOCKS.add(fd)
    try:
        yield
    finally:
        _HELD_LOCKS.discard(fd)


def forked_pool(workers: int) -> ProcessPoolExecutor:
    """A pool of forked workers (they inherit the loaded models and data) that end with the run and
    never keep its output lock (see `init_worker`)."""
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=init_worker,
        initargs=(os.getpid(),),
    )


def init_worker(parent: int) -> None:
    """A worker closes its copy of the output lock (a flock belongs to every copy of its descriptor)
    and asks the kernel to kill it when the run dies: workers orphaned by a `kill -9` of the run sat
    on their memory, and their lock kept the next run out."""
    for fd in sorted(_HELD_LOCKS):
        try:
            os.close(fd)  # this process's copy only; the lock stays with the run
        except OSError:
            pass
    _HELD_LOCKS.clear()
    if sys.platform == "linux":
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):  # pragma: no cover - no prctl in this libc
            pass
    if os.getppid() != parent:  # the run died before the line above
        os._exit(1)
