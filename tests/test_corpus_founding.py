"""The founding paper shipped in corpus/ is exactly what `add_paper` writes for it."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.corpus.add import add_paper

from pipeline.corpus.papers import list_papers, load_paper

REPO_CORPUS = Path(__file__).resolve().parents[1] / "corpus"
FOUNDING_ID = "resilience-cooperatives-coree-maroc"
ORIGINAL_NAME = "000_77ed8c6b638e2aac.txt"


@pytest.fixture
def founding():
    if not (REPO_CORPUS / FOUNDING_ID).is_dir():
        pytest.skip(f"the founding paper is not in {REPO_CORPUS}")
    return load_paper(REPO_CORPUS, FOUNDING_ID)


def test_corpus_founding_paper_json_is_what_the_tool_writes(founding, tmp_path):
    original = tmp_path / ORIGINAL_NAME
    original.write_bytes(founding.source.read_bytes())
    again = add_paper(tmp_path / "corpus", original, paper_id=FOUNDING_ID, lang="fr")
    assert (again.path / "paper.json").read_bytes() == (founding.folder / "paper.json").read_bytes()


def test_corpus_founding_paper_invents_nothing(founding):
    # The text states no title, author or year: paper.json must not either.
    assert not {"title", "author", "issued"} & set(founding.csl)
    assert founding.language == "fr"


def test_corpus_repo_corpus_has_no_broken_folder():
    assert not [r.problem for r in list_papers(REPO_CORPUS) if r.problem]
