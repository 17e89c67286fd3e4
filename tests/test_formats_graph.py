"""Graph formats: each written, read back and compared; VOSviewer files in VOSviewer's layout."""

from __future__ import annotations

import io
from pathlib import Path

import networkx as nx
import pytest
from corpus_outputs import make_outputs

from pipeline.corpuslevel.paperdata import load_corpus

from pipeline.corpuslevel import graphformats as graphs
from pipeline.corpuslevel.graph import build_graph, project
from pipeline.corpuslevel.works import derive_works
from pipeline.errors import InputError


@pytest.fixture(scope="module")
def full(tmp_path_factory: pytest.TempPathFactory) -> nx.Graph:
    corpus, out = make_outputs(tmp_path_factory.mktemp("g"))
    papers = load_corpus(corpus, out)
    return project(build_graph(papers, derive_works(papers)), "all")


def _same(a: nx.Graph, b: nx.Graph) -> None:
    assert sorted(a.nodes) == sorted(b.nodes)
    for n in a.nodes:
        assert dict(a.nodes[n]) == dict(b.nodes[n]), n
    assert {frozenset(e) for e in a.edges} == {frozenset(e) for e in b.edges}
    for x, y, d in a.edges(data=True):
        assert dict(d) == dict(b.edges[x, y]), (x, y)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv"])
def test_formats_graph_round_trip_keeps_every_attribute(full: nx.Graph, fmt: str, tmp_path: Path) -> None:
    paths = graphs.export_graph(full, tmp_path / "all", [fmt])
    back = graphs.READERS[fmt](*paths)
    _same(full, back)


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json", "csv", "vosviewer"])
def test_formats_graph_bytes_do_not_depend_on_insertion_order(full: nx.Graph, fmt: str, tmp_path: Path) -> None:
    shuffled = nx.Graph(**full.graph)
    shuffled.add_nodes_from(reversed(list(full.nodes(data=True))))
    shuffled.add_edges_from((b, a, d) for a, b, d in reversed(list(full.edges(data=True))))
    one = [p.read_bytes() for p in graphs.export_graph(full, tmp_path / "one", [fmt])]
    two = [p.read_bytes() for p in graphs.export_graph(shuffled, tmp_path / "two", [fmt])]
    assert one == two


def test_formats_graph_gexf_has_no_date(full: nx.Graph) -> None:
    text = "".join(graphs.generate_gexf(full))
    assert "lastmodifieddate" not in text and "<gexf" in text


def test_formats_graph_vosviewer_layout(full: nx.Graph, tmp_path: Path) -> None:
    concepts = project(full, "concepts", min_weight=1)
    m, n = tmp_path / "map.txt", tmp_path / "network.txt"
    graphs.write_vosviewer(concepts, m, n)
    lines = m.read_text(encoding="utf-8").splitlines()
    assert lines[0].split("\t") == ["id", "label", "description", "cluster", "weight<Links>",
                                    "weight<Total link strength>", "weight<Occurrences>"]  # fmt: skip
    assert len(lines) == 1 + concepts.number_of_nodes()
    rows = [line.split("\t") for line in lines[1:]]
    assert [int(r[0]) for r in rows] == list(range(1, len(rows) + 1))
    assert all(1 <= int(r[3]) <= 1000 for r in rows)
    net = [line.split("\t") for line in n.read_text(encoding="utf-8").splitlines()]
    assert all(len(r) == 3 and float(r[2]) > 0 for r in net)
    assert len(net) == sum(1 for *_, d in concepts.edges(data=True) if d["weight"] > 0)
    back = graphs.read_vosviewer(m, n)
    labels = {back.nodes[i]["label"]: i for i in back}
    assert set(labels) == {d["label"] for _, d in concepts.nodes(data=True)}
    a, b = labels["resilience"], labels["training"]
    assert back.edges[a, b]["weight"] == concepts.edges["concept:resilience", "concept:training"]["weight"] == 3
    assert back.nodes[a]["weight<Occurrences>"] == concepts.nodes["concept:resilience"]["count"]
    assert back.nodes[a]["cluster"] == concepts.nodes["concept:resilience"]["cluster"]


def test_formats_graph_vosviewer_quotes_labels_with_commas() -> None:
    g = nx.Graph()
    g.add_node("work:x", label="Borzaga, Defourny, 2001", kind="work", count=2)
    g.add_node("work:y", label="Ostrom; 1990", kind="work", count=1)
    g.add_edge("work:x", "work:y", weight=2)
    m, n = graphs.generate_vosviewer(g)
    text = "".join(m)
    assert '\t"Borzaga, Defourny, 2001"\t' in text and '\t"Ostrom; 1990"\t' in text
    back = graphs.read_vosviewer(io.StringIO(text), io.StringIO("".join(n)))
    assert back.nodes[1]["label"] == "Borzaga, Defourny, 2001"


def test_formats_graph_read_refuses_a_network_link_to_a_missing_item() -> None:
    with pytest.raises(InputError, match="lacks"):
        graphs.read_vosviewer(io.StringIO("id\tlabel\tcluster\n1\ta\t1\n"), io.StringIO("1\t2\t1\n"))


def test_formats_graph_unknown_format(full: nx.Graph, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="unknown graph format"):
        graphs.export_graph(full, tmp_path / "x", ["pajek"])
