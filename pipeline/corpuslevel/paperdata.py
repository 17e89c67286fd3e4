"""Each paper's share of the corpus-level outputs: its per-paper outputs read back, digested, cached.

`PaperData` is one paper's text, paragraphs, sentences and spans as read from
outputs/ (corpus-level outputs are built from these files only, never by
re-reading sources). Sentences are cut here by one deterministic rule splitter
over the paragraphs of outputs/text/<id>.json: the run does not write spaCy's
sentence boundaries, and re-running the models at corpus level would cost as
much as the per-paper stage. A boundary never falls inside an annotated span,
so "Borzaga et al. (2009)" or "p. 212" never end a sentence.

A share is computed once and cached by the bytes it comes from. `digest_paper` turns a PaperData into a `Digest`: a small `summary` (graph
counts, report figures, the reference and citation spans the works need) that
the corpus stage holds for every paper, and `rows` (paragraphs, sentences,
spans) that the database streams in one paper at a time. `load_digests` keeps
them in outputs/.cache/corpus/<id>.{summary,rows}.json, keyed on the paper's
per-paper output files, its metadata and this code, so adding a paper computes
only that paper's share. Texts are never cached: the database slices them from
outputs/text/<id>.txt when it writes.
"""

from __future__ import annotations

import bisect
import hashlib
import io
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from pipeline.corpus.csl import csl_names
from pipeline.corpus.papers import iter_papers
from pipeline.errors import InputError, one_line
from pipeline.spans import Span, read_jsonl, span_from_dict, span_to_dict

# Words after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset(
    "al cf coll dr éd ed eds etc ex fig hab ibid id mr mrs ms mme mlle mm no nº op p pp pr prof réf "
    "s sq st suiv t trad vol vs chap art min max env resp".split()
)
_END = re.compile(r"[.!?…]+[\"'»”)\]]*(?=\s+)")
_OPENER = re.compile(r"\s+[«\"“(\[]?\s*[A-ZÀ-ÖØ-Þ0-9]")
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*")
CACHE_DIR = Path(".cache") / "corpus"
SKIP_SECTIONS = ("references",)  # no concepts are annotated there: kept out of the token counts
SENTENCES_PER_CONCEPT = 40  # sentences the report lists per concept (the first ones, in corpus order)
VERSION = "1"


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


# --- the digest: one paper's share ------------------------------------------------


@dataclass(frozen=True)
class Digest:
    """A paper's `summary` (held for the whole corpus) and `rows` (streamed to the database), JSON-ready."""

    id: str
    summary: Mapping[str, Any]
    rows: Mapping[str, Any]


def _plain(attrs: Mapping[str, Any]) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in attrs.items()}


def _sentence_of(starts: list[int], ends: list[int], pos: int) -> int | None:
    """Index of the unit (sentence, paragraph) whose span holds `pos` by its start, else None."""
    i = bisect.bisect_right(starts, pos) - 1
    return i if i >= 0 and pos < ends[i] else None


def _pairs(groups: Mapping[int, set[str]]) -> tuple[list, list]:
    """([a, b, units with both], [label, units with it]) over the units' label sets, sorted."""
    pairs: Counter = Counter()
    present: Counter = Counter()
    for labels in groups.values():
        ordered = sorted(labels)
        present.update(ordered)
        pairs.update(combinations(ordered, 2))
    return [[a, b, n] for (a, b), n in sorted(pairs.items())], [[k, n] for k, n in sorted(present.items())]


def digest_paper(p: PaperData) -> Digest:
    """The paper's share of the graph, database and report (see the module docstring)."""
    s_starts, s_ends = [s.start for s in p.sentences], [s.end for s in p.sentences]
    q_starts, q_ends = [q.start for q in p.paragraphs], [q.end for q in p.paragraphs]
    sent_labels: dict[int, set[str]] = defaultdict(set)
    para_labels: dict[int, set[str]] = defaultdict(set)
    cite_groups: dict[int, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    lang_counts: dict[str, Counter] = defaultdict(Counter)
    sentences: dict[str, list[str]] = {}
    span_rows = []
    for span in p.spans:
        i = _sentence_of(s_starts, s_ends, span.start)
        ref = span.attrs.get("id") if span.layer == "reference" else span.attrs.get("target")
        span_rows.append([i, span.layer, span.label, span.start, span.end, span.text,
                          None if ref is None else str(ref),
                          json.dumps(_plain(span.attrs), ensure_ascii=False, sort_keys=True)])  # fmt: skip
        if span.layer == "concept":
            j = _sentence_of(q_starts, q_ends, span.start)
            if i is not None:
                sent_labels[i].add(span.label)
                cite_groups[i][1].add(span.label)
            if j is not None:
                para_labels[j].add(span.label)
            lang = (p.paragraphs[j].lang if j is not None else "") or "?"
            lang_counts[lang][span.label] += 1
            k = bisect.bisect_right(s_starts, span.start) - 1  # the sentence the report shows, as before
            if k >= 0:
                item = " ".join(p.text[s_starts[k] : s_ends[k]].split())
                bucket = sentences.setdefault(span.label, [])
                if len(bucket) < SENTENCES_PER_CONCEPT and item not in bucket:
                    bucket.append(item)
        elif span.layer == "citation" and i is not None:
            cite_groups[i][0].add(str(span.attrs.get("target", "")))
    sent_pairs, sent_present = _pairs(sent_labels)
    para_pairs, para_present = _pairs(para_labels)
    paragraphs = [[q.start, q.end, q.kind, q.lang, q.section, count_tokens(p.text[q.start : q.end])] for q in p.paragraphs]
    layer_n = Counter(s.layer for s in p.spans)
    summary = {
        "id": p.id, "title": p.title, "year": p.year, "lang": p.lang, "authors": list(p.authors),
        "meta": json.dumps(dict(p.meta), ensure_ascii=False, sort_keys=True),
        "tokens": sum(r[5] for r, q in zip(paragraphs, p.paragraphs) if q.section not in SKIP_SECTIONS),
        "n_sentences": len(p.sentences), "n_paragraphs": len(p.paragraphs),
        "n_concepts": layer_n["concept"], "n_citations": layer_n["citation"], "n_references": layer_n["reference"],
        "mentions": dict(sorted(Counter(s.label for s in p.spans if s.layer == "concept").items())),
        "sent_pairs": sent_pairs, "sent_present": sent_present, "para_pairs": para_pairs, "para_present": para_present,
        "cite_groups": [[sorted(t), sorted(c)] for _, (t, c) in sorted(cite_groups.items()) if t],
        "lang_counts": {lang: dict(sorted(c.items())) for lang, c in sorted(lang_counts.items())},
        "sentences": dict(sorted(sentences.items())),
        "work_spans": [span_to_dict(s) for s in p.spans if s.layer in ("reference", "citation")],
    }  # fmt: skip
    rows = {"paragraphs": paragraphs, "sentences": [[s.start, s.end, s.paragraph] for s in p.sentences], "spans": span_rows}
    return Digest(p.id, summary, rows)


def work_spans(summary: Mapping[str, Any]) -> list[Span]:
    """The reference and citation spans of a paper's summary (what pipeline.citations.works reads)."""
    return [span_from_dict(d) for d in summary["work_spans"]]


# --- the cache -----------------------------------------------------------------------


def _code_version() -> str:
    here = Path(__file__).parent
    digest = hashlib.sha256(VERSION.encode())
    for path in (here / "paperdata.py", here.parent / "spans.py"):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def paper_cache_key(out: Path, paper_id: str, csl: Mapping[str, Any], code: str) -> str:
    """A hash of everything a digest depends on: the paper's per-paper outputs, its metadata, the code."""
    contents = {}
    for rel in paper_files(paper_id):
        path = out / rel
        if path.exists():
            contents[rel] = path.read_bytes()
    return contents_key(paper_id, csl, contents, code)


def contents_key(paper_id: str, csl: Mapping[str, Any], contents: Mapping[str, bytes], code: str) -> str:
    """`paper_cache_key` of outputs given by content (bytes as written) instead of read from a folder."""
    digest = hashlib.sha256(code.encode() + b"\0" + json.dumps(csl, sort_keys=True, ensure_ascii=False).encode())
    for rel in paper_files(paper_id):
        digest.update(rel.encode() + b"\0" + contents.get(rel, b"<none>") + b"\0")
    return digest.hexdigest()


def digest_files(paper_id: str, csl: Mapping[str, Any], contents: Mapping[str, str]) -> dict[str, str]:
    """A paper's digest cache files (relative to the output folder) from the contents of its outputs:
    what a worker computes beside the outputs, so that the corpus stage only reads them."""
    written = {rel: contents[rel].encode("utf-8") for rel in paper_files(paper_id) if rel in contents}
    key = contents_key(paper_id, csl, written, _code_version())
    shares = _share_files(key, digest_paper(paper_data(paper_id, csl, contents)))
    return {f"{CACHE_DIR.as_posix()}/{name}": content for name, content in shares.items()}


def _share_files(key: str, d: Digest) -> dict[str, str]:
    """The cache files of a digest (file name -> content), under its key: the one shape both the worker
    (`digest_files`) and the corpus stage (`load_digests`) write."""
    return {
        f"{d.id}.rows.json": json.dumps({"key": key, **d.rows}, ensure_ascii=False, separators=(",", ":")),
        f"{d.id}.summary.json": json.dumps({"key": key, **d.summary}, ensure_ascii=False, separators=(",", ":")),
    }


def _read(path: Path, key: str) -> dict | None:
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return obj if isinstance(obj, dict) and obj.get("key") == key else None


def write_cache_file(path: Path, content: str) -> None:
    """Cache files are checked by key when read: a rename (no fsync) is enough to never read half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(content, encoding="utf-8")
    os.replace(tmp, path)


@dataclass(frozen=True)
class CachedDigests:
    """The summaries of every paper with per-paper outputs (id order) and where to stream their rows from."""

    out: Path
    summaries: tuple[Mapping[str, Any], ...]
    keys: Mapping[str, str]
    csl: Mapping[str, Mapping[str, Any]]
    computed: tuple[str, ...]  # ids whose digest was computed this time (the others came from the cache)

    def rows(self) -> Iterator[tuple[Mapping[str, Any], str, Mapping[str, Any]]]:
        """(summary, text, rows) one paper at a time, in id order: nothing is held across papers."""
        folder = self.out / CACHE_DIR
        for summary in self.summaries:
            pid = summary["id"]
            rows = _read(folder / f"{pid}.rows.json", self.keys[pid])
            text = (self.out / "text" / f"{pid}.txt").read_text(encoding="utf-8")
            if rows is None:  # the cache went away under us: compute it again
                rows = dict(digest_paper(load_paper_data(self.out, pid, self.csl[pid])).rows)
            yield summary, text, rows


def load_digests(corpus: Path, out: Path, failures: dict[str, str] | None = None) -> CachedDigests:
    """Every paper's summary, from the cache when its key matches, else computed (and cached).

    With `failures` given, a paper whose share cannot be computed (a hand-edited paper.json, a damaged output)
    is left out and recorded there as "paper <id>" -> reason; without it, the fault is raised."""
    corpus, out = Path(corpus), Path(out)
    folder = out / CACHE_DIR
    folder.mkdir(parents=True, exist_ok=True)
    code = _code_version()
    summaries, keys, computed, csl = [], {}, [], {}
    for paper in sorted(iter_papers(corpus), key=lambda p: p.id):
        if not (out / "text" / f"{paper.id}.txt").exists():
            continue
        key = paper_cache_key(out, paper.id, paper.csl, code)
        cached = _read(folder / f"{paper.id}.summary.json", key)
        if cached is None:
            try:
                d = digest_paper(load_paper_data(out, paper.id, paper.csl))
            except Exception as exc:  # noqa: BLE001 - one paper's fault is recorded, the corpus goes on
                if failures is None:
                    raise
                failures[f"paper {paper.id}"] = one_line(exc)
                continue
            for name, content in _share_files(key, d).items():
                write_cache_file(folder / name, content)
            cached = {"key": key, **d.summary}
            computed.append(paper.id)
        keys[paper.id], csl[paper.id] = key, paper.csl
        summaries.append(cached)
    for path in sorted(folder.glob("*.json")):  # papers gone from the corpus
        if path.name.split(".", 1)[0] not in keys:
            path.unlink(missing_ok=True)
    return CachedDigests(out, tuple(summaries), keys, csl, tuple(computed))


def memory_digests(papers: tuple[PaperData, ...]) -> tuple[tuple[Mapping[str, Any], ...], list]:
    """Summaries and (summary, text, rows) for papers already in memory (tests, filtered graphs)."""
    digests = [digest_paper(p) for p in sorted(papers, key=lambda p: p.id)]
    texts = {p.id: p.text for p in papers}
    return tuple(d.summary for d in digests), [(d.summary, texts[d.id], d.rows) for d in digests]
