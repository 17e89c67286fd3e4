"""The run's configuration: what, besides the sources, decides the outputs.

It is read from `rescorpus.toml` beside the corpus when there is one, else the
defaults. Its hash is part of every cache key and of the manifest, so changing
the scheme or a model reprocesses the papers it affects, and only then.

The scheme and the gold set a run uses: the files named by --scheme or `rescorpus.toml`; else those the
corpus carries (`annotations/concepts/resilience-coop.toml`, `annotations/gold/` beside `corpus/`, or in the
working folder); else the ones shipped with the package (`pipeline/data/concepts`, `pipeline/data/gold`,
the repository's `annotations/` as package data), so a run anywhere uses a scheme, and the manifest names it.
"""

from __future__ import annotations

import hashlib
import json
import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.errors import RescorpusError

CONFIG_FILE = "rescorpus.toml"
DEFAULT_SCHEME = Path("annotations/concepts/resilience-coop.toml")
DEFAULT_MODELS = {"fr": "fr_core_news_sm", "en": "blank:en"}
DEFAULT_GOLD = Path("annotations/gold")
SHIPPED = Path(__file__).parent / "data"  # package data: the repository's annotations/concepts and annotations/gold
SHIPPED_SCHEME = SHIPPED / "concepts" / DEFAULT_SCHEME.name
SHIPPED_GOLD = SHIPPED / "gold"


def available_cpus() -> int:
    """The CPUs this process may run on (`rescorpus run`'s default --jobs)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class Config:
    """Models per language and the concept scheme file; everything else is code."""

    models: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_MODELS))
    scheme: Path | None = None  # None: annotations/concepts/resilience-coop.toml here, else the shipped scheme
    gold: Path | None = None  # hand-labelled spans the run evaluates against (outputs/eval/); None: likewise

    def for_corpus(self, corpus: Path) -> Config:
        """This configuration with the scheme and gold set `corpus` carries beside it (`annotations/` in its
        parent folder), where none was named; what it does not carry stays to be found as `scheme_path` says."""
        root = Path(corpus).parent
        scheme = self.scheme if self.scheme is not None or not (root / DEFAULT_SCHEME).is_file() else root / DEFAULT_SCHEME
        gold = self.gold if self.gold is not None or not (root / DEFAULT_GOLD).is_dir() else root / DEFAULT_GOLD
        return replace(self, scheme=scheme, gold=gold)

    def scheme_path(self, root: Path = Path(".")) -> Path | None:
        """The scheme file: as named (an error when it is missing: never another scheme in its place), else
        `annotations/...` under `root`, else the shipped one."""
        if self.scheme is not None:
            path = self.scheme if self.scheme.is_absolute() else root / self.scheme
            if not path.is_file():
                raise RescorpusError(f"{path}: no such scheme file; {_SCHEME_HINT}")
            return path
        local = root / DEFAULT_SCHEME
        return local if local.exists() else SHIPPED_SCHEME if SHIPPED_SCHEME.is_file() else None

    def gold_dir(self, root: Path = Path(".")) -> Path:
        """The gold folder: as named, else `annotations/gold` under `root`, else the shipped gold set."""
        if self.gold is not None:
            path = self.gold if self.gold.is_absolute() else root / self.gold
            if not path.is_dir():
                raise RescorpusError(f"{path}: no such gold folder; {_GOLD_HINT}")
            return path
        local = root / DEFAULT_GOLD
        return local if local.is_dir() else SHIPPED_GOLD

    def gold_files(self, root: Path = Path(".")) -> list[Path]:
        folder = self.gold_dir(root)
        return sorted(folder.glob("*.jsonl")) if folder.is_dir() else []

    def paper_json(self, root: Path = Path(".")) -> dict[str, Any]:
        """What the per-paper stages depend on: models and the scheme, by content, not by path."""
        scheme = self.scheme_path(root)
        return {
            "models": dict(sorted(self.models.items())),
            "scheme": scheme.name if scheme else None,
            "scheme_sha256": hashlib.sha256(scheme.read_bytes()).hexdigest() if scheme else None,
        }

    def to_json(self, root: Path = Path(".")) -> dict[str, Any]:
        """The configuration as recorded in the manifest; the gold set counts for the evaluation only."""
        gold = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in self.gold_files(root)}
        return self.paper_json(root) | {"gold": gold}

    def paper_digest(self, root: Path = Path(".")) -> str:
        """Part of every paper's cache key: changing the gold set reprocesses no paper."""
        return _digest(self.paper_json(root))

    def digest(self, root: Path = Path(".")) -> str:
        return _digest(self.to_json(root))


_SCHEME_HINT = (f"give the path of a scheme file (.toml), or name none to use {DEFAULT_SCHEME} beside the corpus "
                "(else the scheme shipped with rescorpus)")
_GOLD_HINT = (f"give a folder of gold files <paper-id>.jsonl, or name none to use {DEFAULT_GOLD}/ beside the corpus "
              "(else the gold set shipped with rescorpus)")


def _digest(settings: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(settings, sort_keys=True).encode()).hexdigest()


def load_config(path: Path | None, scheme: Path | None = None, gold: Path | None = None) -> Config:
    """Read `rescorpus.toml` (models per language, scheme, gold); flags given on the command line win.

    A scheme or gold set named (by flag or file) must exist: a missing one is an error saying which and what
    to do, never a silent fall back to another scheme. Relative paths are taken from the working folder."""
    data: dict[str, Any] = {}
    if path is not None and path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise RescorpusError(f"{path}: {exc}; fix the file or remove it to use the defaults") from None
    unknown = sorted(set(data) - {"models", "scheme", "gold"})
    if unknown:
        raise RescorpusError(f"{path}: unknown setting(s) {', '.join(unknown)}; known: models, scheme, gold")
    models = dict(DEFAULT_MODELS) | {str(k): str(v) for k, v in data.get("models", {}).items()}
    for key in ("scheme", "gold"):
        if key in data and not isinstance(data[key], str):
            raise RescorpusError(f"{path}: {key} must be a path in quotes, e.g. {key} = \"annotations/...\"")
    if scheme is not None and not scheme.is_file():
        raise RescorpusError(f"--scheme {scheme}: no such file; {_SCHEME_HINT.replace('name none', 'leave --scheme out')}")
    if gold is not None and not gold.is_dir():
        raise RescorpusError(f"--gold {gold}: no such folder; {_GOLD_HINT.replace('name none', 'leave --gold out')}")
    named = {key: Path(data[key]) for key in ("scheme", "gold") if key in data}
    for key, hint, exists in (("scheme", _SCHEME_HINT, Path.is_file), ("gold", _GOLD_HINT, Path.is_dir)):
        if key in named and (scheme if key == "scheme" else gold) is None and not exists(named[key]):
            raise RescorpusError(f"{path}: {key} = \"{data[key]}\": no such {'file' if key == 'scheme' else 'folder'} "
                                 f"(paths are taken from the working folder); fix the path, or remove the line to use "
                                 f"{DEFAULT_SCHEME if key == 'scheme' else str(DEFAULT_GOLD) + '/'} beside the corpus "
                                 f"(else the one shipped with rescorpus)")
    return Config(models=models, scheme=scheme or named.get("scheme"), gold=gold or named.get("gold"))
