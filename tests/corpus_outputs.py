"""Small made-up per-paper outputs (text, structure, annotations) for the corpus-level stages' tests.

Spans are found by their text, so the fixtures say what they annotate in words,
and every offset is right by construction.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FakePaper:
    id: str
    lang: str
    year: int
    title: str
    paragraphs: tuple[tuple[str, str, str], ...]  # (text, lang, section role)
    concepts: tuple[tuple[str, str, int], ...]  # (text, label, occurrence n: 0 = first)
    citations: tuple[tuple[str, str, int], ...]  # (text, target reference id, occurrence)
    references: tuple[tuple[str, dict], ...]  # (entry text, attrs: id, authors, year, title)


REF_OSTROM = ("Ostrom, E. (1990). Governing the Commons. Cambridge University Press.",
              {"id": "r1", "authors": ["Ostrom"], "year": "1990", "title": "Governing the Commons"})
REF_BORZAGA = ("Borzaga, C. et Defourny, J. (2001). The Emergence of Social Enterprise. Routledge.",
               {"id": "r2", "authors": ["Borzaga", "Defourny"], "year": "2001", "title": "The Emergence of Social Enterprise"})
REF_HOLLING = ("Holling, C. S. (1973). Resilience and stability of ecological systems. Annual Review, 4, 1-23.",
               {"id": "r3", "authors": ["Holling"], "year": "1973", "title": "Resilience and stability of ecological systems",
                "doi": "10.1146/annurev.es.04.110173.000245"})  # fmt: skip

PAPERS = (
    FakePaper(
        id="alpha-fr",
        lang="fr",
        year=2014,
        title="La résilience des coopératives agricoles",
        paragraphs=(
            ("Résumé", "fr", "abstract"),
            ("La résilience des coopératives tient à la gouvernance démocratique (Ostrom, 1990). "
             "La formation des membres renforce la résilience face à la crise.", "fr", "abstract"),
            ("Abstract", "en", "abstract"),
            ("Cooperative resilience depends on governance and training.", "en", "abstract"),
            ("Le réseau de coopératives aide à la diversification. Selon Borzaga et Defourny (2001), "
             "la gouvernance et le réseau comptent. La technologie aide aussi, p. 12 en particulier.", "fr", "body"),
            ("Références", "fr", "references"),
            (REF_OSTROM[0], "fr", "references"),
            (REF_BORZAGA[0], "fr", "references"),
        ),
        concepts=(
            ("résilience", "resilience", 0), ("coopératives", "cooperative", 0), ("gouvernance démocratique", "governance", 0),
            ("formation", "training", 0), ("résilience", "resilience", 1), ("crise", "crisis", 0),
            ("Cooperative", "cooperative", 0), ("resilience", "resilience", 0), ("governance", "governance", 0),
            ("training", "training", 0), ("réseau", "networking", 0), ("coopératives", "cooperative", 1),
            ("diversification", "diversification", 0), ("gouvernance", "governance", 1), ("réseau", "networking", 1),
            ("technologie", "technology", 0),
        ),
        citations=(("Ostrom, 1990", "r1", 0), ("Borzaga et Defourny (2001)", "r2", 0)),
        references=(REF_OSTROM, REF_BORZAGA),
    ),
    FakePaper(
        id="beta-en",
        lang="en",
        year=2019,
        title="Resilient cooperatives after the crisis",
        paragraphs=(
            ("Introduction", "en", "introduction"),
            ("Cooperatives survive a crisis through governance (Ostrom, 1990; Holling, 1973). "
             "Resilience needs networking and training.", "en", "body"),
            ("References", "en", "references"),
            (REF_OSTROM[0], "en", "references"),
            (REF_HOLLING[0], "en", "references"),
        ),
        concepts=(
            ("Cooperatives", "cooperative", 0), ("crisis", "crisis", 0), ("governance", "governance", 0),
            ("Resilience", "resilience", 0), ("networking", "networking", 0), ("training", "training", 0),
        ),
        citations=(("Ostrom, 1990", "r1", 0), ("Holling, 1973", "r3", 0)),
        references=(REF_OSTROM, REF_HOLLING),
    ),
)


def _find(text: str, needle: str, occurrence: int, floor: int = 0) -> int:
    at = floor - 1
    for _ in range(occurrence + 1):
        at = text.index(needle, at + 1)
    return at


def write_paper(corpus: Path, out: Path, paper: FakePaper) -> None:
    """Write corpus/<id>/{source.txt,paper.json} and out/text/<id>.{txt,json}, out/annotations/<id>.jsonl."""
    text = "\n\n".join(p[0] for p in paper.paragraphs)
    paras, sections, cursor = [], [], 0
    for text_p, lang, role in paper.paragraphs:
        start, end = cursor, cursor + len(text_p)
        kind = "heading" if text_p in ("Résumé", "Abstract", "Introduction", "Références", "References") else "body"
        if kind == "heading":
            if sections:
                sections[-1]["end"] = start - 2
            sections.append({"title": text_p, "start": start, "end": len(text), "level": 1, "role": role})
        paras.append({"start": start, "end": end, "kind": kind, "lang": lang, "page": 1, "level": 0,
                      "section": len(sections) - 1})  # fmt: skip
        cursor = end + 2
    body_end = text.index(paper.references[0][0]) if paper.references else len(text)
    spans = []
    for needle, label, n in paper.concepts:
        s = _find(text[:body_end], needle, n)
        spans.append({"layer": "concept", "label": label, "start": s, "end": s + len(needle), "text": needle})
    for needle, target, n in paper.citations:
        s = _find(text[:body_end], needle, n)
        spans.append({"layer": "citation", "label": "CITATION", "start": s, "end": s + len(needle), "text": needle,
                      "target": target})  # fmt: skip
    for entry, attrs in paper.references:
        s = text.index(entry)
        spans.append({"layer": "reference", "label": "REFERENCE", "start": s, "end": s + len(entry), "text": entry, **attrs})
    spans.sort(key=lambda d: (d["start"], d["end"], d["layer"], d["label"]))

    folder = corpus / paper.id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.txt").write_text(text, encoding="utf-8")
    csl = {"id": paper.id, "title": paper.title, "language": paper.lang, "type": "article-journal",
           "issued": {"date-parts": [[paper.year]]}, "author": [{"family": "Doe", "given": "J."}],
           "rescorpus": {"sha256": hashlib.sha256(text.encode()).hexdigest(), "source": "source.txt", "flags": []}}  # fmt: skip
    (folder / "paper.json").write_text(json.dumps(csl, ensure_ascii=False, indent=2), encoding="utf-8")
    (out / "text").mkdir(parents=True, exist_ok=True)
    (out / "annotations").mkdir(parents=True, exist_ok=True)
    (out / "text" / f"{paper.id}.txt").write_text(text, encoding="utf-8")
    structure = {"pages": 1, "has_text_layer": True, "chars": len(text), "languages": {}, "sections": sections,
                 "paragraphs": paras, "tables": []}  # fmt: skip
    (out / "text" / f"{paper.id}.json").write_text(json.dumps(structure, ensure_ascii=False), encoding="utf-8")
    lines = "".join(json.dumps(s, ensure_ascii=False, sort_keys=True) + "\n" for s in spans)
    (out / "annotations" / f"{paper.id}.jsonl").write_text(lines, encoding="utf-8")


def make_outputs(root: Path, papers: tuple[FakePaper, ...] = PAPERS) -> tuple[Path, Path]:
    """A corpus and an output folder with the given papers' per-paper outputs; returns (corpus, out)."""
    corpus, out = root / "corpus", root / "outputs"
    corpus.mkdir(parents=True, exist_ok=True)
    out.mkdir(parents=True, exist_ok=True)
    for paper in papers:
        write_paper(corpus, out, paper)
    return corpus, out
