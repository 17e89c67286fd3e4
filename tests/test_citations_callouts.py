"""Callout finder: every author-year and numeric form of the issue, the non-callouts, properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.citations.callouts import (
    NARRATIVE_TAIL_RE,
    SEGMENT_RE,
    find_callouts,
    parse_years,
    split_authors,
)


def spans(text: str, numeric_limit: int = 999) -> list[str]:
    return [text[c.start : c.end] for c in find_callouts(text, numeric_limit=numeric_limit)]


def attrs(text: str) -> list[dict]:
    return [c.attrs() for c in find_callouts(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("L'environnement est devenu turbulent (Emery & Trist, 1965).", ["Emery & Trist, 1965"]),
        (
            "Elles résistent mieux (Borzaga et al., 2009; Defourny, 2001; Bidet et Eum, 2011).",
            ["Borzaga et al., 2009", "Defourny, 2001", "Bidet et Eum, 2011"],
        ),
        ("Selon Putnam (1993), le capital social compte.", ["Putnam (1993)"]),
        ("Ostrom (1990; 2005; 2010) a montré que les communs durent.", ["Ostrom (1990; 2005; 2010)"]),
        ("Les coopératives durent (Defourny, 2001, 2014a).", ["Defourny, 2001, 2014a"]),
        ("Elles « ont été concrétisées » (Hough, 2004, p. 212).", ["Hough, 2004, p. 212"]),
        ("un plan d’affaires(Kamdem, s. d.).", ["Kamdem, s. d."]),
        ("les sociétés (Lee et al., s. d.) coréennes", ["Lee et al., s. d."]),
        ("l’intégration des (Nations, s. d.)populations les plus vulnérables", ["Nations, s. d."]),
        ("de 2.000 nouveaux postes» (CA de l’ODCO,\n2023)", ["CA de l’ODCO,\n2023"]),
        (
            "les principes (Identité, valeurs et principes coopératifs | ICA, 2024).",
            ["Identité, valeurs et principes coopératifs | ICA, 2024"],
        ),
        ("comme le note d'Arvisenet (2010), puis", ["d'Arvisenet (2010)"]),
        ("Van de Ven (1986) parle d'innovation.", ["Van de Ven (1986)"]),
        ("des chocs (Borda-Rodriguez & Vicari, 2014)", ["Borda-Rodriguez & Vicari, 2014"]),
        ("des crises (Mamouni Limnios & Mazzarol, 2011)", ["Mamouni Limnios & Mazzarol, 2011"]),
        ("Resilience matters (Smith and Jones, 2019).", ["Smith and Jones, 2019"]),
        ("Une étude récente (Tremblay et coll., sous presse) le confirme.", ["Tremblay et coll., sous presse"]),
        ("A new study (Brown, in press) agrees.", ["Brown, in press"]),
        ("comme le rapporte Putnam (cité dans Dupont, 2004)", ["Dupont, 2004"]),
        ("(voir, par exemple, Andrews et al., 1990 ; Gendreau, Little et Goggin, 1996)",
         ["Andrews et al., 1990", "Gendreau, Little et Goggin, 1996"]),
        ("le parler (Lafontaine 1997 : 59) et (Bochmann, 2001 : 101, note 1)",
         ["Lafontaine 1997 : 59", "Bochmann, 2001 : 101, note 1"]),
        ("Borzaga et al. (2009) and Emery and Trist (1965) agree.", ["Borzaga et al. (2009)", "Emery and Trist (1965)"]),
        ("(Herman & Renz, 1997; Valéau, 2003; 2015)", ["Herman & Renz, 1997", "Valéau, 2003; 2015"]),
        ("as shown [3], [3–5] and [3, 7].", ["[3]", "[3–5]", "[3, 7]"]),
        ("(pour une synthèse, voir Martin, 2004 ; Roy, 2010)", ["Martin, 2004", "Roy, 2010"]),
        ("(for a critique, see Smith and Jones, 2001; Lee, 2003)", ["Smith and Jones, 2001", "Lee, 2003"]),
        ("(voir Lemay, Roy et Dubé Tremblay, 2021 [dans ce numéro] ; Roy, 2010)",
         ["Lemay, Roy et Dubé Tremblay, 2021", "Roy, 2010"]),
        # Chicago author-date: the pages after the year with no comma; narrative too.
        ("the poem's reception (Fulford 2013 29-68; Curran 1986 12).", ["Fulford 2013 29-68", "Curran 1986 12"]),
        ("as Fulford (2013 29) argues", ["Fulford (2013 29)"]),
        # leads and remarks around the callout stay out of it; several years joined by "et"
        ("the decoys (quoted in Ding 1966: 2737). It", ["Ding 1966: 2737"]),
        ("fungi (reviewed in Brasier et al. 2004)", ["Brasier et al. 2004"]),
        ("(0.97 and 0.92, respectively, according to Comeau et al. 2015)", ["Comeau et al. 2015"]),
        ("(Qian 1979: 62, translated by the author)", ["Qian 1979: 62"]),
        ("(Dupont, 2003, p. 4, nous soulignons)", ["Dupont, 2003, p. 4"]),
        ("le rôle de l’État (Ferraton & Frobert, 2003 et 2017 ; Martinet, 2012)",
         ["Ferraton & Frobert, 2003 et 2017", "Martinet, 2012"]),
    ],
)
def test_citations_callouts_forms(text: str, expected: list[str]) -> None:
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "comme le montrent Borzaga et Defourny dans leurs travaux.",
        "La loi a été adoptée en mai 2016 après débat.",
        "Les résultats (Tableau 3) et la Figure 2 le montrent.",
        "The effect was significant (p < 0.05) in the sample (n = 30).",
        "Entre 2016 et 2020 le nombre a doublé (2020).",
        "La période symboliste (1857-1898) est riche.",
        "Le rapport (mai 2016) est paru.",
        "Les chiffres (INSEE 2010 2011) divergent.",
        "(Chartism was to do the same in the 1830s and 1840s)",
    ],
)
def test_citations_callouts_not_callouts(text: str) -> None:
    assert spans(text) == []


def test_citations_callouts_attributes() -> None:
    text = "(Lee et al., s. d.) (Defourny, 2001, 2014a) (Rapport-Sur-L-ESS., s. d.) Ferri (1908/2004)"
    got = attrs(text)
    assert got[0] == {"authors": ["Lee", "et al."], "year": "n.d."}
    assert got[1] == {"authors": ["Defourny"], "year": "2001", "years": ["2001", "2014"], "suffix": "a"}
    assert got[2] == {"authors": ["Rapport-Sur-L-ESS"], "year": "n.d."}
    assert got[3]["years"] == ["1908", "2004"]


def test_citations_callouts_numeric_limit_and_ranges() -> None:
    found = find_callouts("see [2–4] and [250] and [1994]", numeric_limit=40)
    assert [(c.numbers, c.kind) for c in found] == [((2, 3, 4), "numeric")]


def test_citations_callouts_years_parse() -> None:
    assert parse_years("2001; 2005b") == (("2001", "2005"), "b")
    assert parse_years("s.d.") == (("n.d.",), "")
    assert parse_years("sous presse") == (("in press",), "")


def test_citations_callouts_split_authors() -> None:
    assert split_authors("Gendreau, Little et Goggin") == ("Gendreau", "Little", "Goggin")
    assert split_authors("de Moor") == ("de Moor",)
    assert split_authors("le raisonnement") is None


def paragraph_ranges(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def test_citations_callouts_standalone_attribution_line() -> None:
    text = "« Une longue citation. »\n\nLemieux, 2006, p. 45\n\nMontréal\n\nLa suite, 2006 et après."
    found = find_callouts(text, paragraph_ranges(text))
    assert [(text[c.start : c.end], c.kind, c.authors, c.years) for c in found] == [
        ("Lemieux, 2006, p. 45", "standalone", ("Lemieux",), ("2006",))
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_citations_callouts_never_crash_never_outside(text: str) -> None:
    for c in find_callouts(text):
        assert 0 <= c.start < c.end <= len(text)


FRAGMENT = st.sampled_from(
    ["(", ")", "[", "]", " ", ", ", "; ", " et ", " & ", "et al.", "Dupont", "de Moor", "s. d.", "2001",
     "2014a", "p. 12", " : ", "\n", "Tableau", "n = 3", "é", "’", " 29-68", "quoted in ", ", translated by the author",
     " et ", "1830s", "Seng You"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FRAGMENT, max_size=30).map("".join))
def test_citations_callouts_span_text_parses_back(text: str) -> None:
    """Every author-year span's text parses back to the attributes it was given."""
    for c in find_callouts(text):
        assert 0 <= c.start < c.end <= len(text)
        assert_parses_back(text[c.start : c.end], c)


def assert_parses_back(span: str, c) -> None:
    """Parenthetical and standalone spans are "authors, years"; narrative ones "authors (years)"."""
    if c.kind in ("parenthetical", "standalone"):
        m = SEGMENT_RE.match(span)
        assert m is not None
        assert parse_years(m.group("years")) == (c.years, c.suffix)
        assert split_authors(m.group("authors")) == c.authors
    elif c.kind == "narrative":
        tail = NARRATIVE_TAIL_RE.search(span)
        assert tail is not None and tail.end() == len(span)
        assert parse_years(tail.group("years")) == (c.years, c.suffix)
        assert split_authors(span[: tail.start()]) == c.authors
    else:
        assert span[0] == "[" and span[-1] == "]"


NARRATIVE_FRAGMENT = st.sampled_from(
    ["Dupont", "de Moor", "Van de Ven", "Mamouni Limnios", "d’Arvisenet", "Borda-Rodriguez", " et ", " and ",
     " & ", " et al.", " (", ")", "2001", "2014a", "; ", ", ", " : 12", "s. d.", "Selon ", "la ", "\n\n", "."]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(NARRATIVE_FRAGMENT, max_size=30).map("".join))
def test_citations_callouts_narrative_and_standalone_parse_back(text: str) -> None:
    """Narrative ("Dupont et de Moor (2001)") and standalone spans parse back to their attributes too."""
    for c in find_callouts(text, paragraph_ranges(text)):
        assert 0 <= c.start < c.end <= len(text)
        assert_parses_back(text[c.start : c.end], c)
