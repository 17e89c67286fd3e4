"""corpus.sqlite: tables and foreign keys, identical bytes across builds, kwic and Lafon's specificities."""

from __future__ import annotations

import hashlib
import math
import sqlite3
from pathlib import Path

import pytest
from corpus_outputs import make_outputs
from scipy.stats import hypergeom

from pipeline.corpuslevel.paperdata import load_corpus

from pipeline.corpuslevel.graph import build_graph, project
from pipeline.corpuslevel.store import DB_NAME, build_database, contrast, format_kwic, kwic, lafon, open_database
from pipeline.corpuslevel.works import derive_works
from pipeline.errors import InputError


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    corpus, out = make_outputs(tmp_path_factory.mktemp("db"))
    papers = load_corpus(corpus, out)
    works = derive_works(papers)
    graph = project(build_graph(papers, works), "all")
    build_database(out / DB_NAME, papers, works, graph)
    return out, papers, works, graph


def test_store_tables_foreign_keys_and_counts(built) -> None:
    out, papers, works, graph = built
    conn = sqlite3.connect(out / DB_NAME)
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert {"papers", "paragraphs", "sentences", "spans", "works", "nodes", "edges", "sentences_fts"} <= tables
    assert conn.execute("pragma foreign_key_check").fetchall() == []
    fks = {(r[2], r[3]) for r in conn.execute("pragma foreign_key_list(spans)")}
    assert {("papers", "paper"), ("sentences", "sentence"), ("works", "work")} <= fks
    assert conn.execute("select count(*) from spans").fetchone()[0] == sum(len(p.spans) for p in papers)
    assert conn.execute("select count(*) from sentences").fetchone()[0] == sum(len(p.sentences) for p in papers)
    assert conn.execute("select count(*) from edges").fetchone()[0] == graph.number_of_edges()
    assert conn.execute("select count(*) from works").fetchone()[0] == len(works)
    # every span's text is the paper's text at its offsets, and its sentence holds it
    for text, start, end, s_start, s_end, pt in conn.execute(
        "select s.text, s.start, s.end, t.start, t.end, p.text from spans s join sentences t on t.id = s.sentence "
        "join papers p on p.id = s.paper"
    ):
        assert pt[start:end] == text and s_start <= start < s_end
    cited = conn.execute("select work from spans where layer = 'citation' and text = 'Holling, 1973'").fetchone()
    assert cited == ("doi:10.1146/annurev.es.04.110173.000245",)


def test_store_full_text_search(built) -> None:
    out, *_ = built
    conn = sqlite3.connect(out / DB_NAME)
    rows = conn.execute("select t.paper from sentences_fts f join sentences t on t.id = f.rowid "
                        "where sentences_fts match 'resilience' order by t.id").fetchall()  # fmt: skip
    assert {r[0] for r in rows} == {"alpha-fr", "beta-en"}  # accents folded: résilience matches too


def test_store_same_bytes_every_build(built, tmp_path: Path) -> None:
    out, papers, works, graph = built
    a = build_database(tmp_path / "a.sqlite", papers, works, graph)
    b = build_database(tmp_path / "b.sqlite", list(reversed(papers)), works, graph)
    assert hashlib.sha256(a.read_bytes()).digest() == hashlib.sha256(b.read_bytes()).digest()
    assert not list(tmp_path.glob(".*.tmp"))


def test_store_kwic_concept_and_term(built) -> None:
    out, *_ = built
    db = open_database(out)
    concept = kwic(db, "governance")
    assert [x.keyword for x in concept] == ["gouvernance démocratique", "governance", "gouvernance", "governance"]
    french = kwic(db, "governance", lang="fr")
    assert [x.keyword for x in french] == ["gouvernance démocratique", "gouvernance"]
    term = kwic(db, "resilience", width=20)
    assert {x.keyword for x in term} == {"résilience", "resilience", "Resilience"}
    assert all(len(x.left) <= 20 and len(x.right) <= 20 for x in term)
    prefix = kwic(db, "coop*", lang="en")
    assert [x.keyword for x in prefix] == ["Cooperative", "Cooperatives"]
    line = format_kwic(term, 20)[0]
    assert "[résilience]" in line and line.startswith("alpha-fr:")
    with pytest.raises(InputError):
        kwic(db, "  ")


def test_store_kwic_needs_the_database(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="rescorpus run"):
        open_database(tmp_path)


def test_store_lafon_matches_the_hypergeometric_tails() -> None:
    # over-represented: f above F*t/T -> -log10 P(X >= f)
    assert lafon(8, 10, 20, 100) == round(-math.log10(hypergeom(100, 10, 20).sf(7)), 2)
    # under-represented: log10 P(X <= f), negative
    assert lafon(0, 30, 50, 100) == round(math.log10(hypergeom(100, 30, 50).cdf(0)), 2) < 0
    assert lafon(0, 0, 10, 100) == 0.0


def test_store_contrast_by_language_and_field(built) -> None:
    out, *_ = built
    db = open_database(out)
    rows = contrast(db, "lang")
    en = {r.concept: r for r in rows if r.part == "en"}
    assert en["training"].f == 2 and en["training"].F == 3
    assert en["training"].score > 0 > en["technology"].score
    assert sum(r.t for r in rows if r.concept == "training") == en["training"].T
    years = {r.part for r in contrast(db, "year")}
    assert years == {"2014", "2019"}
    assert {r.part for r in contrast(db, "type")} == {"article-journal"}
    with pytest.raises(InputError, match="no such field"):
        contrast(db, "colour")
