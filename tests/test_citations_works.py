"""Work identities: one key per cited work, merged across papers with and without a DOI."""

from __future__ import annotations

import json

from pipeline.citations.works import build_works, generate_works_jsonl, is_citable, work_key
from pipeline.spans import Span


def ref(ref_id: str, **attrs) -> Span:
    return Span("reference", "REFERENCE", 0, 10, "x" * 10, {"id": ref_id, **attrs})


def cite(target: str, start: int = 20) -> Span:
    return Span("citation", "CITATION", start, start + 5, "x" * 5, {"authors": ["A"], "year": "2001", "target": target})


def test_citations_works_key_doi_and_fingerprint() -> None:
    assert work_key({"doi": "https://doi.org/10.1177/ABC.", "authors": ["X"]}) == "doi:10.1177/abc"
    key = work_key({"authors": ["Défourny"], "year": "2001", "title": "De la coopération à l’économie sociale"})
    assert key == "defourny-2001-cooperation-economie-sociale"


def test_citations_works_same_work_two_papers_without_doi() -> None:
    a = [ref("ref-defourny-2001", authors=["Defourny"], year="2001", title="De la coopération à l’économie sociale"),
         cite("ref-defourny-2001"), cite("ref-defourny-2001", 40)]
    b = [ref("ref-defourney-2001", authors=["Defourney"], year="2001", title="De la cooperation a l'economie sociale."),
         cite("ref-defourney-2001")]
    works = build_works([("paper-a", a), ("paper-b", b)])
    assert len(works) == 1
    assert works[0]["cited_by"] == [
        {"paper": "paper-a", "reference": "ref-defourny-2001", "callouts": 2},
        {"paper": "paper-b", "reference": "ref-defourney-2001", "callouts": 1},
    ]


def test_citations_works_doi_merges_and_wins() -> None:
    a = [ref("ref-ostrom-1990", authors=["Ostrom"], year="1990", title="Governing the Commons", doi="10.1017/CBO9780511807763")]
    b = [ref("ref-ostrom-1990", authors=["Ostrom"], year="1990", title="Governing the commons : the evolution of institutions")]
    c = [ref("ref-ostrom-1990", authors=["Ostrom"], year="1990", title="Understanding institutional diversity")]
    works = build_works([("b", b), ("a", a), ("c", c)])
    keys = [w["key"] for w in works]
    assert keys == ["doi:10.1017/cbo9780511807763", "ostrom-1990-understanding-institutional-diversity"]
    assert [c["paper"] for c in works[0]["cited_by"]] == ["a", "b"]


def test_citations_works_distinct_dois_stay_apart() -> None:
    a = [ref("r1", authors=["Lee"], year="2020", title="Same title", doi="10.1/a")]
    b = [ref("r1", authors=["Lee"], year="2020", title="Same title", doi="10.1/b")]
    assert len(build_works([("a", a), ("b", b)])) == 2


def test_citations_works_jsonl_sorted_and_stable() -> None:
    papers = [("p", [ref("r2", authors=["Zed"], year="2001", title="Zeta"), ref("r1", authors=["Abe"], year="2002", title="Alpha")])]
    lines = list(generate_works_jsonl(build_works(papers)))
    assert [json.loads(line)["key"] for line in lines] == ["abe-2002-alpha", "zed-2001-zeta"]
    assert lines == list(generate_works_jsonl(reversed(build_works(papers))))
    assert all(line.endswith("\n") for line in lines)


def test_citations_works_written_from_an_output_folder(tmp_path) -> None:
    from pipeline.spans import write_jsonl

    (tmp_path / "annotations").mkdir()
    write_jsonl([ref("r1", authors=["Ostrom"], year="1990", title="Governing the Commons"), cite("r1")],
                tmp_path / "annotations" / "b.jsonl")
    write_jsonl([ref("r9", authors=["Ostrom"], year="1990", title="Governing the commons.")],
                tmp_path / "annotations" / "a.jsonl")
    works = build_works(tmp_path)
    lines = (tmp_path / "works.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(works) == len(lines) == 1
    assert json.loads(lines[0])["cited_by"] == [
        {"callouts": 0, "paper": "a", "reference": "r9"},
        {"callouts": 1, "paper": "b", "reference": "r1"},
    ]


def test_citations_works_author_less_work_cited_by_two_papers_is_one_work() -> None:
    """Regression: two papers citing one anonymous work gave two works with one key (UNIQUE constraint failed)."""
    interview = dict(year="2018", title="Entretien inédit avec le directeur de la coopérative Al Amal, Agadir")
    a = [ref("ref-entretien-2018", **interview), cite("ref-entretien-2018")]
    b = [ref("ref-entretien-2018", **interview), ref("ref-loi-2014", year="2014", title="Loi n° 112-12 relative aux coopératives")]
    works = build_works([("paper-a", a), ("paper-b", b)])
    keys = [w["key"] for w in works]
    assert len(keys) == len(set(keys)) == 2
    shared = next(w for w in works if "entretien" in w["key"])
    assert [c["paper"] for c in shared["cited_by"]] == ["paper-a", "paper-b"]


def test_citations_works_author_less_works_of_one_year_differ_by_source() -> None:
    a = [ref("r1", year="2019", title="Rapport annuel", container="Desjardins")]
    b = [ref("r1", year="2019", title="Rapport annuel", container="Mondragon Corporación")]
    works = build_works([("a", a), ("b", b)])
    assert len(works) == 2 and len({w["key"] for w in works}) == 2


def test_citations_works_author_less_entry_never_joins_an_authored_work() -> None:
    a = [ref("r1", authors=["Ostrom"], year="1990", title="Governing the commons")]
    b = [ref("r1", year="1990", title="Governing the commons")]
    assert len(build_works([("a", a), ("b", b)])) == 2


def test_citations_works_keys_are_unique_whatever_the_fuzzy_match_says() -> None:
    """Entries with one key are one work even when their titles differ past the first words (keys were duplicated)."""
    words = "la résilience des coopératives agricoles face aux crises mondiales"
    a = [ref("r1", authors=["Dupont"], year="2015", title=words + " : le cas du Souss-Massa, des régions voisines du sud et du Drâa")]
    b = [ref("r1", authors=["Dupont"], year="2015", title=words + " : une étude économétrique sur données de panel 1990-2010")]
    works = build_works([("a", a), ("b", b)])
    keys = [w["key"] for w in works]
    assert len(keys) == len(set(keys))
    assert len([k for k in keys if k.startswith("dupont-2015")]) == 1


def test_citations_works_citable_needs_an_author_or_a_title() -> None:
    assert is_citable(["Ostrom, E."], "")
    assert is_citable([], "Loi n° 2014-856 du 31 juillet 2014 relative à l’économie sociale et solidaire")
    assert is_citable([], "Entretien inédit avec Marc Prescott (juillet 2006)")
    assert is_citable([], "Paris, ville ouverte")  # a title that names a place is still a title
    for junk in ("Paris, P.O.L", "Paris, P.O.L.", "Montréal : Boréal", "New York, NY: Guilford Press", "", " . ", "12-34"):
        assert not is_citable([], junk), junk
    assert not is_citable(["et al."], "Paris, Seuil")
