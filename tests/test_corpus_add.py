"""Adding papers: paper.json contents and format, flags, metadata precedence, ids."""

from __future__ import annotations

import json
import string
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from pipeline.corpus.add import add_paper, derive_id, slug, unique_id

from pipeline.corpus.papers import ID_RE, load_paper


def paper_json(result) -> dict:
    return json.loads((result.path / "paper.json").read_text(encoding="utf-8"))


def test_corpus_add_text_writes_folder(corpus, pdfs):
    result = add_paper(corpus, pdfs.text, lang="fr", year=2024)
    assert result.id == "notes"
    assert sorted(p.name for p in result.path.iterdir()) == ["paper.json", "source.txt"]
    assert (result.path / "source.txt").read_bytes() == pdfs.text.read_bytes()
    data = paper_json(result)
    ours = data["custom"]["rescorpus"]  # the project's own keys: under CSL-JSON's "custom" object
    assert "rescorpus" not in data
    assert {k: ours[k] for k in ("added_from", "flags", "sha256", "source")} == {
        "added_from": "notes.txt", "flags": [], "sha256": load_paper(corpus, "notes").sha256, "source": "source.txt"}
    assert (data["id"], data["type"], data["issued"], data["language"]) == ("notes", "article", {"date-parts": [[2024]]}, "fr")
    # the text opens with "Résumé": its paragraph is the abstract, read from the first lines and said so
    assert data["abstract"].startswith("Les coopératives traversent les crises")
    assert ours["read"] == {"abstract": "first page"}  # year and language were given: not read
    assert "title" not in data and "author" not in data  # the text prints none


def test_corpus_paper_json_format_is_reproducible(corpus, pdfs, tmp_path):
    result = add_paper(corpus, pdfs.with_meta, lang="fr")
    raw = (result.path / "paper.json").read_text(encoding="utf-8")
    data = json.loads(raw)
    assert raw == json.dumps(data, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    assert "Économie" in raw  # not \u00c9
    assert str(tmp_path) not in raw
    other = add_paper(tmp_path / "other", pdfs.with_meta, lang="fr")
    assert (other.path / "paper.json").read_bytes() == (result.path / "paper.json").read_bytes()


def test_corpus_add_fills_from_pdf_metadata(corpus, pdfs):
    result = add_paper(corpus, pdfs.with_meta)
    data = paper_json(result)
    assert data["title"] == "Économie sociale et résilience des coopératives"
    assert data["author"] == [{"family": "Ostrom", "given": "Élinor"}, {"family": "Dupont", "given": "Jean"}]
    assert data["DOI"] == "10.1234/ess.2020.5"
    assert data["number-of-pages"] == 1
    assert "issued" not in data  # the page prints no year; never guessed from file dates
    assert data["language"] == "fr"  # the language of the body text
    assert result.id == "ostrom-economie"
    # the page prints no title block: the metadata's values are kept, and named as such
    assert any("PDF's own metadata: title, author, DOI" in m for m in result.messages)
    assert data["custom"]["rescorpus"]["read"]["title"] == "pdf metadata"


def test_corpus_add_flags_win_over_pdf_metadata(corpus, pdfs):
    result = add_paper(
        corpus,
        pdfs.with_meta,
        title="Les coopératives face aux crises",
        authors=["Borda-Rodriguez, Alexander", "Sonja Vicari"],
        year="2014",
        doi="https://doi.org/10.5555/X",
        url="https://example.org/p",
        lang="EN",
        csl_type="article-journal",
    )
    data = paper_json(result)
    assert data["title"] == "Les coopératives face aux crises"
    assert data["author"][0] == {"family": "Borda-Rodriguez", "given": "Alexander"}
    assert data["author"][1] == {"family": "Vicari", "given": "Sonja"}
    assert data["issued"] == {"date-parts": [[2014]]}
    assert data["DOI"] == "10.5555/X" and data["URL"] == "https://example.org/p"
    assert data["language"] == "en" and data["type"] == "article-journal"
    assert result.id == "borda-rodriguez-2014-cooperatives"
    assert not any("metadata" in m for m in result.messages)


def test_corpus_scanned_pdf_is_added_and_flagged(corpus, pdfs, monkeypatch):
    """Without Tesseract (tests/test_extract_ocr.py: with it, the flag is "ocr")."""
    from pipeline.extract import ocr

    monkeypatch.setattr(ocr, "available", lambda: False)
    result = add_paper(corpus, pdfs.scanned)
    assert result.flags == ("needs_ocr",)
    assert paper_json(result)["custom"]["rescorpus"]["flags"] == ["needs_ocr"]
    assert any("needs_ocr" in m and "OCR" in m for m in result.messages)


def test_corpus_user_password_pdf_is_stored_as_is_without_password(corpus, pdfs):
    result = add_paper(corpus, pdfs.user_pw, password=pdfs.password)
    assert result.flags == ("encrypted",)
    assert (result.path / "source.pdf").read_bytes() == pdfs.user_pw.read_bytes()
    for path in result.path.iterdir():
        assert pdfs.password.encode() not in path.read_bytes()
    assert any("NOT stored" in m and f"`rescorpus run --password {result.id}=PASSWORD`" in m for m in result.messages)


def test_corpus_owner_password_pdf_needs_nothing(corpus, pdfs):
    result = add_paper(corpus, pdfs.owner_pw)
    assert result.flags == ()
    assert any("opens without a password" in m for m in result.messages)


def test_corpus_add_creates_missing_corpus(tmp_path, pdfs):
    corpus = tmp_path / "deep" / "corpus"
    result = add_paper(corpus, pdfs.plain)
    assert result.path == corpus / "plain"
    assert [p.name for p in corpus.iterdir()] == ["plain"]  # no temp folder left


def test_corpus_derived_ids_are_unique(corpus, pdfs, tmp_path):
    ids = []
    for n in range(3):
        copy = tmp_path / f"copy{n}.txt"
        copy.write_text(f"Texte numéro {n}\n", encoding="utf-8")
        ids.append(add_paper(corpus, copy, authors=["Ostrom, Elinor"], year=1990, title="Governing the Commons").id)
    assert ids == ["ostrom-1990-governing", "ostrom-1990-governing-2", "ostrom-1990-governing-3"]


def test_corpus_derive_id_rules(tmp_path):
    src = tmp_path / "Mon Article (v2).pdf"
    specter = {
        "author": [{"family": "Cohan", "given": "Arman"}],
        "issued": {"date-parts": [[2020]]},
        "title": "SPECTER: Document-level Representation Learning",
    }
    assert derive_id(specter, src) == "cohan-2020-specter"
    assert derive_id({"author": [{"family": "Battaïa"}], "title": "L’analyse de l’émotion"}, src) == "battaia-analyse"
    bank = {"author": [{"literal": "World Bank"}], "issued": {"date-parts": [[2019]]}}
    assert derive_id(bank, src) == "world-bank-2019"
    assert derive_id({"issued": {"date-parts": [[2019]]}}, src) == "mon-article-v2"
    assert derive_id({}, tmp_path / "___.txt") == "paper"


def test_corpus_unique_id_is_case_insensitive():
    assert unique_id("a-2020-x", {"A-2020-X", "a-2020-x-2"}) == "a-2020-x-3"


def test_corpus_slug_folds_accents_and_ligatures():
    assert slug("Œuvre coopérative à Séoul — Økonomi Straße") == "oeuvre-cooperative-a-seoul-okonomi-strasse"


@given(st.text(alphabet=string.printable + "éèàçœÉ’ßł—", max_size=80), st.text(max_size=30))
def test_corpus_derived_id_is_always_usable(title, family):
    paper_id = derive_id({"title": title, "author": [{"family": family}]}, Path("x.pdf"))
    assert ID_RE.fullmatch(paper_id)


REVIEW_HEADING = ("Les coopératives face aux crises, Par Jeanne Morel, Montréal : Presses du Mont, 2019, 240 p., "
                  "ISBN 978-2-0000-0000-1. / Mutualité et territoires, Par Karim El Fassi et Anne Roy, Paris : "
                  "Éditions du Quai, collection Essais, 2020, 198 p.")


def test_corpus_review_heading_lists_reviewed_books() -> None:
    from pipeline.corpus.add import reviewed_works

    assert reviewed_works(REVIEW_HEADING) == [
        ("Les coopératives face aux crises", [("Morel", "Jeanne")]),
        ("Mutualité et territoires", [("El Fassi", "Karim"), ("Roy", "Anne")]),
    ]
    assert reviewed_works("Economic Resilience of Cooperatives, by Region, 1990-2010") == []  # no reference
    assert reviewed_works("Économie sociale et résilience des coopératives") == []


def test_corpus_add_book_review_is_a_review_of_its_books(corpus, tmp_path):
    # a review whose metadata title (printed on its page) is the reviewed books' references: the paper is a
    # review-book, titled by the books' titles, their authors as reviewed-author, and the user is told
    from render import render_with_metadata

    page = REVIEW_HEADING.replace(" / ", "\n\n") + "\n\nLa parution de ces deux ouvrages permet de comparer la " \
        "façon dont les coopératives traversent les crises.\n\nGuy Martel\nUniversité du Mont"
    pdf = render_with_metadata(tmp_path / "review.pdf", page, title=REVIEW_HEADING, author="Guy Martel")
    result = add_paper(corpus, pdf)
    data = paper_json(result)
    assert data["type"] == "review-book"
    assert data["title"] == data["reviewed-title"] == "Les coopératives face aux crises / Mutualité et territoires"
    assert [a["family"] for a in data["reviewed-author"]] == ["Morel", "El Fassi", "Roy"]
    assert data["author"] == [{"family": "Martel", "given": "Guy"}]
    assert any("a book review" in m for m in result.messages)
    # a type the user gives wins
    other = add_paper(tmp_path / "other", pdf, csl_type="article")
    assert paper_json(other)["type"] == "article"
