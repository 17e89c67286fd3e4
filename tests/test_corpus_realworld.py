"""Acceptance on the 15 real-world PDFs: broken, empty and protected ones refused, the others added."""

from __future__ import annotations

import csv
import json

import pytest

from pipeline import errors
from pipeline.corpus.add import add_paper
from pipeline.corpus.papers import list_papers
from pipeline.extract import ocr

pytestmark = pytest.mark.realworld

# What adding each file without a password must do: the error's words, or the flags it gets.
REFUSED = {
    "BROKEN_empty_0bytes.pdf": "the file is empty (0 bytes)",
    "fr_taln_recital2008-010_BROKEN_rtf_named_pdf.pdf": "it is an RTF document, not a PDF",
    "en_ENCRYPTED_userpw_test_nonacademic.pdf": "protected by a password; pass it with --password",
}
FLAGGED = {
    "en_SCANNED_conference_abstract_imageonly.pdf": ("ocr",) if ocr.available() else ("needs_ocr",),
    # glyphs of fonts with no Unicode names (a bullet font, MathTime symbols) are left out and their pages named
    "en_bmc_hsr2014_2col_numeric.pdf": ("undecoded_glyphs:p2,p3",),
    "en_naacl2018_literature_graph_2col.pdf": ("undecoded_glyphs:p1,p2,p3,p5,p6",),
}


@pytest.fixture
def manifest(realworld) -> list[dict[str, str]]:
    with (realworld / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_corpus_realworld_add_each_in_turn(realworld, manifest, tmp_path, tree):
    corpus = tmp_path / "corpus"
    assert len(manifest) == 15
    added = {}
    for row in manifest:
        source = tmp_path / "in" / row["file"]
        source.parent.mkdir(exist_ok=True)
        source.write_bytes((realworld / "pdfs" / row["file"]).read_bytes())
        before = tree(corpus)
        if row["file"] in REFUSED:
            with pytest.raises(errors.InputError) as info:
                add_paper(corpus, source)
            assert REFUSED[row["file"]] in str(info.value) and "\n" not in str(info.value)
            assert tree(corpus) == before, row["file"]
            continue
        result = add_paper(corpus, source)
        assert result.flags == FLAGGED.get(row["file"], ()), row["file"]
        assert list_papers(corpus)[[r.id for r in list_papers(corpus)].index(result.id)].pages == int(row["pages"])
        added[row["file"]] = result
    assert len(added) == 12
    assert "fr_taln_2010-037_ENCRYPTED_ownerpw.pdf" in added
    # the year from page 1's foot ("July 5 - 10, 2020. © 2020 Association for Computational Linguistics")
    assert added["en_acl2020_specter_2col.pdf"].id == "cohan-2020-specter"
    # the book review's heading lists two reviewed books: the paper is a review of them, by their three authors
    review = json.loads((corpus / added["fr_erudit_relind_recension_2col.pdf"].id / "paper.json").read_text("utf-8"))
    assert review["type"] == "review-book" and len(review["reviewed-author"]) == 3
    assert review["title"] == review["reviewed-title"] and review["title"].count(" / ") == 1
    assert "ISBN" not in review["title"] and review["author"][0]["family"]
    assert not [r for r in list_papers(corpus) if r.problem]
    assert sorted(p.name for p in corpus.iterdir() if p.name.startswith(".")) == []


def test_corpus_realworld_user_password(realworld, corpus, tmp_path, tree):
    source = tmp_path / "locked.pdf"
    source.write_bytes((realworld / "pdfs" / "en_ENCRYPTED_userpw_test_nonacademic.pdf").read_bytes())
    before = tree(corpus)
    with pytest.raises(errors.EncryptedError, match="wrong password"):
        add_paper(corpus, source, password="nope")
    assert tree(corpus) == before
    result = add_paper(corpus, source, password="test")
    assert result.flags == ("encrypted",)
    assert (result.path / "source.pdf").read_bytes() == source.read_bytes()
