"""One identity per cited work across the corpus: work keys, the fuzzy merge of entries that
cite the same work in different papers, and the lines of outputs/works.jsonl."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz

from pipeline.citations.callouts import UPPER, is_etal
from pipeline.citations.fields import PLACES, fold_ascii
from pipeline.files import atomic_write_text
from pipeline.spans import Span, read_jsonl

ANNOTATIONS = "annotations"
WORKS_FILE = "works.jsonl"
STOPWORDS = {
    "the", "a", "an", "of", "and", "in", "on", "for", "to", "with", "le", "la", "les", "l", "de", "des",
    "du", "d", "et", "un", "une", "en", "au", "aux", "sur", "pour", "par", "dans",
}
FINGERPRINT_WORDS = 6
SOURCE_WORDS = 3  # words of the container (publisher, web host) in the key of an author-less work
TITLE_MIN = 85  # rapidfuzz token_set_ratio of folded titles for one work
NAME_MIN = 85  # rapidfuzz ratio of folded first surnames


def _surnames(attrs: Mapping) -> list[str]:
    return [str(a) for a in attrs.get("authors", []) if not is_etal(str(a))]


def bare_doi(doi: str) -> str:
    """"https://doi.org/10.1/X." -> "10.1/x" (DOIs are case-insensitive)."""
    doi = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", doi.strip(), flags=re.IGNORECASE)
    return doi.rstrip(".,;").casefold()


def title_words(title: str) -> list[str]:
    """The folded significant words of a title."""
    words = re.findall(r"\w+", re.sub(r"[’']", " ", str(title)))
    return [w for w in (fold_ascii(w) for w in words) if w and w not in STOPWORDS]


def work_key(reference_attrs: Mapping) -> str:
    """"doi:10.x/y" when the entry has a DOI, else "<first surname>-<year>-<first title words>"; an entry with no
    author (a law, an interview, a report parsed without its institution) has "anon-<year>-<title words>-<source
    words>", so that two author-less works of one year differ by their title and where they appeared."""
    doi = reference_attrs.get("doi")
    if doi:
        return "doi:" + bare_doi(str(doi))
    names = _surnames(reference_attrs)
    surname = fold_ascii(names[0]) if names else ""
    year = fold_ascii(str(reference_attrs.get("year", "nd"))) or "nd"
    words = title_words(reference_attrs.get("title", ""))[:FINGERPRINT_WORDS]
    if not surname:  # an author-less work (a law, an interview, a web page): its title and where it appeared
        words += title_words(_source(reference_attrs))[:SOURCE_WORDS]
    return f"{surname or 'anon'}-{year}-{'-'.join(words)}".rstrip("-")


# "Paris, P.O.L", "Montréal : Boréal": a place and a publisher, what is left of an entry whose title was lost.
IMPRINT_ONLY_RE = re.compile(rf"^(?:{PLACES})(?:,\s?[A-Z]{{2}})?\s?[:,]\s?[{UPPER}][^,:;]{{0,60}}$")


def is_citable(authors: Iterable[str], title: str) -> bool:
    """Whether a work can be shown as cited: it has an author, or a title that is more than a place and a
    publisher (a law, an interview, a web page have no author but a title). Other entries are parsing debris."""
    if any(str(a).strip(" .,") and not is_etal(str(a)) for a in authors):
        return True
    title = str(title).strip(" .")
    return bool(re.search(r"[^\W\d_]{2}", title)) and not IMPRINT_ONLY_RE.match(title)


def _source(attrs: Mapping) -> str:
    """Where an entry appeared: its container, else its publisher, else the host of its URL."""
    url = re.sub(r"^(?:https?://)?(?:www\.)?", "", str(attrs.get("url") or "")).split("/", 1)[0]
    return str(attrs.get("container") or attrs.get("publisher") or url)


@dataclass
class _Work:
    """A cluster of entries taken for one work while building (mutable, private)."""

    keys: set[str] = field(default_factory=set)
    doi: str = ""
    surname: str = ""
    year: str = ""
    title: str = ""
    source: str = ""  # the folded container words (what tells author-less works apart)
    attrs: dict = field(default_factory=dict)
    cited_by: list[dict] = field(default_factory=list)

    def matches(self, attrs: Mapping) -> bool:
        doi = bare_doi(str(attrs["doi"])) if attrs.get("doi") else ""
        if doi and self.doi:
            return doi == self.doi
        names = _surnames(attrs)
        surname = fold_ascii(names[0]) if names else ""
        if str(attrs.get("year", "")) != self.year or bool(surname) != bool(self.surname):
            return False
        if surname and fuzz.ratio(surname, self.surname) < NAME_MIN:
            return False
        if not surname:  # author-less: the same title, and the same source where both name one
            source = " ".join(title_words(_source(attrs)))
            if source and self.source and fuzz.token_set_ratio(source, self.source) < TITLE_MIN:
                return False
            title = " ".join(title_words(attrs.get("title", "")))
            return bool(title) and fuzz.token_set_ratio(title, self.title) >= TITLE_MIN
        title = " ".join(title_words(attrs.get("title", "")))
        if not title or not self.title:
            return title == self.title
        return fuzz.token_set_ratio(title, self.title) >= TITLE_MIN


def build_works(papers: Iterable[tuple[str, list[Span]]] | str | Path) -> list[dict]:
    """The cited works of a corpus: each with its key, authors, year, title, doi and the papers,
    reference entries and number of callouts that cite it. Sorted by key.

    Given an output folder instead of papers, reads its annotations and writes works.jsonl
    there too (`write_works`)."""
    if isinstance(papers, (str, Path)):
        return write_works(Path(papers))
    entries: list[tuple[str, str, Mapping, int]] = []
    for paper, spans in papers:
        counts = Counter(s.attrs.get("target") for s in spans if s.layer == "citation" and s.attrs.get("target"))
        for s in spans:
            if s.layer == "reference":
                ref_id = str(s.attrs.get("id", f"ref-{s.start}"))
                attrs = s.attrs
                if not attrs.get("title") and not _surnames(attrs) and not attrs.get("doi"):
                    attrs = {**attrs, "title": s.text}  # nothing parsed: the entry's own words tell it apart
                entries.append((paper, ref_id, attrs, counts.get(ref_id, 0)))
    entries.sort(key=lambda e: (e[0], e[1]))
    # DOI entries first so that entries without a DOI join the DOI's work.
    entries.sort(key=lambda e: not e[2].get("doi"))
    works: list[_Work] = []
    by_year: dict[str, list[_Work]] = {}
    by_doi: dict[str, _Work] = {}
    for paper, ref_id, attrs, n in entries:
        doi = bare_doi(str(attrs["doi"])) if attrs.get("doi") else ""
        work = by_doi.get(doi) if doi else None
        if work is None:
            work = next((w for w in by_year.get(str(attrs.get("year", "")), []) if w.matches(attrs)), None)
        if work is None:
            names = _surnames(attrs)
            work = _Work(
                doi=bare_doi(str(attrs["doi"])) if attrs.get("doi") else "",
                surname=fold_ascii(names[0]) if names else "",
                year=str(attrs.get("year", "")),
                title=" ".join(title_words(attrs.get("title", ""))),
                source=" ".join(title_words(_source(attrs))),
                attrs=dict(attrs),
            )
            works.append(work)
            by_year.setdefault(work.year, []).append(work)
            if work.doi:
                by_doi[work.doi] = work
        work.keys.add(work_key(attrs))
        work.cited_by.append({"paper": paper, "reference": ref_id, "callouts": n})
    out = []
    for w in _merge_same_keys(works):
        key = "doi:" + w.doi if w.doi else min(w.keys)
        record = {"key": key, "cited_by": sorted(w.cited_by, key=lambda c: (c["paper"], c["reference"]))}
        for name in ("authors", "year", "title", "container", "doi"):
            if w.attrs.get(name):
                value = w.attrs[name]
                record[name] = list(value) if isinstance(value, (list, tuple)) else value
        out.append(record)
    return sorted(out, key=lambda r: r["key"])


def _merge_same_keys(works: list[_Work]) -> list[_Work]:
    """One work per key: clusters that share a key are one work (the key is the identity), whatever the
    fuzzy match said; the earlier cluster (in entry order) keeps its fields."""
    owner: dict[str, _Work] = {}
    merged: list[_Work] = []
    for w in works:
        into = next((owner[k] for k in sorted(w.keys) if k in owner), None)
        if w.doi and into is not None and into.doi and into.doi != w.doi:
            into = None  # two DOIs are two works, even under one fingerprint
        if into is None:
            merged.append(w)
            into = w
        else:
            if w.doi and not into.doi:
                into.doi, into.attrs["doi"] = w.doi, w.attrs["doi"]
            into.keys |= w.keys
            into.cited_by.extend(w.cited_by)
        for k in into.keys:
            owner.setdefault(k, into)
    return merged


def generate_works_jsonl(works: Iterable[Mapping]) -> Iterator[str]:
    """One JSON line (with its newline) per work, sorted by key, keys sorted: for outputs/works.jsonl."""
    for work in sorted(works, key=lambda w: w["key"]):
        yield json.dumps(work, ensure_ascii=False, sort_keys=True) + "\n"


def read_annotations(out: Path) -> Iterator[tuple[str, list[Span]]]:
    """(paper id, spans) from OUT/annotations/<id>.jsonl, in paper-id order."""
    folder = Path(out) / ANNOTATIONS
    for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
        yield path.stem, read_jsonl(path)


def write_works(out: Path) -> list[dict]:
    """Build the works of OUT/annotations and write OUT/works.jsonl (atomically); return them."""
    works = build_works(read_annotations(out))
    atomic_write_text(Path(out) / WORKS_FILE, "".join(generate_works_jsonl(works)))
    return works
