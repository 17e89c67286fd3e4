"""Outcome counts and P/R/F1 on small hand-built cases (ANNOTATION_SCHEME.md, "Scoring")."""

import functools

import pytest

from conftest import span_at
from pipeline.evaluation.evaluate import evaluate, match
from pipeline.spans import Span

TEXT = (
    "La gouvernance coopérative renforce la résilience des coopératives face à la crise "
    "(Emery & Trist, 1965)."
)


at = functools.partial(span_at, TEXT)  # at(sub, label, layer, nth, **attrs)


GOLD = [
    at("gouvernance coopérative", "governance"),
    at("résilience", "resilience"),
    at("coopératives", "cooperative"),
    at("crise", "crisis"),
]
PRED = [
    at("gouvernance coopérative", "governance"),  # correct
    at("la résilience", "resilience"),  # boundary
    at("coopératives", "social_economy"),  # wrong label
    at("face", "resistance"),  # spurious; "crise" is missed
]


def test_evaluate_counts_every_outcome_type():
    concept = evaluate(GOLD, PRED, TEXT)["layers"]["concept"]
    assert concept["outcomes"] == {"correct": 1, "boundary": 1, "wrong_label": 1, "missed": 1, "spurious": 1}
    assert (concept["n_gold"], concept["n_predicted"]) == (4, 4)


def test_evaluate_strict_and_overlap_scores():
    concept = evaluate(GOLD, PRED, TEXT)["layers"]["concept"]
    assert concept["strict"] == {"precision": 0.25, "recall": 0.25, "f1": 0.25, "tp": 1}
    assert concept["overlap"] == {"precision": 0.5, "recall": 0.5, "f1": 0.5, "tp": 2}


def test_evaluate_per_label_blocks():
    labels = evaluate(GOLD, PRED, TEXT)["layers"]["concept"]["labels"]
    assert sorted(labels) == ["cooperative", "crisis", "governance", "resilience", "resistance", "social_economy"]
    assert labels["governance"]["strict"]["f1"] == 1.0
    assert labels["resilience"]["strict"]["f1"] == 0.0
    assert labels["resilience"]["overlap"]["f1"] == 1.0
    assert labels["cooperative"]["outcomes"]["wrong_label"] == 1
    assert (labels["social_economy"]["n_gold"], labels["social_economy"]["n_predicted"]) == (0, 1)
    assert labels["resistance"]["outcomes"]["spurious"] == 1
    assert labels["crisis"]["outcomes"]["missed"] == 1


def test_evaluate_lists_errors_with_context_and_position():
    errors = evaluate(GOLD, PRED, TEXT)["errors"]
    assert [e["outcome"] for e in errors] == ["boundary", "wrong_label", "spurious", "missed"]
    missed = errors[-1]
    assert (missed["label"], missed["text"], missed["start"]) == ("crisis", "crise", TEXT.index("crise"))
    assert missed["context_before"].endswith("face à la ")
    assert missed["context_after"].startswith(" (Emery")
    assert errors[1]["predicted"]["label"] == "social_economy"


def test_evaluate_overlap_matches_each_gold_span_once():
    gold = [at("résilience des coopératives", "resilience")]
    pred = [at("résilience", "resilience"), at("des coopératives", "resilience")]
    layer = evaluate(gold, pred, TEXT)["layers"]["concept"]
    assert layer["outcomes"]["boundary"] == 1 and layer["outcomes"]["spurious"] == 1
    assert layer["overlap"]["precision"] == 0.5 and layer["overlap"]["recall"] == 1.0


def test_evaluate_overlap_matches_each_prediction_once():
    gold = [at("résilience", "resilience"), at("coopératives", "resilience")]
    pred = [at("résilience des coopératives", "resilience")]
    layer = evaluate(gold, pred, TEXT)["layers"]["concept"]
    assert layer["outcomes"]["boundary"] == 1 and layer["outcomes"]["missed"] == 1
    assert layer["overlap"]["precision"] == 1.0 and layer["overlap"]["recall"] == 0.5


def test_evaluate_prefers_the_exact_pair_and_the_larger_overlap():
    gold = [at("la résilience", "resilience")]
    pred = [at("résilience", "resilience"), at("la résilience", "resilience")]
    pairs, free_g, free_p = match(gold, pred)
    assert pairs == [(0, 1, "correct")] and free_p == {0}


def test_evaluate_duplicate_gold_spans_need_two_predictions():
    gold = [at("crise", "crisis"), at("crise", "crisis")]
    layer = evaluate(gold, [at("crise", "crisis")], TEXT)["layers"]["concept"]
    assert layer["outcomes"]["correct"] == 1 and layer["outcomes"]["missed"] == 1


def test_evaluate_regions_limit_what_counts_as_spurious():
    cut = TEXT.index("face")
    regions = {"concept": [(0, cut)], "citation": [(0, len(TEXT))]}
    result = evaluate(GOLD[:3], PRED, TEXT, regions)
    concept = result["layers"]["concept"]
    assert concept["outcomes"]["spurious"] == 0 and concept["n_predicted"] == 3
    assert result["layers"]["reference"]["scored"] is False
    assert "not labelled in the gold set" in result["layers"]["reference"]["note"]


def test_evaluate_without_predictions_scores_zero_and_says_why():
    result = evaluate(GOLD + [at("Emery & Trist, 1965", "CITATION", "citation")], [], TEXT)
    for layer in ("concept", "citation"):
        lr = result["layers"][layer]
        assert lr["strict"]["f1"] == lr["overlap"]["f1"] == 0.0
        assert lr["note"] == (
            f"no predicted spans for layer {layer}: the tagger for this layer has not run or produced nothing"
        )
    assert result["layers"]["concept"]["outcomes"]["missed"] == 4
    # no gold and no prediction: nothing went wrong, and the note does not blame the tagger
    assert result["layers"]["reference"]["note"] == (
        "layer reference: nothing to score (the gold marks no reference span and none was predicted)"
    )


def test_evaluate_is_deterministic_and_independent_of_input_order():
    a = evaluate(GOLD, PRED, TEXT)
    b = evaluate(list(reversed(GOLD)), list(reversed(PRED)), TEXT)
    assert a == b


@pytest.mark.parametrize("layer", ["citation"])
def test_evaluate_layers_are_scored_apart(layer):
    cit = at("Emery & Trist, 1965", "CITATION", layer)
    result = evaluate([cit], [cit, at("crise", "crisis")], TEXT)
    assert result["layers"][layer]["strict"]["f1"] == 1.0
    assert result["layers"]["concept"]["outcomes"]["spurious"] == 1


def test_evaluate_overlap_matching_is_maximal_not_greedy():
    # Regression: greedy pairing by largest overlap paired the long prediction with the first gold
    # span and left both the short prediction and the second gold span unpaired.
    text = "abcdefghijklmnopqrstuvwxyz"
    g1, g2 = Span("concept", "x", 0, 10, text[0:10]), Span("concept", "x", 8, 20, text[8:20])
    p1, p2 = Span("concept", "x", 5, 12, text[5:12]), Span("concept", "x", 0, 3, text[0:3])
    layer = evaluate([g1, g2], [p1, p2], text)["layers"]["concept"]
    assert layer["outcomes"] == {"correct": 0, "boundary": 2, "wrong_label": 0, "missed": 0, "spurious": 0}
    assert layer["overlap"]["f1"] == 1.0 and layer["strict"]["f1"] == 0.0


def test_evaluate_wrong_label_matching_is_maximal_too():
    text = "abcdefghijklmnopqrstuvwxyz"
    gold = [Span("concept", "x", 0, 10, text[0:10]), Span("concept", "x", 8, 20, text[8:20])]
    pred = [Span("concept", "y", 5, 12, text[5:12]), Span("concept", "y", 0, 3, text[0:3])]
    pairs, free_g, free_p = match(gold, pred)
    assert sorted(pairs) == [(0, 1, "wrong_label"), (1, 0, "wrong_label")] and not free_g and not free_p
