"""Plain-text papers in the three real shapes: tables that end, abstracts that end, references kept."""

import textwrap

import pytest

from pipeline.citations.paper import paper_entries
from pipeline.extract import assemble
from pipeline.extract.text import parse_text

PROSE = (
    "Les coopératives agricoles ont traversé la crise de 2008 sans perdre leurs membres, alors que les "
    "entreprises privées du même secteur ont réduit leurs effectifs de manière importante et durable."
)
REFERENCES = [
    "Bouchard, M. J. (2013). L’économie sociale en mouvement. Québec : Presses de l’Université du Québec.",
    "Claeys, Gregory, ed. Political Writings of the 1790s. 8 vols. London: William Pickering, 1985.",
    "Ostrom, E. (1990). Governing the Commons. Cambridge: Cambridge University Press.",
]
PAPER = [
    "La résilience des coopératives",
    "Résumé",
    "Cet article étudie la résilience des coopératives agricoles face aux crises économiques récentes du secteur.",
    "Abstract",
    "This article studies how agricultural cooperatives weathered the recent economic crises of their sector.",
    "Mots-clés : coopératives, résilience, crise",
    PROSE,
    "Tableau 1. Membres des coopératives, 2007-2010",
    "Année\tMembres\tSalariés",
    "2007\t1 200\t45",
    "2010\t1 350\t52",
    PROSE.replace("2008", "2009"),
    PROSE.replace("2008", "2010"),
    "Références",
    *REFERENCES,
]


def shaped(paras: list[str], shape: str, width: int = 88) -> str:
    """The paper as (a) one paragraph a line, (b) wrapped paragraphs, (c) wrapped with a blank after every line."""
    if shape == "a":
        return "\n\n".join(paras) + "\n"
    wrapped = [p.split("\n") if "\t" in p else textwrap.wrap(p, width) for p in paras]
    if shape == "b":
        return "\n\n".join("\n".join(w) for w in wrapped) + "\n"
    return "\n\n".join(line for w in wrapped for line in w) + "\n"


def entries(text: str) -> tuple[list[str], object]:
    ex = assemble(parse_text(text))
    paras = [(p.start, p.end, p.kind) for p in ex.paragraphs]
    secs = [(s.start, s.end, s.role) for s in ex.sections]
    found = paper_entries(ex.text, paras, secs, {a for a, _, k in paras if k == "note"})
    return [ex.text[e.start : e.end] for e in found], ex


@pytest.mark.parametrize("shape", ["a", "b", "c"])
def test_table_without_source_line_ends_where_prose_starts(shape):
    ex = assemble(parse_text(shaped(PAPER, shape)))
    tables = [ex.text[p.start : p.end] for p in ex.paragraphs if p.kind == "table"]
    assert tables == ["Année Membres Salariés\n2007 1 200 45\n2010 1 350 52"]
    assert [s.role for s in ex.sections][-1] == "references"


@pytest.mark.parametrize("shape", ["a", "b", "c"])
def test_reference_list_after_table_found_entry_by_entry(shape):
    found, ex = entries(shaped(PAPER, shape))
    assert found == REFERENCES
    refs = next(s for s in ex.sections if s.role == "references")
    assert all(refs.start <= ex.text.index(f) < refs.end for f in found)


@pytest.mark.parametrize("shape", ["a", "b", "c"])
def test_abstract_without_introduction_ends_at_keywords(shape):
    ex = assemble(parse_text(shaped(PAPER, shape)))
    roles = [s.role for s in ex.sections]
    assert roles[:3] == ["abstract", "abstract", "keywords"]
    body = ex.sections[3]
    assert body.role == "body" and ex.text[body.start :].startswith(PROSE[:40])


def test_abstract_in_another_language_ends_at_the_papers_language():
    body = [PROSE, PROSE.replace("2008", "2009"), PROSE.replace("2008", "2010")]
    paper = ["Abstract", PAPER[4], *body]
    ex = assemble(parse_text(shaped(paper, "a")))
    assert [s.role for s in ex.sections] == ["abstract", "body"]
    assert ex.text[ex.sections[1].start :].startswith(PROSE[:40])


MLA = [
    "Desroche, Henri. Le projet coopératif. Paris: Éditions ouvrières, 1976.",
    "Gide, Charles. Les sociétés coopératives de consommation. Paris: Armand Colin, 1904.",
    "---. La coopération et les parties politiques. Paris: Association pour l’enseignement, 1922.",
    "Lambert, Paul. La doctrine coopérative. Bruxelles: Les Propagateurs de la coopération, 1964.",
    "Vienney, Claude. Socio-économie des organisations coopératives. 2 vols. Paris: CIEM, 1980.",
]


@pytest.mark.parametrize("shape", ["a", "b"])
def test_reference_paragraphs_of_a_text_export_are_its_entries(shape):
    # Humanities style: no year right after the names, so only the paragraph breaks part the entries.
    found, _ = entries(shaped([PROSE, "Works Cited", *MLA], shape))
    assert found == MLA


@pytest.mark.parametrize("shape", ["a", "b"])
def test_entries_ending_with_semicolons_each_found(shape):
    ours = [e.rstrip(".") + " ;" for e in REFERENCES] + ["Loi n° 47-1775 (1947) portant statut de la coopération ;"]
    found, _ = entries(shaped([PROSE, "Bibliographie", *ours], shape))
    assert found == ours


def test_pdf_copied_reference_list_entries_part_at_a_full_last_line():
    # Shape (c): a blank after every line says nothing, and these entries end on a full-width line.
    first = [
        "Desroche, Henri. Le projet coopératif : son utopie et sa pratique, ses appareils et ses réseaux,",
        "ses espérances et ses déconvenues. Paris : Éditions ouvrières, collection Économie humaine, 1976.",
    ]
    second = [
        "Gide, Charles. Les sociétés coopératives de consommation, leur histoire et leurs principes, leur",
        "place dans l’économie nationale. Paris : Armand Colin, Bibliothèque sociale des métiers, 1904.",
    ]
    third = [
        "Lambert, Paul. La doctrine coopérative, troisième édition revue et augmentée d’une étude sur",
        "les coopératives et le développement. Bruxelles : Les Propagateurs de la coopération, 1964.",
    ]
    body = textwrap.wrap(" ".join([PROSE] * 4), 96)
    text = "\n\n".join([*body, "Références", *first, *second, *third]) + "\n"
    found, _ = entries(text)
    assert found == [" ".join(first), " ".join(second), " ".join(third)]


SECTIONED = [
    "La résilience des coopératives",
    "Amina Benali, Pierre Tremblay",
    PROSE,
    "Cadre théorique",
    PROSE.replace("2008", "2011"),
    "Méthodologie",
    PROSE.replace("2008", "2012"),
    "Résultats et discussion",
    PROSE.replace("2008", "2013"),
    "a) Références citées",
    *REFERENCES,
]


@pytest.mark.parametrize("shape", ["a", "b", "c"])
def test_unnumbered_headings_part_the_sections(shape):
    # A short capitalised line alone between paragraphs is a heading; the title and authors above the
    # first prose are not; a lettered "a)" does not hide a reference heading.
    _, ex = entries(shaped(SECTIONED, shape))
    assert [(s.title, s.role) for s in ex.sections] == [
        ("Cadre théorique", "body"),
        ("Méthodologie", "methods"),
        ("Résultats et discussion", "results"),
        ("a) Références citées", "references"),
    ]


@pytest.mark.parametrize("shape", ["a", "b", "c"])
def test_numbered_entries_are_not_headings(shape):
    # "2 Ostrom, E. (1990). ..." under the reference heading is an entry, not section 2 ending the list.
    numbered = [f"{i} {r}" for i, r in enumerate(REFERENCES + ["Vienney, C. (1980). Socio-économie. Paris : CIEM."], 1)]
    found, ex = entries(shaped([PROSE, "Bibliographie", *numbered], shape, width=60))
    assert found == numbered
    assert [s.role for s in ex.sections] == ["references"]


@pytest.mark.parametrize("shape", ["a", "b"])
def test_entries_without_a_final_full_stop_each_found(shape):
    # "..., L’Harmattan, Paris", "... c. 64": an entry of a text export need not end with a full stop.
    ours = [
        "Dumez H., 2004, Gouverner les organisations, L’Harmattan, Paris",
        "Le Nagard E., Reniou F., 2013, « Co-innover avec les clients », Décisions Marketing, n°71",
        "Martinet A.-C., 2012, « Albert Hirschman », in Germain O. (dir.), Les grands inspirateurs, EMS.",
        "Code civil du Québec, L.Q., 1991, c. 64",
        "Ostrom E., 1990, Governing the Commons, Cambridge University Press, Cambridge",
    ]
    found, _ = entries(shaped([PROSE, "Bibliographie", *ours], shape))
    assert found == ours


def test_double_spaced_entries_part_at_author_heads_not_at_short_lines():
    # Shape (c): "European Psychologist, 1(2), 100-112." after a short line ending in a full stop goes on
    # the entry; "Kirke, P., ..." after a full-width line opens the next one.
    refs = [
        ["Boekaerts, M. (1996). Self-regulated learning at the junction of cognition and motivation.",
         "European Psychologist, 1(2), 100-112."],
        ["Kasar, J. et Muscari, M. E. (2000). A conceptual model for the development of professional",
         "behaviours in occupational therapists. Canadian Journal of Occupational Therapy, 67(1), 42-50."],
        ["Kirke, P., Layton, N. et Sim, J. (2007). Informing fieldwork design. Australian Occupational",
         "Therapy Journal, 54, S13-S22."],
        ["Le Maistre, C., Boudreau, S. et Paré, A. (2006). Mentor or evaluator ? Journal of Workplace",
         "Learning, 18(6), 344-354."],
    ]
    body = textwrap.wrap(" ".join([PROSE] * 4), 96)
    text = "\n\n".join([*body, "Références", *(line for r in refs for line in r)]) + "\n"
    found, _ = entries(text)
    assert found == [" ".join(r) for r in refs]
