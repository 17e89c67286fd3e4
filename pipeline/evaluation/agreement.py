"""`rescorpus agree`: agreement between two annotators of one paper (pairwise F1, Krippendorff's alpha on tokens)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.errors import InputError
from pipeline.evaluation.evaluate import Regions, evaluate, intersect
from pipeline.spans import LAYERS, Span, sort_key

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
        regions = {layer: intersect(regions[layer], anchored.gold.regions.get(layer, ())) for layer in LAYERS}
    result = agreement(spans["a"], spans["b"], text, regions)
    return result | {"paper": paper, "a": str(a), "b": str(b), "not_found": not_found}
