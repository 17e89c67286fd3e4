"""Linking callouts to entries: surname + year, suffixes, misspellings, et al., numeric ranges."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.citations.callouts import find_callouts
from pipeline.citations.paper import tag_text

REFS = (
    "Références\n\n"
    "Defourny, Jacques (2001). De la coopération à l’économie sociale. Paris, Economica.\n\n"
    "Defourny, Jacques (2014a). L’économie sociale. Bruxelles, De Boeck.\n\n"
    "Defourny, Jacques (2014b). Les entreprises sociales. Liège, PUL.\n\n"
    "Borzaga, C., Depedri, S. et Tortia, E. (2009). The role of cooperative and social enterprises. "
    "Journal of Co-operative Studies, 42(1), 5-13.\n\n"
    "Emery, F. E. et Trist, E. L. (1965). The causal texture of organizational environments. Human Relations, 18(1), 21-32."
)


def tag(body: str, refs: str = REFS) -> list[tuple[str, str | None]]:
    text = body + "\n\n" + refs
    cut = len(body) + 2
    paras, pos = [], 0
    for part in text.split("\n\n"):
        kind = "heading" if part == "Références" else "body"
        paras.append((pos, pos + len(part), kind))
        pos += len(part) + 2
    sections = [(0, cut, "body"), (cut, len(text), "references")]
    found = tag_text(text, paras, sections)
    return [(text[c.start : c.end], a.get("target")) for c, a in found.callouts]


def test_citations_linking_surname_year_and_suffix() -> None:
    got = tag("Voir (Defourny, 2001) puis (Defourny, 2014b) et Emery et Trist (1965).")
    assert got == [
        ("Defourny, 2001", "ref-defourny-2001"),
        ("Defourny, 2014b", "ref-defourny-2014b"),
        ("Emery et Trist (1965)", "ref-emery-1965"),
    ]


def test_citations_linking_misspelt_surname() -> None:
    assert tag("comme le dit (Defourney, 2001).") == [("Defourney, 2001", "ref-defourny-2001")]


def test_citations_linking_et_al_against_full_list() -> None:
    assert tag("Elles résistent (Borzaga et al., 2009).") == [("Borzaga et al., 2009", "ref-borzaga-2009")]


def test_citations_linking_wrong_year_has_no_target() -> None:
    assert tag("(Defourny, 1999)") == [("Defourny, 1999", None)]


def test_citations_linking_narrative_trimmed_to_surname() -> None:
    got = tag("Selon Jacques Defourny (2001), et le raisonnement de Borzaga et al. (2009).")
    assert got == [("Defourny (2001)", "ref-defourny-2001"), ("Borzaga et al. (2009)", "ref-borzaga-2009")]


def test_citations_linking_unknown_narrative_kept_only_when_it_reads_as_surnames() -> None:
    got = tag("Table : 4.8 Doc2vec (2014), SciBERT (2019). Selon Dannefer (1984), au sens de Piaget (1971).")
    assert got == [("Dannefer (1984)", None), ("Piaget (1971)", None)]


def test_citations_linking_numeric() -> None:
    refs = (
        "References\n\n1. Shojania KG, Grimshaw JM: Quality improvement. Health Aff 2005, 24(1):138–150.\n\n"
        "2. Palmer D: Human resources crisis. Reprod Health Matters 2006, 14(27):27–39.\n\n"
        "3. Pope C, Mays N: Qualitative research. Br Med J 2000, 320(7227):114."
    )
    text = "Staff were short [1], as before [2–3] and [2, 3]; not [12]."
    got = tag(text, refs.replace("References", "Références"))
    assert got == [("[1]", "ref-shojania-2005"), ("[2–3]", "ref-palmer-2006"), ("[2, 3]", "ref-palmer-2006")]


def test_citations_linking_numeric_range_numbers() -> None:
    (c,) = find_callouts("[3–5]")
    assert c.numbers == (3, 4, 5)


def test_citations_linking_year_variant_to_the_only_entry_of_those_authors() -> None:
    assert tag("(Emery et Trist, 1966)") == [("Emery et Trist, 1966", "ref-emery-1965")]
    assert tag("(Defourny, 1999)") == [("Defourny, 1999", None)]  # three Defourny entries: no guess
    # a leading word dropped to find an entry needs the entry's own year
    assert tag("(Dupuis et Trist, 1966)") == [("Dupuis et Trist, 1966", None)]


GLANZ = "Références\n\nGlanz, S. et Glanz, E. (1950). Une étude. Paris : Seuil.\n\nLemieux, P. (2006). Un livre. Lyon : PUL."


def test_citations_linking_given_names_before_the_surname() -> None:
    assert tag("l’idée de Pierre et Anne Glanz (1950) est reprise.", GLANZ) == [("Glanz (1950)", "ref-glanz-1950")]


def test_citations_linking_surname_with_en_and_the_year_of_an_entry() -> None:
    assert tag("comme Paul Lemieux, en 2006, puis à Paris en 1950.", GLANZ) == [("Lemieux, en 2006", "ref-lemieux-2006")]


def test_citations_linking_standalone_line_kept_only_for_a_listed_author() -> None:
    got = tag("« Une citation. »\n\nLemieux, 2006, p. 3\n\nMontréal, 2006\n\nSuite.", GLANZ)
    assert got == [("Lemieux, 2006, p. 3", "ref-lemieux-2006")]


def _found(body: str, refs: str):
    text = body + "\n\n" + refs
    cut = len(body) + 2
    paras, pos = [], 0
    for part in text.split("\n\n"):
        paras.append((pos, pos + len(part), "heading" if part == "Bibliographie" else "body"))
        pos += len(part) + 2
    found = tag_text(text, paras, [(0, cut, "body"), (cut, len(text), "references")])
    return [(text[c.start : c.end], a.get("target"), a.get("targets")) for c, a in found.callouts]


VANCOUVER = (
    "Bibliographie\n\n"
    "1 Birchall, J. et Ketilson, L. H. (2009). Resilience of the cooperative business model. Genève : BIT.\n\n"
    "2 Zeuli, K. et Cropp, R. (2004). Cooperatives: principles and practices. Madison : UW.\n\n"
    "3 Ostrom, E. (1990). Governing the commons. Cambridge : Cambridge University Press.\n\n"
    "4 Defourny, J. (2001). De la coopération à l’économie sociale. Paris : Economica."
)


def test_citations_linking_superscript_numbers_of_a_list_numbered_without_points() -> None:
    # Vancouver superscripts ("crises¹", "membres²⁻⁴", "durable¹,³") call the entries of a list numbered
    # "1 Surname", with no point after the number: one span per group, every entry in `targets`.
    got = _found("Les coopératives résistent aux crises¹. Leurs membres²⁻⁴ en tirent un modèle durable¹,³.",
                 VANCOUVER)
    assert got == [
        ("¹", "ref-birchall-2009", None),
        ("²⁻⁴", "ref-zeuli-2004", ["ref-zeuli-2004", "ref-ostrom-1990", "ref-defourny-2001"]),
        ("¹,³", "ref-birchall-2009", ["ref-birchall-2009", "ref-ostrom-1990"]),
    ]


def test_citations_linking_several_years_of_one_author_target_each_entry() -> None:
    got = _found("Comme le montre l’économie sociale (Defourny, 2001, 2014b), la coopération dure.", REFS)
    assert got == [("Defourny, 2001, 2014b", "ref-defourny-2001", ["ref-defourny-2001", "ref-defourny-2014b"])]


BROKEN_REFS = (
    "Bibliographie\n\n"
    "Jennings, P. D., Greenwood, R. et Lounsbury, M. (2005). Institutions, entrepreneurs, and communities. "
    "Journal of Business Venturing, 20(3), 311-317.\n\n"
    "Jones, C. et Spicer, A. (2009). Unmasking the entrepreneur. Cheltenham : Edward Elgar.\n\n"
    "Tedmanson, D., Verduyn, K., Essers, C. et Gartner, W. B. (2012). Critical perspectives in "
    "entrepreneurship research. Organization, 19(5), 531-541."
)
BROKEN_CALLOUTS = [("Jennings et al., 2005", "ref-jennings-2005"), ("Jones et Spicer, 2009", "ref-jones-2009"),
                   ("Tedmanson et al., 2012", "ref-tedmanson-2012")]


def test_citations_linking_callouts_broken_by_a_paragraph_break_found_whole() -> None:
    # Regression: a page or column break inside the brackets made two paragraphs and every callout was lost.
    body = ("L’entrepreneuriat est une pratique sociale (Jennings et al., 2005 ; Jones et Spicer, 2009 ; Tedmanson et"
            "\n\nal., 2012) qui engage des communautés.")
    got = _found(body, BROKEN_REFS)
    assert [(t.replace("\n\n", " "), target) for t, target, _ in got] == BROKEN_CALLOUTS


@given(cut=st.integers(min_value=0, max_value=10_000), order=st.permutations(range(3)))
@settings(max_examples=60, deadline=None)
def test_citations_linking_property_a_break_anywhere_inside_the_brackets(cut: int, order: list[int]) -> None:
    # Wherever the break falls between two words inside the brackets, every callout is found whole, its
    # offsets give back its text, and it links to its entry.
    inner = " ; ".join(BROKEN_CALLOUTS[i][0] for i in order)
    spaces = [i for i, ch in enumerate(inner) if ch == " "]
    at = spaces[cut % len(spaces)]
    body = "Une pratique sociale (" + inner[:at] + "\n\n" + inner[at + 1 :] + ") qui engage des communautés."
    got = _found(body, BROKEN_REFS)  # (text[start:end], target) of each callout
    assert sorted((t.replace("\n\n", " "), target) for t, target, _ in got) == sorted(BROKEN_CALLOUTS)


def _attrs(body: str, refs: str) -> list[tuple[str, dict]]:
    text = body + "\n\n" + refs
    cut = len(body) + 2
    paras, pos = [], 0
    for part in text.split("\n\n"):
        paras.append((pos, pos + len(part), "heading" if part in ("Références", "Bibliographie") else "body"))
        pos += len(part) + 2
    found = tag_text(text, paras, [(0, cut, "body"), (cut, len(text), "references")])
    return [(text[c.start : c.end], a) for c, a in found.callouts]


def test_citations_linking_near_misses_linked_with_a_lower_confidence() -> None:
    # A misspelt surname, a year one off the list's: linked, and the link says it is less sure.
    got = _attrs("Comme le notent (Defourney, 2001), (Emery et Trist, 1966) et (Defourny, 2015b).", REFS)
    assert [(t, a.get("target")) for t, a in got] == [
        ("Defourney, 2001", "ref-defourny-2001"),
        ("Emery et Trist, 1966", "ref-emery-1965"),
        ("Defourny, 2015b", "ref-defourny-2014b"),
    ]
    sure = [a.get("confidence", 1.0) for _, a in got]
    assert 0.8 <= sure[0] < 1 and sure[1] == 0.6 and sure[2] == 0.6
    ((_, exact),) = _attrs("Comme le notent (Defourny, 2001).", REFS)
    assert exact.get("target") == "ref-defourny-2001" and "confidence" not in exact


WORKS_CITED = (
    "Works Cited\n\n"
    "Malthus, Thomas. An Essay on the Principle of Population. London: J. Johnson, 1798.\n\n"
    "McGann, Andrew. Cultural Politics in the 1790s. Cambridge: Cambridge UP, 1999.\n\n"
    "McGann, Jerome, ed. The New Oxford Book of Romantic Period Verse. Oxford: Oxford UP, 1993.\n\n"
    "Wells, Roger. Insurrection: The British Experience. Gloucester: Alan Sutton, 1983.\n\n"
    "---. “Insurrection.” Radical Movements. Ed. Iain McCalman. Oxford: Oxford UP, 2001. 558-59.\n\n"
    "Wollstonecraft, Mary. Vindication of the Rights of Woman. London: J. Johnson, 1792.\n\n"
    "Southey, Robert. Joan of Arc, an Epic Poem. Bristol: Cottle, 1796.\n\n"
    "Tilly, Charles. Popular Contention in Great Britain 1758-1834. Cambridge, MA: Harvard UP, 1995."
)


def test_citations_linking_author_page_callouts_of_a_works_cited_list() -> None:
    # MLA: the list gives the year last, the prose gives author and page; the author's second work
    # is told by its title (quoted: an article), a title alone by the author the prose named last,
    # a given name picks one of two McGanns; "Joan of Arc (1796)" is a poem's date, not a callout.
    body = (
        "Population outruns food (Malthus 68), the radicals were hanged (Wells, “Insurrection” 555; "
        "Tilly, ch. 8), and the verse tradition survived (Jerome McGann 133-4). Wollstonecraft answered "
        "Burke in kind (Vindication 179). Southey’s Joan of Arc (1796) was read widely (see also Wells). "
        "Nothing here is a callout (57), nor (Table 3)."
    )
    assert tag(body, WORKS_CITED) == [
        ("Malthus 68", "ref-malthus-1798"),
        ("Wells, “Insurrection” 555", "ref-wells-2001"),
        ("Tilly, ch. 8", "ref-tilly-1995"),
        ("Jerome McGann 133-4", "ref-mcgann-1993"),
        ("Vindication 179", "ref-wollstonecraft-1792"),
        ("Wells", "ref-wells-1983"),
    ]


def test_citations_linking_author_year_paper_reads_no_yearless_brackets() -> None:
    # The same brackets in an author-year paper are no callouts: only lists with the year last read them.
    assert tag("Population outruns food (Malthus 68) and (Wells).") == []


def test_citations_linking_bare_suffixes_and_a_trailing_comma() -> None:
    # "(Defourny, 2014a, b)" cites 2014a and 2014b; "(Emery et Trist, 1965,)" keeps its typo out of the span.
    got = _attrs("Deux ouvrages (Defourny, 2014a, b) et un article (Emery et Trist, 1965,) le disent.", REFS)
    assert [(t, a.get("target"), a.get("targets")) for t, a in got] == [
        ("Defourny, 2014a, b", "ref-defourny-2014", ["ref-defourny-2014", "ref-defourny-2014b"]),
        ("Emery et Trist, 1965", "ref-emery-1965", None),
    ]
