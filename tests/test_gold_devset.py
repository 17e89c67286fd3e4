"""The hand-labelled callout gold on Érudit articles (annotations/gold/devset): consistent, and anchored in today's text.

The files hold citation and reference spans only (their header's regions say so); they live in a subfolder so that
`rescorpus eval`, which reads `<gold>/*.jsonl`, does not look for these papers in a scholar's corpus.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.evaluation import erudit as be
from pipeline.evaluation.evaluate import evaluate
from pipeline.evaluation.gold import gold_files, load_gold_file, reanchor

REPO = Path(__file__).resolve().parents[1]
DEVSET_GOLD = REPO / "annotations" / "gold" / "devset"
SPLIT = json.loads((REPO / "pipeline" / "data" / "erudit_split.json").read_text(encoding="utf-8"))
FILES = sorted(DEVSET_GOLD.glob("*.jsonl"))


def _article(path: Path) -> str:
    return path.stem.removeprefix("erudit-")


def _targets(span) -> list[str]:
    return list(span.attrs.get("targets") or ([span.attrs["target"]] if span.attrs.get("target") else []))


def test_gold_devset_has_development_articles_and_one_held_out() -> None:
    parts = {_article(p): load_gold_file(p).header_extra["split_part"] for p in FILES}
    for article, part in parts.items():
        assert part == ("held-out" if article in SPLIT["held_out"] else "development"), article
    assert sum(p == "development" for p in parts.values()) >= 4 and "held-out" in parts.values()
    assert "1058611ar" in parts  # the numeric superscript article


def test_gold_devset_is_outside_the_folder_eval_reads() -> None:
    shipped = {p.name for p in gold_files(REPO / "annotations" / "gold")}
    assert not shipped & {p.name for p in FILES}


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_gold_devset_file_is_consistent(path: Path) -> None:
    gold = load_gold_file(path)
    assert set(gold.regions) == {"citation", "reference"}
    assert all(r == ((0, gold.text_length),) for r in gold.regions.values())
    refs = [s for s in gold.spans if s.layer == "reference"]
    cites = [s for s in gold.spans if s.layer == "citation"]
    ids = [s.attrs["id"] for s in refs]
    assert len(ids) == len(set(ids)) and refs and cites
    for layer in (refs, cites):
        ordered = sorted(layer, key=lambda s: s.start)
        assert all(a.end <= b.start for a, b in zip(ordered, ordered[1:])), "spans overlap inside a layer"
        assert all(0 <= s.start < s.end <= gold.text_length and len(s.text) == s.end - s.start for s in layer)
    for c in cites:
        targets = _targets(c)
        assert set(targets) <= set(ids), (c.text, targets)
        if c.attrs.get("targets"):
            assert c.attrs["target"] == targets[0] and len(targets) > 1
        if c.attrs.get("years"):
            assert len(c.attrs["years"]) > 1 and c.attrs["years"][0].startswith(c.attrs["year"])


def test_gold_devset_superscript_callouts_expand_their_ranges() -> None:
    gold = load_gold_file(DEVSET_GOLD / "erudit-1058611ar.jsonl")
    by_text = {s.text: _targets(s) for s in gold.spans if s.layer == "citation"}
    assert by_text["⁵⁻⁸"] == ["ref-5", "ref-6", "ref-7", "ref-8"]
    assert by_text["²,⁴"] == ["ref-2", "ref-4"]
    assert all(set(t) <= set("⁰¹²³⁴⁵⁶⁷⁸⁹⁻,") for t in by_text)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_gold_devset_anchors_in_the_text_the_pipeline_writes(path: Path, erudit: Path, tmp_path: Path) -> None:
    from pipeline.extract import extract

    gold = load_gold_file(path)
    article = be.read_article(erudit / f"{_article(path)}.xml")
    source = tmp_path / f"{article.id}.txt"
    source.write_text(be.article_text(article, gold.header_extra["text_shape"]), encoding="utf-8")
    assert hashlib.sha256(source.read_bytes()).hexdigest() == gold.source_sha256
    text = extract(source).text
    anchored = reanchor(gold, text)
    assert not anchored.not_found, [s.text for s in anchored.not_found][:5]
    if hashlib.sha256(text.encode("utf-8")).hexdigest() == gold.text_sha256:
        assert all(text[s.start : s.end] == s.text for s in gold.spans) and anchored.moved == 0


def test_gold_devset_scores_citation_and_reference_layers_only() -> None:
    gold = load_gold_file(DEVSET_GOLD / "erudit-1058157ar.jsonl")
    text = "x" * gold.text_length  # the evaluator reads the text only to quote errors
    result = evaluate(list(gold.spans), list(gold.spans), text, gold.regions)
    assert not result["layers"]["concept"]["scored"]
    assert result["layers"]["citation"]["strict"]["f1"] == 1.0 and result["layers"]["reference"]["strict"]["f1"] == 1.0
    assert result["links"]["accuracy"] == 1.0 and result["links"]["total"] == 21
