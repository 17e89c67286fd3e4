"""Evaluation results for people: the report files (report.json, report.md) and the terminal tables."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pipeline.evaluation.evaluate import OUTCOMES, micro_of
from pipeline.files import atomic_write_text, dumps_json


def _pct(x: float) -> str:
    return f"{100 * x:.1f}"


def _share(acc: Mapping[str, Any]) -> str:
    """'33.3% (1/3)', or 'n/a (0/0)' when there was nothing to count."""
    return f"{_pct(acc['accuracy'])}% ({acc['correct']}/{acc['total']})" if acc["total"] else "n/a (0/0)"


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
    return [lr["note"] for lr in micro_of(result)["layers"].values() if lr["note"]]


def render_markdown(result: Mapping[str, Any]) -> str:
    """The readable report: scores per layer and label, links, fields, then every error in context."""
    micro = micro_of(result)
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
    if result.get("by_language"):
        out += ["## Concept layer by paragraph language", ""]
        rows = [_row(lang, lr) for lang, lr in result["by_language"].items() if lr["scored"] and lr["n_gold"] + lr["n_predicted"]]
        out += _md_table(_HEAD, rows) + [""]
    links = micro["links"]
    out += ["## Citation links", "",
            f"Accuracy {_pct(links['accuracy']) + '%' if links['total'] else 'n/a'} ({links['correct']} of {links['total']} gold citations with a target; "
            f"{links['detected']} of them detected).", "",
            "## Reference fields", ""]  # fmt: skip
    out += _md_table(["field", "accuracy", "correct", "total"],
                     [[f, _pct(v["accuracy"]) if v["total"] else "n/a", str(v["correct"]), str(v["total"])] for f, v in micro["fields"].items()])  # fmt: skip
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
    if result.get("skipped"):
        out += ["## Gold papers skipped", ""]
        out += _md_table(["paper", "why"], [[pid, why] for pid, why in result["skipped"].items()]) + [""]
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


def _table_entries(result: Mapping[str, Any]) -> list[tuple[str, str, str, str, Mapping[str, Any]]]:
    """The rows of the terminal table: (name as shown, layer, label, paragraph language, counts), in order."""
    entries = []
    for layer, lr in micro_of(result)["layers"].items():
        if not lr["scored"]:
            continue
        entries.append((layer, layer, "", "", lr))
        entries += [("  " + lab, layer, lab, "", c) for lab, c in lr["labels"].items()]
    for lang, lr in result.get("by_language", {}).items():
        if lr["scored"] and lr["n_gold"] + lr["n_predicted"]:
            entries.append((f"concept ({lang} paras)", "concept", "", lang, lr))
    return entries


TABLE_COLUMNS = ("layer", "label", "paragraph_lang", "gold", "predicted", "strict_p", "strict_r", "strict_f1",
                 "overlap_p", "overlap_r", "overlap_f1", *OUTCOMES)  # fmt: skip


def table_rows(result: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The terminal table's rows as records (`TABLE_COLUMNS`; P/R/F1 as fractions 0-1, to 4 decimals) for
    `rescorpus eval --format tsv|json`: a layer's row has no label, a per-language row names its language."""
    rows = []
    for _, layer, label, lang, c in _table_entries(result):
        row: dict[str, Any] = {"layer": layer, "label": label, "paragraph_lang": lang, "gold": c["n_gold"],
                               "predicted": c["n_predicted"]}  # fmt: skip
        for match in ("strict", "overlap"):
            for key, name in (("precision", "p"), ("recall", "r"), ("f1", "f1")):
                row[f"{match}_{name}"] = round(c[match][key], 4)
        row.update({k: c["outcomes"][k] for k in OUTCOMES})
        rows.append(row)
    return rows


def format_table(result: Mapping[str, Any]) -> str:
    """A compact table for the terminal: one row per layer and label, then links, fields and notes."""
    micro = micro_of(result)
    widths = [22, 5, 5, 6, 6, 6, 6, 6, 6, 5, 5, 5, 5, 5]
    head = ["layer/label", "gold", "pred", "P", "R", "F1", "ovP", "ovR", "ovF1", "C", "B", "W", "M", "S"]
    fmt = lambda cells: " ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    lines = [fmt(head)] + [fmt(_row(name, c)) for name, _, _, _, c in _table_entries(result)]
    links = micro["links"]
    lines.append(f"citation links: {_share(links)}" + ("" if links["total"] else " (no gold citation has a target)"))
    lines.append("reference fields: " + ", ".join(f"{f} {_share(v)}" for f, v in micro["fields"].items()))
    lines.append("P/R/F1 strict, ovP/ovR/ovF1 overlap, in %; C correct, B boundary, W wrong label, M missed, S spurious")
    lines += notes(result)
    return "\n".join(lines)


def format_agreement(result: Mapping[str, Any]) -> str:
    """The agreement table for the terminal: per layer and label, pairwise F1 and Krippendorff's alpha."""
    widths = [22, 6, 6, 8, 9, 10]
    fmt = lambda cells: " ".join(c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(cells, widths)))  # noqa: E731
    lines = [fmt(["layer/label", "A", "B", "F1", "ovF1", "alpha"])]
    for layer, lr in result["layers"].items():
        if not lr["compared"]:
            continue
        alpha = "n/a" if lr["alpha"] is None else f"{lr['alpha']:.3f}"
        lines.append(fmt([layer, str(lr["n_a"]), str(lr["n_b"]), _pct(lr["f1"]["strict"]), _pct(lr["f1"]["overlap"]), alpha]))
        lines += [fmt(["  " + lab, str(c["n_a"]), str(c["n_b"]), _pct(c["strict"]), _pct(c["overlap"]), ""])
                  for lab, c in lr["labels"].items()]  # fmt: skip
    lines.append("A, B: spans of each file; F1 strict and ovF1 overlap (in %, A as reference); alpha: Krippendorff's, nominal, on tokens")
    lines += [lr["note"] for lr in result["layers"].values() if lr["note"]]
    return "\n".join(lines)
