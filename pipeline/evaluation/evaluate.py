"""Gold vs predicted spans: outcomes per label, P/R/F1 (strict and overlap), links and reference fields.

Outcomes follow nervaluate: every gold span is `correct`, `boundary` (same label,
overlapping, other offsets), `wrong_label` (overlapping span of another label) or
`missed`; every predicted span not paired with a gold span is `spurious`. Only
spans that touch a layer's gold regions are scored. Results are plain dicts
(pipeline.evaluation.report turns them into report files and terminal tables);
pipeline.evaluation.goldset runs them over the gold files and the run's outputs.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pipeline.spans import LAYERS, Span, sort_key

OUTCOMES = ("correct", "boundary", "wrong_label", "missed", "spurious")
FIELDS = ("authors", "year", "title", "container", "doi")
CONTEXT = 60

Regions = Mapping[str, Iterable[tuple[int, int]]]


@dataclass(frozen=True)
class PaperInput:
    """One paper to evaluate: gold and predicted spans over `text`, gold regions per layer."""

    paper: str
    gold: list[Span]
    predicted: list[Span]
    text: str
    regions: Regions | None = None


# --- matching ---------------------------------------------------------------


def _in_regions(span: Span, ranges: list[tuple[int, int]]) -> bool:
    return any(a < span.end and span.start < b or a <= span.start == span.end <= b for a, b in ranges)


def _overlapping(gold: list[Span], pred: list[Span]) -> Iterable[tuple[int, int]]:
    """(gold index, predicted index) of every overlapping pair, without comparing all pairs."""
    order = sorted(range(len(pred)), key=lambda i: pred[i].start)
    starts = [pred[i].start for i in order]
    longest = max((p.end - p.start for p in pred), default=0)
    for gi, g in enumerate(gold):
        lo = bisect.bisect_left(starts, g.start - longest)
        hi = bisect.bisect_left(starts, g.end)
        for k in range(lo, hi):
            if pred[order[k]].overlaps(g):
                yield gi, order[k]


def match(gold: list[Span], pred: list[Span]) -> tuple[list[tuple[int, int, str]], set[int], set[int]]:
    """Pair spans of one layer: (gold i, pred j, outcome) pairs, then unpaired gold and pred indices.

    Exact pairs (same label and offsets) are taken first and never broken; then as many
    same-label overlapping pairs as possible (`boundary`), then as many other-label ones
    (`wrong_label`): maximum matchings, each gold and each prediction used at most once,
    preferring the larger shared extent and the closer start.
    """
    pairs: list[tuple[int, int, str]] = []
    free_g, free_p = set(range(len(gold))), set(range(len(pred)))
    exact: dict[tuple, list[int]] = defaultdict(list)
    for j, p in enumerate(pred):
        exact[(p.label, p.start, p.end)].append(j)
    for i, g in enumerate(gold):
        if exact.get((g.label, g.start, g.end)):
            j = exact[(g.label, g.start, g.end)].pop(0)
            pairs.append((i, j, "correct"))
            free_g.discard(i)
            free_p.discard(j)
    overlaps = list(_overlapping(gold, pred))
    for same_label, outcome in ((True, "boundary"), (False, "wrong_label")):
        cands: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
        for i, j in overlaps:
            g, p = gold[i], pred[j]
            if i in free_g and j in free_p and (g.label == p.label) == same_label:
                shared = min(g.end, p.end) - max(g.start, p.start)
                cands[i].append((-shared, abs(g.start - p.start), j))
        prefs = {i: [j for *_, j in sorted(c)] for i, c in cands.items()}
        for i, j in _max_matching(prefs).items():
            pairs.append((i, j, outcome))
            free_g.discard(i)
            free_p.discard(j)
    return sorted(pairs), free_g, free_p


def _max_matching(prefs: Mapping[int, list[int]]) -> dict[int, int]:
    """A maximum bipartite matching gold -> pred (augmenting paths, iterative), trying preferred preds first."""
    owner: dict[int, int] = {}  # pred -> gold
    for root in sorted(prefs):
        seen: set[int] = set()
        stack = [(root, iter(prefs[root]))]
        path: list[int] = []  # path[k]: the pred stack[k] asks for, held by stack[k + 1]
        while stack:
            i, options = stack[-1]
            for j in options:
                if j in seen:
                    continue
                seen.add(j)
                if j not in owner:
                    for (g, _), p in zip(stack, path + [j]):
                        owner[p] = g
                    stack = []
                    break
                path.append(j)
                stack.append((owner[j], iter(prefs[owner[j]])))
                break
            else:
                stack.pop()
                if path:
                    path.pop()
    return {g: p for p, g in owner.items()}


# --- scores -----------------------------------------------------------------


def _prf(tp: int, n_gold: int, n_pred: int) -> dict[str, float | int]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"f1": round(f, 6), "precision": round(p, 6), "recall": round(r, 6), "tp": tp}


def _block(n_gold: int, n_pred: int, outcomes: Mapping[str, int]) -> dict[str, Any]:
    """Scores of one layer or label, derived from its counts only (so corpus sums re-derive them)."""
    out = {k: outcomes.get(k, 0) for k in OUTCOMES}
    return {
        "n_gold": n_gold,
        "n_predicted": n_pred,
        "outcomes": out,
        "strict": _prf(out["correct"], n_gold, n_pred),
        "overlap": _prf(out["correct"] + out["boundary"], n_gold, n_pred),
    }


def _layer_result(scored: bool, labels: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    total = {"n_gold": 0, "n_predicted": 0, "outcomes": dict.fromkeys(OUTCOMES, 0)}
    for c in labels.values():
        total["n_gold"] += c["n_gold"]
        total["n_predicted"] += c["n_predicted"]
        for k in OUTCOMES:
            total["outcomes"][k] += c["outcomes"][k]
    result = _block(total["n_gold"], total["n_predicted"], total["outcomes"])
    result["labels"] = {
        lab: _block(c["n_gold"], c["n_predicted"], c["outcomes"]) for lab, c in sorted(labels.items())
    }
    result["scored"] = scored
    result["note"] = None
    return result


def _note(layer: str, result: Mapping[str, Any]) -> str | None:
    if not result["scored"]:
        return f"layer {layer} is not labelled in the gold set (no regions): not scored"
    if result["n_predicted"] == 0 and result["n_gold"] == 0:
        return f"layer {layer}: nothing to score (the gold marks no {layer} span and none was predicted)"
    if result["n_predicted"] == 0:
        return (
            f"no predicted spans for layer {layer}: "
            "the tagger for this layer has not run or produced nothing"
        )
    return None


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    return text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT]


def _error(outcome: str, shown: Span, text: str, other: Span | None = None) -> dict[str, Any]:
    before, after = _context(text, shown.start, shown.end)
    err = {
        "outcome": outcome,
        "layer": shown.layer,
        "label": shown.label,
        "start": shown.start,
        "end": shown.end,
        "text": shown.text,
        "context_before": before,
        "context_after": after,
    }
    if other is not None:
        err["predicted"] = {"label": other.label, "start": other.start, "end": other.end, "text": other.text}
    return err


# --- one paper ----------------------------------------------------------------


def evaluate(
    gold: list[Span], predicted: list[Span], text: str, regions: Regions | None = None
) -> dict[str, Any]:
    """Score one paper; `regions` (layer -> [(start, end)]) default to the whole text for every layer."""
    if regions is None:
        regions = {layer: [(0, len(text))] for layer in LAYERS}
    layers: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    pairs_by_layer: dict[str, list[tuple[Span, Span]]] = {}
    for layer in LAYERS:
        ranges = [tuple(r) for r in regions.get(layer, ())]
        g = sorted((s for s in gold if s.layer == layer and _in_regions(s, ranges)), key=sort_key)
        p = sorted((s for s in predicted if s.layer == layer and _in_regions(s, ranges)), key=sort_key)
        pairs, missed, spurious = match(g, p)
        counts: dict[str, dict[str, Any]] = {}

        def count(label: str) -> dict[str, Any]:
            return counts.setdefault(label, {"n_gold": 0, "n_predicted": 0, "outcomes": defaultdict(int)})

        for s in g:
            count(s.label)["n_gold"] += 1
        for s in p:
            count(s.label)["n_predicted"] += 1
        for i, j, outcome in pairs:
            count(g[i].label)["outcomes"][outcome] += 1
            if outcome != "correct":
                errors.append(_error(outcome, g[i], text, p[j]))
        for i in missed:
            count(g[i].label)["outcomes"]["missed"] += 1
            errors.append(_error("missed", g[i], text))
        for j in spurious:
            count(p[j].label)["outcomes"]["spurious"] += 1
            errors.append(_error("spurious", p[j], text))
        layers[layer] = _layer_result(bool(ranges), counts)
        layers[layer]["note"] = _note(layer, layers[layer])
        pairs_by_layer[layer] = [(g[i], p[j]) for i, j, o in pairs if o in ("correct", "boundary")]
    errors.sort(key=lambda e: (e["start"], e["end"], e["layer"], e["outcome"], e["label"]))
    return {
        "layers": layers,
        "links": _links(pairs_by_layer["citation"], pairs_by_layer["reference"], gold, regions),
        "fields": _fields(pairs_by_layer["reference"]),
        "errors": errors,
    }


def _links(
    citations: list[tuple[Span, Span]], references: list[tuple[Span, Span]], gold: list[Span], regions: Regions
) -> dict[str, Any]:
    """Share of gold citations with a target whose matched prediction targets the same reference."""
    id_map = {p.attrs["id"]: g.attrs.get("id") for g, p in references if "id" in p.attrs}
    matched = {g.key: p for g, p in citations}
    ranges = [tuple(r) for r in regions.get("citation", ())]
    total = correct = detected = 0
    for g in gold:
        if g.layer != "citation" or not g.attrs.get("target") or not _in_regions(g, ranges):
            continue
        total += 1
        p = matched.get(g.key)
        if p is None:
            continue
        detected += 1
        target = p.attrs.get("target")
        correct += target is not None and id_map.get(target) == g.attrs["target"]
    return _accuracy(correct, total) | {"detected": detected}


def _accuracy(correct: int, total: int) -> dict[str, Any]:
    return {"accuracy": round(correct / total, 6) if total else 0.0, "correct": correct, "total": total}


def _fields(references: list[tuple[Span, Span]]) -> dict[str, Any]:
    """Per reference field: share of matched gold references whose predicted field is equal (normalised)."""
    out = {}
    for name in FIELDS:
        total = correct = 0
        for g, p in references:
            if g.attrs.get(name) in (None, "", ()):
                continue
            total += 1
            correct += normalise_field(name, g.attrs.get(name)) == normalise_field(name, p.attrs.get(name))
        out[name] = _accuracy(correct, total)
    return out


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.casefold())
    s = "".join(c for c in s if not unicodedata.combining(c))
    return " ".join(re.findall(r"\w+", s))


_INITIAL = re.compile(r"^(\w\.?-?)+$|^\w{1,2}\.$")


_ETAL = re.compile(r"^\s*(?:et|&|and)\s*(?:al|coll|others|colleagues|collègues|collaborateurs)\.?\s*$", re.IGNORECASE)


def family_name(name: str) -> str:
    """'Ostrom, E.' / 'Elinor Ostrom' / 'Ostrom E.' -> 'ostrom' (casefolded, accents dropped); '' for 'et al.'."""
    if _ETAL.match(name):
        return ""
    if "," in name:
        return _fold(name.split(",", 1)[0])
    words = [w for w in name.split() if not (_INITIAL.match(w) and (w.endswith(".") or len(w) == 1))]
    return _fold(words[-1] if words else name)


def normalise_field(name: str, value: Any) -> Any:
    """The form reference fields are compared in."""
    if value is None:
        return None
    if name == "authors":
        names = [value] if isinstance(value, str) else list(value)
        return tuple(n for n in (family_name(str(x)) for x in names) if n and n not in ("al", "et al"))
    value = str(value).strip()
    if name == "doi":
        value = re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", value.casefold()).rstrip(".")
        return value
    if name == "year":
        folded = value.casefold().replace(" ", "")
        return "n.d." if folded in ("s.d.", "sd", "n.d.", "nd", "sansdate") else folded
    return _fold(value)


# --- corpus -----------------------------------------------------------------


def aggregate(results: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """Micro-average per-paper results: sum their counts, then derive the scores again."""
    results = list(results)
    layers = {}
    for layer in LAYERS:
        labels: dict[str, dict[str, Any]] = {}
        scored = False
        for r in results:
            lr = r["layers"][layer]
            scored = scored or lr["scored"]
            for lab, c in lr["labels"].items():
                acc = labels.setdefault(lab, {"n_gold": 0, "n_predicted": 0, "outcomes": defaultdict(int)})
                acc["n_gold"] += c["n_gold"]
                acc["n_predicted"] += c["n_predicted"]
                for k in OUTCOMES:
                    acc["outcomes"][k] += c["outcomes"][k]
        layers[layer] = _layer_result(scored, labels)
        layers[layer]["note"] = _note(layer, layers[layer])
    links = {k: sum(r["links"][k] for r in results) for k in ("correct", "total", "detected")}
    fields = {
        f: _accuracy(sum(r["fields"][f]["correct"] for r in results), sum(r["fields"][f]["total"] for r in results))
        for f in FIELDS
    }
    return {
        "layers": layers,
        "links": _accuracy(links["correct"], links["total"]) | {"detected": links["detected"]},
        "fields": fields,
    }


def evaluate_corpus(papers: Iterable[PaperInput]) -> dict[str, Any]:
    """Evaluate many papers: micro over all of them, each paper's scores, and every error with its paper."""
    per = {p.paper: evaluate(p.gold, p.predicted, p.text, p.regions) for p in sorted(papers, key=lambda p: p.paper)}
    errors = [{**e, "paper": pid} for pid, r in per.items() for e in r["errors"]]
    return {
        "micro": aggregate(per.values()),
        "papers": {pid: {k: v for k, v in r.items() if k != "errors"} for pid, r in per.items()},
        "errors": errors,
    }


def intersect(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """The character ranges both lists of ranges cover, sorted."""
    b = list(b)
    return sorted((max(x, u), min(y, v)) for x, y in a for u, v in b if max(x, u) < min(y, v))


def micro_of(result: Mapping[str, Any]) -> Mapping[str, Any]:
    """The micro-averaged scores of a corpus result, or a one-paper result itself."""
    return result["micro"] if "micro" in result else result
