"""Reading the corpus back: list_papers, load_paper, iter_papers, and damaged folders reported clearly."""

from __future__ import annotations

import json

import pytest

from pipeline import errors
from pipeline.corpus.add import add_paper
from pipeline.corpus.papers import PaperRow, iter_papers, list_papers, load_paper
from pipeline.extract import ocr


@pytest.fixture
def filled(corpus, pdfs):
    add_paper(corpus, pdfs.with_meta, year=2020, lang="fr")
    add_paper(corpus, pdfs.scanned, paper_id="a-scan")
    add_paper(corpus, pdfs.text, authors=["Vicari, Sonja"], year=2014, title="Resilience")
    return corpus


def test_corpus_list_sorted_by_id(filled):
    assert list_papers(filled) == [
        # with Tesseract, add reads the scan's first page ("A scanned page - line 1" ...): English, no title block
        PaperRow("a-scan", None, "en" if ocr.available() else None, None, 1,
                 ("ocr",) if ocr.available() else ("needs_ocr",)),
        PaperRow("ostrom-2020-economie", 2020, "fr", "Économie sociale et résilience des coopératives", 1, ()),
        PaperRow("vicari-2014-resilience", 2014, "fr", "Resilience", None, ()),  # language read at add
    ]


def test_corpus_list_empty_or_missing_corpus(tmp_path):
    assert list_papers(tmp_path / "nowhere") == []
    assert list(iter_papers(tmp_path / "nowhere")) == []


def test_corpus_load_paper(filled):
    paper = load_paper(filled, "vicari-2014-resilience")
    assert paper.source == filled / "vicari-2014-resilience" / "source.txt"
    assert paper.csl["author"] == [{"family": "Vicari", "given": "Sonja"}]
    assert (paper.year, paper.title, paper.language, paper.pages) == (2014, "Resilience", "fr", None)
    assert [p.id for p in iter_papers(filled)] == ["a-scan", "ostrom-2020-economie", "vicari-2014-resilience"]


def test_corpus_load_unknown_paper(filled):
    with pytest.raises(errors.InputError, match="no such paper"):
        load_paper(filled, "nope")


def test_corpus_ignores_temp_and_stray_files(filled):
    (filled / ".tmp-leftover").mkdir()
    (filled / "README.md").write_text("notes\n", encoding="utf-8")
    assert len(list_papers(filled)) == 3


def _drop_language(folder):
    """paper.json without its language, as a paper added before `add` read it has it."""
    csl = json.loads((folder / "paper.json").read_text(encoding="utf-8"))
    del csl["language"]
    (folder / "paper.json").write_text(json.dumps(csl), encoding="utf-8")


def _edit(folder, **fields):
    """paper.json with `fields` set to values of the wrong type (as a hand edit might leave them)."""
    csl = json.loads((folder / "paper.json").read_text(encoding="utf-8"))
    (folder / "paper.json").write_text(json.dumps({**csl, **fields}), encoding="utf-8")


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        (lambda f: (f / "paper.json").write_text('{"id": "x",', encoding="utf-8"), "paper.json line 1 column 12"),
        (lambda f: (f / "paper.json").unlink(), "no paper.json"),
        (lambda f: (f / "source.txt").unlink(), "source.txt is missing"),
        (lambda f: (f / "paper.json").write_text('{"id": "vicari-2014-resilience"}', encoding="utf-8"), "lacks"),
        (lambda f: (f / "paper.json").write_text("[]", encoding="utf-8"), "lacks"),
        (lambda f: _edit(f, language=["fr"]), '"language" must be a string'),
        (lambda f: _edit(f, issued="2014"), '"issued" must be'),
        (lambda f: _edit(f, title=["Resilience"]), '"title" must be a string'),
    ],
)
def test_corpus_broken_paper_is_reported_not_a_traceback(filled, pdfs, damage, reason):
    folder = filled / "vicari-2014-resilience"
    damage(folder)
    rows = list_papers(filled)
    broken = [r for r in rows if r.problem]
    assert [r.id for r in broken] == ["vicari-2014-resilience"]
    assert reason in broken[0].problem and "\n" not in broken[0].problem
    assert "fix paper.json by hand or remove the folder" in broken[0].problem
    assert len(rows) == 3
    broken_seen: dict[str, str] = {}
    usable = [p.id for p in iter_papers(filled, on_broken=lambda name, exc: broken_seen.update({name: str(exc)}))]
    assert usable == ["a-scan", "ostrom-2020-economie"]  # the others are still read
    assert list(broken_seen) == ["vicari-2014-resilience"] and reason in broken_seen["vicari-2014-resilience"]


def test_corpus_duplicate_found_even_when_paper_json_broken(filled, pdfs, tree):
    (filled / "vicari-2014-resilience" / "paper.json").write_text("{", encoding="utf-8")
    before = tree(filled)
    with pytest.raises(errors.DuplicateError, match="'vicari-2014-resilience'"):
        add_paper(filled, pdfs.text)
    assert tree(filled) == before


def test_corpus_list_shows_the_detected_language_marked_when_metadata_lacks_it(filled, tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.corpus.papers import detected_language

    _drop_language(filled / "vicari-2014-resilience")
    out = tmp_path / "out"
    (out / "text").mkdir(parents=True)
    (out / "text" / "vicari-2014-resilience.json").write_text('{"languages": {"en": 10, "fr": 250, "und": 900}}')
    assert detected_language(out, "vicari-2014-resilience") == "fr"
    assert detected_language(out, "a-scan") is None
    result = CliRunner().invoke(app, ["list", "--corpus", str(filled), "--out", str(out)])
    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if "vicari-2014-resilience" in line)
    assert "fr*" in row
    assert "detected in the text" in result.output


LONG_TITLE = "La résilience des coopératives agricoles face aux crises : gouvernance, réseaux et formation des membres"


@pytest.mark.parametrize("columns", [60, 100, 200])
def test_corpus_list_table_takes_the_terminal_width_also_when_piped(filled, pdfs, tmp_path, monkeypatch, columns):
    from typer.testing import CliRunner

    from pipeline.cli import app

    add_paper(filled, pdfs.plain, paper_id="long-title", title=LONG_TITLE)
    monkeypatch.setenv("COLUMNS", str(columns))  # what a shell exports; CliRunner's output is no terminal
    result = CliRunner().invoke(app, ["list", "--corpus", str(filled), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    widest = max(len(line) for line in result.output.splitlines())
    assert widest <= columns
    assert widest > 100 or columns <= 100  # given room, the table takes it (the title is shortened to 70)


def test_corpus_list_format_tsv_and_json_for_scripts(filled, tmp_path):
    import csv
    import io

    from typer.testing import CliRunner

    from pipeline.cli import app

    _drop_language(filled / "vicari-2014-resilience")
    out = tmp_path / "out"
    (out / "text").mkdir(parents=True)
    (out / "text" / "vicari-2014-resilience.json").write_text('{"languages": {"fr": 250}}')
    args = ["list", "--corpus", str(filled), "--out", str(out), "--format"]
    tsv = CliRunner().invoke(app, [*args, "tsv"])
    assert tsv.exit_code == 0, tsv.output
    rows = list(csv.DictReader(io.StringIO(tsv.stdout), delimiter="\t"))
    assert [r["id"] for r in rows] == ["a-scan", "ostrom-2020-economie", "vicari-2014-resilience"]
    scan = "ocr" if ocr.available() else "needs_ocr"  # with Tesseract installed a scan is read, not left
    assert rows[0]["flags"] == scan and rows[1]["year"] == "2020" and rows[1]["pages"] == "1"
    assert (rows[2]["lang"], rows[2]["lang_detected"]) == ("fr", "true")
    assert "detected in the text" not in tsv.stdout  # notes are for people: not among the rows
    data = json.loads(CliRunner().invoke(app, [*args, "json"]).stdout)
    assert data[1] == {"id": "ostrom-2020-economie", "year": 2020, "lang": "fr", "lang_detected": False,
                       "title": "Économie sociale et résilience des coopératives", "pages": 1, "flags": [], "problem": None}
    bad = CliRunner().invoke(app, [*args, "csv"])
    assert bad.exit_code == 1 and "--format csv: use text, tsv or json" in bad.output


def test_corpus_list_long_ids_fold_and_leave_the_title_readable(filled, pdfs, tmp_path, monkeypatch):
    # Regression: ids as `add` makes them from file names ("en-erudit-mi2018-sauvage-happy-cultural-...")
    # never wrapped, so on 80 columns the title came out one letter a line.
    from typer.testing import CliRunner

    from pipeline.cli import app

    add_paper(filled, pdfs.plain, paper_id="en-erudit-mi2018-sauvage-happy-cultural-cooperation-long-name",
              title=LONG_TITLE)
    monkeypatch.setenv("COLUMNS", "80")
    result = CliRunner().invoke(app, ["list", "--corpus", str(filled), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80
    assert "résilience des" in result.output and "coopératives" in result.output  # words, not letters
