"""The concept layer is scored separately over French and English paragraphs (issue 4's targets)."""

from __future__ import annotations

import json
from pathlib import Path

from pipeline.evaluation.evaluate import PaperInput
from pipeline.evaluation.goldset import concepts_by_language
from pipeline.spans import Span

FR = "La résilience des coopératives."
EN = "Cooperative resilience matters."
TEXT = FR + "\n\n" + EN


def _concept(label: str, word: str, after: int = 0) -> Span:
    start = TEXT.index(word, after)
    return Span("concept", label, start, start + len(word), word)


def test_concepts_by_language_splits_scores_by_paragraph_language(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    paragraphs = [
        {"start": 0, "end": len(FR), "lang": "fr", "kind": "body"},
        {"start": len(FR) + 2, "end": len(TEXT), "lang": "en", "kind": "body"},
    ]
    (tmp_path / "text" / "p.json").write_text(json.dumps({"paragraphs": paragraphs}), encoding="utf-8")
    en_start = len(FR) + 2
    gold = [_concept("resilience", "résilience"), _concept("cooperative", "coopératives"),
            _concept("cooperative", "Cooperative", en_start), _concept("resilience", "resilience", en_start)]
    predicted = [gold[0], gold[1], gold[2], _concept("crisis", "matters", en_start)]  # one English miss, one spurious
    result = concepts_by_language([PaperInput("p", gold, predicted, TEXT)], tmp_path)
    assert result["fr"]["n_gold"] == 2 and result["fr"]["strict"]["f1"] == 1.0
    assert result["en"]["n_gold"] == 2 and result["en"]["n_predicted"] == 2
    assert result["en"]["outcomes"]["missed"] == 1 and result["en"]["outcomes"]["spurious"] == 1
    assert result["en"]["strict"]["f1"] == 0.5


def test_a_paper_without_a_concept_region_adds_nothing_to_either_language(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    paragraphs = [{"start": 0, "end": len(TEXT), "lang": "en", "kind": "body"}]
    (tmp_path / "text" / "p.json").write_text(json.dumps({"paragraphs": paragraphs}), encoding="utf-8")
    predicted = [_concept("resilience", "resilience", len(FR))]
    regions = {"citation": [(0, len(TEXT))]}  # concepts not labelled in this paper
    result = concepts_by_language([PaperInput("p", [], predicted, TEXT, regions)], tmp_path)
    assert result["en"]["n_predicted"] == 0 and result["en"]["outcomes"]["spurious"] == 0
