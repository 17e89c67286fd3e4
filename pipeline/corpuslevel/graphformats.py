"""Graph formats, each as generate/write/read: GraphML, GEXF (Gephi), node-link JSON, VOSviewer, CSV.

`generate_*` yields the file's text in pieces, `write_*` takes a path (written
atomically) or an open text file, `read_*` gives a networkx graph back. Output
bytes depend on the graph only: sorted nodes and edges, no dates.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

import networkx as nx

from pipeline.errors import InputError
from pipeline.files import atomic_write_text

PathOrFile = str | Path | IO[str]
FORMATS = ("graphml", "gexf", "json", "vosviewer", "csv")


def _emit(chunks: Iterable[str], path_or_file: PathOrFile) -> None:
    content = "".join(chunks)
    if isinstance(path_or_file, (str, Path)):
        atomic_write_text(Path(path_or_file), content)
    else:
        path_or_file.write(content)


def _text(path_or_file: PathOrFile) -> str:
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        if not path.exists():
            raise InputError(f"{path}: no such file; check the path")
        return path.read_text(encoding="utf-8")
    return path_or_file.read()


def sorted_graph(g: nx.Graph) -> nx.Graph:
    """A copy with nodes and edges in sorted order (edge ends ordered too): the order every file uses."""
    out = nx.Graph(**g.graph)
    out.add_nodes_from(sorted(g.nodes(data=True), key=lambda x: x[0]))
    out.add_edges_from(sorted(((min(a, b), max(a, b), d) for a, b, d in g.edges(data=True)), key=lambda e: e[:2]))
    return out


# --- GraphML ------------------------------------------------------------------


def generate_graphml(g: nx.Graph) -> Iterator[str]:
    for line in nx.generate_graphml(sorted_graph(g)):
        yield line + "\n"


def write_graphml(g: nx.Graph, path_or_file: PathOrFile) -> None:
    _emit(generate_graphml(g), path_or_file)


def read_graphml(path_or_file: PathOrFile) -> nx.Graph:
    return nx.parse_graphml(_text(path_or_file))


# --- GEXF -----------------------------------------------------------------------

_DATE = re.compile(r' lastmodifieddate="[^"]*"')


def generate_gexf(g: nx.Graph) -> Iterator[str]:
    """GEXF 1.2 as networkx writes it, without the date of the day it was written."""
    for line in nx.generate_gexf(sorted_graph(g)):
        yield _DATE.sub("", line) + "\n"


def write_gexf(g: nx.Graph, path_or_file: PathOrFile) -> None:
    _emit(generate_gexf(g), path_or_file)


def read_gexf(path_or_file: PathOrFile) -> nx.Graph:
    data = _text(path_or_file).encode("utf-8")
    g = nx.Graph(nx.read_gexf(io.BytesIO(data), node_type=str))
    for _, _, d in g.edges(data=True):
        d.pop("id", None)  # the writer's running edge number, not an attribute of ours
    return g


# --- node-link JSON -------------------------------------------------------------


def generate_nodelink(g: nx.Graph) -> Iterator[str]:
    data = nx.node_link_data(sorted_graph(g), edges="edges")
    yield json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


def write_nodelink(g: nx.Graph, path_or_file: PathOrFile) -> None:
    _emit(generate_nodelink(g), path_or_file)


def read_nodelink(path_or_file: PathOrFile) -> nx.Graph:
    try:
        data = json.loads(_text(path_or_file))
    except json.JSONDecodeError as exc:
        raise InputError(f"node-link JSON: {exc.msg} at line {exc.lineno}; write the file again") from None
    return nx.node_link_graph(data, edges="edges")


# --- VOSviewer ------------------------------------------------------------------

VOS_HEADER = ("id", "label", "description", "cluster", "weight<Links>", "weight<Total link strength>", "weight<Occurrences>")


def _vos_label(text: str) -> str:
    text = re.sub(r"\s+", " ", str(text)).strip()
    return '"' + text.replace('"', '""') + '"' if ("," in text or ";" in text or '"' in text) else text


def generate_vosviewer(g: nx.Graph) -> tuple[Iterator[str], Iterator[str]]:
    """(map file lines, network file lines): tab-separated, items numbered 1..n in node order.

    Map columns: id label description cluster weight<Links> weight<Total link strength>
    weight<Occurrences>; network lines `id1 id2 strength` for the links of positive weight."""
    ordered = sorted(g.nodes)
    number = {n: i for i, n in enumerate(ordered, start=1)}
    links = [(number[a], number[b], d["weight"]) for a, b, d in g.edges(data=True) if d.get("weight", 0) > 0]
    links = sorted((min(a, b), max(a, b), w) for a, b, w in links)
    total: dict[int, float] = {}
    degree: dict[int, int] = {}
    for a, b, w in links:
        for x in (a, b):
            total[x] = total.get(x, 0) + w
            degree[x] = degree.get(x, 0) + 1

    def map_lines() -> Iterator[str]:
        yield "\t".join(VOS_HEADER) + "\n"
        for n in ordered:
            attrs, i = g.nodes[n], number[n]
            row = [i, _vos_label(attrs.get("label", n)), _vos_label(n),
                   max(int(attrs.get("cluster", 1)), 1), degree.get(i, 0), _num(total.get(i, 0)),
                   attrs.get("count", 0)]  # fmt: skip
            yield "\t".join(str(c) for c in row) + "\n"

    def network_lines() -> Iterator[str]:
        for a, b, w in links:
            yield f"{a}\t{b}\t{_num(w)}\n"

    return map_lines(), network_lines()


def _num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(round(float(x), 6))


def write_vosviewer(g: nx.Graph, map_file: PathOrFile, network_file: PathOrFile) -> None:
    lines_map, lines_net = generate_vosviewer(g)
    _emit(lines_map, map_file)
    _emit(lines_net, network_file)


def _vos_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text), delimiter="\t") if row]


def read_vosviewer(map_file: PathOrFile, network_file: PathOrFile) -> nx.Graph:
    """Items keyed by their VOSviewer id (int), with label, description, cluster and the weight<...> columns."""
    rows = _vos_rows(_text(map_file))
    if not rows or rows[0][:2] != ["id", "label"]:
        raise InputError("VOSviewer map file: the first line must be the header (id, label, ...)")
    head, g = rows[0], nx.Graph()
    for row in rows[1:]:
        attrs: dict[str, Any] = dict(zip(head, row))
        ident = int(attrs.pop("id"))
        attrs["cluster"] = int(attrs["cluster"])
        for k in [k for k in attrs if k.startswith("weight<")]:
            attrs[k] = float(attrs[k])
        g.add_node(ident, **attrs)
    for row in _vos_rows(_text(network_file)):
        a, b = int(row[0]), int(row[1])
        if a not in g or b not in g:
            raise InputError(f"VOSviewer network file: link {a} {b} names an item the map file lacks")
        g.add_edge(a, b, weight=float(row[2]) if len(row) > 2 else 1.0)
    return g


# --- CSV (Gephi spreadsheet import) ----------------------------------------------


def generate_csv(g: nx.Graph) -> tuple[Iterator[str], Iterator[str]]:
    """(nodes.csv, edges.csv) as Gephi's spreadsheet import reads them: Id, Label, ... and
    Source, Target, Type, Weight, ...; every other attribute is a column of its own."""
    g = sorted_graph(g)
    node_cols = sorted({k for _, d in g.nodes(data=True) for k in d} - {"label"})
    edge_cols = sorted({k for _, _, d in g.edges(data=True) for k in d} - {"weight"})

    def rows(header: list[str], body: Iterable[list[Any]]) -> Iterator[str]:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(header)
        for row in body:
            writer.writerow(["" if c is None else c for c in row])
        yield buf.getvalue()

    nodes = rows(["Id", "Label", *node_cols], ([n, d.get("label", n), *(d.get(k) for k in node_cols)] for n, d in g.nodes(data=True)))
    edges = rows(
        ["Source", "Target", "Type", "Weight", *edge_cols],
        ([a, b, "Undirected", d.get("weight", 1), *(d.get(k) for k in edge_cols)] for a, b, d in g.edges(data=True)),
    )
    return nodes, edges


def write_csv(g: nx.Graph, nodes_file: PathOrFile, edges_file: PathOrFile) -> None:
    nodes, edges = generate_csv(g)
    _emit(nodes, nodes_file)
    _emit(edges, edges_file)


def _column_type(values: list[str]) -> type:
    filled = [v for v in values if v != ""]
    for kind in (int, float):
        try:
            for v in filled:
                kind(v)
            return kind if filled else str
        except ValueError:
            continue
    return str


def _typed(rows: list[dict[str, str]]) -> list[dict[str, Any]]:
    cols = rows[0].keys() if rows else []
    kinds = {c: _column_type([r[c] for r in rows]) for c in cols}
    return [{c: kinds[c](v) for c, v in r.items() if v != ""} for r in rows]


def read_csv(nodes_file: PathOrFile, edges_file: PathOrFile) -> nx.Graph:
    """Back from the two CSV files; a column whose every value is an integer (a number) becomes one."""
    nodes = list(csv.DictReader(io.StringIO(_text(nodes_file))))
    edges = list(csv.DictReader(io.StringIO(_text(edges_file))))
    for name, rows, need in (("nodes", nodes, {"Id", "Label"}), ("edges", edges, {"Source", "Target"})):
        if rows and not need <= rows[0].keys():
            raise InputError(f"{name} CSV: needs the columns {', '.join(sorted(need))}; write it again")
    g = nx.Graph()
    for r in _typed(nodes):
        ident = str(r.pop("Id"))
        r["label"] = str(r.pop("Label", ident))
        g.add_node(ident, **r)
    for r in _typed(edges):
        a, b = str(r.pop("Source")), str(r.pop("Target"))
        r.pop("Type", None)
        r["weight"] = r.pop("Weight", 1)
        g.add_edge(a, b, **r)
    return g


# --- all at once ------------------------------------------------------------------


def export_files(base: Path, fmt: str) -> list[Path]:
    """The file(s) one format writes for the graph named `base` (a path without suffix)."""
    base = Path(base)
    return {
        "graphml": [base.with_name(base.name + ".graphml")],
        "gexf": [base.with_name(base.name + ".gexf")],
        "json": [base.with_name(base.name + ".json")],
        "vosviewer": [base.with_name(base.name + "-vosviewer-map.txt"), base.with_name(base.name + "-vosviewer-network.txt")],
        "csv": [base.with_name(base.name + "-nodes.csv"), base.with_name(base.name + "-edges.csv")],
    }[fmt]


WRITERS = {"graphml": write_graphml, "gexf": write_gexf, "json": write_nodelink, "vosviewer": write_vosviewer, "csv": write_csv}
READERS = {"graphml": read_graphml, "gexf": read_gexf, "json": read_nodelink, "vosviewer": read_vosviewer, "csv": read_csv}


def export_graph(g: nx.Graph, base: Path, formats: Iterable[str] = FORMATS) -> list[Path]:
    """Write the graph in each format beside `base` (see export_files); return the paths written."""
    written: list[Path] = []
    for fmt in formats:
        if fmt not in WRITERS:
            raise InputError(f"unknown graph format {fmt!r}; use one of {', '.join(FORMATS)}")
        paths = export_files(base, fmt)
        WRITERS[fmt](g, *paths)
        written += paths
    return written
