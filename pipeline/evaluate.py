"""Gold vs predicted spans: outcomes per label, P/R/F1 (strict and overlap), links, fields, agreement.

Outcomes follow nervaluate: every gold span is `correct`, `boundary` (same label,
overlapping, other offsets), `wrong_label` (overlapping span of another label) or
`missed`; every predicted span not paired with a gold span is `spurious`. Only
spans that touch a layer's gold regions are scored. Results are plain dicts.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InputError
from .files import atomic_write_text, dumps_json
from .spans import LAYERS, Span, sort_key

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
    """Pair spans of one layer: (gold i, pred j, outcome) pairs, then unpaired gold and pred indices."""
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
        cands = []
        for i, j in overlaps:
            g, p = gold[i], pred[j]
            if i in free_g and j in free_p and (g.label == p.label) == same_label:
                shared = min(g.end, p.end) - max(g.start, p.start)
                exact_offsets = (g.start, g.end) == (p.start, p.end)
                cands.append((-exact_offsets, -shared, abs(g.start - p.start), i, j))
        for *_, i, j in sorted(cands):
            if i in free_g and j in free_p:
                pairs.append((i, j, outcome))
                free_g.discard(i)
                free_p.discard(j)
    return sorted(pairs), free_g, free_p


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


def family_name(name: str) -> str:
    """'Ostrom, E.' / 'Elinor Ostrom' / 'Ostrom E.' -> 'ostrom' (casefolded, accents dropped)."""
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


def evaluate_dirs(
    gold_dir: str | Path, predicted_dir: str | Path, text_dir: str | Path, papers: Iterable[str] | None = None
) -> dict[str, Any]:
    """Evaluate `gold_dir/<id>.jsonl` against `predicted_dir/<id>.jsonl` over `text_dir/<id>.txt`.

    Gold spans are re-anchored in memory when the text changed; the result's "gold"
    entry says per paper how many moved and which could not be found (those are not scored).
    """
    from .gold import load_gold, reanchor
    from .spans import read_jsonl

    gold_dir, predicted_dir, text_dir = Path(gold_dir), Path(predicted_dir), Path(text_dir)
    files = sorted(gold_dir.glob("*.jsonl"))
    if papers is not None:
        wanted = set(papers)
        files = [f for f in files if f.stem in wanted]
    if not files:
        raise InputError(
            f"{gold_dir}: no gold files (<paper-id>.jsonl) to evaluate; label a paper first "
            "(see annotations/GUIDELINES.md) or check the paper ids"
        )
    inputs, gold_info = [], {}
    for f in files:
        text_path = text_dir / f"{f.stem}.txt"
        if not text_path.exists():
            raise InputError(f"{text_path}: no extracted text for paper {f.stem}; run the extraction first")
        text = text_path.read_text(encoding="utf-8")
        anchored = reanchor(load_gold(f), text)
        pred_path = predicted_dir / f"{f.stem}.jsonl"
        predicted = read_jsonl(pred_path) if pred_path.exists() else []
        gold_info[f.stem] = {
            "reanchored": anchored.moved,
            "not_found": [{"layer": s.layer, "label": s.label, "start": s.start, "text": s.text} for s in anchored.not_found],
            "predictions_file": pred_path.exists(),
        }
        inputs.append(PaperInput(f.stem, list(anchored.spans), predicted, text, anchored.gold.regions))
    return evaluate_corpus(inputs) | {"gold": gold_info}



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
        layers[layer] = {
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


# --- reports ----------------------------------------------------------------


def _micro(result: Mapping[str, Any]) -> Mapping[str, Any]:
    return result["micro"] if "micro" in result else result


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _row(name: str, c: Mapping[str, Any]) -> list[str]:
    o = c["outcomes"]
    return [
        name, str(c["n_gold"]), str(c["n_predicted"]),
        _pct(c["strict"]["precision"]), _pct(c["strict"]["recall"]), _pct(c["strict"]["f1"]),
        _pct(c["overlap"]["precision"]), _pct(c["overlap"]["recall"]), _pct(c["overlap"]["f1"]),
        *(str(o[k]) for k in OUTCOMES),
    ]  # fmt: skip


_HEAD = ["label", "gold", "pred", "strict P", "strict R", "strict F1", "overlap P", "overlap R",
         "overlap F1", "correct", "boundary", "wrong label", "missed", "spurious"]  # fmt: skip


def _cell(s: str) -> str:
    return s.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ⏎ ")


def _md_table(head: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]


def notes(result: Mapping[str, Any]) -> list[str]:
    """The plain-language notes of a result (layers not scored, layers without predictions)."""
    return [lr["note"] for lr in _micro(result)["layers"].values() if lr["note"]]


def render_markdown(result: Mapping[str, Any]) -> str:
    """The readable report: scores per layer and label, links, fields, then every error in context."""
    micro = _micro(result)
    out = ["# Evaluation report", ""]
    if "papers" in result:
        out += [f"Papers: {len(result['papers'])} ({', '.join(result['papers'])}). Scores (in %) are micro-averaged over all papers.", ""]
    out += [f"- {n}" for n in notes(result)] + ([""] if notes(result) else [])
    for layer, lr in micro["layers"].items():
        out += [f"## Layer {layer}", ""]
        if not lr["scored"]:
            out += [lr["note"], ""]
            continue
        rows = [_row("**all**", lr)] + [_row(lab, c) for lab, c in lr["labels"].items()]
        out += _md_table(_HEAD, rows) + [""]
    links = micro["links"]
    out += ["## Citation links", "",
            f"Accuracy {_pct(links['accuracy'])}% ({links['correct']} of {links['total']} gold citations with a target; "
            f"{links['detected']} of them detected).", "",
            "## Reference fields", ""]  # fmt: skip
    out += _md_table(["field", "accuracy", "correct", "total"],
                     [[f, _pct(v["accuracy"]), str(v["correct"]), str(v["total"])] for f, v in micro["fields"].items()])  # fmt: skip
    out.append("")
    if "papers" in result:
        out += ["## Per paper", ""]
        rows = [[pid, layer, str(lr["n_gold"]), str(lr["n_predicted"]), _pct(lr["strict"]["f1"]), _pct(lr["overlap"]["f1"])]
                for pid, r in result["papers"].items() for layer, lr in r["layers"].items() if lr["scored"]]  # fmt: skip
        out += _md_table(["paper", "layer", "gold", "pred", "strict F1", "overlap F1"], rows) + [""]
    if result.get("gold"):
        out += ["## Gold re-anchoring", ""]
        rows = [[pid, str(g["reanchored"]), str(len(g["not_found"])), "; ".join(f"{s['label']} {s['text']!r}" for s in g["not_found"])]
                for pid, g in result["gold"].items()]  # fmt: skip
        out += _md_table(["paper", "re-anchored", "not found", "spans not found (not scored)"], rows) + [""]
    errors = result.get("errors", [])
    out += [f"## Errors ({len(errors)})", ""]
    for outcome in OUTCOMES[1:]:
        these = [e for e in errors if e["outcome"] == outcome]
        if not these:
            continue
        out += [f"### {outcome.replace('_', ' ')} ({len(these)})", ""]
        rows = []
        for e in these:
            pred = e.get("predicted")
            got = f"{pred['label']} [{pred['start']}, {pred['end']}) {pred['text']!r}" if pred else ""
            ctx = f"…{e['context_before']}**[{e['text']}]**{e['context_after']}…"
            rows.append([e.get("paper", ""), e["layer"], e["label"], f"[{e['start']}, {e['end']})", ctx, got])
        out += _md_table(["paper", "layer", "label", "position", "in context", "predicted"], rows) + [""]
    return "\n".join(out)


def write_report(result: Mapping[str, Any], out_dir: str | Path) -> tuple[Path, Path]:
    """Write `out_dir/report.json` (sorted keys) and `out_dir/report.md`; return both paths."""
    out_dir = Path(out_dir)
    json_path, md_path = out_dir / "report.json", out_dir / "report.md"
    atomic_write_text(json_path, dumps_json(result))
    atomic_write_text(md_path, render_markdown(result))
    return json_path, md_path


def format_table(result: Mapping[str, Any]) -> str:
    """A compact table for the terminal: one row per layer and label, then links, fields and notes."""
    micro = _micro(result)
    widths = [22, 5, 5, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5]
    head = ["layer/label", "gold", "pred", "P", "R", "F1", "ovP", "ovR", "ovF1", "C", "B", "W", "M", "S"]
    fmt = lambda cells: " ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    lines = [fmt(head)]
    for layer, lr in micro["layers"].items():
        if not lr["scored"]:
            continue
        lines.append(fmt(_row(layer, lr)))
        lines += [fmt(_row("  " + lab, c)) for lab, c in lr["labels"].items()]
    links = micro["links"]
    lines.append(f"citation links: {_pct(links['accuracy'])}% ({links['correct']}/{links['total']})")
    lines.append("reference fields: " + ", ".join(
        f"{f} {_pct(v['accuracy'])}% ({v['correct']}/{v['total']})" for f, v in micro["fields"].items()))  # fmt: skip
    lines.append("P/R/F1 strict, ovP/ovR/ovF1 overlap, in %; C correct, B boundary, W wrong label, M missed, S spurious")
    lines += notes(result)
    return "\n".join(lines)
