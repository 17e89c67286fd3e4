"""Normalisation: ligatures, NFC, line-break hyphens, continuation of cut paragraphs."""

import unicodedata

import pytest

from pipeline.extract.clean import dehyphenate, join_lines, merge_continuations, normalise_chars
from pipeline.extract.model import Block


@pytest.mark.parametrize(
    "left, right, expected",
    [
        ("organisa", "tion", "organisation"),
        ("coopéra", "tives", "coopératives"),
        ("dé", "veloppement", "développement"),
        ("infor", "mation", "information"),
        ("socio", "économique", "socio-économique"),
        ("multi", "acteurs", "multi-acteurs"),
        ("Borda", "Rodriguez", "Borda-Rodriguez"),
        ("self", "organization", "self-organization"),
        ("long", "term", "long-term"),
        ("2014", "2016", "2014-2016"),
        ("sur", "monter", "surmonter"),
        ("with", "out", "without"),
        ("Va", "léau", "Valéau"),
        ("hypothetico", "deductive", "hypothetico-deductive"),
        ("avant", "garde", "avant-garde"),
        ("Jean", "Pierre", "Jean-Pierre"),
        ("démutua", "lisation", "démutualisation"),
    ],
)
def test_clean_dehyphenate(left, right, expected):
    assert dehyphenate(left, right) == expected


def test_clean_dehyphenate_the_papers_own_words_win():
    """A form the paper prints inside a line decides: the joined word joins, the hyphenated one keeps."""
    assert dehyphenate("inter", "cultural") == "inter-cultural"
    assert dehyphenate("inter", "cultural", frozenset({"intercultural"})) == "intercultural"
    assert dehyphenate("Char", "reaux", frozenset({"char-reaux"})) == "Char-reaux"
    assert dehyphenate("socio", "économique", frozenset({"socioéconomique"})) == "socioéconomique"


def test_clean_join_lines_expands_ligatures_and_hyphens():
    raw = "La dé\ufb01nition de l’e\ufb03cacité des organisa-\ntions\nsocio-\néconomiques"
    assert join_lines(raw) == "La définition de l’efficacité des organisations socio-économiques"


def test_clean_normalise_chars_nfc_and_spaces():
    decomposed = unicodedata.normalize("NFD", "Résilience\u00a0: coopérative\u200b")
    out = normalise_chars(decomposed)
    assert out == "Résilience : coopérative"
    assert unicodedata.is_normalized("NFC", out)


def test_clean_merge_continuations_across_footnote():
    blocks = [
        Block("La résilience des coopératives dans", page=1),
        Block("1. Note de bas de page.", page=1, kind="note"),
        Block("le contexte de la crise.", page=2),
        Block("Une autre phrase.", page=2),
    ]
    merged = merge_continuations(blocks)
    assert [b.kind for b in merged] == ["body", "note", "body"]
    assert merged[0].text == "La résilience des coopératives dans\nle contexte de la crise."


def test_clean_merge_continuations_stops_at_heading():
    blocks = [Block("Texte sans point", page=1), Block("2. Titre", page=2, kind="heading"), Block("suite", page=2)]
    assert len(merge_continuations(blocks)) == 3


def test_extract_clean_a_url_broken_over_lines_is_joined_without_a_space() -> None:
    # Typesetting breaks a long URL after "/", ".", "_"...: the lines are one URL again, and a sentence
    # after a URL that ends a line is still a sentence of its own.
    from pipeline.extract.clean import join_lines

    assert join_lines("Repéré à https://www.sciencedirect.com/science/article/pii/\nS1877584513000300?via%3Dihub") == (
        "Repéré à https://www.sciencedirect.com/science/article/pii/S1877584513000300?via%3Dihub")
    assert join_lines("http://www.stat.gouv.qc.ca/statistiques/qc_groupe_age_\net_sexe.xlsx") == (
        "http://www.stat.gouv.qc.ca/statistiques/qc_groupe_age_et_sexe.xlsx")
    assert join_lines("Voir https://coop.ca/a.\nLa suite.") == "Voir https://coop.ca/a. La suite."
    # broken anywhere (not only after "/", "." ...): after a "_" it goes on; after a "." only a last piece
    assert join_lines("https://coop.ca/resilience_in_two_\nregions") == "https://coop.ca/resilience_in_two_regions"
    assert join_lines("http://coop.ca/Rapport_annuel_2016.\npdf") == "http://coop.ca/Rapport_annuel_2016.pdf"
    assert join_lines("see www.coop.ca/\nand more") == "see www.coop.ca/ and more"
    # a "+" (a space in a URL's query or file name) is a URL's mark: cut mid-word or before it, the URL goes on
    assert join_lines("https://coop.nl/files/rapport+sur+les+mini\nmum+standards+des+coops\n+2016a.pdf") == (
        "https://coop.nl/files/rapport+sur+les+minimum+standards+des+coops+2016a.pdf")
