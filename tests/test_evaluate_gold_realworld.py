"""The gold set, end to end: the realworld gold PDFs added to a corpus, run, and scored against the issues' targets.

Needs ../shared/realworld (skipped when absent). The PDFs are added under ids of our own choosing:
each gold file finds its paper by source sha256, or by the normalised text it was labelled on.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import REPO
from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.evaluation.goldset import evaluate_gold_set
from pipeline.run.runner import run

GOLD_PDFS = {
    "fr_erudit_criminologie_maruna2020_bilingual.pdf": "maruna-2020",
    "en_intpsychogeriatrics2014_2col_authoryear.pdf": "psychogeriatrics-2014",
    "en_bmc_hsr2014_2col_numeric.pdf": "bmc-2014",
}


@pytest.fixture(scope="module")
def scored(tmp_path_factory: pytest.TempPathFactory) -> dict:
    realworld = REPO.parent / "shared" / "realworld" / "pdfs"
    if not realworld.is_dir():
        pytest.skip(f"real-world PDFs not found at {realworld}")
    root = tmp_path_factory.mktemp("gold")
    corpus = root / "corpus"
    shutil.copytree(REPO / "corpus", corpus)
    for name, paper_id in GOLD_PDFS.items():
        add_paper(corpus, realworld / name, paper_id=paper_id)
    out = root / "out"
    result = run(corpus, out, Config(gold=REPO / "annotations" / "gold"))
    assert not result.failed
    return evaluate_gold_set(REPO / "annotations" / "gold", corpus, out)


@pytest.mark.slow
@pytest.mark.realworld
def test_every_gold_paper_is_found_and_every_gold_span_anchored(scored: dict) -> None:
    assert sorted(scored["papers"]) == ["bmc-2014", "maruna-2020", "psychogeriatrics-2014",
                                        "resilience-cooperatives-coree-maroc"]
    assert scored["skipped"] == {}
    assert all(info["not_found"] == [] for info in scored["gold"].values())


@pytest.mark.slow
@pytest.mark.realworld
def test_citations_and_references_meet_issue_5_on_every_gold_paper(scored: dict) -> None:
    for paper_id, result in [("all", scored["micro"]), *scored["papers"].items()]:
        layers = result["layers"]
        if layers["citation"]["n_gold"]:
            assert layers["citation"]["strict"]["f1"] >= 0.95, paper_id
        if layers["reference"]["n_gold"]:
            assert layers["reference"]["strict"]["f1"] >= 0.97, paper_id
            for field in ("authors", "year", "title"):
                assert result["fields"][field]["accuracy"] >= 0.95, (paper_id, field)
        if result["links"]["total"]:
            assert result["links"]["accuracy"] >= 0.95, paper_id


@pytest.mark.slow
@pytest.mark.realworld
def test_concepts_meet_issue_4_in_french_and_english_paragraphs(scored: dict) -> None:
    for lang in ("fr", "en"):
        concept = scored["by_language"][lang]
        assert concept["n_gold"] > 0, lang
        assert concept["overlap"]["f1"] >= 0.90, lang
        assert concept["strict"]["f1"] >= 0.80, lang
