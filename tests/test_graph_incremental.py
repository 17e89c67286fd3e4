"""The corpus stage's per-paper cache: only changed papers are digested again, and the bytes never depend on it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import networkx as nx
from corpus_outputs import PAPERS, make_outputs, write_paper

from pipeline.corpuslevel.aggregate import build_corpus_outputs
from pipeline.corpuslevel.graph import annotate_structure
from pipeline.corpuslevel.paperdata import CACHE_DIR, Paragraph, load_digests, split_sentences
from pipeline.spans import Span


def _hashes(out: Path, paths: list[Path]) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_graph_incremental_add_one_paper_gives_the_scratch_bytes(tmp_path: Path) -> None:
    corpus, out = make_outputs(tmp_path / "inc", PAPERS[:1])
    build_corpus_outputs(corpus, out)
    write_paper(corpus, out, PAPERS[1])  # a paper added after the first build
    incremental = _hashes(out, build_corpus_outputs(corpus, out))
    corpus2, out2 = make_outputs(tmp_path / "scratch")
    scratch = _hashes(out2, build_corpus_outputs(corpus2, out2))
    assert incremental == scratch
    assert len(scratch) > 20  # works, every graph file, the database, the page and its PNGs
    assert load_digests(corpus, out).computed == ()  # everything is cached now


def test_graph_incremental_only_the_edited_paper_is_digested_again(tmp_path: Path) -> None:
    corpus, out = make_outputs(tmp_path)
    assert load_digests(corpus, out).computed == ("alpha-fr", "beta-en")
    ann = out / "annotations" / "beta-en.jsonl"
    lines = ann.read_text(encoding="utf-8").splitlines(keepends=True)
    ann.write_text("".join(line for line in lines if '"networking"' not in line), encoding="utf-8")
    digests = load_digests(corpus, out)
    assert digests.computed == ("beta-en",)
    beta = next(s for s in digests.summaries if s["id"] == "beta-en")
    assert "networking" not in beta["mentions"]


def test_graph_incremental_lost_or_stale_cache_changes_no_byte(tmp_path: Path) -> None:
    corpus, out = make_outputs(tmp_path)
    first = _hashes(out, build_corpus_outputs(corpus, out))
    (out / CACHE_DIR / "alpha-fr.rows.json").unlink()  # rows gone: recomputed while streaming
    (out / CACHE_DIR / "beta-en.summary.json").write_text("{not json", encoding="utf-8")
    assert _hashes(out, build_corpus_outputs(corpus, out)) == first
    shutil.rmtree(out / CACHE_DIR)
    assert _hashes(out, build_corpus_outputs(corpus, out)) == first


def test_graph_incremental_removed_paper_leaves_no_cache(tmp_path: Path) -> None:
    corpus, out = make_outputs(tmp_path)
    load_digests(corpus, out)
    shutil.rmtree(corpus / "beta-en")
    load_digests(corpus, out)
    assert sorted(p.name for p in (out / CACHE_DIR).iterdir()) == ["alpha-fr.rows.json", "alpha-fr.summary.json"]


def test_graph_sentences_never_cut_inside_nested_or_chained_spans() -> None:
    text = "Un mot. Deux mots. Trois mots. Quatre mots. Cinq mots."
    para = (Paragraph(0, len(text), "body", "fr", "body"),)

    def span(first: str, last: str) -> Span:
        start, end = text.index(first), text.index(last) + len(last)
        return Span("concept", "c", start, end, text[start:end])

    keep = [span("mot.", "Trois"), span("Deux", "mots"), span("Quatre", "mots. Cinq")]  # two cuts, nested, apart
    cuts = [text[s.start : s.end] for s in split_sentences(text, para, keep)]
    assert cuts == ["Un mot. Deux mots. Trois mots.", "Quatre mots. Cinq mots."]


def test_graph_betweenness_on_a_big_graph_is_sampled_and_seeded() -> None:
    def graph() -> nx.Graph:
        g = nx.barabasi_albert_graph(400, 2, seed=1)
        g = nx.relabel_nodes(g, {n: f"n{n:03d}" for n in g})
        nx.set_edge_attributes(g, 1, "weight")
        annotate_structure(g)
        return g

    a, b = graph(), graph()
    assert nx.get_node_attributes(a, "betweenness") == nx.get_node_attributes(b, "betweenness")
    hub = max(a.nodes, key=a.degree)
    assert a.nodes[hub]["betweenness"] == max(nx.get_node_attributes(a, "betweenness").values()) > 0


def test_graph_files_written_by_two_processes_are_the_same_bytes(tmp_path: Path) -> None:
    corpus, out = make_outputs(tmp_path / "one")
    one = _hashes(out, build_corpus_outputs(corpus, out, jobs=1))
    corpus2, out2 = make_outputs(tmp_path / "two")
    two = _hashes(out2, build_corpus_outputs(corpus2, out2, jobs=2))
    assert two == one and len(one) > 20
