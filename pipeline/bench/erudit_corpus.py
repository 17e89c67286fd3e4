"""A scale test corpus of distinct real texts, made from the Érudit articles pipeline.evaluation.erudit reads.

Each article becomes a paper in one of the text shapes (pipeline.evaluation.erudit.SHAPES) or PDF layouts
(pipeline.evaluation.erudit_pdf.LAYOUTS), added with `add_paper`; `generated.json` keeps each paper's gold
reference list, so that `reference_recall` can score a run's reference spans against it.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pipeline.evaluation.erudit import (
    SHAPES, Article, article_text, default_devset, match_entries, metadata, normalise_entry, usable_articles,
)

# ---------------------------------------------------------------- author-less works several papers cite

# Our own writing, in the styles real reference lists use for works with no personal author.
ANONYMOUS_POOL = (
    "Entretien inédit avec la directrice générale d'une coopérative agricole, Rennes, 12 mars 2019.",
    "OCDE (2019). Les coopératives et l'économie sociale face aux crises. Paris : Éditions OCDE.",
    "Loi n° 2012-112 relative aux coopératives, Journal officiel, 14 février 2012.",
    "Site de l'Alliance coopérative internationale, https://www.ica.coop/fr (consulté le 3 mai 2021).",
    "Statistique Canada (2018). Enquête sur les coopératives non financières. Ottawa : Statistique Canada.",
    "Anonyme (1998). Rapport annuel du Conseil québécois de la coopération et de la mutualité. Québec.",
)
SHARE_EVERY = 3  # one paper in SHARE_EVERY (that has a reference list) gets 2-3 pool entries


def anonymous_references(article: Article, index: int, seed: int = 0) -> tuple[str, ...]:
    """The pool entries appended to paper `index` (none for most papers, or papers without a reference list)."""
    if not article.references or index % SHARE_EVERY != SHARE_EVERY - 1:
        return ()
    rng = random.Random(f"{seed}:{index}")
    return tuple(rng.sample(ANONYMOUS_POOL, rng.choice((2, 3))))


# ---------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Generated:
    """One generated paper: its corpus id, shape or layout, source article, repeat number, gold reference
    entries (None when the source tags none: a book chapter's bibliography is plain text)."""

    paper_id: str
    shape: str
    article: str
    repeat: int
    gold: tuple[str, ...] | None


def plan(
    articles: Sequence[Article], n: int, shapes: Sequence[str] = SHAPES, seed: int = 0
) -> list[tuple[Article, str, int]]:
    """The first `n` (article, shape, repeat) in a fixed order: the articles shuffled once by `seed` (so a
    small n mixes journals, chapters and languages), every article once per round, the shape rotating
    with the round, so an (article, shape) pair repeats only after all len(articles) x len(shapes)."""
    if not articles or not shapes:
        raise ValueError("no articles or no shapes to make papers from")
    articles = sorted(articles, key=lambda a: a.id)
    random.Random(seed).shuffle(articles)
    out = []
    combos = len(articles) * len(shapes)
    for i in range(n):
        rnd, a = divmod(i % combos, len(articles))
        out.append((articles[a], shapes[(a + rnd) % len(shapes)], i // combos))
    return out


def build_corpus(
    dest_corpus: Path,
    n: int,
    shapes: Sequence[str] = SHAPES,
    layouts: Sequence[str] | None = None,
    seed: int = 0,
    devset: Path | None = None,
    shared_references: bool = True,
) -> list[Generated]:
    """Add `n` papers made from the devset articles to the corpus folder `dest_corpus` with `add_paper`.

    Forms: the text `shapes`, then the PDF `layouts` (default: all of erudit_pdf.LAYOUTS; () for
    text only). A repeat (past the distinct article x form pairs) differs from its first copy only
    harmlessly, so its sha256 differs: `repeat` extra trailing newlines (a .txt, same normalised
    text) or "copy <repeat>" in the PDF's keywords. With `shared_references`, one paper in
    SHARE_EVERY gets author-less works of ANONYMOUS_POOL appended to its reference list.
    """
    from pipeline.corpus.add import add_paper

    if layouts is None:
        from pipeline.evaluation.erudit_pdf import LAYOUTS as layouts
    forms = [*shapes, *layouts]
    unknown = [f for f in forms if f not in SHAPES and f not in _layouts()]
    if unknown:
        raise ValueError(f"unknown shape or layout {unknown[0]!r}: choose from {', '.join(SHAPES + _layouts())}")
    articles = usable_articles(devset or default_devset())
    dest_corpus = Path(dest_corpus)
    dest_corpus.mkdir(parents=True, exist_ok=True)
    staging = dest_corpus.parent / f".{dest_corpus.name}-staging"
    staging.mkdir(parents=True, exist_ok=True)
    made, seen = [], set()
    try:
        for index, (article, form, repeat) in enumerate(plan(articles, n, forms, seed)):
            extra = anonymous_references(article, index, seed) if shared_references else ()
            paper_id = f"{article.id}-{form}" + (f"-r{repeat}" if repeat else "")
            variant = repeat
            source = _write_source(staging / paper_id, article, form, extra, variant)
            while (sha := hashlib.sha256(source.read_bytes()).hexdigest()) in seen:
                variant += 1  # a short text whose shapes come out the same bytes: vary it as a repeat is
                source = _write_source(staging / paper_id, article, form, extra, variant)
            seen.add(sha)
            meta = metadata(article)
            extra_csl = {k: meta[k] for k in ("container-title", "volume") if k in meta}
            add_paper(dest_corpus, source, paper_id=paper_id, title=meta["title"] or None, authors=meta["author"],
                      year=article.year, lang=article.language, doi=article.doi, extra=extra_csl)
            source.unlink()
            gold = article.reference_entries + tuple(extra) if article.exact_references else None
            made.append(Generated(paper_id, form, article.id, repeat, gold))
    finally:
        for left in staging.iterdir():
            left.unlink()
        staging.rmdir()
    return made


def _layouts() -> tuple[str, ...]:
    from pipeline.evaluation.erudit_pdf import LAYOUTS

    return LAYOUTS


def _write_source(stem: Path, article: Article, form: str, extra: Sequence[str], repeat: int) -> Path:
    """The paper's source file: a .txt in a text shape or a .pdf in a layout."""
    if form in SHAPES:
        path = stem.with_name(stem.name + ".txt")
        path.write_text(article_text(article, form, extra) + "\n" * repeat, encoding="utf-8")
        return path
    from pipeline.evaluation.erudit_pdf import render_article_pdf

    return render_article_pdf(stem.with_name(stem.name + ".pdf"), article, form, extra,
                              tag=f"copy {repeat}" if repeat else None)


def summary(generated: Sequence[Generated]) -> str:
    """One line: how many papers, distinct articles, distinct (article, form) pairs and repeats."""
    articles = len({g.article for g in generated})
    repeats = sum(1 for g in generated if g.repeat)
    shared = sum(1 for g in generated if g.gold and any(e in ANONYMOUS_POOL for e in g.gold))
    return (f"{len(generated)} papers from {articles} distinct Érudit articles, {len(generated) - repeats} distinct "
            f"article x form pairs, {repeats} repeats; {shared} papers cite shared author-less works")


GENERATED_JSON = "generated.json"


def write_generated(path: Path, generated: Sequence[Generated]) -> None:
    """The generated papers (ids, forms, gold reference lists) as JSON, for `reference_recall` later."""
    from dataclasses import asdict

    from pipeline.files import write_json

    write_json(Path(path), [asdict(g) | {"gold": list(g.gold) if g.gold is not None else None} for g in generated])


def read_generated(path: Path) -> list[Generated]:
    """What `write_generated` wrote."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Generated(r["paper_id"], r["shape"], r["article"], r["repeat"],
                      tuple(r["gold"]) if r["gold"] is not None else None) for r in rows]


# ---------------------------------------------------------------- reference recall


def reference_recall(out_dir: Path, generated: Iterable[Generated]) -> dict[str, dict]:
    """Per shape: gold entries, matched, recall (over ALL gold entries), predicted entries, and how many of
    those lie outside every section whose role is "references" (outputs/text/<id>.json). Papers without
    gold (book chapters) are only counted, as `no_gold`."""
    from pipeline.spans import read_jsonl

    out_dir = Path(out_dir)
    per: dict[str, dict] = {}
    for paper in generated:
        row = per.setdefault(paper.shape, {"papers": 0, "no_gold": 0, "gold": 0, "matched": 0, "predicted": 0,
                                           "outside": 0, "missing_outputs": 0})
        if paper.gold is None:
            row["no_gold"] += 1
            continue
        row["papers"] += 1
        row["gold"] += len(paper.gold)
        spans_path = out_dir / "annotations" / f"{paper.paper_id}.jsonl"
        text_path = out_dir / "text" / f"{paper.paper_id}.json"
        if not spans_path.exists():
            row["missing_outputs"] += 1
            continue
        refs = [s for s in read_jsonl(spans_path) if s.layer == "reference"]
        sections = json.loads(text_path.read_text(encoding="utf-8")).get("sections", []) if text_path.exists() else []
        zones = [(s["start"], s["end"]) for s in sections if s.get("role") == "references"]
        row["predicted"] += len(refs)
        row["outside"] += sum(not any(a <= s.start and s.end <= b for a, b in zones) for s in refs)
        row["matched"] += match_entries([s.text for s in refs], paper.gold)
    for row in per.values():
        row["recall"] = round(row["matched"] / row["gold"], 3) if row["gold"] else None
    return dict(sorted(per.items()))
