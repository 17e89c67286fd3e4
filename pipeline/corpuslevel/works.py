"""The cited works as the corpus-level outputs use them: `Work` records read from outputs/works.jsonl.

pipeline.citations.works gives each cited work its identity and writes works.jsonl; this module reads it back
(`read_works`), indexes reference entries to works (`reference_index`), and derives works straight from the
papers' reference spans with a simpler key (`derive_works`) when there is no works.jsonl.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.citations.works import is_citable
from pipeline.corpuslevel.paperdata import PaperData
from pipeline.errors import InputError
from pipeline.spans import Span

WORKS = "works.jsonl"
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Work:
    """One cited work across the corpus, and the reference entries (paper, reference id) that cite it."""

    key: str
    authors: tuple[str, ...]
    year: str
    title: str
    doi: str
    cited_by: tuple[tuple[str, str], ...]

    @property
    def citable(self) -> bool:
        """Whether it may be shown as a cited work (an author, or a title that is one): see `is_citable`."""
        return is_citable(self.authors, self.title)

    @property
    def papers(self) -> int:
        """How many papers cite it."""
        return len({p for p, _ in self.cited_by})

    @property
    def label(self) -> str:
        first = self.authors[0] if self.authors else (self.title[:40] or self.key)
        more = " et al." if len(self.authors) > 2 else (f" & {self.authors[1]}" if len(self.authors) == 2 else "")
        return f"{first}{more}, {self.year}" if self.year else f"{first}{more}"


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _surname(name: str) -> str:
    name = name.split(",", 1)[0] if "," in name else (name.split() or [""])[-1]
    return re.sub(r"[^a-z0-9]", "", _fold(name))


def fallback_work_key(attrs: Mapping[str, Any]) -> str:
    """A work key from a reference's fields: the DOI, else first surname + year + three title words."""
    doi = str(attrs.get("doi") or "").strip().casefold()
    if doi:
        return "doi:" + re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", doi).rstrip(".")
    authors = attrs.get("authors") or []
    authors = [authors] if isinstance(authors, str) else list(authors)
    first = _surname(str(authors[0])) if authors else "anon"
    words = [w for w in _WORD.findall(_fold(str(attrs.get("title") or ""))) if len(w) > 3][:3]
    return f"{first or 'anon'}-{attrs.get('year') or 'nd'}-{'-'.join(words) or 'untitled'}"


def derive_works(papers: Iterable[PaperData]) -> tuple[Work, ...]:
    """Works from the reference spans of the papers, with the fallback key (until works.jsonl exists)."""
    return derive_spans_works((p.id, p.spans) for p in papers)


def derive_spans_works(papers: Iterable[tuple[str, Iterable[Span]]]) -> tuple[Work, ...]:
    """Works from (paper id, spans) pairs: their reference spans, with the fallback key."""
    found: dict[str, dict[str, Any]] = {}
    for paper_id, spans in papers:
        for ref in spans:
            if ref.layer != "reference":
                continue
            key = fallback_work_key(ref.attrs)
            entry = found.setdefault(key, {"attrs": ref.attrs, "cited_by": []})
            entry["cited_by"].append((paper_id, str(ref.attrs.get("id", f"{ref.start}"))))
    return tuple(_work(key, e["attrs"], e["cited_by"]) for key, e in sorted(found.items()))


def _work(key: str, attrs: Mapping[str, Any], cited_by: Iterable[tuple[str, str]]) -> Work:
    authors = attrs.get("authors") or []
    authors = [authors] if isinstance(authors, str) else list(authors)
    return Work(
        key=key,
        authors=tuple(str(a) for a in authors),
        year=str(attrs.get("year") or ""),
        title=str(attrs.get("title") or ""),
        doi=str(attrs.get("doi") or ""),
        cited_by=tuple(sorted(set(cited_by))),
    )


def read_works(path: Path) -> tuple[Work, ...]:
    """outputs/works.jsonl as written by pipeline.citations.works (one cited work per line)."""
    works = []
    for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{n}: not valid JSON ({exc.msg}); run `rescorpus run` again") from None
        cited = [(str(c["paper"]), str(c["reference"])) for c in obj.get("cited_by", [])]
        works.append(_work(str(obj["key"]), obj, cited))
    return tuple(sorted(works, key=lambda w: w.key))


def works_lines(works: Iterable[Work]) -> str:
    """The JSON-lines form of works (the shape of outputs/works.jsonl), sorted by key."""
    lines = []
    for w in sorted(works, key=lambda w: w.key):
        obj = {"key": w.key, "authors": list(w.authors), "year": w.year, "title": w.title, "doi": w.doi,
               "cited_by": [{"paper": p, "reference": r} for p, r in w.cited_by]}  # fmt: skip
        lines.append(json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n")
    return "".join(lines)


def most_cited(works: Iterable[Work], top: int | None = None) -> list[Work]:
    """The works that can be shown as cited (`Work.citable`: never an entry with neither author nor title),
    by how many papers cite them, then by key; the first `top` of them."""
    ranked = sorted((w for w in works if w.citable), key=lambda w: (-w.papers, w.key))
    return ranked if top is None else ranked[:top]


def reference_index(works: Iterable[Work]) -> dict[tuple[str, str], str]:
    """(paper id, reference id) -> work key."""
    return {ref: w.key for w in works for ref in w.cited_by}
