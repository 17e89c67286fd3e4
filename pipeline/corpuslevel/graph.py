"""One heterogeneous networkx graph of papers, concepts and cited works, and the maps projected from it.

Nodes are "paper:ID", "concept:ID" and "work:KEY" with a `kind` attribute.
Edges carry a `kind` too:
    mentions     paper - concept   count, share of the paper's concept mentions
    co_occurs    concept - concept sentences, paragraphs (raw counts), strength
                                   (VOSviewer association strength) and pmi, per unit
    cites        paper - work      callouts (in-text citations), references (entries)
    cited_with   work - concept    callouts in the same sentence as the concept
    co_cited     work - work       papers citing both, sentences citing both
Every edge has a `weight` (the raw count the maps filter on). Attributes are
scalars only, so GraphML, GEXF and VOSviewer keep them. Node and edge insertion
order is sorted and Louvain is seeded: two builds give the same graph.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from typing import Any
from itertools import combinations

import networkx as nx

from pipeline.corpuslevel.paperdata import PaperData

from pipeline.corpuslevel.works import Work, reference_index

SEED = 42
KINDS = ("concepts", "citations", "concept-works", "all")
DIGITS = 6
BETWEENNESS_EXACT = 200  # up to this many nodes betweenness is exact; above, estimated from
BETWEENNESS_PIVOTS = 100  # this many seeded pivot nodes (Brandes and Pich 2007): linear in the graph's size


def node_id(kind: str, ident: str) -> str:
    return f"{kind}:{ident}"


def _association(pairs: Counter, units: int, present: Counter) -> dict[tuple[str, str], tuple[float, float]]:
    """(association strength, PMI) per pair. Strength as VOSviewer: 2m c_ij / (c_i c_j), with c_i the
    total co-occurrences of i and m the total over pairs; PMI = log2(n_ij N / (n_i n_j)) over units."""
    total = sum(pairs.values())
    links: Counter = Counter()
    for (a, b), c in pairs.items():
        links[a] += c
        links[b] += c
    out = {}
    for (a, b), c in pairs.items():
        strength = 2 * total * c / (links[a] * links[b]) if c else 0.0
        pmi = math.log2(c * units / (present[a] * present[b])) if c else 0.0
        out[(a, b)] = (round(strength, DIGITS), round(pmi, DIGITS))
    return out


def build_graph(papers: Iterable[PaperData], works: Iterable[Work]) -> nx.Graph:
    """The heterogeneous graph of the given papers (the works they cite, the concepts they mention)."""
    from pipeline.corpuslevel.paperdata import digest_paper

    return graph_from_summaries([digest_paper(p).summary for p in papers], works)


def graph_from_summaries(summaries: Iterable[Mapping[str, Any]], works: Iterable[Work]) -> nx.Graph:
    """The same graph from the papers' cached summaries (pipeline.corpuslevel.paperdata): counts are only added up here."""
    papers = sorted(summaries, key=lambda p: p["id"])
    works = list(works)
    ref_work = reference_index(works)
    work_info = {w.key: w for w in works}
    mentions: dict[str, Counter] = {}
    sent_pairs: Counter = Counter()
    para_pairs: Counter = Counter()
    sent_present: Counter = Counter()
    para_present: Counter = Counter()
    n_sent = n_para = 0
    cites: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    cited_with: Counter = Counter()
    co_cited_papers: Counter = Counter()
    co_cited_sentences: Counter = Counter()

    for paper in papers:
        pid = paper["id"]
        mentions[pid] = Counter(paper["mentions"])
        n_sent += paper["n_sentences"]
        n_para += paper["n_paragraphs"]
        for pairs, present, p_rows, c_rows in ((sent_pairs, sent_present, paper["sent_pairs"], paper["sent_present"]),
                                               (para_pairs, para_present, paper["para_pairs"], paper["para_present"])):  # fmt: skip
            for a, b, n in p_rows:
                pairs[(a, b)] += n
            for a, n in c_rows:
                present[a] += n
        cited_here: set[str] = set()
        for span in paper["work_spans"]:
            if span["layer"] == "reference":
                key = ref_work.get((pid, str(span.get("id", ""))))
                if key:
                    cites[(pid, key)][1] += 1
                    cited_here.add(key)
        for span in paper["work_spans"]:
            key = ref_work.get((pid, str(span.get("target", "")))) if span["layer"] == "citation" else None
            if key:
                cites[(pid, key)][0] += 1
        co_cited_papers.update(combinations(sorted(cited_here), 2))
        for targets, labels in paper["cite_groups"]:
            keys = sorted({ref_work[(pid, t)] for t in targets if (pid, t) in ref_work})
            cited_with.update((k, lab) for k in keys for lab in labels)
            co_cited_sentences.update(combinations(keys, 2))

    g = nx.Graph(name="rescorpus")
    totals: Counter = Counter()
    for counts in mentions.values():
        totals.update(counts)
    for paper in papers:
        attrs = {"kind": "paper", "label": paper["id"], "title": paper["title"], "lang": paper["lang"],
                 "count": sum(mentions[paper["id"]].values())}  # fmt: skip
        if paper["year"] is not None:
            attrs["year"] = paper["year"]
        g.add_node(node_id("paper", paper["id"]), **attrs)
    papers_with_n = Counter(k for c in mentions.values() for k, n in c.items() if n)
    for concept in sorted(totals):
        papers_with = papers_with_n[concept]
        g.add_node(node_id("concept", concept), kind="concept", label=concept, count=totals[concept], papers=papers_with)
    citing_by: dict[str, list[str]] = defaultdict(list)
    for p, k in sorted(cites):
        citing_by[k].append(p)
    used = sorted(set(citing_by) | {k for k, _ in cited_with})
    for key in used:
        w = work_info[key]
        citing = citing_by.get(key, [])
        attrs = {"kind": "work", "label": w.label, "authors": "; ".join(w.authors), "title": w.title, "doi": w.doi,
                 "count": len(citing), "callouts": sum(cites[(p, key)][0] for p in citing)}  # fmt: skip
        if w.year[:4].isdigit():  # "n.d." works have no year: one type per attribute for GraphML and GEXF
            attrs["year"] = int(w.year[:4])
        g.add_node(node_id("work", key), **{k: v for k, v in attrs.items() if v != ""})

    for pid in sorted(mentions):
        total = sum(mentions[pid].values())
        for concept, n in sorted(mentions[pid].items()):
            g.add_edge(node_id("paper", pid), node_id("concept", concept), kind="mentions", weight=n,
                       count=n, share=round(n / total, DIGITS))  # fmt: skip
    sent_assoc = _association(sent_pairs, n_sent, sent_present)
    para_assoc = _association(para_pairs, n_para, para_present)
    for a, b in sorted(set(sent_pairs) | set(para_pairs)):
        s_strength, s_pmi = sent_assoc.get((a, b), (0.0, 0.0))
        p_strength, p_pmi = para_assoc.get((a, b), (0.0, 0.0))
        g.add_edge(node_id("concept", a), node_id("concept", b), kind="co_occurs", weight=sent_pairs[(a, b)],
                   sentences=sent_pairs[(a, b)], paragraphs=para_pairs[(a, b)], strength=s_strength, pmi=s_pmi,
                   paragraph_strength=p_strength, paragraph_pmi=p_pmi)  # fmt: skip
    for (pid, key), (n_call, n_ref) in sorted(cites.items()):
        g.add_edge(node_id("paper", pid), node_id("work", key), kind="cites", weight=n_call, callouts=n_call,
                   references=n_ref)  # fmt: skip
    for (key, concept), n in sorted(cited_with.items()):
        g.add_edge(node_id("work", key), node_id("concept", concept), kind="cited_with", weight=n, callouts=n)
    for a, b in sorted(set(co_cited_papers) | set(co_cited_sentences)):
        g.add_edge(node_id("work", a), node_id("work", b), kind="co_cited", weight=co_cited_papers[(a, b)],
                   papers=co_cited_papers[(a, b)], sentences=co_cited_sentences[(a, b)])  # fmt: skip
    return g


PROJECTIONS: Mapping[str, tuple[frozenset[str], frozenset[str]]] = {
    # kind -> (node kinds kept, edge kinds kept)
    "concepts": (frozenset({"concept"}), frozenset({"co_occurs"})),
    "citations": (frozenset({"paper", "work"}), frozenset({"cites", "co_cited"})),
    "concept-works": (frozenset({"concept", "work"}), frozenset({"cited_with"})),
    "all": (frozenset({"paper", "concept", "work"}), frozenset({"mentions", "co_occurs", "cites", "cited_with", "co_cited"})),
}


def project(g: nx.Graph, kind: str, min_weight: float = 0) -> nx.Graph:
    """A projection of the graph (see PROJECTIONS), edges below `min_weight` dropped, then
    communities and centralities added as node attributes."""
    if kind not in PROJECTIONS:
        raise ValueError(f"unknown graph kind {kind!r}")
    nodes, edges = PROJECTIONS[kind]
    sub = nx.Graph(name=f"rescorpus {kind}")
    for n, attrs in g.nodes(data=True):
        if attrs["kind"] in nodes:
            sub.add_node(n, **attrs)
    for a, b, attrs in g.edges(data=True):
        if attrs["kind"] in edges and attrs["weight"] >= min_weight and (attrs["weight"] > 0 or kind == "citations"):
            sub.add_edge(a, b, **attrs)
    if kind == "concept-works":  # works and concepts that never meet are noise on that map
        sub.remove_nodes_from([n for n in sorted(sub.nodes) if sub.degree(n) == 0])
    annotate_structure(sub)
    return sub


def annotate_structure(g: nx.Graph) -> None:
    """Louvain communities (fixed seed, numbered by size) and centralities, as node attributes."""
    if g.number_of_nodes() == 0:
        return
    weighted = nx.Graph()
    weighted.add_nodes_from(sorted(g.nodes))
    for a, b, d in sorted((min(a, b), max(a, b), d) for a, b, d in g.edges(data=True)):
        weighted.add_edge(a, b, weight=max(float(d["weight"]), 1e-9))
    communities = nx.community.louvain_communities(weighted, weight="weight", seed=SEED)
    ordered = sorted((sorted(c) for c in communities), key=lambda c: (-len(c), c[0]))
    degree = nx.degree_centrality(weighted) if len(weighted) > 1 else {n: 0.0 for n in weighted}
    k = BETWEENNESS_PIVOTS if len(weighted) > BETWEENNESS_EXACT else None
    between = nx.betweenness_centrality(weighted, k=k, normalized=True, seed=SEED)
    for number, members in enumerate(ordered, start=1):
        for n in members:
            g.nodes[n]["cluster"] = number
    for n in sorted(g.nodes):
        g.nodes[n]["degree"] = g.degree(n)
        g.nodes[n]["strength"] = float(round(sum(float(d["weight"]) for _, _, d in g.edges(n, data=True)), DIGITS))
        g.nodes[n]["degree_centrality"] = round(degree[n], DIGITS)
        g.nodes[n]["betweenness"] = round(between[n], DIGITS)


def concept_neighbours(g: nx.Graph, concept: str, top: int = 5) -> list[tuple[str, int]]:
    """The concepts most often in the same sentence as `concept`, with the counts."""
    n = node_id("concept", concept)
    if n not in g:
        return []
    pairs = [(g.nodes[m]["label"], d["sentences"]) for m, d in g[n].items() if d.get("kind") == "co_occurs" and d["sentences"]]
    return sorted(pairs, key=lambda x: (-x[1], x[0]))[:top]
