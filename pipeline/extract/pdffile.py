"""Opening a PDF safely: clear errors for damaged, fake and protected files, and its own metadata.

Every reader of PDFs in the package goes through `open_pdf`, so a bad file
fails the same way, with the same message, wherever it is met.
"""

from __future__ import annotations

import logging
import re
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFDocument, PDFPasswordIncorrect
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFStream
from pdfplumber.utils.exceptions import PdfminerException

from pipeline import errors

# pdfminer warns on every odd colour space or missing MediaBox of real PDFs: noise for a scholar.
# Damage that matters surfaces as an exception, which becomes a clear error below.
logging.getLogger("pdfminer").setLevel(logging.ERROR)

PDF_MAGIC = b"%PDF-"
# A page with fewer characters than this has no usable text layer (a scan).
MIN_CHARS_PER_PAGE = 20


@dataclass(frozen=True)
class PdfInfo:
    """What the PDF says about itself, cleaned of producer junk.

    No year: the file's CreationDate is when it was made, not when the work was issued.
    """

    pages: int
    has_text_layer: bool
    title: str | None = None
    authors: tuple[str, ...] = ()
    doi: str | None = None
    undecoded_pages: tuple[int, ...] = ()  # pages with glyphs no font mapping decodes (pdfchars.py)


def check_pdf_bytes(path: Path) -> None:
    """Refuse missing, empty and non-PDF files before any parser sees them."""
    if not path.exists():
        raise errors.missing_path(path)
    if path.is_dir():
        raise errors.InputError(f"{path}: is a folder; pass a PDF or .txt file (or --bib FILE)")
    size = path.stat().st_size
    if size == 0:
        raise errors.empty_file(path)
    with path.open("rb") as fh:
        head = fh.read(1024)
    if PDF_MAGIC not in head:
        raise errors.not_a_pdf(path, head)


@contextmanager
def open_pdf(path: Path, password: str | None = None) -> Iterator[pdfplumber.PDF]:
    """pdfplumber.open with the package's errors; owner-password-only PDFs open as they are."""
    path = Path(path)
    check_pdf_bytes(path)
    try:
        pdf = pdfplumber.open(path, password=password or "")
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise errors.encrypted(path, wrong=bool(password)) from None
        raise errors.unreadable_pdf(path, _reason(cause)) from None
    except Exception as exc:  # pdfminer raises many kinds on damaged files
        raise errors.unreadable_pdf(path, _reason(exc)) from None
    try:
        try:
            pages = pdf.pages  # parses the page tree: damaged files fail here
        except Exception as exc:
            raise errors.unreadable_pdf(path, _reason(exc)) from None
        if not pages:
            raise errors.unreadable_pdf(path, "it has no pages")
        check_streams(path, pdf.doc)
        yield pdf
    finally:
        _close(pdf)


# pdfminer inflates a whole stream in memory: a 1 MB file can hold a 1 GB page (a "bomb").
# A 600-dpi RGB A4 scan is 4960 x 7016 x 3 = 104 MB decoded per page, and scans are mostly JPEG,
# CCITT or JBIG2 (not counted here); 256 MB per stream and 2 GB per file are past any real paper.
MAX_STREAM_BYTES = 256 * 2**20
MAX_DECODED_BYTES = 2 * 2**30
INFLATE_CHUNK = 4 * 2**20


def check_streams(path: Path, doc: PDFDocument, per_stream: int | None = None, total: int | None = None) -> None:
    """Refuse a PDF whose FlateDecode streams inflate past the bounds, measured in bounded chunks, before any is decoded.

    Direct objects first: object streams are checked before pdfminer unpacks the objects inside them.
    """
    per_stream = MAX_STREAM_BYTES if per_stream is None else per_stream
    total = MAX_DECODED_BYTES if total is None else total
    decoded = 0
    for objid in _objids(doc):
        try:
            obj = doc.getobj(objid)
        except Exception:  # a damaged object: the readers report it when they need it
            continue
        if not isinstance(obj, PDFStream) or obj.rawdata is None:
            continue
        size = _inflated_size(obj, per_stream)
        if size > per_stream:
            raise errors.pdf_bomb(path, f"object {objid} inflates to more than {per_stream // 2**20} MB")
        decoded += size
        if decoded > total:
            raise errors.pdf_bomb(path, f"its streams inflate to more than {total // 2**20} MB in all")


def _objids(doc: PDFDocument) -> list[int]:
    """Every object id, those stored directly in the file before those inside object streams."""
    direct, packed = set(), set()
    for xref in doc.xrefs:
        for objid in xref.get_objids():
            try:
                strmid = xref.get_pos(objid)[0]
            except Exception:
                continue
            (packed if strmid is not None else direct).add(objid)
    return sorted(direct) + sorted(packed - direct)


def _inflated_size(stream: PDFStream, limit: int) -> int:
    """How many bytes the stream's leading FlateDecode filters give (stopping past `limit`); 0 if it has none."""
    try:
        filters = [f for f, _ in stream.get_filters()]
    except Exception:
        return 0
    flates = 0
    while flates < len(filters) and filters[flates] in LITERALS_FLATE_DECODE:
        flates += 1
    data = stream.rawdata or b""
    if flates and stream.decipher and stream.objid is not None and stream.genno is not None:
        try:
            data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
        except Exception:
            return 0
    size = 0
    for n in range(flates):
        keep = n < flates - 1  # an inner layer is inflated again: keep its (bounded) bytes
        size, parts = _inflate(data, limit, keep)
        if size > limit:
            return size
        data = b"".join(parts)
    return size


def _inflate(data: bytes, limit: int, keep: bool) -> tuple[int, list[bytes]]:
    """Inflate `data` chunk by chunk, stopping once past `limit`: (bytes given, the chunks when `keep`)."""
    inflater = zlib.decompressobj()
    size, parts, pending = 0, [], data
    while not inflater.eof:
        try:
            chunk = inflater.decompress(pending, INFLATE_CHUNK)
        except zlib.error:  # damaged data: pdfminer keeps what inflates, so count that
            break
        pending = inflater.unconsumed_tail
        size += len(chunk)
        if keep:
            parts.append(chunk)
        if size > limit or (not chunk and not pending):
            break
    return size, parts


def _close(pdf: pdfplumber.PDF) -> None:
    """Close, even a PDF whose page tree is damaged (pdfplumber's close walks the pages)."""
    try:
        pdf.close()
    except Exception:
        pdf.stream.close()


def pdf_info(path: Path, password: str | None = None) -> PdfInfo:
    """Page count, whether there is a text layer, and the metadata worth keeping."""
    from pipeline.extract.pdfchars import read_document

    with open_pdf(path, password) as pdf:
        try:
            pages = read_document(path, password)  # PDFium, as the reader: the same chars, the same glyph decisions
        except Exception as exc:  # the checks above let a damaged page through: say which file
            raise errors.unreadable_pdf(path, _reason(exc)) from None
        chars = sum(len(p) for p in pages)
        meta = pdf.metadata or {}
        return PdfInfo(
            pages=len(pdf.pages),
            has_text_layer=chars >= MIN_CHARS_PER_PAGE,
            undecoded_pages=tuple(p.number for p in pages if p.unmapped),
            title=_clean_title(_text(meta.get("Title"))),
            authors=_split_authors(_text(meta.get("Author"))),
            doi=_doi(" ".join(_text(meta.get(k)) or "" for k in ("doi", "Subject", "Keywords"))),
        )


def _reason(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0][:120]


def _text(value: object) -> str | None:
    if isinstance(value, bytes):
        for enc in ("utf-8", "utf-16", "latin-1"):
            try:
                value = value.decode(enc)
                break
            except UnicodeDecodeError:
                continue
    if not isinstance(value, str):
        return None
    # PDFDocEncoding reads byte 0xA0 as "€"; producers that meant Latin-1 put a
    # non-breaking space there, as French typography wants before ":" ("Paris€: ...").
    value = re.sub(r"€(?=[:;!?])|(?<=\d)€(?=p\b)", " ", value.replace("\x00", ""))
    value = " ".join(value.split())
    return value or None


JUNK_TITLE = re.compile(
    r"^(microsoft (word|powerpoint) - |untitled|document\d*$)|\.(docx?|pdf|tex|dvi|rtf|indd)$|^[\w.-]*\d[\w.-]*$",
    re.IGNORECASE,
)


def _clean_title(title: str | None) -> str | None:
    """Drop producer junk ("Microsoft Word - x.doc", "ipg1300180a", "6489 1..10")."""
    if not title or JUNK_TITLE.search(title) or len(title.split()) < 2:
        return None
    if re.fullmatch(r"[\d\s.]+", title):
        return None
    return title


def _split_authors(author: str | None) -> tuple[str, ...]:
    if not author or re.search(r"journals?|press|publish|editor|admin", author, re.IGNORECASE):
        return ()
    if " " not in author.strip():  # a login name ("dasylval"), not a person
        return ()
    return tuple(a.strip() for a in re.split(r"\s*[;]\s*|\s+and\s+", author) if a.strip())


def _doi(text: str) -> str | None:
    m = re.search(r"10\.\d{4,9}/[^\s\"<>]+", text)
    return m.group(0).rstrip(".,;") if m else None
