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


FR_PAPER = (
    "Mutualisation et coopératives\n\n"
    "La mutualisation des moyens aide les coopératives agricoles. La mutualisation des moyens demande "
    "une gouvernance partagée et des circuits courts.\n\n"
    "Les circuits courts et la mutualisation des moyens se renforcent (Defourny, 2001).\n\n"
    "Références\n\n"
    "Defourny, J. (2001). Économie solidaire et circuits courts. Revue des études coopératives, 12(3), 1-20.\n\n"
    "Defourny, J. (2003). Économie solidaire et circuits courts, suite. Revue des études coopératives, 14(1), 3-9.\n"
)
FR_OTHER = (
    "Les circuits courts\n\n"
    "Les circuits courts rapprochent les producteurs. Les monnaies locales et les circuits courts vont ensemble; "
    "les monnaies locales circulent.\n"
)
EN_PAPER = "Worker buyouts\n\nWorker buyouts keep jobs. Worker buyouts need patient capital and patient capital is rare.\n"


@pytest.fixture(scope="module")
def run_corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    from pipeline.config import Config
    from pipeline.corpus.add import add_paper
    from pipeline.run.runner import run

    tmp = tmp_path_factory.mktemp("suggest")
    corpus = tmp / "corpus"
    for name, text, lang in (("mutualisation", FR_PAPER, "fr"), ("circuits", FR_OTHER, "fr"), ("buyouts", EN_PAPER, "en")):
        (tmp / f"{name}.txt").write_text(text, encoding="utf-8")
        add_paper(corpus, tmp / f"{name}.txt", paper_id=name, lang=lang)
    result = run(corpus, tmp / "outputs", Config(), jobs=1)
    assert not result.failed
    return corpus, tmp / "outputs"


def _docs(corpus: Path, out: Path) -> list:
    """The full paper Docs of the run's texts (what suggest-terms parsed before it read only what it mines)."""
    import json

    from pipeline.corpus.papers import iter_papers
    from pipeline.extract.model import Section

    docs = []
    for p in iter_papers(corpus):
        data = json.loads((out / "text" / f"{p.id}.json").read_text(encoding="utf-8"))
        extracted = Extracted(
            text=(out / "text" / f"{p.id}.txt").read_text(encoding="utf-8"), pages=data.get("pages", 0),
            paragraphs=tuple(Paragraph(**x) for x in data["paragraphs"]),
            sections=tuple(Section(**x) for x in data["sections"]),
        )  # fmt: skip
        docs.append(build_doc(extracted, paper_id=p.id))
    return docs


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_concepts_suggest_from_the_run_texts_ranks_as_the_full_paper_docs_do(run_corpus, lang: str) -> None:
    """suggest-terms tags only the paragraphs it mines, from OUT/text: the same candidates, scores, counts and
    contexts as mining the full paper Docs; reference lists are left out."""
    from pipeline.concepts.suggest import corpus_passages, rank_terms
    from pipeline.config import DEFAULT_MODELS

    corpus, out = run_corpus
    scheme = load_scheme(SCHEME)
    papers: list[str] = []
    seen: list[tuple[str, str]] = []
    fast = rank_terms(corpus_passages(corpus, out, DEFAULT_MODELS, lang, lambda p, s: seen.append((p, s)), papers),
                      papers, scheme, lang, top=50, min_freq=1)  # fmt: skip
    assert fast == suggest_terms(_docs(corpus, out), scheme, lang, top=50, min_freq=1)
    assert papers == ["buyouts", "circuits", "mutualisation"]
    assert [s for p, s in seen if p == "mutualisation"][0] == "reading"  # the run's text, not a new extraction
    terms = {c.term: c for c in fast}
    if lang == "fr":
        assert terms["mutualisation des moyens"].frequency == 3 and terms["circuits courts"].papers == ("circuits", "mutualisation")
        assert terms["circuits courts"].frequency == 5  # the title and the text, not the two in the reference list
        assert "worker buyouts" not in terms
    else:
        assert terms["worker buyouts"].frequency == 3 and "circuits courts" not in terms


def test_concepts_suggest_terms_command_says_what_it_reads(run_corpus, tmp_path: Path, monkeypatch) -> None:
    """Plain progress lines on stderr, one per paper and step (a terminal gets a bar), the candidates on stdout;
    a paper `run` has not processed yet is extracted, and says so."""
    import shutil

    from typer.testing import CliRunner

    from pipeline.cli import app

    corpus, out = run_corpus
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["suggest-terms", "--corpus", str(corpus), "--out", str(out), "--min-freq", "2"])
    assert result.exit_code == 0, result.output
    assert "mutualisation: reading" in result.stderr and "circuits: tagging 2 paragraphs" in result.stderr
    assert result.stdout.splitlines()[0].split()[:4] == ["mutualisation", "des", "moyens", "score"]
    fresh = tmp_path / "fresh-out"
    shutil.copytree(out / "text", fresh / "text", ignore=shutil.ignore_patterns("circuits.*"))
    again = CliRunner().invoke(app, ["suggest-terms", "--corpus", str(corpus), "--out", str(fresh), "--min-freq", "2"])
    assert again.exit_code == 0 and "circuits: extracting" in again.stderr and again.stdout == result.stdout
