"""The per-paper outputs read back for the corpus-level stages: text, paragraphs, sentences, spans, works.

Corpus-level outputs (graph, database, report) are built from these files only,
never by re-reading sources. Sentences are cut here by one deterministic rule
splitter over the paragraphs of outputs/text/<id>.json: the run does not write
spaCy's sentence boundaries, and re-running the models at corpus level would
cost as much as the per-paper stage. A boundary never falls inside an annotated
span, so "Borzaga et al. (2009)" or "p. 212" never end a sentence.
"""

from __future__ import annotations

import bisect
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.corpus.csl import csl_names

from pipeline.corpus.papers import iter_papers
from pipeline.errors import InputError
from pipeline.spans import Span, read_jsonl

WORKS = "works.jsonl"
# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "al cf coll dr éd ed eds etc ex fig hab ibid id mr mrs ms mme mlle mm no nº op p pp pr prof réf "
    "s sq st suiv t trad vol vs chap art min max env resp".split()
)
_END = re.compile(r"[.!?…]+[\"'»”)\]]*(?=\s+)")
_OPENER = re.compile(r"\s+[«\"“(\[]?\s*[A-ZÀ-ÖØ-Þ0-9]")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*")


@dataclass(frozen=True)
class Paragraph:
    """A paragraph of the normalised text, with its language and section role."""

    start: int
    end: int
    kind: str
    lang: str
    section: str  # role of its section (abstract, body, references, ...), "" when none


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # index into PaperData.paragraphs


@dataclass(frozen=True)
class PaperData:
    """One paper's per-paper outputs and metadata, as the corpus-level stages use them."""

    id: str
    title: str
    year: int | None
    lang: str
    authors: tuple[str, ...]
    text: str
    paragraphs: tuple[Paragraph, ...]
    sentences: tuple[Sentence, ...]
    spans: tuple[Span, ...]
    meta: Mapping[str, Any] = field(default_factory=dict, hash=False)  # flat CSL fields, for --by FIELD

    def layer(self, name: str) -> list[Span]:
        return [s for s in self.spans if s.layer == name]


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
    def label(self) -> str:
        first = self.authors[0] if self.authors else (self.title[:40] or self.key)
        more = " et al." if len(self.authors) > 2 else (f" & {self.authors[1]}" if len(self.authors) == 2 else "")
        return f"{first}{more}, {self.year}" if self.year else f"{first}{more}"


def split_sentences(text: str, paragraphs: Sequence[Paragraph], keep: Iterable[Span] = ()) -> tuple[Sentence, ...]:
    """Sentences of every paragraph: cut after . ! ? … before a capital or digit, never inside `keep` spans."""
    inside = _union(sorted((s.start, s.end) for s in keep if s.end > s.start))
    starts = [a for a, _ in inside]
    out: list[Sentence] = []
    for n, para in enumerate(paragraphs):
        start = para.start
        for m in _END.finditer(text, para.start, para.end):
            cut = m.end()
            if cut >= para.end or not _OPENER.match(text, cut, para.end):
                continue
            if text[m.start()] == "." and m.group().startswith(".") and _abbreviation(text, para.start, m.start()):
                continue
            i = bisect.bisect_left(starts, cut) - 1  # the last kept span starting before the cut
            if i >= 0 and cut < inside[i][1]:
                continue
            out.append(Sentence(start, cut, n))
            start = cut + (len(text[cut:para.end]) - len(text[cut:para.end].lstrip()))
        if start < para.end:
            out.append(Sentence(start, para.end, n))
    return tuple(out)


def _union(intervals: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted open intervals merged where they overlap (touching ones stay apart: their common end is outside)."""
    out: list[tuple[int, int]] = []
    for a, b in intervals:
        if out and a < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _abbreviation(text: str, floor: int, dot: int) -> bool:
    """True when the word before a full stop is a known abbreviation or a single letter (an initial)."""
    i = dot
    while i > floor and (text[i - 1].isalnum() or text[i - 1] in "º"):
        i -= 1
    word = text[i:dot]
    return len(word) == 1 and word.isalpha() or word.lower() in ABBREVIATIONS


def count_tokens(text: str) -> int:
    """Word tokens as the contrast statistics count them (letters/digits, inner hyphens and apostrophes kept)."""
    return sum(1 for _ in _TOKEN.finditer(text))


def _csl_authors(csl: Mapping[str, Any]) -> tuple[str, ...]:
    names = []
    for a in csl_names(csl.get("author")):
        names.append(a.get("family") or a.get("literal") or a.get("given") or "")
    return tuple(n for n in names if n)


def _flat_meta(csl: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in sorted(csl.items()) if isinstance(v, (str, int, float)) and k != "id"}


def paper_files(paper_id: str) -> tuple[str, str, str]:
    """The per-paper outputs a PaperData is read from, relative to the output folder."""
    return f"text/{paper_id}.txt", f"text/{paper_id}.json", f"annotations/{paper_id}.jsonl"


def load_paper_data(out: Path, paper_id: str, csl: Mapping[str, Any]) -> PaperData:
    """Read outputs/text/<id>.txt|.json and outputs/annotations/<id>.jsonl into one PaperData."""
    contents = {}
    for rel in paper_files(paper_id):
        path = Path(out) / rel
        if path.exists():
            contents[rel] = path.read_text(encoding="utf-8")
    return paper_data(paper_id, csl, contents)


def paper_data(paper_id: str, csl: Mapping[str, Any], contents: Mapping[str, str]) -> PaperData:
    """One PaperData from the contents of its per-paper outputs (see `paper_files`; annotations optional)."""
    text_rel, structure_rel, ann_rel = paper_files(paper_id)
    text = contents[text_rel]
    structure = json.loads(contents[structure_rel])
    roles = [s.get("role", "") for s in structure.get("sections", [])]
    paragraphs = tuple(
        Paragraph(p["start"], p["end"], p.get("kind", "body"), p.get("lang", ""),
                  roles[p["section"]] if p.get("section") is not None and p["section"] < len(roles) else "")
        for p in structure.get("paragraphs", [])
    )  # fmt: skip
    spans: tuple[Span, ...] = ()
    if ann_rel in contents:
        lines = io.StringIO(contents[ann_rel])
        lines.name = ann_rel  # messages name the file
        spans = tuple(read_jsonl(lines))
    parts = (csl.get("issued") or {}).get("date-parts") or [[None]]
    year = parts[0][0] if parts and parts[0] else None
    return PaperData(
        id=paper_id,
        title=str(csl.get("title") or paper_id),
        year=int(year) if isinstance(year, (int, str)) and str(year).isdigit() else None,
        lang=str(csl.get("language") or ""),
        authors=_csl_authors(csl),
        text=text,
        paragraphs=paragraphs,
        sentences=split_sentences(text, paragraphs, spans),
        spans=spans,
        meta=_flat_meta(csl),
    )


def load_corpus(corpus: Path, out: Path) -> tuple[PaperData, ...]:
    """Every paper of the corpus that has per-paper outputs in `out`, sorted by id."""
    papers = []
    for paper in sorted(iter_papers(Path(corpus)), key=lambda p: p.id):
        if (Path(out) / "text" / f"{paper.id}.txt").exists():
            papers.append(load_paper_data(Path(out), paper.id, paper.csl))
    return tuple(papers)


def select_papers(
    papers: Iterable[PaperData],
    lang: str | None = None,
    ids: Iterable[str] | None = None,
    since: int | None = None,
    until: int | None = None,
) -> tuple[PaperData, ...]:
    """The papers matching every filter given (main language, ids, year range inclusive)."""
    chosen = list(papers)
    if ids is not None:
        wanted = set(ids)
        unknown = sorted(wanted - {p.id for p in chosen})
        if unknown:
            raise InputError(f"unknown paper id(s) {', '.join(unknown)}; `rescorpus list` shows the ids")
        chosen = [p for p in chosen if p.id in wanted]
    if lang:
        chosen = [p for p in chosen if p.lang == lang]
    if since is not None:
        chosen = [p for p in chosen if p.year is not None and p.year >= since]
    if until is not None:
        chosen = [p for p in chosen if p.year is not None and p.year <= until]
    return tuple(chosen)


# --- works ------------------------------------------------------------------


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


def reference_index(works: Iterable[Work]) -> dict[tuple[str, str], str]:
    """(paper id, reference id) -> work key."""
    return {ref: w.key for w in works for ref in w.cited_by}
