"""Text papers in other encodings and with stray bytes: added and read like clean UTF-8, or refused clearly."""

from __future__ import annotations

import codecs

import pytest

from pipeline import errors
from pipeline.corpus.add import add_paper
from pipeline.extract import extract

PAPER = (
    "La résilience des coopératives\n\nRésumé\n\nLes coopératives agricoles ont traversé la crise "
    "sans perdre leurs membres.\n\nIntroduction\n\nL’économie sociale « résiste » aux chocs, selon "
    "Bouchard (2013).\n\nRéférences\n\nBouchard, M. J. (2013). L’économie sociale en mouvement. Québec : PUQ.\n"
)


def added_text(corpus, tmp_path, data: bytes):
    """Add the bytes as a .txt paper and extract the stored copy."""
    source = tmp_path / "paper.txt"
    source.write_bytes(data)
    result = add_paper(corpus, source)
    return extract(result.path / "source.txt")


@pytest.mark.parametrize(
    "bom,encoding",
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"),
    ],
)
def test_text_with_byte_order_mark_reads_like_utf8(corpus, tmp_path, bom, encoding):
    clean = tmp_path / "clean.txt"
    clean.write_text(PAPER, encoding="utf-8")
    got = added_text(corpus, tmp_path, bom + PAPER.encode(encoding))
    assert got.text == extract(clean).text
    assert "Référence" in got.text and "\x00" not in got.text


def test_stray_nul_bytes_are_dropped(corpus, tmp_path):
    clean = tmp_path / "clean.txt"
    clean.write_text(PAPER, encoding="utf-8")
    dirty = PAPER.replace("crise", "cri\x00se").replace("Québec", "Québec\x00").encode("utf-8")
    assert added_text(corpus, tmp_path, dirty).text == extract(clean).text


def test_binary_looking_text_refused_in_one_line(corpus, tree, tmp_path):
    source = tmp_path / "paper.txt"
    source.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    before = tree(corpus)
    with pytest.raises(errors.InputError) as info:
        add_paper(corpus, source)
    assert tree(corpus) == before
    message = str(info.value)
    assert "\n" not in message and "NUL bytes" in message and "plain text" in message


def test_utf16_without_bom_is_not_taken_for_text(corpus, tmp_path):
    source = tmp_path / "paper.txt"
    source.write_bytes(PAPER.encode("utf-16-le"))
    with pytest.raises(errors.InputError, match="UTF-16 without a byte-order mark"):
        add_paper(corpus, source)


@pytest.mark.parametrize("shape", ["wrapped", "one_per_line"])
def test_mixed_line_endings_give_the_same_paragraphs(tmp_path, shape):
    text = PAPER if shape == "one_per_line" else PAPER.replace("agricoles ont", "agricoles\nont")
    lines = text.split("\n")
    endings = ["\r\n", "\r", "\n"]
    mixed = "".join(line + endings[i % 3] for i, line in enumerate(lines[:-1])) + lines[-1]
    clean, other = tmp_path / "clean.txt", tmp_path / "mixed.txt"
    clean.write_bytes(text.encode("utf-8"))
    other.write_bytes(mixed.encode("utf-8"))
    a, b = extract(clean), extract(other)
    assert b.text == a.text
    assert [(p.start, p.end, p.kind) for p in b.paragraphs] == [(p.start, p.end, p.kind) for p in a.paragraphs]
