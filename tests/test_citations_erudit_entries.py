"""Training entries and gold fields read from Érudit's typography (small capitals, quotes, italics), on
entries we wrote ourselves in Érudit's XML markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from pipeline.citations.labeller import persons
from pipeline.evaluation.erudit import flat, marked_text
from pipeline.evaluation.reffields import erudit_labelled
from pipeline.train.erudit_entries import label_entry

SC, IT = '<marquage typemarq="petitecap">', '<marquage typemarq="italique">'
END = "</marquage>"


def _fields(xml: str) -> dict[str, str] | None:
    ref = ET.fromstring(f"<refbiblio>{xml}</refbiblio>")
    text, marks = marked_text(ref)
    assert text == flat(ref)
    spans = label_entry(text, marks)
    if spans is None:
        return None
    out: dict[str, str] = {}
    for a, b, lab in spans:
        out.setdefault(lab, text[a:b])
    return out


def test_erudit_entries_label_a_french_article() -> None:
    got = _fields(f"{SC}Tremblay{END}, J. (2010), « Les coopératives du littoral », {IT}Revue des terroirs{END}, "
                  "vol. 12, no 3, p. 5-9.")
    assert got == {"author": "Tremblay, J.", "year": "2010", "title": "Les coopératives du littoral",
                   "container": "Revue des terroirs", "volume": "12", "issue": "3", "pages": "5-9"}


def test_erudit_entries_label_a_chapter_with_its_editors_and_imprint() -> None:
    got = _fields(f"Gagnon, L. (2001). Une histoire des caisses. Dans M. Roy (dir.), {IT}Le mouvement coopératif{END}"
                  " (p. 77-94). Montréal : Presses de l’Est.")
    assert got == {"author": "Gagnon, L.", "year": "2001", "title": "Une histoire des caisses", "editor": "M. Roy",
                   "container": "Le mouvement coopératif", "pages": "77-94", "place": "Montréal",
                   "publisher": "Presses de l’Est"}


def test_erudit_entries_label_a_book_with_the_year_last() -> None:
    got = _fields(f"{SC}Martin{END}, Paul, {IT}Le grain et la meule{END}, Paris, Fayard, 1999.")
    assert got == {"author": "Martin, Paul", "title": "Le grain et la meule", "place": "Paris", "publisher": "Fayard",
                   "year": "1999"}


def test_erudit_entries_leave_out_what_the_markup_does_not_fix() -> None:
    assert _fields("Archives nationales, fonds des coopératives, carton 12.") is None
    assert _fields(f"{IT}Le Devoir{END}, 12 mars 1950.") is None  # a newspaper: no author


def test_erudit_gold_reads_names_set_partly_in_small_capitals(tmp_path: Path) -> None:
    (tmp_path / "zz_ours.xml").write_text(
        "<article>"
        f"<refbiblio><idpublic>10.1/x</idpublic>T{SC}remblay{END}, J. (2010), « Un titre », {IT}Une revue{END}, 3.</refbiblio>"
        f"<refbiblio>{SC}Roy M.{END}, 2004, « Un autre titre », {IT}Une revue{END}, 4.</refbiblio>"
        f"<refbiblio>{SC}Le{END} {SC}Gall{END} A. (2004), « Un titre encore », {IT}Une revue{END}, 5.</refbiblio>"
        "</article>", encoding="utf-8")
    firsts = [gold.get("first_author") for _text, gold in erudit_labelled(tmp_path, held=False)]
    assert firsts == ["Tremblay", "Roy", "Le Gall"]


def test_erudit_gold_takes_no_title_from_quotes_or_italics_inside_a_plain_title(tmp_path: Path) -> None:
    (tmp_path / "zz_ours.xml").write_text(
        "<article>"
        f"<refbiblio>Roy, M. (2004). Lire le « sens commun » des coopératives. {IT}Une revue{END}, 3(2), 1-9.</refbiblio>"
        f"<refbiblio>Roy, M. (2005). Les chapitres. Dans L. Roy (dir.), {IT}Un livre collectif{END}. Paris : Seuil.</refbiblio>"
        "</article>", encoding="utf-8")
    golds = [gold for _text, gold in erudit_labelled(tmp_path, held=False)]
    assert golds == [{"year": "2004"}, {"year": "2005", "container": "Un livre collectif"}]


def test_citations_labeller_reads_family_first_names_without_a_comma() -> None:
    assert persons("Lévesque Benoît") == [("Lévesque", "Benoît")]
    assert persons("Benoît Lévesque") == [("Lévesque", "Benoît")]
    assert persons("Gagnon Jean-Pierre et Roy Marie") == [("Gagnon", "Jean-Pierre"), ("Roy", "Marie")]


def test_citations_labeller_keeps_a_body_as_one_author() -> None:
    assert persons("Direction générale des coopératives et de l’économie sociale") == [
        ("Direction générale des coopératives et de l’économie sociale", "")]
    assert persons("Organisation internationale du travail (OIT)") == [("Organisation internationale du travail (OIT)", "")]
    assert persons("STAR Collaboration, J. Adams et al.") == [("STAR Collaboration", ""), ("Adams", "J.")]
    assert persons("Bank, J. and Court, K.") == [("Bank", "J."), ("Court", "K.")]  # persons with those names


def test_capitals_variant_moves_the_labels_with_the_text() -> None:
    """The "CARTELIER J. (1995)" form of a training entry: the family name in capitals, its comma gone, and every
    label still over the same words."""
    from pipeline.evaluation.reffields import Labelled
    from pipeline.train.erudit_entries import capitals_variant

    text = "Cartelier, J. (1995), L’économie de Keynes, Bruxelles, De Boeck."
    spans = ((0, 13, "author"), (15, 19, "year"), (22, 42, "title"), (44, 53, "place"))
    item = Labelled(text, spans, "x.xml", "fr")
    got = capitals_variant(item)
    assert got.text == "CARTELIER J. (1995), L’économie de Keynes, Bruxelles, De Boeck."
    assert [got.text[a:b] for a, b, _ in got.spans] == ["CARTELIER J.", "1995", "L’économie de Keynes", "Bruxelles"]
    assert capitals_variant(Labelled("Statistique Canada (2001). Recensement.", ((0, 18, "author"),), "x", "fr")) is None
