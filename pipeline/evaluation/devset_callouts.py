"""Callouts and their links on Érudit articles labelled by reading: the citation layer on other journals.

The XML marks reference entries but not in-text callouts, so a few articles of different journals
were labelled by hand (`annotations/gold/devset/erudit-<id>.jsonl`, over the text the header's
`text_shape` gives). Each article is written out in that shape, read and tagged as `rescorpus run`
does, and scored with the gold set's own evaluator: citation strict P/R/F1 and link accuracy, per
article and per part of the fixed split (the held-out article was labelled last and never tuned on).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from pipeline.evaluation.erudit import article_text, read_article


@dataclass(frozen=True)
class CalloutScore:
    """One hand-labelled article: its gold file's paper id, part, and the evaluator's result."""

    paper: str
    journal: str
    part: str
    result: dict[str, Any]
    text_matches: bool  # the text written now is the one the gold was labelled on (else re-anchored)


def shipped_callout_gold() -> Path:
    """The hand-labelled Érudit callout gold shipped with the package."""
    return Path(str(resources.files("pipeline").joinpath("data/gold/devset")))


def score_callout_article(gold_path: Path, devset: Path) -> CalloutScore:
    """Write the gold file's article in its text shape, tag it as `rescorpus run` does, and score it."""
    from pipeline.annotate.layers import annotate
    from pipeline.config import Config
    from pipeline.evaluation.evaluate import evaluate
    from pipeline.evaluation.gold import load_gold_file, reanchor
    from pipeline.extract import extract
    from pipeline.spans import span_from_dict
    from pipeline.files import sha256_text

    gold = load_gold_file(gold_path)
    header = json.loads(Path(gold_path).read_text(encoding="utf-8").split("\n", 1)[0])
    article = read_article(devset / Path(header["source"]).name)
    with tempfile.TemporaryDirectory(prefix="rescorpus-callouts-") as tmp:
        path = Path(tmp) / f"{gold.paper}.txt"
        path.write_text(article_text(article, header.get("text_shape", "paragraph-lines")), encoding="utf-8")
        extracted = extract(path)
    text = extracted.text
    predicted = [span_from_dict(json.loads(line)) for line in annotate(extracted, Config(), gold.paper).splitlines()]
    anchored = reanchor(gold, text)
    result = evaluate(list(anchored.spans), predicted, text, anchored.gold.regions)
    return CalloutScore(gold.paper, article.journal or "", header.get("split_part", ""), result,
                        sha256_text(text) == gold.text_sha256)


def score_callout_gold(devset: Path, gold_dir: Path | None = None) -> list[CalloutScore]:
    """Every hand-labelled article in `gold_dir` (default: the shipped ones), in name order."""
    folder = gold_dir or shipped_callout_gold()
    return [score_callout_article(p, devset) for p in sorted(folder.glob("erudit-*.jsonl"))]


def callout_rows(scores: Sequence[CalloutScore]) -> list[dict[str, Any]]:
    """One row per article, then one per part (micro over its articles): citation P/R/F1, links."""
    from pipeline.evaluation.evaluate import aggregate

    def row(name: str, journal: str, part: str, result: dict[str, Any]) -> dict[str, Any]:
        c, links = result["layers"]["citation"], result["links"]
        return {"article": name, "journal": journal, "part": part, "gold": c["n_gold"],
                "predicted": c["n_predicted"], "p": c["strict"]["precision"], "r": c["strict"]["recall"],
                "f1": c["strict"]["f1"], "links_correct": links["correct"], "links_total": links["total"],
                "link_accuracy": links["accuracy"]}

    rows = [row(s.paper, s.journal, s.part, s.result) for s in scores]
    for part in sorted({s.part for s in scores}):
        rows.append(row("all", "", part, aggregate(s.result for s in scores if s.part == part)))
    return rows
