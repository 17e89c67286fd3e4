"""Every refusal of `add_paper`: one clear line saying what to do, and the corpus byte for byte unchanged."""

from __future__ import annotations

import os
import signal

import pytest

from pipeline import errors
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.corpus import add as corpus_mod
from pipeline.corpus.add import add_paper


def refuse(corpus, tree, source, **kwargs) -> str:
    """add_paper must raise; return its message after checking the corpus did not change."""
    before = tree(corpus)
    with pytest.raises(errors.RescorpusError) as info:
        add_paper(corpus, source, **kwargs)
    assert tree(corpus) == before
    message = str(info.value)
    assert "\n" not in message
    return message


def test_corpus_refuses_missing_path(corpus, tree, tmp_path):
    message = refuse(corpus, tree, tmp_path / "nowhere.pdf")
    assert "no such file" in message and "check the path" in message


def test_corpus_refuses_folder(corpus, tree, tmp_path):
    assert "is a folder" in refuse(corpus, tree, tmp_path)


def test_corpus_refuses_empty_file(corpus, tree, pdfs):
    assert "the file is empty (0 bytes)" in refuse(corpus, tree, pdfs.empty)


def test_corpus_refuses_rtf_named_pdf(corpus, tree, pdfs):
    message = refuse(corpus, tree, pdfs.rtf)
    assert "it is an RTF document, not a PDF" in message and "convert it" in message


def test_corpus_refuses_damaged_pdf(corpus, tree, pdfs):
    message = refuse(corpus, tree, pdfs.damaged)
    assert "the PDF is damaged" in message and "repair it" in message


def test_corpus_refuses_protected_pdf_without_password(corpus, tree, pdfs):
    message = refuse(corpus, tree, pdfs.user_pw)
    assert "protected by a password; pass it with --password" in message


def test_corpus_refuses_protected_pdf_with_wrong_password(corpus, tree, pdfs):
    assert "wrong password" in refuse(corpus, tree, pdfs.user_pw, password="guess")


def test_corpus_refuses_duplicate_naming_the_original(corpus, tree, pdfs, tmp_path):
    first = add_paper(corpus, pdfs.plain, paper_id="original-2020")
    renamed = tmp_path / "same bytes other name.pdf"
    renamed.write_bytes(pdfs.plain.read_bytes())
    message = refuse(corpus, tree, renamed)
    assert f"already in the corpus as '{first.id}'" in message


def test_corpus_refuses_existing_id(corpus, tree, pdfs):
    add_paper(corpus, pdfs.plain, paper_id="ostrom-1990-governing")
    message = refuse(corpus, tree, pdfs.text, paper_id="ostrom-1990-governing")
    assert "already a paper" in message and "choose another --id" in message


@pytest.mark.parametrize("bad", ["../escape", ".hidden", "a/b", "", "x" * 101])
def test_corpus_refuses_unusable_id(corpus, tree, pdfs, bad):
    assert "not a usable paper id" in refuse(corpus, tree, pdfs.plain, paper_id=bad)


def test_corpus_refuses_unsupported_extension(corpus, tree, tmp_path):
    doc = tmp_path / "chapter.docx"
    doc.write_bytes(b"PK\x03\x04rest")
    assert "'.docx' files are not supported" in refuse(corpus, tree, doc)


def test_corpus_refuses_blank_text(corpus, tree, tmp_path):
    blank = tmp_path / "blank.txt"
    blank.write_text(" \n\t\n", encoding="utf-8")
    assert "only blanks" in refuse(corpus, tree, blank)


def test_corpus_refuses_text_not_utf8(corpus, tree, tmp_path):
    latin = tmp_path / "latin1.txt"
    latin.write_bytes("Économie coopérative".encode("cp1252"))
    message = refuse(corpus, tree, latin)
    assert "not UTF-8 text (undecodable byte at offset 0)" in message and "re-save it as UTF-8" in message


def test_corpus_refuses_bad_year_and_language(corpus, tree, pdfs):
    assert "not a year" in refuse(corpus, tree, pdfs.plain, year="circa")
    assert "not a language code" in refuse(corpus, tree, pdfs.plain, lang="français!")


def test_corpus_refusal_does_not_create_missing_corpus(tmp_path, pdfs):
    corpus = tmp_path / "new" / "corpus"
    with pytest.raises(errors.InputError):
        add_paper(corpus, pdfs.empty)
    assert not corpus.exists()


def test_corpus_failed_write_leaves_no_trace(corpus, tree, pdfs, monkeypatch):
    add_paper(corpus, pdfs.text)
    before = tree(corpus)

    def broken_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "rename", broken_rename)
    with pytest.raises(OSError):
        add_paper(corpus, pdfs.plain)
    assert tree(corpus) == before  # no .tmp-* folder left behind


def test_corpus_password_is_ignored_for_open_pdf(corpus, pdfs):
    result = add_paper(corpus, pdfs.plain, password=pdfs.password)
    assert result.flags == ()


@pytest.fixture
def alarm():
    """Fail, not hang, when a refusal waits on a FIFO that no one writes to."""
    signal.signal(signal.SIGALRM, lambda *_: pytest.fail("add_paper blocked on the file"))
    signal.alarm(10)
    yield
    signal.alarm(0)


def test_corpus_refuses_fifo_without_waiting(corpus, tree, tmp_path, alarm):
    fifo = tmp_path / "paper.txt"
    os.mkfifo(fifo)
    message = refuse(corpus, tree, fifo)
    assert "a named pipe (FIFO), not a regular file: refused" in message


def test_corpus_refuses_link_to_a_device(corpus, tree, tmp_path, alarm):
    """A link to /dev/zero once read until MemoryError; /dev is outside the link's folder, and not a file."""
    link = tmp_path / "zero.txt"
    link.symlink_to("/dev/zero")
    assert "outside the folder holding the link: refused" in refuse(corpus, tree, link)
    inside = tmp_path / "dev"
    inside.mkdir()
    (inside / "zero.txt").symlink_to("/dev/zero")
    os.symlink("dev/zero.txt", tmp_path / "via.txt")  # a link whose target leaves through a second link
    assert "refused" in refuse(corpus, tree, tmp_path / "via.txt")


def test_corpus_refuses_link_leaving_its_folder(corpus, tree, tmp_path):
    """A link to /etc/passwd was copied into the corpus (which lives under version control)."""
    link = tmp_path / "passwd.txt"
    link.symlink_to("/etc/passwd")
    message = refuse(corpus, tree, link)
    assert "/etc/passwd, outside the folder holding the link: refused" in message and "copy the file" in message


def test_corpus_takes_link_inside_its_folder(corpus, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "paper.txt").write_text("Une coopérative résiliente.\n", encoding="utf-8")
    link = tmp_path / "real" / "alias.txt"
    link.symlink_to("paper.txt")
    assert add_paper(corpus, link).id


def test_corpus_refuses_text_too_big(corpus, tree, tmp_path, monkeypatch):
    """The bound is read, not trusted from st_size: one byte past it is refused."""
    monkeypatch.setitem(corpus_mod.MAX_BYTES, ".txt", 2**20)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * (2**20 // 5 + 1))
    assert "larger than 1 MB (a paper's text is far smaller): refused" in refuse(corpus, tree, big)
    monkeypatch.setitem(corpus_mod.MAX_BYTES, ".pdf", 2**20)
    fat = tmp_path / "fat.pdf"
    fat.write_bytes(b"%PDF-1.4\n" + b"0" * 2**20)
    assert "larger than 1 MB" in refuse(corpus, tree, fat)


def test_corpus_default_bounds_fit_real_papers():
    assert corpus_mod.MAX_BYTES == {".txt": 50 * 2**20, ".pdf": 500 * 2**20}


def test_corpus_cli_refuses_fifo_with_exit_1(tmp_path, alarm):
    fifo = tmp_path / "paper.txt"
    os.mkfifo(fifo)
    result = CliRunner().invoke(app, ["add", str(fifo), "--corpus", str(tmp_path / "corpus")])
    assert result.exit_code == 1 and "not a regular file" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "corpus").exists()
