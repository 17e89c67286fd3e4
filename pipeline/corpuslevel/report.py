"""outputs/report/index.html: one self-contained page (Plotly's JavaScript inline, no network), and PNGs.

The page holds the corpus table, concept frequencies per paper and per
language, the interactive concept map (hover: count and top co-occurring
concepts; click: the sentences), the citation graph, the most cited works and
the evaluation summary. Every id and seed is fixed and no date is written, so
the same outputs give the same bytes; the PNGs (matplotlib) carry no metadata.
"""

from __future__ import annotations

import html
import io
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from pipeline.corpuslevel.graph import SEED, concept_neighbours
from pipeline.corpuslevel.paperdata import SENTENCES_PER_CONCEPT
from pipeline.corpuslevel.works import Work, most_cited
from pipeline.files import atomic_write_bytes, atomic_write_text

PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f")
KIND_COLOURS = {"paper": "#444444", "work": "#1f77b4"}
TOP_MAP_NODES = 300  # the citation graph drawn (page and PNG): its most connected nodes
PNG_LABELS = 60  # labels on a static map: the most frequent nodes (the page shows every label on hover)
TOP_WORKS = 30
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True, "scrollZoom": True}


def layout(g: nx.Graph) -> dict[str, tuple[float, float]]:
    """Node positions from a seeded spring layout, rounded so that files do not carry float noise."""
    if g.number_of_nodes() == 0:
        return {}
    ordered = nx.Graph()
    ordered.add_nodes_from(sorted(g.nodes))
    ordered.add_edges_from(sorted((min(a, b), max(a, b), {"weight": float(d["weight"]) or 0.1}) for a, b, d in g.edges(data=True)))
    pos = nx.spring_layout(ordered, seed=SEED, weight="weight", k=1.5 / max(len(ordered), 1) ** 0.5)
    return {n: (round(float(x), 4), round(float(y), 4)) for n, (x, y) in pos.items()}


def _colour(attrs: Mapping[str, Any]) -> str:
    if attrs.get("kind") == "concept":
        return PALETTE[(int(attrs.get("cluster", 1)) - 1) % len(PALETTE)]
    return KIND_COLOURS.get(attrs.get("kind", ""), "#999999")


def bounded(g: nx.Graph, top: int) -> nx.Graph:
    """The map as drawn: at most `top` nodes, the most connected ones (ties by id), so figures stay readable and fast."""
    if g.number_of_nodes() <= top:
        return g
    keep = sorted(g.nodes, key=lambda n: (-g.degree(n), n))[:top]
    return g.subgraph(sorted(keep)).copy()


def _network_figure(g: nx.Graph, title: str, hover: Mapping[str, str], pos: Mapping[str, tuple[float, float]]):
    import plotly.graph_objects as go

    ex: list[float | None] = []
    ey: list[float | None] = []
    for a, b in sorted((min(a, b), max(a, b)) for a, b in g.edges):
        ex += [pos[a][0], pos[b][0], None]
        ey += [pos[a][1], pos[b][1], None]
    nodes = sorted(g.nodes)
    counts = [g.nodes[n].get("count", 1) or 1 for n in nodes]
    top = max(counts, default=1)
    fig = go.Figure(
        [
            go.Scatter(x=ex, y=ey, mode="lines", line={"width": 0.6, "color": "#bbbbbb"}, hoverinfo="skip", name="links"),
            go.Scatter(
                x=[pos[n][0] for n in nodes], y=[pos[n][1] for n in nodes], mode="markers+text",
                text=[_shown_label(g.nodes[n]) for n in nodes], textposition="top center",
                customdata=nodes, hovertext=[hover.get(n, n) for n in nodes], hoverinfo="text",
                marker={"size": [10 + 30 * (c / top) ** 0.5 for c in counts], "color": [_colour(g.nodes[n]) for n in nodes],
                        "line": {"width": 1, "color": "#ffffff"}},
                name="nodes",
            ),
        ]
    )  # fmt: skip
    fig.update_layout(title=title, showlegend=False, template="plotly_white", height=650, hovermode="closest",
                      margin={"l": 10, "r": 10, "t": 40, "b": 10}, dragmode="pan",
                      xaxis={"visible": False}, yaxis={"visible": False})  # fmt: skip
    return fig


def _shown_label(attrs: Mapping[str, Any]) -> str:
    """Concepts and papers are labelled on the map; a work only when several papers cite it (hover shows the rest)."""
    if attrs.get("kind") == "work" and attrs.get("count", 0) < 2:
        return ""
    return str(attrs.get("label", ""))[:30]


def concept_hover(g: nx.Graph) -> dict[str, str]:
    out = {}
    for n, d in g.nodes(data=True):
        with_ = ", ".join(f"{html.escape(lab)} ({c})" for lab, c in concept_neighbours(g, d["label"]))
        out[n] = (f"<b>{html.escape(d['label'])}</b><br>{d.get('count', 0)} mentions in {d.get('papers', 0)} papers"
                  f"<br>cluster {d.get('cluster', '')}<br>with: {with_ or 'none'}")  # fmt: skip
    return out


# In a <script> element the HTML parser reacts to "</script", "<!--" and "<script" whatever the JSON means;
# "&" and ">" are escaped too so the block is also safe in XHTML, U+2028/9 for old JavaScript parsers.
SCRIPT_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(data: Any) -> str:
    """`data` as JSON that can sit inside an HTML <script> element: no character there can end or comment it."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True).translate(SCRIPT_ESCAPES)


def concept_sentences(papers: Sequence[Mapping[str, Any]]) -> dict[str, list[list[str]]]:
    """Per concept, the sentences [paper, text] that mention it, in corpus order, at most SENTENCES_PER_CONCEPT."""
    out: dict[str, list[list[str]]] = {}
    for p in papers:
        for label, texts in p["sentences"].items():
            bucket = out.setdefault(label, [])
            for text in texts:
                item = [p["id"], text]
                if len(bucket) < SENTENCES_PER_CONCEPT and item not in bucket:
                    bucket.append(item)
    return dict(sorted(out.items()))


def _frequency_figures(papers: Sequence[Mapping[str, Any]]):
    import plotly.graph_objects as go

    concepts = sorted({c for p in papers for c in p["mentions"]})
    heat = go.Figure(go.Heatmap(z=[[p["mentions"].get(c, 0) for p in papers] for c in concepts], x=[p["id"] for p in papers],
                                y=concepts, colorscale="Blues", hovertemplate="%{y} in %{x}: %{z}<extra></extra>"))  # fmt: skip
    heat.update_layout(title="Concept mentions per paper", template="plotly_white", height=max(300, 22 * len(concepts) + 120))
    langs: dict[str, Counter] = {}
    for p in papers:
        for lang, counts in p["lang_counts"].items():
            langs.setdefault(lang, Counter()).update(counts)
    bars = go.Figure([go.Bar(name=lang, x=concepts, y=[c[k] for k in concepts]) for lang, c in sorted(langs.items())])
    bars.update_layout(title="Concept mentions per language (of the paragraph)", barmode="group", template="plotly_white", height=420)
    return heat, bars


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]], cls: str = "") -> str:
    th = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if c is None else str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="{cls}"><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>'


def _evaluation(evaluation: Mapping[str, Any] | None) -> str:
    if not evaluation:
        return "<p>No evaluation in these outputs: run <code>rescorpus eval</code> to score the layers against the gold set.</p>"
    micro = evaluation.get("micro", evaluation)
    rows = []
    for layer, lr in sorted(micro.get("layers", {}).items()):
        if lr.get("scored"):
            rows.append([layer, lr["n_gold"], lr["n_predicted"], *(f"{100 * lr[m][k]:.1f}" for m in ("strict", "overlap") for k in ("precision", "recall", "f1"))])
    head = ["layer", "gold", "predicted", "strict P", "strict R", "strict F1", "overlap P", "overlap R", "overlap F1"]
    links = micro.get("links", {})
    tail = f"<p>Citation links: {100 * links['accuracy']:.1f}% ({links['correct']} of {links['total']}).</p>" if links.get("total") else ""
    return _table(head, rows) + tail


CSS = """body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:1200px;color:#222;padding:0 1em}
table{border-collapse:collapse;font-size:.9em;margin:.5em 0}td,th{border-bottom:1px solid #ddd;padding:.25em .6em;text-align:left}
th{background:#f4f4f4}#sentences{max-height:22em;overflow:auto;border:1px solid #ddd;padding:.5em;font-size:.9em}
#sentences li{margin:.3em 0}.paper{color:#666;font-size:.85em}h2{margin-top:1.6em}"""

CLICK_JS = """(function(){var data=JSON.parse(document.getElementById('concept-sentences').textContent);
var map=document.getElementById('concept-map'),box=document.getElementById('sentences');
if(!map||!map.on)return;map.on('plotly_click',function(ev){var p=ev.points[0];if(!p||p.customdata===undefined)return;
var label=String(p.customdata).replace(/^concept:/,'');var items=data[label]||[];box.innerHTML='';
var h=document.createElement('p');h.textContent=label+': '+items.length+' sentence(s)';box.appendChild(h);
var ul=document.createElement('ul');items.forEach(function(it){var li=document.createElement('li');
var s=document.createElement('span');s.className='paper';s.textContent=it[0]+' ';li.appendChild(s);
li.appendChild(document.createTextNode(it[1]));ul.appendChild(li);});box.appendChild(ul);});})();"""


def render_html(
    papers: Sequence[Mapping[str, Any]], works: Sequence[Work], concept_map: nx.Graph, citations: nx.Graph,
    evaluation: Mapping[str, Any] | None = None, positions: Mapping[str, Mapping[str, tuple[float, float]]] | None = None,
) -> str:  # fmt: skip
    """The whole page as one string, from the papers' summaries (pipeline.corpuslevel.paperdata) and the two maps."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    def div(fig, ident: str) -> str:
        return pio.to_html(fig, include_plotlyjs=False, full_html=False, div_id=ident, config=PLOTLY_CONFIG)

    corpus_rows = [[p["id"], p["year"], p["lang"], p["title"], p["n_sentences"], p["n_concepts"], p["n_citations"],
                    p["n_references"]] for p in papers]  # fmt: skip
    positions = positions or {}
    shown = bounded(citations, TOP_MAP_NODES)
    cpos = positions.get("citations") or layout(shown)
    mpos = positions.get("concepts") or layout(concept_map)
    heat, bars = _frequency_figures(papers)
    cmap = _network_figure(concept_map, f"Concept map: {concept_map.number_of_nodes()} concepts, co-occurrence in a sentence", concept_hover(concept_map), mpos)
    chover = {n: f"<b>{html.escape(str(d.get('label', n)))}</b><br>{d['kind']}" + (f", cited by {d.get('count', 0)} papers" if d["kind"] == "work" else "")
              for n, d in citations.nodes(data=True)}  # fmt: skip
    more = f" (the {TOP_MAP_NODES} most connected shown)" if shown is not citations else ""
    cgraph = _network_figure(shown, f"Citation graph: {sum(1 for _, d in citations.nodes(data=True) if d['kind'] == 'paper')} papers, "
                             f"{sum(1 for _, d in citations.nodes(data=True) if d['kind'] == 'work')} cited works{more}", chover, cpos)  # fmt: skip
    work_rows = [[w.papers, w.label, w.title, w.doi] for w in most_cited(works, TOP_WORKS)]
    sentences = script_json(concept_sentences(papers))
    n_concepts = len({c for p in papers for c in p["mentions"]})
    parts = [
        "<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">', "<title>rescorpus report</title>",
        f"<style>{CSS}</style>", f"<script>{get_plotlyjs()}</script>", "</head><body>",
        "<h1>rescorpus report</h1>",
        f"<p>{len(papers)} papers, {n_concepts} concepts, {len(works)} cited works. Static figures beside this page: "
        '<a href="concept-map.png">concept-map.png</a>, <a href="citation-graph.png">citation-graph.png</a>.</p>',
        "<h2>Corpus</h2>", _table(["id", "year", "lang", "title", "sentences", "concepts", "citations", "references"], corpus_rows, "corpus"),
        "<h2>Concept frequencies</h2>", div(heat, "concept-heatmap"), div(bars, "concept-languages"),
        "<h2>Concept map</h2><p>Drag to pan, scroll to zoom; hover a concept for its count and neighbours; click it to list its sentences.</p>",
        div(cmap, "concept-map"), '<div id="sentences"><p>Click a concept on the map.</p></div>',
        f'<script type="application/json" id="concept-sentences">{sentences}</script>', f"<script>{CLICK_JS}</script>",
        "<h2>Citation graph</h2>", div(cgraph, "citation-graph"),
        "<h2>Most cited works</h2>", _table(["papers citing", "work", "title", "doi"], work_rows, "works"),
        "<h2>Evaluation</h2>", _evaluation(evaluation), "</body></html>",
    ]  # fmt: skip
    return "\n".join(parts) + "\n"


def render_png(g: nx.Graph, title: str, pos: Mapping[str, tuple[float, float]] | None = None) -> bytes:
    """A static drawing of a map (matplotlib, Agg), with no date or software name in the file."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure

    pos = pos if pos is not None else layout(g)
    fig = Figure(figsize=(10, 8), dpi=120)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.set_title(title)
    ax.set_axis_off()
    top = max((float(d["weight"]) for *_, d in g.edges(data=True)), default=1.0) or 1.0
    edges = sorted((min(a, b), max(a, b), d) for a, b, d in g.edges(data=True))
    ax.add_collection(LineCollection([[pos[a], pos[b]] for a, b, _ in edges], colors="#bbbbbb", zorder=1,
                                     linewidths=[0.5 + 3 * float(d["weight"]) / top for *_, d in edges]))  # fmt: skip
    nodes = sorted(g.nodes)
    counts = [g.nodes[n].get("count", 1) or 1 for n in nodes]
    cmax = max(counts, default=1)
    ax.scatter([pos[n][0] for n in nodes], [pos[n][1] for n in nodes], s=[60 + 900 * (c / cmax) for c in counts],
               c=[_colour(g.nodes[n]) for n in nodes], edgecolors="white", zorder=2)  # fmt: skip
    labelled = set(sorted(nodes, key=lambda n: (-(g.nodes[n].get("count", 1) or 1), n))[:PNG_LABELS])
    for n in (n for n in nodes if n in labelled):
        ax.annotate(_shown_label(g.nodes[n]), pos[n], fontsize=8, ha="center", va="bottom",
                    xytext=(0, 6), textcoords="offset points", zorder=3)  # fmt: skip
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return buf.getvalue()


def write_report(
    folder: Path, papers: Sequence[Mapping[str, Any]], works: Sequence[Work], concept_map: nx.Graph, citations: nx.Graph,
    evaluation: Mapping[str, Any] | None = None,
) -> list[Path]:  # fmt: skip
    """Write index.html, concept-map.png and citation-graph.png into `folder`; return their paths.

    `papers` are the papers' summaries (pipeline.corpuslevel.paperdata); each map is laid out once for the page and its PNG."""
    folder = Path(folder)
    index = folder / "index.html"
    shown = bounded(citations, TOP_MAP_NODES)
    positions = {"concepts": layout(concept_map), "citations": layout(shown)}
    atomic_write_text(index, render_html(papers, works, concept_map, citations, evaluation, positions))
    pngs = {folder / "concept-map.png": render_png(concept_map, "Concept co-occurrence map", positions["concepts"]),
            folder / "citation-graph.png": render_png(shown, "Citation graph (papers in grey, cited works in blue)",
                                                      positions["citations"])}  # fmt: skip
    for path, data in pngs.items():
        atomic_write_bytes(path, data)
    return [index, *pngs]
