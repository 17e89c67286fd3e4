"""`rescorpus graph`, `rescorpus kwic`, `rescorpus contrast`: the graph, the concordance, the specificities."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli import (
    DEFAULT_CORPUS, DEFAULT_OUT, CorpusOpt, FormatOpt, OutOpt, app, handles_errors, listing_format, note, out_console,
    print_rows, progress_display, say,
)
from pipeline.errors import RescorpusError
from pipeline.files import EXPORTS


@app.command("graph")
@handles_errors
def graph_cmd(
    kind: Annotated[str, typer.Option(help="concepts, citations, concept-works or all.")] = "concepts",
    lang: Annotated[Optional[str], typer.Option(help="Only papers whose main language is this (fr, en, ...).")] = None,
    papers: Annotated[Optional[str], typer.Option(help="Only these papers: ID,ID,...")] = None,
    since: Annotated[Optional[int], typer.Option(help="Only papers published in or after this year.")] = None,
    until: Annotated[Optional[int], typer.Option(help="Only papers published in or before this year.")] = None,
    min_weight: Annotated[float, typer.Option("--min-weight", help="Drop links whose weight (count) is below W.")] = 1,
    fmt: Annotated[
        Optional[list[str]], typer.Option("--format", help="graphml, gexf, json, vosviewer or csv; repeat for several (default: all).")
    ] = None,
    to: Annotated[Optional[Path], typer.Option("--to", help="Base path of the files (default: OUT/exports/graph/KIND).")] = None,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Build a filtered graph from the annotations in OUT and write it for Gephi, VOSviewer, Cytoscape...

    \b
    Example:
      rescorpus graph --kind concepts --lang fr --since 2015 --format gexf --format vosviewer
    """
    from pipeline.corpuslevel.aggregate import load_graph
    from pipeline.corpuslevel.graph import KINDS, project
    from pipeline.corpuslevel.graphformats import FORMATS, export_graph

    if kind not in KINDS:
        raise RescorpusError(f"--kind {kind}: use one of {', '.join(KINDS)}")
    if not (out / "text").is_dir():
        raise RescorpusError(f"{out}/text: no per-paper outputs yet; run `rescorpus run --out {out}` first")
    ids = [p.strip() for p in papers.split(",") if p.strip()] if papers else None
    with progress_display("graph", advance_on=()) as report:
        report(kind, f"reading the papers' outputs in {out}/")
        chosen, _, graph = load_graph(corpus, out, lang=lang, ids=ids, since=since, until=until)
        if not chosen:
            raise RescorpusError("no paper matches these filters; `rescorpus list` shows ids, years and languages")
        report(kind, f"graph of {len(chosen)} papers: writing {', '.join(fmt or FORMATS)}")
        g = project(graph, kind, min_weight=min_weight)
        written = export_graph(g, to or out / EXPORTS / "graph" / kind, fmt or FORMATS)
    say(f"{kind} graph of {len(chosen)} papers: {g.number_of_nodes()} nodes, {g.number_of_edges()} links")
    for path in written:
        say(f"  {path}")


@app.command("kwic")
@handles_errors
def kwic_cmd(
    query: Annotated[str, typer.Argument(help="A concept id (e.g. governance) or a word or phrase; 'résilien*' for a prefix.")],
    lang: Annotated[Optional[str], typer.Option(help="Only occurrences in paragraphs of this language.")] = None,
    width: Annotated[int, typer.Option(min=5, help="Characters of context on each side.")] = 40,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
    fmt: FormatOpt = "text",
) -> None:
    """Keyword in context from OUT/corpus.sqlite: every occurrence of a concept or term, aligned as TXM prints it.

    \b
    Examples:
      rescorpus kwic gouvernance --lang fr --width 50
      rescorpus kwic 'résilien*' --format tsv > resilience.tsv
    """
    from dataclasses import asdict

    from pipeline.corpuslevel.store import KWIC_COLUMNS, format_kwic, kwic, open_database

    fmt = listing_format(fmt)
    lines = kwic(open_database(out), query, lang=lang, width=width)
    if fmt != "text":
        print_rows([asdict(x) for x in lines], KWIC_COLUMNS, fmt)
    for line in format_kwic(lines, width) if fmt == "text" else ():
        say(line)
    say(f"{len(lines)} occurrence{'' if len(lines) == 1 else 's'} of {query!r}", err=True)


@app.command("contrast")
@handles_errors
def contrast_cmd(
    by: Annotated[str, typer.Option("--by", help="lang (of the paragraph), year, or a field of paper.json (e.g. type).")] = "lang",
    top: Annotated[int, typer.Option(min=1, help="Concepts shown per part (most over- and under-represented).")] = 10,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
    fmt: FormatOpt = "text",
) -> None:
    """Which concepts are over- or under-represented in each part of the corpus: Lafon's specificity score.

    The score is log10 of the hypergeometric probability (+ over, - under); |score| >= 2 is the usual threshold.

    \b
    Examples:
      rescorpus contrast --by lang
      rescorpus contrast --by year --top 5 --format json
    """
    from rich.table import Table

    from pipeline.corpuslevel.store import contrast, open_database, shown_specificities

    fmt = listing_format(fmt)
    rows = contrast(open_database(out), by)
    if not rows:
        note(f"no concept annotations to contrast in {out}/corpus.sqlite", fmt)
    parts = shown_specificities(rows, top)
    if fmt != "text":
        columns = ("by", "part", "concept", "score", "f_part", "F_corpus", "expected", "tokens_part", "tokens_corpus")
        print_rows([{"by": by, "part": r.part, "concept": r.concept, "score": r.score, "f_part": r.f, "F_corpus": r.F,
                     "expected": r.expected, "tokens_part": r.t, "tokens_corpus": r.T}
                    for shown in parts.values() for r in shown], columns, fmt)  # fmt: skip
        return
    for part, shown in parts.items():
        table = Table(title=f"{by} = {part} ({shown[0].t} of {shown[0].T} tokens)", title_justify="left")
        for col in ("concept", "score", "f (part)", "F (corpus)", "expected"):
            table.add_column(col, justify="left" if col == "concept" else "right")
        for r in shown:
            table.add_row(r.concept, f"{r.score:+.2f}", str(r.f), str(r.F), f"{r.expected:.1f}")
        out_console.print(table)
