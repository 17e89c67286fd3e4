"""The scale benchmark's non-timing parts: the synthetic corpus, the child runner, the table rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

from pipeline.bench import scale as bs
from pipeline.bench import synthetic
from pipeline.corpus.papers import iter_papers
from pipeline.extract import extract


def test_synthetic_corpus_makes_n_distinct_valid_papers(tmp_path: Path) -> None:
    corpus = synthetic.synthetic_corpus(tmp_path / "a", 12, seed=3, words=300, pdf_every=5)
    papers = list(iter_papers(corpus))
    assert [p.id for p in papers] == [f"synth-{i:05d}" for i in range(12)]
    assert len({p.sha256 for p in papers}) == 12
    for p in papers:
        assert hashlib.sha256(p.source.read_bytes()).hexdigest() == p.sha256
    pdfs = [p for p in papers if p.source.suffix == ".pdf"]
    assert [p.id for p in pdfs] == ["synth-00004", "synth-00009"]
    assert {p.language for p in papers} == {"fr", "en"}
    assert not (tmp_path / "a" / "sources").exists()  # staging removed


def test_synthetic_corpus_is_deterministic_for_a_seed(tmp_path: Path, tree) -> None:
    one = synthetic.synthetic_corpus(tmp_path / "one", 6, seed=7, words=200, pdf_every=3)
    two = synthetic.synthetic_corpus(tmp_path / "two", 6, seed=7, words=200, pdf_every=3)
    other = synthetic.synthetic_corpus(tmp_path / "other", 6, seed=8, words=200, pdf_every=3)
    assert tree(one) == tree(two)
    assert tree(one) != tree(other)


def test_a_small_corpus_is_the_start_of_a_bigger_one(tmp_path: Path, tree) -> None:
    small = tree(synthetic.synthetic_corpus(tmp_path / "s", 3, words=200, pdf_every=0))
    big = tree(synthetic.synthetic_corpus(tmp_path / "b", 5, words=200, pdf_every=0))
    assert small.items() <= big.items()


def test_synthetic_papers_extract_with_sections_and_both_languages(tmp_path: Path) -> None:
    corpus = synthetic.synthetic_corpus(tmp_path / "c", 2, words=600, pdf_every=2)
    fr, en_pdf = list(iter_papers(corpus))
    text = extract(fr.source)
    roles = {s.role for s in text.sections}
    assert "references" in roles and "abstract" in roles
    assert {p.lang for p in text.paragraphs} >= {"fr", "en"}
    assert "Ostrom" in extract(en_pdf.source).text
    assert 400 < len(synthetic.paper_text(0, words=600)[0].split()) < 1200


def test_child_runs_the_snapshot_and_reports_counts_and_memory(tmp_path: Path) -> None:
    code = bs.snapshot_code(tmp_path / "code")  # fixed code: edits to the tree meanwhile change no cache key
    corpus = synthetic.synthetic_corpus(tmp_path / "c", 2, words=150, pdf_every=0)
    first = bs._child("child_run", corpus, tmp_path / "out", 1, code=code)
    again = bs._child("child_run", corpus, tmp_path / "out", 1, code=code)
    assert Path(first["code"]) == code / "pipeline"
    assert (first["processed"], first["cached"], first["failed"]) == (2, 0, 0)
    assert (again["processed"], again["cached"]) == (0, 2)
    assert again["spacy_imported"] is False  # a no-change rerun loads no model
    assert first["tree_peak_mb"] > 0 and first["self_peak_mb"] > 0


def test_rows_mark_targets_met_and_missed() -> None:
    figures = {
        "n": 10,
        "rerun_n": 5,
        "runs": {"1": {"seconds": 10.0, "papers_per_second": 1.0, "tree_peak_mb": 400.0},
                 "2": {"seconds": 8.0, "papers_per_second": 1.25, "tree_peak_mb": 2000.0}},
        "speedup_jobs2": 1.25,
        "rerun": {"again": {"process_seconds": 1.5, "seconds": 0.3}},
        "add_one": {"ratio": 1.1},
        "tagging": {"words_per_second": 900.0, "stage_seconds_per_paper": {"doc": 0.2, "rescorpus_citations": 0.01}},
        "reference": {"seconds_per_pdf": [0.24, 0.31], "machine": "4 CPUs / 8 threads"},
    }
    met = {r["figure"]: r["met"] for r in bs.rows(figures) if r["met"] is not None}
    assert met == {
        "peak memory --jobs 1 (process tree)": True,
        "peak memory --jobs 2 (process tree)": False,
        "speed-up --jobs 2 / --jobs 1": False,
        "no-change rerun, 5 papers (whole command)": True,
        "add 1 paper to 5 / that paper alone": True,
    }
    values = {r["figure"]: r["value"] for r in bs.rows(figures)}
    assert values["annotation: citations"] == 0.01 and values["tagging (annotation stage)"] == 900.0


def test_tagging_counts_words_and_times_each_layer(tmp_path: Path) -> None:
    corpus = synthetic.synthetic_corpus(tmp_path / "c", 2, words=150, pdf_every=0)
    result = bs.child_tagging(str(corpus), 5)
    assert result["papers"] == 2
    assert result["words"] == sum(len(extract(p.source).text.split()) for p in iter_papers(corpus))
    assert "doc" in result["stage_seconds"] and result["words_per_second"] > 0
