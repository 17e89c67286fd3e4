"""The corpus as every stage reads it: one folder per paper, `corpus/<id>/source.pdf|source.txt` + `paper.json`.

`load_paper` reads one folder into a `Paper` (its source, sha256, flags and CSL-JSON) and names what is wrong
with a damaged one; `iter_papers` gives every usable paper in id order, so one bad folder never stops the others.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import errors

PAPER_JSON = "paper.json"
OURS = "rescorpus"  # our fields inside paper.json: under CSL's "custom" object (top level in older corpora)
SUFFIXES = {".pdf": "source.pdf", ".txt": "source.txt"}
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


@dataclass(frozen=True)
class Paper:
    """One paper of the corpus as the pipeline reads it: its folder, source file and CSL-JSON."""

    id: str
    folder: Path
    source: Path
    sha256: str
    flags: tuple[str, ...]
    csl: Mapping[str, Any]

    @property
    def title(self) -> str | None:
        return self.csl.get("title")

    @property
    def year(self) -> int | None:
        parts = self.csl.get("issued", {}).get("date-parts") or [[None]]
        return parts[0][0] if parts[0] else None

    @property
    def language(self) -> str | None:
        return self.csl.get("language")

    @property
    def pages(self) -> int | None:
        return self.csl.get("number-of-pages")


@dataclass(frozen=True)
class PaperRow:
    """One line of `rescorpus list`; `problem` is set (and the rest empty) for a broken folder."""

    id: str
    year: int | None
    language: str | None
    title: str | None
    pages: int | None
    flags: tuple[str, ...]
    problem: str | None = None


def load_paper(corpus: Path, paper_id: str) -> Paper:
    """Read `corpus/<paper_id>/paper.json`; a damaged folder raises CorpusError naming what is wrong."""
    folder = Path(corpus) / paper_id
    if not folder.is_dir() or paper_id.startswith("."):
        raise errors.no_such_paper(paper_id, corpus)
    meta = folder / PAPER_JSON
    try:
        csl = json.loads(meta.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise errors.broken_paper(folder, "no paper.json") from None
    except UnicodeDecodeError:
        raise errors.broken_paper(folder, "paper.json is not UTF-8") from None
    except json.JSONDecodeError as exc:
        raise errors.broken_paper(folder, f"paper.json line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    ours = ours_of(csl)
    usable = isinstance(ours, dict) and isinstance(ours.get("sha256"), str) and ours.get("source") in SUFFIXES.values()
    if not usable:
        raise errors.broken_paper(folder, f"paper.json lacks the \"custom\": {{\"{OURS}\": {{sha256, source}}}} fields")
    if csl.get("id") != paper_id:
        raise errors.broken_paper(folder, f"paper.json says id '{csl.get('id')}', the folder is '{paper_id}'")
    if not ID_RE.fullmatch(paper_id):
        raise errors.broken_paper(folder, f"'{paper_id}' is not a usable paper id (letters, digits, '-', '_', '.')")
    if problem := _wrong_type(csl):
        raise errors.broken_paper(folder, f"paper.json: {problem}")
    source = folder / ours["source"]
    if not source.is_file():
        raise errors.broken_paper(folder, f"{ours['source']} is missing")
    return Paper(
        id=paper_id,
        folder=folder,
        source=source,
        sha256=ours["sha256"],
        flags=tuple(ours.get("flags") or ()),
        csl=csl,
    )


def _wrong_type(csl: Mapping[str, Any]) -> str | None:
    """What in paper.json has a type the pipeline cannot read (the fields it reads), or None."""
    ours = ours_of(csl)
    flags = ours.get("flags", [])
    if not isinstance(flags, list) or not all(isinstance(f, str) for f in flags):
        return f'"{OURS}.flags" must be a list of words, e.g. ["needs_ocr"]'
    for name in ("title", "language", "DOI", "URL", "type"):
        if name in csl and not isinstance(csl[name], str):
            return f'"{name}" must be a string'
    pages = csl.get("number-of-pages", 0)
    if isinstance(pages, bool) or not isinstance(pages, (int, str)):
        return '"number-of-pages" must be a number'
    # "author" is not checked: every reader takes it through `csl_names`, which reads any hand-edited shape.
    issued = csl.get("issued", {})
    parts = issued.get("date-parts", [[]]) if isinstance(issued, dict) else None
    if not (isinstance(parts, list) and all(isinstance(p, list) for p in parts)
            and all(isinstance(v, (int, str)) for p in parts for v in p)):  # fmt: skip
        return '"issued" must be {"date-parts": [[YEAR]]}'
    return None


def ours_of(csl: Any) -> dict | None:
    """The project's own fields of a paper.json: `custom.rescorpus` (CSL-JSON's place for them), or the
    top-level `rescorpus` object corpora made before it moved there hold."""
    if not isinstance(csl, dict):
        return None
    custom = csl.get("custom")
    if isinstance(custom, dict) and isinstance(custom.get(OURS), dict):
        return custom[OURS]
    ours = csl.get(OURS)
    return ours if isinstance(ours, dict) else None


def iter_papers(
    corpus: Path, on_broken: Callable[[str, errors.CorpusError], None] | None = None
) -> Iterator[Paper]:
    """Every usable paper in id order. A damaged folder is skipped, so one bad folder never stops the others
    (`run` records it as failed, `list` shows its problem): `on_broken(folder name, error)` hears of each."""
    for name in sorted(folder_names(Path(corpus))):
        try:
            paper = load_paper(corpus, name)
        except errors.CorpusError as exc:
            if on_broken is not None:
                on_broken(name, exc)
            continue
        yield paper


def folder_names(corpus: Path) -> set[str]:
    if not corpus.is_dir():
        return set()
    return {p.name for p in corpus.iterdir() if p.is_dir() and not p.name.startswith(".")}


def detected_language(out: Path, paper_id: str) -> str | None:
    """The language most of a paper's text is in, as the last run detected it (None before a run)."""
    try:
        counts = json.loads((Path(out) / "text" / f"{paper_id}.json").read_text(encoding="utf-8"))["languages"]
    except (OSError, ValueError, KeyError):
        return None
    known = {lang: n for lang, n in counts.items() if lang != "und"}
    return max(sorted(known), key=lambda lang: known[lang]) if known else None


def list_papers(corpus: Path) -> list[PaperRow]:
    """One row per paper folder, sorted by id; a damaged folder gives a row with `problem` set."""
    rows = []
    for name in sorted(folder_names(Path(corpus))):
        try:
            p = load_paper(corpus, name)
        except errors.CorpusError as exc:
            rows.append(PaperRow(name, None, None, None, None, (), problem=str(exc)))
            continue
        rows.append(PaperRow(p.id, p.year, p.language, p.title, p.pages, p.flags))
    return rows
