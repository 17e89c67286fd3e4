"""Every error a user can meet, in one place, each saying what to do next.

The CLI prints `str(error)` on one line and exits with code 1; library callers
catch `RescorpusError`.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence


class RescorpusError(Exception):
    """A problem with the user's input or setup, with a message that says what to do."""


class InputError(RescorpusError):
    """A file or argument that cannot be used as given."""


class DuplicateError(InputError):
    """The source is already in the corpus."""


class EncryptedError(InputError):
    """The PDF needs a password."""


class SchemeError(RescorpusError):
    """An invalid concept scheme file."""


class LockedError(RescorpusError):
    """Another run holds the outputs."""


def one_line(exc: BaseException) -> str:
    """An unexpected fault as one line for a run log: its type and the first line of its message."""
    lines = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {lines[0]}" if lines else type(exc).__name__


def missing_path(path: object) -> InputError:
    return InputError(f"{path}: no such file; check the path (quote it if it has spaces)")


def empty_file(path: object) -> InputError:
    return InputError(f"{path}: the file is empty (0 bytes); download or export it again")


def not_a_pdf(path: object, head: bytes) -> InputError:
    kind = _sniff(head)
    what = f"it is {kind}, not a PDF" if kind else "it does not start like a PDF (%PDF-)"
    return InputError(
        f"{path}: {what}; convert it to PDF or plain text (.txt) and add that instead"
    )


def unreadable_pdf(path: object, reason: str) -> InputError:
    return InputError(
        f"{path}: the PDF is damaged and cannot be read ({reason}); "
        "download it again or repair it (e.g. `qpdf in.pdf out.pdf`) and add the copy"
    )


def encrypted(path: object, wrong: bool = False) -> EncryptedError:
    if wrong:
        return EncryptedError(f"{path}: wrong password; pass the right one with --password")
    return EncryptedError(
        f"{path}: the PDF is protected by a password; pass it with --password "
        "or remove the protection"
    )


def encrypted_in_run(paper_id: str, wrong: bool = False) -> EncryptedError:
    """A protected PDF met by `rescorpus run`, whose --password takes the paper's id (it is never stored)."""
    what = "wrong password for its protected PDF" if wrong else "its PDF is protected by a password (not stored by `add`)"
    return EncryptedError(
        f"{what}; pass it to the run as `rescorpus run --password {paper_id}=PASSWORD` "
        "(repeat --password for several papers), or remove the protection and add the file again"
    )


def duplicate(path: object, paper_id: str) -> DuplicateError:
    return DuplicateError(
        f"{path}: already in the corpus as '{paper_id}' (same sha256); nothing was added"
    )


def _sniff(head: bytes) -> str:
    signatures = {
        b"{\\rtf": "an RTF document",
        b"PK\x03\x04": "a ZIP archive (a .docx or .odt?)",
        b"\xd0\xcf\x11\xe0": "an old Microsoft Office document (.doc)",
        b"<!DOCTYPE html": "an HTML page",
        b"<html": "an HTML page",
        b"\x89PNG": "a PNG image",
        b"\xff\xd8\xff": "a JPEG image",
    }
    stripped = head.lstrip()
    for sig, kind in signatures.items():
        if stripped[: len(sig)].lower() == sig.lower():
            return kind
    return ""


class CorpusError(RescorpusError):
    """A damaged corpus folder (broken or missing paper.json, missing source)."""


def is_folder(path: object) -> InputError:
    return InputError(f"{path}: is a folder; pass a PDF or .txt file (or --bib FILE)")


def unsupported_type(path: object, suffix: str) -> InputError:
    what = f"'{suffix}' files are not supported" if suffix else "a file without an extension is not supported"
    return InputError(f"{path}: {what}; add a PDF or a UTF-8 plain-text (.txt) file (convert it first)")


def not_utf8(path: object, offset: int) -> InputError:
    return InputError(
        f"{path}: not UTF-8 text (undecodable byte at offset {offset}); "
        "re-save it as UTF-8 (e.g. `iconv -f WINDOWS-1252 -t UTF-8 in.txt > out.txt`) and add that"
    )


def no_text(path: object) -> InputError:
    return InputError(f"{path}: the text file holds only blanks (or binary data); export the text again")


def bad_id(paper_id: str) -> InputError:
    return InputError(
        f"'{paper_id}': not a usable paper id; use letters, digits, '-', '_' or '.', "
        "starting with a letter or digit (at most 100 characters)"
    )


def id_exists(paper_id: str, corpus: object) -> InputError:
    return InputError(
        f"'{paper_id}' is already a paper in {corpus}; choose another --id or leave it out to get one made"
    )


def bad_year(year: object) -> InputError:
    return InputError(f"'{year}': not a year; pass the year of publication as four digits, e.g. --year 2020")


def bad_language(lang: object) -> InputError:
    return InputError(f"'{lang}': not a language code; pass an ISO 639-1 code such as fr or en (e.g. --lang fr)")


def broken_paper(folder: object, reason: str) -> CorpusError:
    return CorpusError(
        f"{folder}: broken paper folder ({reason}); fix paper.json by hand or remove the folder and add the paper again"
    )


def no_such_paper(paper_id: str, corpus: object) -> InputError:
    return InputError(f"'{paper_id}': no such paper in {corpus}; `rescorpus list` shows the ids")


def unknown_paper(paper_id: str, known: Sequence[str], where: object, shown: int = 10) -> InputError:
    """A paper id that is none of `known` (the ids in `where`), naming them with the closest as a suggestion."""
    close = difflib.get_close_matches(paper_id, known, n=1, cutoff=0.5)
    hint = f"did you mean '{close[0]}'? " if close else ""
    names = ", ".join(known[:shown]) + (f" and {len(known) - shown} more" if len(known) > shown else "")
    return InputError(
        f"'{paper_id}': no such paper in {where}; {hint}the papers there: {names} (`rescorpus list` shows them all)"
    )


def unreadable_bib(path: object, reason: str) -> InputError:
    return InputError(
        f"{path}: cannot read it as a BibTeX (.bib) or CSL-JSON (.json) export ({reason}); export it again from Zotero"
    )


def bib_entry_broken(key: str, reason: str) -> InputError:
    return InputError(f"entry '{key}': {reason}; fix the entry in Zotero and export again")


def bib_no_file(key: str) -> InputError:
    return InputError(
        f"entry '{key}': no PDF or .txt file attached; attach the file in Zotero and export with "
        "'Export Files' ticked (or add it with `rescorpus add FILE`)"
    )


def link_leaves_folder(path: object, target: object) -> InputError:
    return InputError(
        f"{path}: a symbolic link to {target}, outside the folder holding the link: refused; "
        "copy the file itself there and add the copy"
    )


def not_regular_file(path: object, kind: str) -> InputError:
    return InputError(f"{path}: {kind}, not a regular file: refused; pass a PDF or .txt file")


def too_big(path: object, limit_mb: int, why: str) -> InputError:
    return InputError(f"{path}: larger than {limit_mb} MB ({why}): refused; check that it is the right file")


def bib_entry_refused(key: str, number: int, reason: str) -> InputError:
    return InputError(f"entry '{key}' (item {number}): {reason}: refused; fix the entry in Zotero and export again")


def pdf_bomb(path: object, what: str) -> InputError:
    return InputError(
        f"{path}: {what}, far past any real paper (a decompression bomb?): refused; "
        "download the paper again from its publisher"
    )


def no_years(papers: int) -> InputError:
    return InputError(
        f"no paper has a year ({papers} papers in the corpus database), so there is nothing to contrast by year; "
        'write it in each corpus/<id>/paper.json as "issued": {"date-parts": [[2020]]} '
        "(a paper added later: `rescorpus add FILE --year 2020`), then `rescorpus run` again"
    )
