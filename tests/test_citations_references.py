"""Reference lists: entries split from wrapped and glued paragraphs, fields parsed in each style."""

from __future__ import annotations

import pytest

from pipeline.citations.fields import parse_entry, split_names
from pipeline.citations.references import reference_paragraphs, split_entries


def paragraphs(text: str) -> list[tuple[int, int]]:
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, pos + len(part)))
        pos += len(part) + 2
    return out


def entries(text: str) -> list[str]:
    return [text[e.start : e.end] for e in split_entries(text, paragraphs(text))]


def test_citations_references_wrapped_and_glued_entries() -> None:
    text = (
        "Defourny, Jacques (2001). De la coopération à l’économie sociale. Paris,\n\n"
        "Economica. Ostrom, Elinor (1990). Governing the Commons. Cambridge, Cambridge University Press.\n\n"
        "Putnam, R. D. (1993). Making democracy work : Civic traditions in modern Italy.\n\n"
        "Princeton, NJ : Princeton University Press.\n\n"
        "Seville, E. (2008). Resilience : Great concept but what does it mean ? Wellington, NZ : Resilient Organisations."
    )
    got = entries(text)
    assert [e.split(" ")[0] for e in got] == ["Defourny,", "Ostrom,", "Putnam,", "Seville,"]
    assert got[0].endswith("Economica.")
    assert got[2].endswith("Princeton University Press.")


def test_citations_references_numbered_list() -> None:
    text = (
        "1. Shojania KG, Grimshaw JM: Evidence-based quality improvement: the\n\n"
        "state of the science. Health Aff 2005, 24(1):138–150.\n\n"
        "2. Palmer D: Tackling Malawi’s human resources crisis. Reprod Health Matters 2006, 14(27):27–39."
    )
    got = split_entries(text, paragraphs(text))
    assert [e.number for e in got] == [1, 2]
    assert text[got[0].start : got[0].end].endswith("138–150.")


def test_citations_references_journal_footer_is_no_entry() -> None:
    text = (
        "1. Roy P: Care in poor settings. Glob J Care 2011, 9(2):1–5.\n\n"
        "doi:10.1000/xyz-1 Cite this article as: Lamy et al.: A study of care. Some Journal 2014 14:1."
    )
    got = split_entries(text, paragraphs(text))
    assert [text[e.start : e.end][-6:] for e in got] == ["):1–5."]


def test_citations_references_found_in_section_and_footnotes() -> None:
    text = "Références\n\nDupont, J. (2001). Titre. Paris : Seuil.\n\nCorps.\n\n1 Martin, P. (2003). Un livre. Lyon : PUL.\n\n2 Durand, A. (2004). Un autre. Paris : PUF."
    paras = paragraphs(text)
    kinds = ["heading", "body", "body", "note", "note"]
    found = reference_paragraphs(
        text, [(a, b, k) for (a, b), k in zip(paras, kinds)], [(paras[0][0], paras[1][1], "references")]
    )
    assert [[text[a:b][:6] for a, b in group] for group in found] == [["Dupont"], ["1 Mart", "2 Dura"]]


def test_citations_references_licence_note_after_the_list_is_no_spilled_entry() -> None:
    """A journal's licence line (a footnote under "Notes" after the list) reads like an entry: it is not
    the list's next column (International Psychogeriatrics, once its © decoded and the line became a note)."""
    text = (
        "References\n\nDupont, J. (2001). Titre. Paris : Seuil.\n\n"
        "International Psychogeriatrics (2014), 26:1, 147–154 © International Psychogeriatric Association 2013."
    )
    paras = paragraphs(text)
    found = reference_paragraphs(
        text, [(a, b, k) for (a, b), k in zip(paras, ["heading", "body", "note"])], [(paras[0][0], paras[1][1], "references")]
    )
    assert [[text[a:b][:6] for a, b in group] for group in found] == [["Dupont"]]


@pytest.mark.parametrize(
    "entry, expected",
    [
        (  # APA
            "Andrews, D. A., Zinger, I. et Cullen, F. T. (1990). Does correctional treatment work ? "
            "A clinically relevant meta-analysis. Criminology, 28(3), 369-404. https://doi.org/10.1111/j.1745-9125.1990.tb01330.x",
            {"authors": ["Andrews", "Zinger", "Cullen"], "year": "1990",
             "title": "Does correctional treatment work ? A clinically relevant meta-analysis",
             "container": "Criminology", "volume": "28", "issue": "3", "pages": "369-404",
             "doi": "10.1111/j.1745-9125.1990.tb01330.x"},
        ),
        (  # French, initials after the surname, quoted title
            "Valéau P., Parak H. & Louart P. (2013), « Les équipes associatives entre rationalité en valeur "
            "et entrepreneuriat social », RECMA, N° 330, p. 89-106.",
            {"authors": ["Valéau", "Parak", "Louart"], "year": "2013",
             "title": "Les équipes associatives entre rationalité en valeur et entrepreneuriat social",
             "container": "RECMA", "issue": "330", "pages": "89-106"},
        ),
        (  # French "Nom, Prénom (année)." with a book
            "Defourny, Jacques (2001). De la coopération à l’économie sociale. Paris, Economica.",
            {"authors": ["Defourny"], "year": "2001", "title": "De la coopération à l’économie sociale",
             "publisher": "Economica"},
        ),
        (  # Chicago author-date
            "Bochmann, Klaus. 2001. Notre langue, votre patois, leur baragouin. Hermès 30 : 93-102.",
            {"authors": ["Bochmann"], "year": "2001", "title": "Notre langue, votre patois, leur baragouin",
             "container": "Hermès", "volume": "30", "pages": "93-102"},
        ),
        (  # ACL / given names first
            "Waleed Ammar, Matthew E. Peters, and Russell Power. 2017. The ai2 system at semeval-2017. In ACL workshop (SemEval).",
            {"authors": ["Ammar", "Peters", "Power"], "year": "2017", "title": "The ai2 system at semeval-2017",
             "container": "ACL workshop (SemEval)"},
        ),
        (  # Vancouver / BMC
            "3. Shojania KG, Grimshaw JM: Evidence-based quality improvement: the state of the science. "
            "Health Aff 2005, 24(1):138–150.",
            {"authors": ["Shojania", "Grimshaw"], "year": "2005",
             "title": "Evidence-based quality improvement: the state of the science",
             "container": "Health Aff", "volume": "24", "issue": "1", "pages": "138–150"},
        ),
        (  # Vancouver / ICMJE
            "12. Smith J, Doe A. Cooperative survival in crises. BMJ. 2010;340:c123.",
            {"authors": ["Smith", "Doe"], "year": "2010", "title": "Cooperative survival in crises",
             "container": "BMJ", "volume": "340", "pages": "c123"},
        ),
        (  # an institution as author, lower-case words in its name (was: authors ["(2002)"], year n.d.)
            "Organisation internationale du travail (OIT) (2002), Recommandation 193 concernant la promotion "
            "des coopératives. Genève : BIT.",
            {"authors": ["Organisation internationale du travail (OIT)"], "year": "2002",
             "title": "Recommandation 193 concernant la promotion des coopératives", "publisher": "BIT"},
        ),
        (
            "Alliance coopérative internationale (2015). Notes d’orientation sur les principes coopératifs. Bruxelles : ACI.",
            {"authors": ["Alliance coopérative internationale"], "year": "2015",
             "title": "Notes d’orientation sur les principes coopératifs"},
        ),
    ],
)
def test_citations_references_fields(entry: str, expected: dict) -> None:
    got = parse_entry(entry)
    assert {k: got.get(k) for k in expected} == expected


def test_citations_references_names() -> None:
    assert split_names("BARONI M. & LENCI A.") == ["BARONI", "LENCI"]
    assert split_names("Iribarne (d’), Ph.") == ["d’Iribarne"]
    assert split_names("Boudreau, Annette et Françoise Gadet") == ["Boudreau", "Gadet"]
    assert split_names("Franco L, et al") == ["Franco"]
    assert split_names("Nilsson, L-G., Adolfsson, R. and de Frias, C. M.") == ["Nilsson", "Adolfsson", "de Frias"]
    assert split_names("American Psychiatric Association.") == ["American Psychiatric Association"]
    assert split_names("Chanlat, J-F.; Davel, E.; Dupuis, J-P. (sous la dir)") == ["Chanlat", "Davel", "Dupuis"]


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("Geertz, C. (1973). The Interpretation of Cultures, Basic Books.",
         {"title": "The Interpretation of Cultures", "publisher": "Basic Books"}),
        ("Argyris, C.; Schön, D. (1978). Organizational Learning, Addison-Wesley, Reading, MA.",
         {"authors": ["Argyris", "Schön"], "title": "Organizational Learning", "publisher": "Addison-Wesley"}),
        ("Chevrier, S. (2000). Le management des équipes interculturelles, Paris, Puf.",
         {"title": "Le management des équipes interculturelles", "publisher": "Puf"}),
        ("Yin, R. (2003 [1994]). Case study research. Beverly Hills, CA: Sage Publications.",
         {"year": "2003", "title": "Case study research", "publisher": "Sage Publications"}),
        ("Cohen, L.; Kassis-Henderson, J. (2012/5). “Language use in teams”, Management international, 16(3), 185-207.",
         {"authors": ["Cohen", "Kassis-Henderson"], "year": "2012", "title": "Language use in teams",
          "container": "Management international", "volume": "16", "issue": "3", "pages": "185-207"}),
        ("Von Drehle, D. (2010, 22 février). Why crime went away. Time Magazine.",
         {"authors": ["Von Drehle"], "year": "2010", "title": "Why crime went away"}),
        ("Kamdem, E. (s. d.). Management et interculturalité en Afrique. Québec : Presses de l’Université Laval.",
         {"year": "n.d.", "title": "Management et interculturalité en Afrique"}),
    ],
)
def test_citations_references_imprints_and_year_slots(entry: str, expected: dict) -> None:
    got = parse_entry(entry)
    assert {k: got.get(k) for k in expected} == expected


def test_citations_references_glued_capitals_style() -> None:
    text = (
        "MORALIYSKI R. & DIAS G. (2007). One Sense Per Discourse. In RANLP 2007, Borovets, Bulgaria. "
        "PANTEL P. & LIN D. (2002). Discovering word senses from text. In KDD’02, p. 613–619."
    )
    got = entries(text)
    assert [e[:9] for e in got] == ["MORALIYSK", "PANTEL P."]


@pytest.mark.parametrize(
    "entry, expected",
    [
        ("Martin, A. (2011). Un titre. Revue X, 4, 10-20. doi:10.1234/ abcd.2011.05.", {"doi": "10.1234/abcd.2011.05"}),
        ("Martin, A. (2011). Un titre. Revue X. (https://doi.org/10.5555/ x12345", {"doi": "10.5555/x12345", "container": "Revue X"}),
        ("Roy, B. (1980). Titre. J Y, 2, 1–9. doi:10.1000/0001-2345 (80)90012-3.", {"doi": "10.1000/0001-2345(80)90012-3"}),
        ("Roy, B. (1996). Titre. J Z, 11, 5–9. doi:10.1002/(SICI)1000-0000(199601)11:1<5::AID-X1>3.0.CO;2-5.",
         {"doi": "10.1002/(SICI)1000-0000(199601)11:1<5::AID-X1>3.0.CO;2-5"}),
        ("Roy, B. (2007). Titre. J W, 6, 2–3. doi:10.1016/j.abcd. 2007.02.007. Epub 2007 Jan 5.", {"doi": "10.1016/j.abcd.2007.02.007"}),
    ],
)
def test_citations_references_doi_wrapped_prefixed_or_url(entry: str, expected: dict) -> None:
    got = parse_entry(entry)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    "entry, expected",
    [
        (  # three authors with undotted initials: not a Chicago note "Author, Title, ..."
            "7. Dupont KL, Martin S, Lee J: Care teams: a review of roles. Some J Med 2004, 12(3):45–50.",
            {"authors": ["Dupont", "Martin", "Lee"], "year": "2004", "title": "Care teams: a review of roles",
             "container": "Some J Med"},
        ),
        (  # an institution with a colon, a page read on a date, a URL cut at the line wrap
            "9. UNESCO: Schools. 2015. [cited 2016 May 2]; Available from: http://www. example.org/schools/.",
            {"authors": ["UNESCO"], "year": "2015", "title": "Schools", "url": "http://www.example.org/schools/"},
        ),
        (  # the journal's year, not the one in a repeated title
            "4. Roy P: Care in poor settings: a view. Global Journal of Care 2012. Glob J Care 2011, 9(2):1–5.",
            {"year": "2011", "container": "Glob J Care"},
        ),
        (  # a Roman numeral ends the title
            "5. ILO: Cooperative Indicators Part III. World Labour Report 2012:14.",
            {"title": "Cooperative Indicators Part III", "container": "World Labour Report"},
        ),
    ],
)
def test_citations_references_vancouver_title_boundaries(entry: str, expected: dict) -> None:
    got = parse_entry(entry)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    "entry, expected",
    [
        (  # APA: a title of several sentences, the journal is the last one before volume and pages
            "Moreau, C. (1999). Work and rest. Part 2. Effects of age and place. Journal of Leisure Studies, 3, 10–20.",
            {"title": "Work and rest. Part 2. Effects of age and place", "container": "Journal of Leisure Studies"},
        ),
        (
            "Lenoir, D. (2012, 3 mars). Why towns shrink: Rent is at a high. Will it fall? Weekly Mag, 22-25.",
            {"title": "Why towns shrink: Rent is at a high. Will it fall?", "container": "Weekly Mag"},
        ),
        (  # French: a question mark ends the title before "Dans"; editors left out of the book
            "Roy, P. (2014). Qui gouverne les coopératives ? Dans A. Dupont et B. Martin (dir.), Les coopératives "
            "en débat (2e éd., p. 10-20). Paris : Puf.",
            {"title": "Qui gouverne les coopératives ?", "container": "Les coopératives en débat"},
        ),
        (  # notes after a title are not part of it
            "Ferry, E. (1900/1990). The old school (traduit par A. Roy). Paris : Seuil.",
            {"title": "The old school", "year": "1900"},
        ),
        ("Lamy, B. (2001). Reducing waste (Regional Research Study 12). Lyon : PUL.", {"title": "Reducing waste"}),
        ("Ordre des X. (2000). Manual of rules, 4th ed., text rev. Paris : Ordre.", {"title": "Manual of rules"}),
        ("4. Lamy B: Size in small studies, Volume 3. Lyon: Forum; 2010.", {"title": "Size in small studies"}),
        (  # French quoted title with apostrophes inside
            "Durand J. (2010), « L’essor d’une coopérative. Étude d’un cas », Revue X, N° 3, p. 1-9.",
            {"title": "L’essor d’une coopérative. Étude d’un cas", "container": "Revue X"},
        ),
        (  # a title in brackets that is part of the title stays
            "Binot, L. (2015). Le sens du jeu (qui a gagné ?). Paris, Grasset.",
            {"title": "Le sens du jeu (qui a gagné ?)"},
        ),
        (
            "Alliance X. (2009). World Report. Available at: http://www.example.org/ report/world; last accessed 3 May 2013.",
            {"title": "World Report", "url": "http://www.example.org/report/world"},
        ),
    ],
)
def test_citations_references_author_year_title_boundaries(entry: str, expected: dict) -> None:
    got = parse_entry(entry)
    assert {k: got.get(k) for k in expected} == expected


def test_citations_references_list_given_line_by_line_parted_into_entries() -> None:
    # A PDF whose reference list came out one paragraph per line (no hanging indent found): the
    # entry-start model parts the lines; "Garnier," then "D. (2005)." is one entry, not two.
    import textwrap

    ours = [
        "Karsenti, T., Larose, F. et Garnier, D. (2002). Optimiser l’intégration des TIC dans la formation "
        "des maîtres. Revue des sciences de l’éducation, 28(1), 49-69.",
        "Bédard, F., Kadri, B., Giroux, P., Géronimi, M., Duguay, B. et Boulard, D. (2005). Les enjeux de "
        "l’intégration des TIC à l’Université : adaptation du corps enseignant. Res Academica, 23(1), 7-26.",
        "Poteaux, N. (2013). Pédagogie de l’enseignement supérieur en France : état de la question. "
        "Distances et médiations des savoirs, 4. Récupéré de http://dms.revues.org/285",
        "Raby, C., Karsenti, T., Meunier, H. et Villeneuve, S. (2011). Usage des TIC en pédagogie "
        "universitaire : point de vue des étudiants. Revue internationale des technologies en pédagogie "
        "universitaire, 8(3), 6-19.",
    ]
    lines = [line for e in ours for line in textwrap.wrap(e, 72)]
    found = [" ".join(e.split()) for e in entries("\n\n".join(lines))]
    assert found == ours


def _wrapped_list(ours: list[str], width: int = 72) -> str:
    import textwrap

    return "\n\n".join(line for e in ours for line in textwrap.wrap(e, width))


def test_citations_references_shortened_author_list_is_one_entry() -> None:
    # APA shortens a long author list with "..." before the last author: that last author's
    # "Sharma, S. (2013)." is not the head of a glued entry.
    ours = [
        "Allal, L. & Saada-Robert, M. (1992). La métacognition : cadre conceptuel pour l’étude des "
        "régulations en situation scolaire. Archives de Psychologie (60), 265-296.",
        "Arain, M., Haque, M., Johal, L., Mathur, P., Nel, W., Rais, A.,... Sharma, S. (2013). Maturation "
        "of the adolescent brain. Neuropsychiatric Disease and Treatment (9), 449-461.",
        "Baïetto, M.-C., Barthelemy, A. & Gadeau, L. (2003). Pour une clinique de la relation éducative. "
        "Paris, France : L’Harmattan.",
    ]
    assert [" ".join(e.split()) for e in entries("\n\n".join(ours))] == ours
    assert [" ".join(e.split()) for e in entries(_wrapped_list(ours, 50))] == ours


def test_citations_references_list_subheadings_are_no_entries() -> None:
    # Law and history lists part themselves under their own headings ("Lois", "Jurisprudence",
    # "Fuentes primarias"): those lines are neither entries nor the head of the next one.
    ours = [
        "White, R. (2013). Resource Extraction Leaves Something Behind: Environmental Justice and Mining. "
        "International Journal for Crime and Justice, 2(1), 50-64.",
        "Lois",
        "Code civil du Québec, L.Q., 1991, c. 64.",
        "Loi affirmant le caractère collectif des ressources en eau et visant à renforcer leur protection, "
        "R.L.R.Q. 2009, c. 21.",
        "Jurisprudence",
        "Québec (Procureur général) c. Moses, 2010 CSC 17, [2010] 1 R.C.S. 557.",
    ]
    want = [e for e in ours if e not in ("Lois", "Jurisprudence")]
    assert [" ".join(e.split()) for e in entries("\n\n".join(ours))] == want
    # Wrapped, the law entries may run together (no author head parts them), but no heading is in one.
    wrapped = entries(_wrapped_list(ours, 50))
    assert wrapped[0].startswith("White") and wrapped[-1].endswith("R.C.S. 557.")
    assert not any(word in e for e in wrapped for word in ("Lois", "Jurisprudence"))


def test_citations_references_short_year_last_entries_given_line_by_line() -> None:
    # A French humanities list ("NOM, Prénom, Titre, Lieu, Éditeur, année."), most entries one line,
    # copied out of a PDF with a blank line after every line: few lines are cut mid-phrase, yet the
    # paragraphs are lines, and the entries are told apart by the line model, not by a year up front.
    ours = [
        "BOURDIEU, Pierre, La distinction, Paris, Minuit, 1979.",
        "BOUDREAU, Annette et Lise DUBOIS, « J'parle pas comme les Français de France ni comme les Anglais », "
        "Revue de l'Université de Moncton, vol. 26, no 1, 1993, p. 147-168.",
        "CALVET, Louis-Jean, La guerre des langues et les politiques linguistiques, Paris, Payot, 1987.",
        "GADET, Françoise, La variation sociale en français, Paris, Ophrys, 2003.",
        "HELLER, Monica, Éléments d'une sociolinguistique critique, Paris, Didier, 2002.",
        "LABOV, William, Sociolinguistique, Paris, Minuit, 1976.",
        "LAFONTAINE, Dominique, Le parti pris des mots : normes et attitudes linguistiques, Bruxelles, Mardaga, 1986.",
        "MOREAU, Marie-Louise (dir.), Sociolinguistique : concepts de base, Liège, Mardaga, 1997.",
        "THIBAULT, Pierrette, « Le français parlé », dans Gérard Grandguillaume (dir.), Langues et sociétés, "
        "Paris, PUF, 2000, p. 12-40.",
    ]
    assert [" ".join(e.split()) for e in entries(_wrapped_list(ours, 88))] == ours
