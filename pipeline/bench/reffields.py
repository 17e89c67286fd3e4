"""Reference fields in `rescorpus bench`: the CRF, `parse_entry` (CRF with the rules' DOI/URL, year suffix and
institution authors) and the rule parser side by side on GROBID's citation evaluation files (never fitted),
per field, per language and per style family (`pipeline.evaluation.reffields`); and each one's speed in
entries per CPU-second (time.process_time, the whole evaluation set parsed, best of `repeat`)."""

from __future__ import annotations

import time
from pathlib import Path

from pipeline.evaluation.reffields import (crf_fields, erudit_labelled, fields_from_entry, read_tei_folder, rule_fields,
                                           score, score_known)

TARGETS = {"micro_f1": 0.90, "title": 0.88, "container": 0.85, "first_author": 0.95, "year": 0.97}
SHOWN = ("title", "container", "first_author", "year", "volume", "issue", "pages", "publisher", "doi")
SPEED_TARGET = 1000  # entries per CPU-second, the labeller


def default_grobid() -> Path:
    return Path(__file__).resolve().parents[3] / "shared" / "devset" / "grobid" / "citation" / "evaluation"


def _parse_entry_fields(text: str) -> dict[str, str]:
    from pipeline.citations.fields import parse_entry

    return fields_from_entry(parse_entry(text))


PARSERS = {"crf": crf_fields, "parse_entry": _parse_entry_fields, "rules": rule_fields}


def default_erudit() -> Path:
    return Path(__file__).resolve().parents[3] / "shared" / "devset" / "erudit"


def bench_reference_fields(folder: Path, repeat: int = 1, erudit: Path | None = None) -> tuple[list[dict], dict]:
    """(rows as dicts: stage, figure, value, unit, target, met), details. With `erudit` (a folder of Érudit XML):
    also accuracy on the fields Érudit's typography fixes (`erudit_labelled`), held-out split only."""
    items = read_tei_folder(folder)
    scored = score(items, PARSERS)
    rows: list[dict] = []
    where = f"{folder.name} ({len(items)} entries)"
    for name, result in scored.items():
        learned = name != "rules"
        for group, parts in (("all", {"": result["all"]}), ("lang", result["lang"]), ("style", result["style"])):
            for part, r in parts.items():
                label = f"{name}{', ' + group + ' ' + part if part else ''}"
                target = TARGETS["micro_f1"] if learned else None
                rows.append(_row(f"{label}: field micro-F1, {r['entries']} entries", r["micro_f1"], target))
                if group == "all":
                    for k in SHOWN:
                        if k in r["fields"]:
                            rows.append(_row(f"{name}: {k} F1 (gold {r['fields'][k]['gold']})", r["fields"][k]["f1"],
                                             TARGETS.get(k) if learned else None))
    from pipeline.citations import labeller

    texts = [i.text for i in items]
    for name, parse in (("crf labeller", labeller.fields), ("parse_entry", _parse_entry_fields), ("rules", rule_fields)):
        best = None
        for _ in range(repeat):
            start = time.process_time()
            for t in texts:
                parse(t)
            took = time.process_time() - start
            best = took if best is None else min(best, took)
        rate = round(len(texts) / best) if best else None
        rows.append({"stage": "reference fields", "figure": f"{name}: speed", "value": rate, "unit": "entries/CPU-s",
                     "target": f"target > {SPEED_TARGET}" if name == "crf labeller" else "",
                     "met": (rate or 0) > SPEED_TARGET if name == "crf labeller" else None})
    rows[0]["figure"] = f"{where}: {rows[0]['figure']}"
    if erudit is not None and erudit.is_dir():
        pairs = erudit_labelled(erudit, held=True)
        known = score_known(pairs, PARSERS)
        scored["erudit_held_out"] = known
        for name, r in known.items():
            rows.append({"stage": "reference fields", "figure": f"erudit held-out ({r['entries']} entries, fields from "
                         f"typography): {name}: micro accuracy", "value": r["micro_accuracy"], "unit": "accuracy",
                         "target": "", "met": None})
            for k, v in r["fields"].items():
                rows.append({"stage": "reference fields", "figure": f"erudit held-out: {name}: {k} (gold {v['gold']})",
                             "value": v["accuracy"], "unit": "accuracy", "target": "", "met": None})
    return rows, scored


def _row(figure: str, value: float, target: float | None) -> dict:
    return {"stage": "reference fields", "figure": figure, "value": value, "unit": "F1",
            "target": f"target >= {target}" if target else "", "met": None if target is None else value >= target}
