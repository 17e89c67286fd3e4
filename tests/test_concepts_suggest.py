"""suggest-terms: candidate terms the scheme lacks, with counts, papers and contexts."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.annotate.nlp import build_doc
from pipeline.concepts.scheme import load_scheme
from pipeline.concepts.suggest import c_values, suggest_terms
from pipeline.extract.model import Extracted, Paragraph

REPO = Path(__file__).resolve().parents[1]
SCHEME = REPO / "annotations" / "concepts" / "resilience-coop.toml"


def paper(paper_id: str, lang: str, sentences: list[str]):
    text = " ".join(sentences)
    para = Paragraph(start=0, end=len(text), kind="body", page=1, lang=lang)
    return build_doc(Extracted(text=text, pages=1, paragraphs=(para,), sections=()), paper_id=paper_id)


def test_concepts_suggest_c_value_discounts_nested_terms():
    scores = c_values({"capital social": 5, "capital social local": 4})
    assert scores["capital social local"] > 0
    assert scores["capital social"] == pytest.approx(1.0)  # 1 × (5 − 4)


@pytest.fixture(scope="module")
def docs():
    return [
        paper("a", "fr", ["La mutualisation des moyens aide la coopérative."] * 3 + ["Le capital social des membres croît et la résilience aussi."]),
        paper("b", "fr", ["La mutualisation des moyens se généralise."] + ["Le capital social des membres compte."]),
        paper("c", "en", ["Worker buyouts keep jobs.", "Worker buyouts need credit.", "Resilience matters."]),
    ]


def test_concepts_suggest_french_candidates(docs):
    found = suggest_terms(docs, load_scheme(SCHEME), "fr", top=10)
    terms = {c.term: c for c in found}
    assert "mutualisation des moyens" in terms
    top = terms["mutualisation des moyens"]
    assert top.frequency == 4 and top.papers == ("a", "b") and len(top.examples) == 2
    assert "[mutualisation des moyens]" in top.examples[0]
    assert not any("résilience" in t or "coopérative" in t for t in terms)  # the scheme covers these


def test_concepts_suggest_english_without_pos(docs):
    found = suggest_terms(docs, load_scheme(SCHEME), "en", top=5)
    assert [c.term for c in found][:1] == ["worker buyouts"]
    assert found[0].papers == ("c",) and found[0].frequency == 2
