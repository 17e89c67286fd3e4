"""Gold vs predicted spans: outcomes per label, P/R/F1 (strict and overlap), links, fields, agreement.

Outcomes follow nervaluate: every gold span is `correct`, `boundary` (same label,
overlapping, other offsets), `wrong_label` (overlapping span of another label) or
`missed`; every predicted span not paired with a gold span is `spurious`. Only
spans that touch a layer's gold regions are scored. Results are plain dicts
(pipeline.evaluation.report turns them into report files and terminal tables).
"""

from __future__ import annotations

import bisect
import dataclasses
import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
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
            ranges = _intersect(labelled, paragraph_languages(out, p.paper).get(lang, []))
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
        lr = _micro(result)["layers"][layer]
        f1 = lr[matching]["f1"]
        if not lr["scored"]:
            failures.append(f"{layer}: not scored (no gold regions for it), so below --min-f1 {layer}={minimum:g}")
        elif f1 < minimum:
            failures.append(f"{layer}: {matching} F1 {f1:.3f} is below --min-f1 {layer}={minimum:g}")
    return failures


# --- agreement ----------------------------------------------------------------

_TOKEN = re.compile(r"\w+|[^\w\s]")


def _token_labels(spans: Iterable[Span], layer: str, tokens: list[tuple[int, int]], n: int) -> list[str]:
    """Each token's label: that of the (earliest) span of `layer` covering any of its characters, else "O"."""
    chars: list[str | None] = [None] * n
    for s in sorted((s for s in spans if s.layer == layer), key=sort_key, reverse=True):
        end = min(s.end, n)
        chars[s.start : end] = [s.label] * max(0, end - s.start)
    return [next((chars[i] for i in range(a, b) if chars[i] is not None), "O") for a, b in tokens]


def agreement(a: list[Span], b: list[Span], text: str, regions: Regions | None = None) -> dict[str, Any]:
    """Inter-annotator agreement per layer: pairwise F1 per label (A as reference) and Krippendorff's
    alpha (nominal) over the text's tokens, each labelled with its covering span's label or "O"."""
    import krippendorff

    if regions is None:
        regions = {layer: [(0, len(text))] for layer in LAYERS}
    scores = evaluate(a, b, text, regions)
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    layers = {}
    for layer in LAYERS:
        ranges = [tuple(r) for r in regions.get(layer, ())]
        toks = [t for t in tokens if any(x <= t[0] and t[1] <= y for x, y in ranges)]
        la, lb = _token_labels(a, layer, toks, len(text)), _token_labels(b, layer, toks, len(text))
        values = sorted(set(la) | set(lb))
        alpha, note = None, None
        if len(values) < 2:
            note = f"alpha undefined for layer {layer}: every token has the same label ({values[0] if values else 'no tokens'})"
        else:
            code = {v: i for i, v in enumerate(values)}
            data = [[code[x] for x in la], [code[x] for x in lb]]
            alpha = round(float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")), 6)
        lr = scores["layers"][layer]
        if not ranges:  # a layer one of the two files does not label: nothing to compare
            layers[layer] = {"compared": False, "alpha": None, "tokens": 0, "n_a": 0, "n_b": 0, "f1": None,
                             "labels": {}, "note": f"layer {layer} not compared: not labelled in both files"}
            continue
        layers[layer] = {
            "compared": True,
            "alpha": alpha,
            "tokens": len(toks),
            "n_a": lr["n_gold"],
            "n_b": lr["n_predicted"],
            "f1": {"strict": lr["strict"]["f1"], "overlap": lr["overlap"]["f1"]},
            "labels": {
                lab: {"n_a": c["n_gold"], "n_b": c["n_predicted"], "strict": c["strict"]["f1"], "overlap": c["overlap"]["f1"]}
                for lab, c in lr["labels"].items()
            },
            "note": note,
        }
    return {"layers": layers}


def _intersect(a: Iterable[tuple[int, int]], b: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    b = list(b)
    return sorted((max(x, u), min(y, v)) for x, y in a for u, v in b if max(x, u) < min(y, v))


def agreement_of_files(
    a: str | Path, b: str | Path, out: str | Path, text_file: str | Path | None = None
) -> dict[str, Any]:
    """`rescorpus agree`: agreement between two annotation files of one paper (gold files or span JSON lines).

    The text is `text_file`, else OUT/text/<paper>.txt with the paper named in a gold header.
    Gold files are re-anchored to that text; only the regions both label are compared.
    """
    from pipeline.evaluation.gold import load_gold, paper_text, reanchor
    from pipeline.spans import iter_json_lines, read_jsonl

    loaded = {}
    for name, path in (("a", Path(a)), ("b", Path(b))):
        first = next(iter_json_lines(path), (None, {}))[1]
        loaded[name] = load_gold(path) if first.get("header") else read_jsonl(path)
    papers = {g.paper for g in loaded.values() if not isinstance(g, list)}
    if len(papers) > 1:
        raise InputError(f"{a} and {b} annotate different papers ({', '.join(sorted(papers))}); compare one paper")
    paper = next(iter(papers), None)
    if text_file is not None:
        if not Path(text_file).exists():
            raise InputError(f"{text_file}: no such file; pass the paper's normalised text with --text")
        text = Path(text_file).read_text(encoding="utf-8")
    elif paper is not None:
        text = paper_text(out, paper)
    else:
        raise InputError(f"{a} and {b} have no gold header naming their paper; pass its text with --text FILE")
    spans, regions, not_found = {}, {layer: [(0, len(text))] for layer in LAYERS}, {}
    for name, item in loaded.items():
        if isinstance(item, list):
            spans[name] = item
            continue
        anchored = reanchor(item, text)
        spans[name], not_found[name] = list(anchored.spans), len(anchored.not_found)
        regions = {layer: _intersect(regions[layer], anchored.gold.regions.get(layer, ())) for layer in LAYERS}
    result = agreement(spans["a"], spans["b"], text, regions)
    return result | {"paper": paper, "a": str(a), "b": str(b), "not_found": not_found}


def _micro(result: Mapping[str, Any]) -> Mapping[str, Any]:
    return result["micro"] if "micro" in result else result
