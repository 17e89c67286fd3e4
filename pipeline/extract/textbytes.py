"""The bytes of a plain-text paper -> its text: UTF-8, UTF-16/32 with a byte-order mark, else Windows-1252."""

from __future__ import annotations

import codecs

from pipeline import errors

# Longest BOM first: the UTF-32 LE mark begins with the UTF-16 LE one.
BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
STRAY_NULS = 2  # at most this many NULs per 10,000 characters are stray and dropped; more is binary data


def bom_encoding(data: bytes) -> tuple[str, int] | None:
    """The encoding a byte-order mark announces and the mark's length, if the data opens with one."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return encoding, len(bom)
    return None


def decode_text(data: bytes, path: object, fallback: str | None = "cp1252") -> str:
    """The text of a file's bytes; refuses binary data (many NULs) and, without `fallback`, non-UTF-8 bytes."""
    bom = bom_encoding(data)
    if bom:
        encoding, skip = bom
        try:
            text = data[skip:].decode(encoding)
        except UnicodeDecodeError as exc:
            raise errors.InputError(
                f"{path}: starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()} "
                f"(bad bytes at offset {exc.start + skip}); export the text again"
            ) from None
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if data.count(0) > STRAY_NULS * max(1, len(data) // 10_000):
                raise binary(path) from None
            if fallback is None:
                raise errors.not_utf8(path, exc.start) from None
            text = data.decode(fallback, errors="replace")
    nuls = text.count("\x00")
    if nuls > STRAY_NULS * max(1, len(text) // 10_000):
        raise binary(path)
    return text.replace("\x00", "") if nuls else text


def binary(path: object) -> errors.InputError:
    return errors.InputError(
        f"{path}: holds NUL bytes: binary data, or UTF-16 without a byte-order mark; export the paper as plain text (UTF-8) and add that"
    )
