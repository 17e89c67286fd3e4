"""Reference lists on the Érudit development data: found and split as the XML marks them.

Each Érudit article's `<refbiblio>` elements are its exact reference entries: free gold for
finding the list and splitting it. The articles are written out in every text shape (and, with
fpdf2 installed, PDF layout) of `evaluation.erudit`, read by the product's own extraction and citation
stages, and their entries compared with the XML's: strict (the same text once spaces, hyphenation
and case are normalised) and fuzzy (rapidfuzz ratio >= 90), one to one. The split is fixed in
`pipeline/data/erudit_split.json`: the held-out articles are only ever scored.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from pipeline.evaluation.erudit import SHAPES, Article, article_text, match_entries, normalise_entry, usable_articles


@dataclass(frozen=True)
class PaperScore:
    """One article in one form: gold and predicted entries, matches, and entries outside the list's section."""

    article: str
    journal: str
    form: str
    part: str  # "development" | "held-out"
    gold: int
    predicted: int
    strict: int
    fuzzy: int
    outside: int
    error: str = ""


@dataclass
class Tally:
    papers: int = 0
    gold: int = 0
    predicted: int = 0
    strict: int = 0
    fuzzy: int = 0
    outside: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, s: PaperScore) -> None:
        self.papers += 1
        self.gold += s.gold
        self.predicted += s.predicted
        self.strict += s.strict
        self.fuzzy += s.fuzzy
        self.outside += s.outside
        if s.error:
            self.errors.append(f"{s.article}: {s.error}")

    def prf(self, matched: int) -> tuple[float, float, float]:
        p = matched / self.predicted if self.predicted else 0.0
        r = matched / self.gold if self.gold else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def held_out() -> frozenset[str]:
    """The held-out article ids, fixed once (the last 20 of the 80 files by name)."""
    data = json.loads(resources.files("pipeline").joinpath("data/erudit_split.json").read_text(encoding="utf-8"))
    return frozenset(data["held_out"])


def score_article(article: Article, form: str, part: str) -> PaperScore:
    """Write the article in `form`, extract it and find its entries as `rescorpus run` does."""
    from pipeline.citations.paper import paper_entries
    from pipeline.extract import extract

    gold = article.reference_entries
    if form not in SHAPES:  # what the page prints: glyphs the renderer's font lacks are not on it
        from pipeline.evaluation.erudit_pdf import printed

        gold = [printed(g) for g in gold]
    base = dict(article=article.id, journal=article.journal or "", form=form, part=part, gold=len(gold))
    with tempfile.TemporaryDirectory(prefix="rescorpus-devset-") as tmp:
        try:
            path = _write(Path(tmp) / article.id, article, form)
            ex = extract(path)
        except Exception as exc:  # one article that fails is counted as all missed, with why
            return PaperScore(**base, predicted=0, strict=0, fuzzy=0, outside=0, error=f"{type(exc).__name__}: {exc}")
    paras = [(p.start, p.end, p.kind) for p in ex.paragraphs]
    sections = [(s.start, s.end, s.role) for s in ex.sections]
    entries = paper_entries(ex.text, paras, sections, {a for a, _, kind in paras if kind == "note"})
    texts = [ex.text[e.start : e.end] for e in entries]
    zones = [(s.start, s.end) for s in ex.sections if s.role == "references"]
    outside = sum(not any(a <= e.start and e.end <= b for a, b in zones) for e in entries)
    return PaperScore(**base, predicted=len(texts), strict=_exact(texts, gold),
                      fuzzy=match_entries(texts, gold), outside=outside)


def _write(stem: Path, article: Article, form: str) -> Path:
    if form in SHAPES:
        path = stem.with_suffix(".txt")
        path.write_text(article_text(article, form), encoding="utf-8")
        return path
    from pipeline.evaluation.erudit_pdf import render_article_pdf

    return render_article_pdf(stem.with_suffix(".pdf"), article, form, ())


def _exact(predicted: Sequence[str], gold: Sequence[str]) -> int:
    left = [normalise_entry(g) for g in gold]
    hits = 0
    for p in map(normalise_entry, predicted):
        if p in left:
            left.remove(p)
            hits += 1
    return hits


def _task(args: tuple[Article, str, str]) -> PaperScore:
    return score_article(*args)


def score_devset(
    devset: Path, forms: Sequence[str] = SHAPES, jobs: int = 1, note: Callable[[str], None] | None = None,
    progress: Callable[[str, str], None] | None = None,
) -> list[PaperScore]:
    """Every article with an exact reference list, in every form, in a fixed order. `note` hears a line every
    20 papers; `progress(article id, "scored FORM i/n")` of every paper scored."""
    out = held_out()
    articles = [a for a in usable_articles(devset) if a.exact_references and a.reference_entries]
    tasks = [(a, form, "held-out" if a.id in out else "development") for form in forms for a in articles]

    def done(i: int, task: tuple[Article, str, str]) -> None:
        if progress:
            progress(task[0].id, f"scored {task[1]} {i}/{len(tasks)}")
        if note and i % 20 == 0:
            note(f"{i}/{len(tasks)} papers scored")

    results = []
    if jobs <= 1:
        for i, t in enumerate(tasks, 1):
            results.append(_task(t))
            done(i, t)
        return results
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        for i, (t, r) in enumerate(zip(tasks, pool.imap(_task, tasks, chunksize=2)), 1):
            results.append(r)
            done(i, t)
        return results


def summarise(scores: Iterable[PaperScore], by: Callable[[PaperScore], tuple]) -> dict[tuple, Tally]:
    tallies: dict[tuple, Tally] = {}
    for s in scores:
        tallies.setdefault(by(s), Tally()).add(s)
    return dict(sorted(tallies.items()))


def report_rows(scores: Sequence[PaperScore]) -> list[dict]:
    """One row per form and part: papers, gold, predicted, strict and fuzzy P/R/F1, entries outside."""
    rows = []
    for (form, part), t in summarise(scores, lambda s: (s.form, s.part)).items():
        sp, sr, sf = t.prf(t.strict)
        fp, fr, ff = t.prf(t.fuzzy)
        rows.append({"form": form, "part": part, "papers": t.papers, "gold": t.gold, "predicted": t.predicted,
                     "strict_p": round(sp, 3), "strict_r": round(sr, 3), "strict_f1": round(sf, 3),
                     "fuzzy_p": round(fp, 3), "fuzzy_r": round(fr, 3), "fuzzy_f1": round(ff, 3),
                     "outside": t.outside, "errors": len(t.errors)})
    return rows
