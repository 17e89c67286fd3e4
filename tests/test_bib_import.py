"""Importing a Zotero export (BibTeX, CSL-JSON): fields mapped to CSL, files found, bad entries reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipeline import errors
from pipeline.cli import app
from pipeline.corpus.bib import add_bib, read_bib, zotero_files
from pipeline.corpus.papers import load_paper

BIBTEX = r"""
@article{ostrom1990,
  title = {{\'E}conomie sociale et r{\'e}silience des coop{\'e}ratives},
  author = {Ostrom, {\'E}linor and van Dijk, Jan and {Alliance Coop{\'e}rative Internationale}},
  journal = {Revue d'{\'e}conomie},
  year = {1990},
  volume = {12},
  number = {3},
  pages = {45--67},
  doi = {10.1234/ess.1990},
  langid = {french},
  file = {Full Text PDF:files/12/plain.pdf:application/pdf;Snapshot:files/12/page.html:text/html}
}

@inproceedings{cohan2020,
  title = {{SPECTER}: Document-level Representation Learning},
  author = {Cohan, Arman and Feldman, Sergey},
  booktitle = {Proceedings of ACL},
  year = {2020},
  file = {files/13/notes.txt}
}

@book{lost2001,
  title = {A Book Whose File Is Gone},
  author = {Nobody, Ann},
  year = {2001},
  file = {Full Text PDF:files/99/gone.pdf:application/pdf}
}

@misc{nofile2002,
  title = {No attachment},
  year = {2002}
}

@article{broken,
  title = {Unclosed
"""


@pytest.fixture
def export(tmp_path, pdfs) -> Path:
    """A Zotero-style export folder: the .bib next to files/<n>/ holding the attachments."""
    root = tmp_path / "export"
    for n, src in (("12", pdfs.plain), ("13", pdfs.text)):
        folder = root / "files" / n
        folder.mkdir(parents=True)
        (folder / src.name).write_bytes(src.read_bytes())
    (root / "library.bib").write_text(BIBTEX, encoding="utf-8")
    return root


def test_bib_bibtex_entries_added_and_bad_ones_reported(corpus, export):
    outcomes = add_bib(corpus, export / "library.bib")
    by_key = {o.key: o for o in outcomes}
    assert [o.key for o in outcomes] == ["ostrom1990", "cohan2020", "lost2001", "nofile2002", "broken"]
    assert by_key["ostrom1990"].ok and by_key["cohan2020"].ok
    assert "no such file" in by_key["lost2001"].error and "gone.pdf" in by_key["lost2001"].error
    assert "no PDF or .txt file attached" in by_key["nofile2002"].error
    assert by_key["broken"].error.startswith("entry 'broken': BibTeX syntax error after line 35")
    assert all("\n" not in o.error for o in outcomes if o.error)
    assert by_key["ostrom1990"].notes == ("also attached, not added: page.html",)
    assert sorted(p.name for p in corpus.iterdir()) == ["cohan-2020-specter", "ostrom-1990-economie"]


def test_bib_bibtex_fields_mapped_to_csl(corpus, export):
    add_bib(corpus, export / "library.bib")
    csl = dict(load_paper(corpus, "ostrom-1990-economie").csl)
    ours = csl.pop("custom")["rescorpus"]
    assert ours["added_from"] == "plain.pdf" and ours["source"] == "source.pdf"
    assert csl == {
        "id": "ostrom-1990-economie",
        "type": "article-journal",
        "citation-key": "ostrom1990",
        "title": "Économie sociale et résilience des coopératives",
        "author": [
            {"family": "Ostrom", "given": "Élinor"},
            {"family": "Dijk", "given": "Jan", "non-dropping-particle": "van"},
            {"literal": "Alliance Coopérative Internationale"},
        ],
        "container-title": "Revue d'économie",
        "volume": "12",
        "issue": "3",
        "page": "45-67",
        "DOI": "10.1234/ess.1990",
        "issued": {"date-parts": [[1990]]},
        "language": "fr",
        "number-of-pages": 1,
    }
    cohan = load_paper(corpus, "cohan-2020-specter")
    assert cohan.csl["type"] == "paper-conference" and cohan.csl["container-title"] == "Proceedings of ACL"
    assert cohan.csl["title"] == "SPECTER: Document-level Representation Learning"
    assert cohan.source.name == "source.txt"


def test_bib_import_twice_reports_duplicates(corpus, export, tree):
    add_bib(corpus, export / "library.bib")
    before = tree(corpus)
    again = add_bib(corpus, export / "library.bib")
    assert "already in the corpus as 'ostrom-1990-economie'" in again[0].error
    assert tree(corpus) == before


def test_bib_csl_json_export(corpus, export):
    items = [
        {
            "id": "http://zotero.org/users/1/items/ABC",
            "type": "article-journal",
            "title": "Les coopératives coréennes",
            "author": [{"family": "Lee", "given": "Min-ji"}, {"literal": "KoSEA"}],
            "issued": {"date-parts": [["2019", 12]]},
            "accessed": {"date-parts": [[2023, 5, 1]]},
            "language": "fr-FR",
            "DOI": "10.1/k",
            "container-title": "RECMA",
            "file": "files/12/plain.pdf",
        },
        {"id": "missing", "title": "Gone", "file": ["files/77/none.pdf"]},
        {"id": "nofile", "title": "No file"},
    ]
    path = export / "library.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    outcomes = add_bib(corpus, path)
    assert [o.ok for o in outcomes] == [True, False, False]
    csl = load_paper(corpus, "lee-2019-cooperatives").csl
    assert csl["author"] == [{"family": "Lee", "given": "Min-ji"}, {"literal": "KoSEA"}]
    assert csl["issued"] == {"date-parts": [[2019]]} and csl["language"] == "fr-fr"
    assert csl["citation-key"] == "http://zotero.org/users/1/items/ABC"
    assert "accessed" not in csl  # no timestamps in the corpus
    assert "no such file" in outcomes[1].error and "no PDF or .txt" in outcomes[2].error


def test_bib_zotero_file_field_forms(tmp_path):
    assert zotero_files("Full Text PDF:files/1/a b.pdf:application/pdf", tmp_path) == (tmp_path / "files/1/a b.pdf",)
    two = (tmp_path / "files/1/a.pdf", tmp_path / "files/2/b.pdf")
    assert zotero_files("files/1/a.pdf;files/2/b.pdf", tmp_path) == two
    assert zotero_files(":/abs/x.pdf:PDF", tmp_path) == (Path("/abs/x.pdf"),)
    assert zotero_files(r"PDF:C\:\\Users\\me\\x.pdf:application/pdf", tmp_path)[0].name.endswith("x.pdf")
    assert zotero_files("", tmp_path) == ()


@pytest.mark.parametrize(
    ("content", "message"),
    [("", "the file is empty"), ("[", "cannot read it as a BibTeX"), ("just words", "no entries found")],
)
def test_bib_unreadable_export_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / ("x.json" if content.startswith("[") else "x.bib")
    path.write_text(content, encoding="utf-8")
    with pytest.raises(errors.InputError, match=message):
        read_bib(path)


def test_bib_missing_export(tmp_path):
    with pytest.raises(errors.InputError, match="no such file"):
        add_bib(tmp_path / "corpus", tmp_path / "none.bib")


def test_bib_csl_json_odd_entries_reported_the_rest_imported(corpus, tmp_path):
    """A title list, a name part as an object, flat date-parts once raised part-way through the import."""
    items = [
        {"id": "listtitle", "title": ["Les coopératives en crise"], "issued": {"date-parts": [2020]}},
        {"id": "twotitles", "title": ["One", "Two"]},
        {"id": "objname", "title": "Name object", "author": [{"family": {"x": "Doe"}}]},
        {"id": "strauthor", "title": "String author", "author": "Doe, John; Roe, Ann"},
        {"id": "baddate", "title": "Bad date", "issued": {"date-parts": [[{"y": 2020}]]}},
        {"id": "notadate", "title": "Not a date", "issued": "2020"},
        {"id": "fine", "title": "The last one", "author": [{"family": "Lee", "given": 7}]},
    ]
    for n, item in enumerate(items):
        (tmp_path / f"{n}.txt").write_text(f"Texte numéro {n} sur les coopératives.\n", encoding="utf-8")
        item["file"] = [f"{n}.txt"]
    path = tmp_path / "library.json"
    path.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
    outcomes = {o.key: o for o in add_bib(corpus, path)}
    assert [k for k, o in outcomes.items() if o.ok] == ["listtitle", "strauthor", "fine"]
    assert outcomes["twotitles"].error == (
        "entry 'twotitles' (item 2): \"title\" is a list, not a string: refused; fix the entry in Zotero and export again"
    )
    assert '"author" name 1: "family" is an object, not a string' in outcomes["objname"].error
    assert "(item 5)" in outcomes["baddate"].error and "holds no year" in outcomes["baddate"].error
    assert '"issued" is a str, not a CSL date object' in outcomes["notadate"].error
    assert all("\n" not in o.error for o in outcomes.values() if o.error)
    listed = load_paper(corpus, outcomes["listtitle"].result.id).csl
    assert listed["title"] == "Les coopératives en crise" and listed["issued"] == {"date-parts": [[2020]]}
    assert load_paper(corpus, outcomes["strauthor"].result.id).csl["author"] == [
        {"family": "Doe", "given": "John"}, {"family": "Roe", "given": "Ann"}]  # fmt: skip
    assert load_paper(corpus, outcomes["fine"].result.id).csl["author"] == [{"family": "Lee", "given": "7"}]


def test_bib_cli_summary_and_exit_1_when_an_entry_is_refused(tmp_path):
    (tmp_path / "a.txt").write_text("Une coopérative.\n", encoding="utf-8")
    items = [{"id": "bad", "title": ["x", "y"], "file": ["a.txt"]}, {"id": "good", "title": "Good", "file": ["a.txt"]}]
    (tmp_path / "lib.json").write_text(json.dumps(items), encoding="utf-8")
    result = CliRunner().invoke(app, ["add", "--bib", str(tmp_path / "lib.json"), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "bad: error: entry 'bad' (item 1)" in result.output and "1 of 2 entries added" in result.output


@pytest.mark.parametrize(
    "author, names",
    [
        ("Doe, John", ["Doe"]),
        ([{"family": {"a": "Doe"}}, {"given": ["Ann", "Marie"]}, 3, None], ["Doe", "Ann Marie"]),
        ({"family": "Roe"}, ["Roe"]),
    ],
)
def test_bib_hand_edited_authors_do_not_abort_the_corpus_stage(tmp_path, author, names):
    """`"author": "Doe, John"` typed into paper.json aborted the corpus stage."""
    from corpus_outputs import PAPERS, make_outputs

    from pipeline.corpuslevel.paperdata import load_corpus

    corpus, out = make_outputs(tmp_path, PAPERS[:1])
    meta = corpus / PAPERS[0].id / "paper.json"
    csl = json.loads(meta.read_text(encoding="utf-8"))
    csl["author"] = author
    meta.write_text(json.dumps(csl), encoding="utf-8")
    assert load_corpus(corpus, out)[0].authors == tuple(names)
