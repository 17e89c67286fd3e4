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
