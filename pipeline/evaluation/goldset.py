"""`rescorpus eval`: the gold files scored against the run's outputs, by language too, and the CI thresholds."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.evaluation.evaluate import PaperInput, aggregate, evaluate, evaluate_corpus, intersect, micro_of
from pipeline.spans import LAYERS


def evaluate_gold_set(
    gold_dir: str | Path, corpus: str | Path, out: str | Path, papers: Iterable[str] | None = None
) -> dict[str, Any]:
    """`rescorpus eval`: score OUT/annotations against every gold file, over OUT/text.

    Gold spans are re-anchored in memory to the current text (result "gold": how many
    moved, which were not found and so not scored). A gold paper that is not in the
    corpus, or whose source file is absent, is skipped with the reason (result "skipped").
    """
    from pipeline.corpus.papers import iter_papers, load_paper
    from pipeline.errors import CorpusError, RescorpusError
    from pipeline.evaluation.gold import gold_files, load_gold_file, paper_text, reanchor
    from pipeline.spans import read_jsonl

    inputs, gold_info, skipped = [], {}, {}
    in_corpus = list(iter_papers(Path(corpus))) if Path(corpus).is_dir() else []
    ids = [p.id for p in in_corpus]
    by_source = {p.sha256: p.id for p in in_corpus}
    by_text = _papers_by_text(Path(out), ids)
    for path in gold_files(gold_dir, papers):
        gold = load_gold_file(path)
        # The same paper added under another id: the gold follows its source file, or failing that
        # (a copy of the PDF with other bytes, same content) the normalised text it was labelled on.
        found = by_source.get(gold.source_sha256) or (None if gold.paper in ids else by_text.get(gold.text_sha256))
        if found and found != gold.paper:
            gold = dataclasses.replace(gold, paper=found)
        try:
            paper = load_paper(Path(corpus), gold.paper)
        except CorpusError as exc:
            skipped[gold.paper] = f"its corpus folder is unusable: {exc}"
            continue
        except InputError:
            skipped[gold.paper] = (
                f"not in the corpus {corpus}/; add its source with `rescorpus add FILE` (found by content, any id)"
            )
            continue
        text = paper_text(out, gold.paper)
        pred_path = Path(out) / "annotations" / f"{gold.paper}.jsonl"
        if not pred_path.exists():
            raise RescorpusError(f"{pred_path}: no annotations for paper {gold.paper}; run `rescorpus run` first")
        anchored = reanchor(gold, text)
        gold_info[gold.paper] = {
            "reanchored": anchored.moved,
            "not_found": [
                {"layer": s.layer, "label": s.label, "start": s.start, "text": s.text} for s in anchored.not_found
            ],
            "n_gold": len(gold.spans),
            "source_matches": gold.source_sha256 in (None, paper.sha256),
        }
        inputs.append(PaperInput(gold.paper, list(anchored.spans), read_jsonl(pred_path), text, anchored.gold.regions))
    if not inputs:
        why = "; ".join(f"{pid}: {reason}" for pid, reason in skipped.items())
        raise RescorpusError(f"no gold paper could be evaluated ({why})")
    result = evaluate_corpus(inputs) | {"gold": gold_info, "skipped": skipped}
    return result | {"by_language": concepts_by_language(inputs, Path(out))}


def _papers_by_text(out: Path, ids: Iterable[str]) -> dict[str, str]:
    """Paper ids by the sha256 of their current normalised text (OUT/text/<id>.txt)."""
    import hashlib

    found = {}
    for paper_id in ids:
        path = out / "text" / f"{paper_id}.txt"
        if path.exists():
            found.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), paper_id)
    return found


BY_LANGUAGE = ("fr", "en")


def paragraph_languages(out: Path, paper: str) -> dict[str, list[tuple[int, int]]]:
    """The character ranges of each paragraph language of a paper, from OUT/text/<paper>.json."""
    path = Path(out) / "text" / f"{paper}.json"
    ranges: dict[str, list[tuple[int, int]]] = defaultdict(list)
    if path.exists():
        for para in json.loads(path.read_text(encoding="utf-8")).get("paragraphs", []):
            ranges[para.get("lang") or "und"].append((para["start"], para["end"]))
    return ranges


def concepts_by_language(inputs: Iterable[PaperInput], out: Path) -> dict[str, Any]:
    """The concept layer scored separately over French and over English paragraphs (micro over papers)."""
    result = {}
    inputs = list(inputs)
    for lang in BY_LANGUAGE:
        per = []
        for p in inputs:
            labelled = [(0, len(p.text))] if p.regions is None else p.regions.get("concept", [])
            ranges = intersect(labelled, paragraph_languages(out, p.paper).get(lang, []))
            per.append(evaluate(p.gold, p.predicted, p.text, {"concept": ranges}))
        result[lang] = aggregate(per)["layers"]["concept"]
    return result


MATCHINGS = ("strict", "overlap")


def parse_thresholds(items: Iterable[str]) -> dict[str, float]:
    """`["concept=0.6", ...]` -> {"concept": 0.6}; F1 values between 0 and 1."""
    out = {}
    for item in items:
        layer, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = -1.0
        if not sep or layer not in LAYERS or not 0 <= number <= 1:
            raise InputError(
                f"--min-f1 {item!r}: write it as LAYER=VALUE with LAYER one of {', '.join(LAYERS)} "
                "and VALUE an F1 between 0 and 1, e.g. --min-f1 citation=0.8"
            )
        out[layer] = number
    return out


def below_thresholds(result: Mapping[str, Any], thresholds: Mapping[str, float], matching: str = "strict") -> list[str]:
    """One line per layer whose micro F1 (under `matching`) is below its threshold, or that is not scored."""
    if matching not in MATCHINGS:
        raise InputError(f"matching {matching!r}: use strict or overlap")
    failures = []
    for layer, minimum in sorted(thresholds.items()):
        lr = micro_of(result)["layers"][layer]
        f1 = lr[matching]["f1"]
        if not lr["scored"]:
            failures.append(f"{layer}: not scored (no gold regions for it), so below --min-f1 {layer}={minimum:g}")
        elif f1 < minimum:
            failures.append(f"{layer}: {matching} F1 {f1:.3f} is below --min-f1 {layer}={minimum:g}")
    return failures
