"""outputs/corpus.sqlite: papers, paragraphs, sentences, spans, works and graph edges, with FTS5 search;
and the two readings scholars make of it: a keyword-in-context concordance and Lafon's specificities.

Plain tables with foreign keys (opens in Datasette or any SQLite tool), built
with executemany in one transaction in a fixed insert order (FTS5 filled once at the end), then VACUUMed, so two builds of the
same outputs give the same bytes.
"""

from __future__ import annotations

import json
import math
import os
import re
import sqlite3
import tempfile
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from pathlib import Path

import networkx as nx
import sqlite_utils

from pipeline.corpuslevel.paperdata import SKIP_SECTIONS, PaperData, memory_digests

from pipeline.corpuslevel.works import Work, reference_index
from pipeline import errors
from pipeline.errors import InputError

DB_NAME = "corpus.sqlite"


def build_database(path: Path, papers: Sequence[PaperData], works: Sequence[Work], graph: nx.Graph) -> Path:
    """Write the database of papers in memory to `path` atomically (see `write_database`)."""
    return write_database(path, memory_digests(tuple(papers))[1], works, graph)


def write_database(path: Path, papers: Iterable[tuple[Mapping, str, Mapping]], works: Sequence[Work], graph: nx.Graph) -> Path:
    """Write the database to `path` atomically (built beside it, vacuumed, renamed) from (summary, text,
    rows) per paper (pipeline.corpuslevel.paperdata), taken one at a time in id order."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    Path(tmp).unlink()
    try:
        _fill(Path(tmp), papers, sorted(works, key=lambda w: w.key), graph)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _insert(conn: sqlite3.Connection, table: str, rows: Iterable[Sequence]) -> None:
    columns = list(TABLES[table][0])
    sql = f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
    conn.executemany(sql, rows)


def _fill(path: Path, papers: Iterable[tuple[Mapping, str, Mapping]], works: Sequence[Work], graph: nx.Graph) -> None:
    """One transaction, no journal (a temporary file: a crash leaves it to be swept), FTS5 filled at the end."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("BEGIN")
    for sql in schema():
        conn.execute(sql)
    _insert(conn, "works", ((w.key, w.label, "; ".join(w.authors), w.year, w.title, w.doi, len({p for p, _ in w.cited_by}))
                            for w in works))  # fmt: skip
    ref_work = reference_index(works)
    n_para = n_sent = n_span = 0
    for summary, text, rows in papers:
        pid = summary["id"]
        _insert(conn, "papers", [(pid, summary["title"], summary["year"], summary["lang"], "; ".join(summary["authors"]),
                                  summary["tokens"], summary["meta"], text)])  # fmt: skip
        _insert(conn, "paragraphs", ((n_para + n + 1, pid, n, start, end, kind, lang, section, tokens, text[start:end])
                                     for n, (start, end, kind, lang, section, tokens) in enumerate(rows["paragraphs"])))  # fmt: skip
        _insert(conn, "sentences", ((n_sent + n + 1, pid, n_para + para + 1, start, end, text[start:end])
                                    for n, (start, end, para) in enumerate(rows["sentences"])))  # fmt: skip
        _insert(conn, "spans", ((n_span + n + 1, pid, None if i is None else n_sent + i + 1, layer, label, start, end, span_text,
                                 None if ref is None else ref_work.get((pid, ref)), attrs)
                                for n, (i, layer, label, start, end, span_text, ref, attrs) in enumerate(rows["spans"])))  # fmt: skip
        n_para += len(rows["paragraphs"])
        n_sent += len(rows["sentences"])
        n_span += len(rows["spans"])
    _insert(conn, "nodes", ((n, d["kind"], d.get("label", n), d.get("cluster"), json.dumps(d, ensure_ascii=False, sort_keys=True))
                            for n, d in sorted(graph.nodes(data=True))))  # fmt: skip
    edges = sorted((min(a, b), max(a, b), d) for a, b, d in graph.edges(data=True))
    _insert(conn, "edges", ((i, a, b, d["kind"], d["weight"], json.dumps(d, ensure_ascii=False, sort_keys=True))
                            for i, (a, b, d) in enumerate(edges, 1)))  # fmt: skip
    for table, columns in INDEXES:
        conn.execute(f"CREATE INDEX [idx_{table}_{'_'.join(columns)}] ON [{table}] ({', '.join(f'[{c}]' for c in columns)})")
    for table in FTS_TABLES:
        conn.execute(f"CREATE VIRTUAL TABLE [{table}_fts] USING FTS5 ([text], tokenize='unicode61 remove_diacritics 2', "
                     f"content=[{table}])")  # fmt: skip
        conn.execute(f"INSERT INTO [{table}_fts] (rowid, [text]) SELECT rowid, [text] FROM [{table}]")
    conn.execute("COMMIT")
    conn.execute("VACUUM")
    conn.close()


TABLES = {  # name -> (columns, primary key, foreign keys)
    "papers": ({"id": str, "title": str, "year": int, "lang": str, "authors": str, "tokens": int, "meta": str,
                "text": str}, "id", []),
    "works": ({"key": str, "label": str, "authors": str, "year": str, "title": str, "doi": str, "cited_by": int},
              "key", []),
    "paragraphs": ({"id": int, "paper": str, "n": int, "start": int, "end": int, "kind": str, "lang": str,
                    "section": str, "tokens": int, "text": str}, "id", [("paper", "papers", "id")]),
    "sentences": ({"id": int, "paper": str, "paragraph": int, "start": int, "end": int, "text": str}, "id",
                  [("paper", "papers", "id"), ("paragraph", "paragraphs", "id")]),
    "spans": ({"id": int, "paper": str, "sentence": int, "layer": str, "label": str, "start": int, "end": int,
               "text": str, "work": str, "attrs": str}, "id",
              [("paper", "papers", "id"), ("sentence", "sentences", "id"), ("work", "works", "key")]),
    "nodes": ({"id": str, "kind": str, "label": str, "cluster": int, "attrs": str}, "id", []),
    "edges": ({"id": int, "source": str, "target": str, "kind": str, "weight": float, "attrs": str}, "id",
              [("source", "nodes", "id"), ("target", "nodes", "id")]),
}  # fmt: skip
INDEXES = (("spans", ("paper", "sentence")), ("spans", ("layer", "label")), ("sentences", ("paper",)),
           ("paragraphs", ("paper",)), ("spans", ("work",)))  # fmt: skip
FTS_TABLES = ("sentences", "paragraphs")
SQL_TYPES = {str: "TEXT", int: "INTEGER", float: "FLOAT"}


def schema() -> list[str]:
    """CREATE TABLE statements for every table, even an empty one, in dependency order (one schema for any corpus)."""
    out = []
    for name, (columns, pk, fks) in TABLES.items():
        refs = {col: (table, other) for col, table, other in fks}
        cols = []
        for col, kind in columns.items():
            sql = f"[{col}] {SQL_TYPES[kind]}" + (" PRIMARY KEY" if col == pk else "")
            if col in refs:
                sql += f" REFERENCES [{refs[col][0]}]([{refs[col][1]}])"
            cols.append(sql)
        out.append(f"CREATE TABLE [{name}] (\n   " + ",\n   ".join(cols) + "\n)")
    return out


def open_database(out: Path) -> sqlite_utils.Database:
    path = Path(out) / DB_NAME
    if not path.exists():
        raise InputError(f"{path}: no corpus database yet; make it with `rescorpus run`")
    return sqlite_utils.Database(sqlite3.connect(f"file:{path}?mode=ro", uri=True))


# --- concordance ---------------------------------------------------------------------


@dataclass(frozen=True)
class KwicLine:
    paper: str
    start: int
    end: int
    lang: str
    left: str
    keyword: str
    right: str


def fold(text: str) -> str:
    """Lower case without accents, one character for one: offsets in the folded text are offsets in the text."""
    out = []
    for c in text:
        base = unicodedata.normalize("NFD", c)[0]
        low = base.lower()
        out.append(low if len(low) == 1 else base)
    return "".join(out)


def _context(text: str, start: int, end: int, width: int) -> tuple[str, str, str]:
    squash = lambda s: re.sub(r"\s+", " ", s)  # noqa: E731
    left = squash(text[max(0, start - width * 2) : start])[-width:]
    right = squash(text[end : end + width * 2])[:width]
    return left, squash(text[start:end]), right


def kwic(db: sqlite_utils.Database, query: str, lang: str | None = None, width: int = 40) -> list[KwicLine]:
    """Every occurrence of a concept id (its annotated spans) or of a word or phrase ("résilien*" for a
    prefix; accents and case ignored), with `width` characters of context each side, in text order."""
    query = query.strip()
    if not query:
        raise InputError("kwic needs a TERM or a CONCEPT id, e.g. `rescorpus kwic gouvernance`")
    texts = {r["id"]: r["text"] for r in db.query("select id, text from papers")}
    concept = list(db.query("select 1 from spans where layer = 'concept' and label = ? limit 1", [query]))
    hits: list[tuple[str, int, int, str]] = []
    if concept:
        sql = """select s.paper, s.start, s.end, coalesce(p.lang, '') as lang from spans s
                 left join sentences t on t.id = s.sentence left join paragraphs p on p.id = t.paragraph
                 where s.layer = 'concept' and s.label = ?"""
        hits = [(r["paper"], r["start"], r["end"], r["lang"]) for r in db.query(sql, [query])]
    else:
        prefix = query.endswith("*")
        words = query.rstrip("*").strip()
        phrase = '"' + words.replace('"', '""') + '"' + ("*" if prefix else "")
        pattern = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(fold(w)) for w in words.split()) + (r"\w*" if prefix else r"(?!\w)"))
        sql = """select t.paper, t.start, t.text, p.lang from sentences_fts f join sentences t on t.id = f.rowid
                 join paragraphs p on p.id = t.paragraph where sentences_fts match ?"""
        for r in db.query(sql, [phrase]):
            for m in pattern.finditer(fold(r["text"])):
                hits.append((r["paper"], r["start"] + m.start(), r["start"] + m.end(), r["lang"]))
    lines = []
    for paper, start, end, hit_lang in sorted(set(hits)):
        if lang and hit_lang != lang:
            continue
        left, key, right = _context(texts[paper], start, end, width)
        lines.append(KwicLine(paper, start, end, hit_lang, left, key, right))
    return lines


KWIC_COLUMNS = tuple(f.name for f in dataclass_fields(KwicLine))


def format_kwic(lines: Sequence[KwicLine], width: int = 40) -> list[str]:
    """TXM-style lines: reference, left context right-aligned, the keyword, right context."""
    ref_w = max((len(f"{x.paper}:{x.start}") for x in lines), default=0)
    return [f"{f'{x.paper}:{x.start}':<{ref_w}}  {x.left:>{width}} [{x.keyword}] {x.right}" for x in lines]


# --- specificities ---------------------------------------------------------------------


@dataclass(frozen=True)
class Specificity:
    """Lafon's score of one concept in one part: + over-represented, - under-represented (log10 units)."""

    part: str
    concept: str
    f: int  # occurrences in the part
    F: int  # occurrences in the corpus
    t: int  # tokens in the part
    T: int  # tokens in the corpus
    expected: float
    score: float


def _part_sql(db: sqlite_utils.Database, by: str) -> str:
    if by == "lang":
        return "q.lang"
    if by == "year":
        if not db.execute("select count(*) from papers where year is not null").fetchone()[0]:
            raise errors.no_years(db.execute("select count(*) from papers").fetchone()[0])
        return "cast(p.year as text)"
    fields = sorted({k for r in db.query("select meta from papers") for k in json.loads(r["meta"])})
    if by not in fields:
        raise InputError(f"--by {by}: no such field; use lang, year or one of the papers' fields: {', '.join(fields)}")
    return f"json_extract(p.meta, '$.\"{by}\"')"


def contrast(db: sqlite_utils.Database, by: str) -> list[Specificity]:
    """Specificity of every concept in every part of the corpus (split by paragraph language, year or a
    paper field) against the whole, by the hypergeometric model as TXM and Iramuteq compute it."""
    part = _part_sql(db, by)
    skip = ",".join("?" * len(SKIP_SECTIONS))
    base = f"from paragraphs q join papers p on p.id = q.paper where q.section not in ({skip}) and {part} is not null"
    tokens = {str(r["part"]): r["n"] for r in db.query(f"select {part} as part, sum(q.tokens) as n {base} group by 1", SKIP_SECTIONS)}
    counts: Counter = Counter()
    for r in db.query(
        f"""select {part} as part, s.label, count(*) as n from spans s join sentences t on t.id = s.sentence
            join paragraphs q on q.id = t.paragraph join papers p on p.id = q.paper
            where s.layer = 'concept' and q.section not in ({skip}) and {part} is not null group by 1, 2""",
        SKIP_SECTIONS,
    ):
        counts[(str(r["part"]), r["label"])] += r["n"]
    total_tokens = sum(tokens.values())
    totals: Counter = Counter()
    for (_, label), n in counts.items():
        totals[label] += n
    rows = []
    for p in sorted(tokens):
        for label in sorted(totals):
            f, F, t, T = counts[(p, label)], totals[label], tokens[p], total_tokens
            rows.append(Specificity(p, label, f, F, t, T, round(F * t / T, 3) if T else 0.0, lafon(f, F, t, T)))
    return sorted(rows, key=lambda r: (r.part, -r.score, r.concept))


def shown_specificities(rows: Sequence[Specificity], top: int) -> dict[str, list[Specificity]]:
    """Per part, in part order, what `rescorpus contrast` shows: the `top` most over-represented concepts of the
    part, then the `top` most under-represented (negative score); concepts absent from the corpus left out."""
    shown = {}
    for part in sorted({r.part for r in rows}):
        these = [r for r in rows if r.part == part and r.F]
        if these:
            shown[part] = these[:top] + [r for r in these[top:][-top:] if r.score < 0]
    return shown


def lafon(f: int, F: int, t: int, T: int) -> float:
    """Lafon's specificity: -log10 P(X >= f) when f is above the expectation F*t/T, else log10 P(X <= f),
    X hypergeometric (T tokens, F of them the concept, t drawn), rounded to two decimals."""
    if T == 0 or F == 0 or t == 0:
        return 0.0
    from scipy.stats import hypergeom  # only `contrast` needs scipy: keep it out of every run

    dist = hypergeom(T, F, t)
    if f >= F * t / T:
        value = -dist.logsf(f - 1) / math.log(10)
    else:
        value = dist.logcdf(f) / math.log(10)
    return round(float(value), 2) + 0.0
