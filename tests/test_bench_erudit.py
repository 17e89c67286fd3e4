"""The Érudit scale corpus: reading the XML, the text shapes, the PDF layouts, the corpus and reference recall."""

from __future__ import annotations

import hashlib
import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluation import erudit as be
from pipeline.bench import erudit_corpus as bc
from pipeline.bench import scale as bench_scale
from pipeline.corpus.papers import iter_papers
from pipeline.spans import Span, write_jsonl

ARTICLE = "1007667ar"  # French, three abstracts, keywords, 52 refbiblio each carrying a DOI <idpublic>


def test_bench_erudit_reads_title_authors_and_references(erudit: Path) -> None:
    path = erudit / f"{ARTICLE}.xml"
    a = be.read_article(path)
    assert a.title.startswith("L’engagement et la persévérance des étudiants")
    assert a.authors[0] == be.Person("Christelle", "Lison") and len(a.authors) == 6
    assert a.doi == f"10.7202/{ARTICLE}" and a.language == "fr" and a.year
    assert len(a.reference_entries) == path.read_text(encoding="utf-8").count("<refbiblio")
    assert a.reference_entries[-1].startswith("Wigfield, A. et Eccles")  # the DOI element is not entry text
    assert [h for _, h, _ in a.abstracts] == ["Résumé", "Abstract", "Resumen"]
    labels = {lang: label for lang, label, _ in a.keywords}
    assert labels == {"fr": "Mots-clés :", "en": "Keywords:", "es": "Palabras clave:"}
    meta = be.metadata(a)
    assert meta["author"][0] == {"given": "Christelle", "family": "Lison"}
    assert meta["issued"]["date-parts"][0][0] == a.year


def test_bench_erudit_reads_files_without_the_schema_namespace_and_book_chapters(erudit: Path) -> None:
    plain = be.read_article(erudit / "1053699ar.xml")  # <article> with no xmlns
    assert plain.title.startswith("La pensée métisse")
    chapter = be.read_article(erudit / "000274li.xml")  # a Solr <add><doc> record
    assert chapter.title.startswith("Une littérature") and chapter.authors == (be.Person("Patrick", "Thériault"),)
    assert not chapter.exact_references and len(chapter.sections[0].paragraphs) > 20


def test_bench_erudit_refuses_a_dtd(tmp_path: Path) -> None:
    bomb = tmp_path / "x.xml"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "lol">]><article>&e;</article>', encoding="utf-8")
    with pytest.raises(ValueError, match="DTD"):
        be.read_article(bomb)


def test_bench_erudit_text_shapes_have_their_line_structure(erudit: Path) -> None:
    a = be.read_article(erudit / f"{ARTICLE}.xml")
    blocks = be.blocks(a)
    width = be.wrap_width(a.id)
    lines = be.article_text(a, "paragraph-lines").rstrip("\n").split("\n")
    assert lines[0::2] == blocks and set(lines[1::2]) == {""}
    wrapped = be.article_text(a, "wrapped").rstrip("\n")
    paragraphs = wrapped.split("\n\n")
    assert [" ".join(p.split()) for p in paragraphs] == blocks
    assert any("\n" in p for p in paragraphs)
    assert all(len(line) <= width or " " not in line for line in wrapped.splitlines())
    double = be.article_text(a, "double-spaced").rstrip("\n").split("\n")
    assert set(double[1::2]) == {""} and all(double[0::2])
    assert double[0::2] == [line for line in wrapped.splitlines() if line]
    assert blocks.index("Bibliographie") == len(blocks) - 1 - len(a.reference_entries)  # an untitled list gets one


def test_bench_erudit_pdf_layouts_read_back_in_order(erudit: Path, tmp_path: Path) -> None:
    pdfplumber = pytest.importorskip("pdfplumber")
    pytest.importorskip("fpdf")
    from pipeline.evaluation.erudit_pdf import GEOMETRY, PAGE_H, PAGE_W, render_article_pdf

    a = be.read_article(erudit / "1059871ar.xml")
    words = " ".join(" ".join(be.blocks(a)).split())
    one = render_article_pdf(tmp_path / "one.pdf", a, "one-column")
    two = render_article_pdf(tmp_path / "two.pdf", a, "two-column")
    assert render_article_pdf(tmp_path / "again.pdf", a, "two-column").read_bytes() == two.read_bytes()
    with pdfplumber.open(one) as pdf:
        assert pdf.pages[0].extract_text().startswith("Perception des TIC par les enseignants")
        assert pdf.pages[1].extract_text().startswith(a.journal[:30])  # running header from page 2
    lay = GEOMETRY["two-column"]
    with pdfplumber.open(two) as pdf:
        assert "Perception des TIC" in pdf.pages[0].extract_text()
        page = pdf.pages[1]
        body = (0, lay.margin_top - 2, PAGE_W, PAGE_H - lay.margin_bottom)
        left = page.crop((0, body[1], PAGE_W / 2, body[3])).extract_text()
        right = page.crop((PAGE_W / 2, body[1], PAGE_W, body[3])).extract_text()
    read = " ".join(f"{left} {right}".split())
    assert len(read) > 2000 and read in words  # left column then right column is the paper's own order


def test_bench_erudit_build_corpus_gives_distinct_papers_sharing_anonymous_works(erudit: Path, tmp_path: Path) -> None:
    made = bc.build_corpus(tmp_path / "corpus", 24, layouts=())
    papers = {p.id: p for p in iter_papers(tmp_path / "corpus")}
    assert sorted(papers) == sorted(g.paper_id for g in made)
    assert len({p.sha256 for p in papers.values()}) == 24 and len({g.article for g in made}) == 24
    assert Counter(g.shape for g in made) == {s: 8 for s in be.SHAPES}
    cited = Counter(e for g in made for e in (g.gold or ()) if e in bc.ANONYMOUS_POOL)
    shared = [e for e, k in cited.items() if k >= 2]
    assert shared
    holders = [g for g in made if g.gold and shared[0] in g.gold]
    for g in holders:
        assert shared[0] in " ".join(papers[g.paper_id].source.read_text(encoding="utf-8").split())
    assert papers[made[0].paper_id].csl["DOI"] == f"10.7202/{made[0].article}"
    assert not (tmp_path / ".corpus-staging").exists()


def test_bench_erudit_repeats_stay_addable_and_are_counted(erudit: Path, tmp_path: Path) -> None:
    small = tmp_path / "devset"  # two articles in a temp folder: 2 x 1 pairs, so 3 of 5 papers are repeats
    small.mkdir()
    for name in (f"{ARTICLE}.xml", "1059871ar.xml"):
        shutil.copy(erudit / name, small / name)
    made = bc.build_corpus(tmp_path / "corpus", 5, shapes=("wrapped",), layouts=(), devset=small)
    assert [g.repeat for g in made] == [0, 0, 1, 1, 2]
    hashes = {hashlib.sha256(p.source.read_bytes()).hexdigest() for p in iter_papers(tmp_path / "corpus")}
    assert len(hashes) == 5
    assert "2 distinct article x form pairs, 3 repeats" in bc.summary(made)


def test_bench_erudit_reference_recall_matches_one_to_one_and_counts_outside(tmp_path: Path) -> None:
    gold = ("Ostrom, E. (1990). Governing the Commons. Cambridge: Cambridge University Press.",
            "Draperi, J.-F. (2012). La république coopérative. Bruxelles : Larcier.",
            "OCDE (2019). Les coopératives face aux crises. Paris : OCDE.")
    text = "Intro (Ostrom, 1990).\n\nBibliographie\n\n" + "\n\n".join(
        [gold[0].replace("Governing", "Gov-\nerning"), gold[1], gold[1]])
    start = text.index("Bibliographie")
    spans = [Span("reference", "REFERENCE", 0, 5, "Intro")]
    pos = start
    for entry in text[start:].split("\n\n")[1:]:
        pos = text.index(entry, pos)
        spans.append(Span("reference", "REFERENCE", pos, pos + len(entry), entry))
        pos += len(entry)
    (tmp_path / "annotations").mkdir()
    (tmp_path / "text").mkdir()
    write_jsonl(spans, tmp_path / "annotations" / "p1.jsonl")
    (tmp_path / "text" / "p1.json").write_text(
        '{"sections": [{"title": "Bibliographie", "start": %d, "end": %d, "level": 1, "role": "references"}]}'
        % (start, len(text)), encoding="utf-8")
    made = [bc.Generated("p1", "wrapped", "x", 0, gold), bc.Generated("p2", "wrapped", "y", 0, None),
            bc.Generated("p3", "double-spaced", "z", 0, gold[:1])]
    per = bc.reference_recall(tmp_path, made)
    assert per["wrapped"] | {} == {"papers": 1, "no_gold": 1, "gold": 3, "matched": 2, "predicted": 4, "outside": 1,
                                   "missing_outputs": 0, "recall": round(2 / 3, 3)}  # the duplicate matches once
    assert per["double-spaced"]["missing_outputs"] == 1 and per["double-spaced"]["recall"] == 0.0


def test_bench_scale_corpus_falls_back_to_synthetic_without_the_devset(tmp_path: Path) -> None:
    corpus, info = bench_scale.scale_corpus(tmp_path / "s", 3, words=200, devset=tmp_path / "absent")
    assert info["source"] == "synthetic" and "no Érudit devset" in info["summary"]
    assert len(list(iter_papers(corpus))) == 3
    rows = bench_scale.rows({"corpus": info})
    assert rows[0]["figure"].startswith("scale corpus (synthetic") and rows[1]["value"] == 0


def test_bench_scale_corpus_comes_from_the_devset(erudit: Path, tmp_path: Path) -> None:
    corpus, info = bench_scale.scale_corpus(tmp_path / "e", 4, devset=erudit)
    assert info["source"] == "erudit" and (info["distinct"], info["repeats"]) == (4, 0)
    ids = [p.id for p in iter_papers(corpus)]
    assert len(ids) == 4 and all(re.fullmatch(r"\w+(li|ar)-[a-z-]+", i) for i in ids)
