"""The heterogeneous graph: counts, association measures, projections, seeded communities, filters."""

from __future__ import annotations

import math
from pathlib import Path

import networkx as nx
import pytest
from corpus_outputs import PAPERS, make_outputs

from pipeline.corpuslevel.paperdata import Paragraph, load_corpus, select_papers, split_sentences

from pipeline.corpuslevel.graph import build_graph, concept_neighbours, project
from pipeline.corpuslevel.works import derive_works
from pipeline.errors import InputError


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory):
    corpus, out = make_outputs(tmp_path_factory.mktemp("g"))
    papers = load_corpus(corpus, out)
    works = derive_works(papers)
    return papers, works, build_graph(papers, works)


def test_graph_sentences_do_not_end_at_abbreviations_or_inside_spans() -> None:
    text = "Selon Borzaga et al. (2009), p. 12. La gouvernance compte. M. Dupont le dit ! Voilà."
    para = (Paragraph(0, len(text), "body", "fr", "body"),)
    cuts = [text[s.start : s.end] for s in split_sentences(text, para)]
    assert cuts == ["Selon Borzaga et al. (2009), p. 12.", "La gouvernance compte.", "M. Dupont le dit !", "Voilà."]


def test_graph_nodes_and_mentions(data) -> None:
    papers, works, g = data
    kinds = nx.get_node_attributes(g, "kind")
    assert sorted(n for n, k in kinds.items() if k == "paper") == ["paper:alpha-fr", "paper:beta-en"]
    assert g.nodes["concept:governance"]["count"] == 4 and g.nodes["concept:governance"]["papers"] == 2
    e = g.edges["paper:alpha-fr", "concept:resilience"]
    assert (e["kind"], e["count"]) == ("mentions", 3)
    assert e["share"] == round(3 / len(PAPERS[0].concepts), 6)


def test_graph_co_occurrence_counts_and_association(data) -> None:
    papers, _, g = data
    e = g.edges["concept:resilience", "concept:training"]
    # sentences holding both: "La formation ... résilience ... crise.", "Cooperative resilience ... training.",
    # "Resilience needs networking and training."
    assert (e["sentences"], e["paragraphs"], e["weight"]) == (3, 3, 3)
    tech = g.edges["concept:diversification", "concept:technology"]
    assert (tech["sentences"], tech["paragraphs"]) == (0, 1)
    # PMI from the sentence counts: log2(n_ij * N / (n_i * n_j))
    n = sum(len(p.sentences) for p in papers)
    with_res = with_tr = 0
    for p in papers:
        for s in p.sentences:
            labels = {c.label for c in p.layer("concept") if s.start <= c.start < s.end}
            with_res += "resilience" in labels
            with_tr += "training" in labels
    assert e["pmi"] == round(math.log2(3 * n / (with_res * with_tr)), 6)
    # association strength: 2m c_ij / (c_i c_j) over the sentence co-occurrence counts
    co = {(a, b): d["sentences"] for a, b, d in g.edges(data=True) if d["kind"] == "co_occurs"}
    m = sum(co.values())
    total = lambda x: sum(c for pair, c in co.items() if x in pair)  # noqa: E731
    expected = 2 * m * 3 / (total("concept:resilience") * total("concept:training"))
    assert e["strength"] == round(expected, 6)


def test_graph_citations_works_and_co_citation(data) -> None:
    _, works, g = data
    ostrom = "work:ostrom-1990-governing-commons"
    assert g.nodes[ostrom]["count"] == 2 and g.nodes[ostrom]["callouts"] == 2
    assert g.edges["paper:beta-en", ostrom]["callouts"] == 1
    holling = "work:doi:10.1146/annurev.es.04.110173.000245"
    assert g.edges[holling, ostrom]["kind"] == "co_cited"
    assert (g.edges[holling, ostrom]["papers"], g.edges[holling, ostrom]["sentences"]) == (1, 1)
    # "Ostrom, 1990" is in the sentence with résilience, coopératives and gouvernance démocratique (alpha) and
    # with Cooperatives, crisis, governance (beta)
    assert g.edges[ostrom, "concept:governance"]["callouts"] == 2
    assert g.edges[ostrom, "concept:crisis"]["callouts"] == 1
    assert not g.has_edge(ostrom, "concept:technology")


def test_graph_projections_keep_their_kinds(data) -> None:
    _, _, g = data
    concepts = project(g, "concepts", min_weight=1)
    assert {d["kind"] for _, d in concepts.nodes(data=True)} == {"concept"}
    assert all(d["weight"] >= 1 for *_, d in concepts.edges(data=True))
    assert concepts.number_of_nodes() == sum(1 for _, d in g.nodes(data=True) if d["kind"] == "concept")
    citations = project(g, "citations")
    assert {d["kind"] for *_, d in citations.edges(data=True)} == {"cites", "co_cited"}
    cw = project(g, "concept-works")
    assert {d["kind"] for *_, d in cw.edges(data=True)} == {"cited_with"}
    for sub in (concepts, citations, cw):
        assert all("cluster" in d and "betweenness" in d and "degree_centrality" in d for _, d in sub.nodes(data=True))


def test_graph_communities_are_the_same_every_time(data) -> None:
    papers, works, g = data
    first = nx.get_node_attributes(project(g, "all"), "cluster")
    again = nx.get_node_attributes(project(build_graph(list(reversed(papers)), works), "all"), "cluster")
    assert first == again
    assert min(first.values()) == 1


def test_graph_neighbours_for_hover(data) -> None:
    _, _, g = data
    top = concept_neighbours(g, "resilience", top=2)
    assert top[0] == ("training", 3)


def test_graph_filters_select_papers(data) -> None:
    papers, works, _ = data
    fr = select_papers(papers, lang="fr")
    assert [p.id for p in fr] == ["alpha-fr"]
    assert [p.id for p in select_papers(papers, since=2015)] == ["beta-en"]
    g = build_graph(fr, works)
    assert "paper:beta-en" not in g and "work:doi:10.1146/annurev.es.04.110173.000245" not in g
    assert g.nodes["concept:governance"]["count"] == 3
    with pytest.raises(InputError, match="unknown paper"):
        select_papers(papers, ids=["nope"])


def test_graph_works_file_is_used_when_present(tmp_path: Path) -> None:
    from pipeline.corpuslevel.works import read_works, works_lines

    corpus, out = make_outputs(tmp_path)
    papers = load_corpus(corpus, out)
    (out / "works.jsonl").write_text(works_lines(derive_works(papers)).replace("ostrom-1990-governing-commons", "W1"))
    works = read_works(out / "works.jsonl")
    assert "work:W1" in build_graph(papers, works)
