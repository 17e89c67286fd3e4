"""Adding a paper to the corpus: `corpus/<id>/source.pdf|source.txt` + `paper.json` (CSL-JSON).

`add_paper` validates a file, refuses duplicates (by sha256) and writes the
folder atomically: it is built in `corpus/.tmp-*` and renamed into place, so a
failed add leaves the corpus byte for byte as it was. paper.json holds no
timestamps, absolute paths or passwords: the corpus lives under version control.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pipeline import errors
from pipeline.corpus.csl import parse_name, set_metadata
from pipeline.corpus.papers import ID_RE, OURS, PAPER_JSON, SUFFIXES, folder_names, load_paper
from pipeline.extract.textbytes import decode_text
from pipeline.files import dumps_json

if TYPE_CHECKING:  # the PDF libraries load only when a PDF is added: `list` and `run` stay quick
    from pipeline.extract.header import Header
    from pipeline.extract.pdffile import PdfInfo

# A paper's plain text is a few hundred kB (a 100-page book ~1 MB); 50 MB of text is not a paper.
# A 100-page scan at 600 dpi is ~100-300 MB; past 500 MB a PDF is not a paper either.
MAX_BYTES = {".txt": 50 * 2**20, ".pdf": 500 * 2**20}
WHY_LIMIT = {".txt": "a paper's text is far smaller", ".pdf": "even a 100-page scan at 600 dpi is smaller"}
# Words skipped when an id takes the first significant word of a title.
STOPWORDS = frozenset(
    "a an the of on in for and to with from by at is are as its via towards toward what how why "
    "le la les l un une des de du d et en au aux pour sur par dans avec sans entre vers ce ces cette "
    "quel quelle quels quelles qu que est sont".split()
)
# Letters NFKD does not split into an ASCII letter + accent.
UNDECOMPOSABLE = str.maketrans(
    {"ß": "ss", "œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d"}
)
Author = Mapping[str, str]


@dataclass(frozen=True)
class AddResult:
    """What `add_paper` did: the paper's id, its folder, its flags and what to tell the user."""

    id: str
    path: Path
    flags: tuple[str, ...]
    messages: tuple[str, ...]


# ---------------------------------------------------------------- adding


def add_paper(
    corpus: Path,
    source: Path,
    *,
    paper_id: str | None = None,
    title: str | None = None,
    authors: Sequence[str | Author] = (),
    year: int | str | None = None,
    lang: str | None = None,
    doi: str | None = None,
    url: str | None = None,
    password: str | None = None,
    csl_type: str | None = None,
    extra: Mapping[str, Any] | None = None,
) -> AddResult:
    """Add one PDF or .txt file as `corpus/<id>/`; raise an `errors` error and change nothing when it cannot.

    Given values (and `extra`) win over everything read from the file. Where nothing was given, the
    fields are read from the paper's first page by the header model (`extract.header`) and from a PDF's
    own metadata, by the rule of `_fill_from_file`; the language is that of most of the body text. Nothing
    is guessed from file dates. `extra`: further CSL-JSON fields (container-title, ...).
    """
    corpus, source = Path(corpus), Path(source)
    if not source.exists():
        raise errors.missing_path(source)
    if source.is_dir():
        raise errors.is_folder(source)
    suffix = source.suffix.lower()
    if suffix not in SUFFIXES:
        raise errors.unsupported_type(source, source.suffix)
    data = _read_source(source, suffix)
    if not data:
        raise errors.empty_file(source)
    sha = hashlib.sha256(data).hexdigest()
    existing = _hashes(corpus)
    if sha in existing:
        raise errors.duplicate(source, existing[sha])
    csl: dict[str, Any] = dict(extra or {})
    flags: set[str] = set()
    messages: list[str] = []
    if suffix == ".pdf":
        flags, messages = _take_pdf(source, password, csl, title=title, authors=authors, doi=doi, year=year,
                                    lang=lang)
    else:
        _check_text(source, data)
        messages = _take_text(source, data, csl, title=title, authors=authors, doi=doi, year=year, lang=lang)
    set_metadata(csl, title=title, authors=authors, year=year, lang=lang, doi=doi, url=url, csl_type=csl_type)
    taken = set(existing.values()) | folder_names(corpus)
    if paper_id is not None:
        if not ID_RE.fullmatch(paper_id):
            raise errors.bad_id(paper_id)
        if paper_id.lower() in {t.lower() for t in taken}:
            raise errors.id_exists(paper_id, corpus)
        new_id = paper_id
    else:
        new_id = unique_id(derive_id(csl, source), taken)
    csl["id"] = new_id
    custom = csl["custom"] = csl["custom"] if isinstance(csl.get("custom"), dict) else {}
    ours = custom[OURS] = custom[OURS] if isinstance(custom.get(OURS), dict) else {}
    ours.update({"added_from": source.name, "flags": sorted(flags), "sha256": sha, "source": SUFFIXES[suffix]})
    folder = _write_atomically(corpus, new_id, {SUFFIXES[suffix]: data, PAPER_JSON: dumps_json(csl).encode()})
    n = csl.get("number-of-pages")
    pages = f" ({n} page{'s' if n != 1 else ''})" if n else ""
    messages.insert(0, f"added '{new_id}'{pages} from {source.name}")
    if "encrypted" in flags:
        messages.append(
            "the PDF is password-protected: the password was NOT stored; pass it to every run as "
            f"`rescorpus run --password {new_id}=PASSWORD`"
        )
    return AddResult(id=new_id, path=folder, flags=tuple(sorted(flags)), messages=tuple(messages))


def _read_source(source: Path, suffix: str) -> bytes:
    """The file's bytes, refusing links that leave their folder, non-regular files (FIFOs, devices) and huge files."""
    if source.is_symlink():
        target = source.resolve()
        if not target.is_relative_to(source.parent.resolve()):
            raise errors.link_leaves_folder(source, target)
    mode = source.stat().st_mode  # stat, not open: opening a FIFO would wait for a writer
    if not stat.S_ISREG(mode):
        raise errors.not_regular_file(source, _kind(mode))
    limit = MAX_BYTES[suffix]
    fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with os.fdopen(fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # swapped for something else since the stat
            raise errors.not_regular_file(source, _kind(os.fstat(fd).st_mode))
        data = fh.read(limit + 1)  # bounded even if the size changes while we read
    if len(data) > limit:
        raise errors.too_big(source, limit // 2**20, WHY_LIMIT[suffix])
    return data


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"),
             (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a folder"))  # fmt: skip
    return next((name for test, name in kinds if test(mode)), "not a regular file")


UNDECODED = "undecoded_glyphs:"  # the flag's prefix; the pages follow, "undecoded_glyphs:p2,p3"


def _take_pdf(
    source: Path, password: str | None, csl: dict[str, Any], **given: Any
) -> tuple[set[str], list[str]]:
    """Open the PDF, fill `csl` from its metadata where nothing was given; return its flags and messages."""
    info, encrypted = _read_pdf(source, password)
    flags: set[str] = set()
    messages: list[str] = []
    header = page_text = language = None
    if info.has_text_layer:
        header, page_text, language = _read_pdf_header(source, password)
    else:
        header, page_text, language = _read_scan_header(source, password)
    messages += _fill_from_file(csl, given, header, page_text, language, info)
    csl["number-of-pages"] = info.pages
    if encrypted == "user":
        flags.add("encrypted")  # its message names the id, known later: see add_paper
    elif encrypted == "owner":
        messages.append("the PDF carries owner restrictions only; it opens without a password")
    if info.undecoded_pages:
        flags.add(UNDECODED + ",".join(f"p{n}" for n in info.undecoded_pages))
        messages.append(
            f"glyphs no font mapping decodes on page(s) {', '.join(map(str, info.undecoded_pages))}: left out of the "
            "text (a symbol or bullet font without Unicode names); flagged"
        )
    if not info.has_text_layer:
        from pipeline.extract import ocr

        if ocr.available():
            flags.add("ocr")
            messages.append("no text layer (a scan?): flagged ocr; `rescorpus run` reads it with Tesseract (fra+eng)")
        else:
            flags.add("needs_ocr")
            messages.append(ocr.WHY_MISSING)
    return flags, messages


def _read_pdf(source: Path, password: str | None) -> tuple[PdfInfo, str | None]:
    """pdf_info, trying no password first; say whether it needed a user password or had an owner one."""
    from pipeline.extract.pdffile import open_pdf, pdf_info

    try:
        info = pdf_info(source)
    except errors.EncryptedError:
        if not password:
            raise
        return pdf_info(source, password), "user"
    with open_pdf(source) as pdf:
        owner_only = pdf.doc.encryption is not None
    return info, "owner" if owner_only else None


def _read_pdf_header(source: Path, password: str | None) -> tuple[Header | None, str | None, str | None]:
    """The header model's reading of the PDF's first pages, page 1's text, and the body text's language."""
    from pipeline.extract import extract
    from pipeline.extract.header import body_language, pdf_lines_all, read_header

    try:
        lines = pdf_lines_all(source, password)
        language = body_language(extract(source, password))
    except errors.RescorpusError:
        return None, None, None
    text = " ".join(ln.text for ln in lines if ln.page == 1)
    return read_header(lines), text, language


def _read_scan_header(source: Path, password: str | None) -> tuple[Header | None, str | None, str | None]:
    """A scan's first page read by Tesseract (when installed) for the header model, and the language of
    what it prints; the whole scan is read by `rescorpus run`."""
    from pipeline.extract import ocr
    from pipeline.extract.header import pdf_lines_all, read_header
    from pipeline.extract.language import detect

    if not ocr.available():
        return None, None, None
    try:
        lines = pdf_lines_all(source, password, pages=1)
    except errors.RescorpusError:
        return None, None, None
    text = " ".join(ln.text for ln in lines)
    return (read_header(lines), text, detect(text)) if lines else (None, None, None)


def _take_text(source: Path, data: bytes, csl: dict[str, Any], **given: Any) -> list[str]:
    """Fill `csl` from a plain-text paper's first lines (header model) and its body's language."""
    from pipeline.extract import assemble
    from pipeline.extract.header import body_language, read_header, text_lines
    from pipeline.extract.text import parse_text

    text = decode_text(data, source, fallback=None)
    lines = text_lines(text)
    header = read_header(lines)
    language = body_language(assemble(parse_text(text)))
    return _fill_from_file(csl, given, header, " ".join(ln.text for ln in lines), language, None)


def _printed(value: str, page_text: str | None) -> bool:
    """Whether `value` (a metadata title, a name) is printed on the first page (folded, fuzzy >= 90)."""
    from rapidfuzz import fuzz

    from pipeline.extract.header import fold

    want, page = fold(value), fold(page_text or "")
    return bool(want) and len(want) >= 2 and (want in page or fuzz.partial_ratio(want, page) >= 90)


def _fill_from_file(
    csl: dict[str, Any], given: Mapping[str, Any], header: Header | None, page_text: str | None,
    language: str | None, info: PdfInfo | None,
) -> list[str]:
    """Fill what the caller did not give (nor `extra`) from the file; return what to tell the user.

    Which source wins, field by field: a value the PDF's metadata (Info dictionary) holds is taken when it is
    printed on the first page too (two sources agree); otherwise what the first page prints, as the header
    model reads it; a metadata value the page does not print ("Microsoft Word - doc1.docx", a template's
    title, a login name) only when the page gave nothing. The year, volume, issue, pages, journal, abstract
    and keywords come from the page only; the language from the body text.
    """
    page: list[str] = []
    meta: list[str] = []
    read: dict[str, str] = {}

    def take(name: str, from_meta: Any, from_page: Any, printed: bool) -> None:
        if name in csl:
            return
        if from_meta and printed:
            csl[name], read[name] = from_meta, "pdf metadata, printed on page 1"
            meta.append(name)
        elif from_page:
            csl[name], read[name] = from_page, "first page"
            page.append(name)
        elif from_meta:
            csl[name], read[name] = from_meta, "pdf metadata"
            meta.append(name)

    h = header
    if given["title"] is None:
        info_title = info.title if info else None
        take("title", info_title, h.full_title if h else None, bool(info_title) and _printed(info_title, page_text))
        if read.get("title") and (works := reviewed_works(csl["title"])):  # a book review's heading
            csl["title"] = csl["reviewed-title"] = " / ".join(t for t, _people in works)
            csl["reviewed-author"] = [{"family": f, "given": g} if g else {"family": f}
                                      for _t, people in works for f, g in people]
            csl.setdefault("type", "review-book")  # (a type the user gives wins: set_metadata)
            read["reviewed-title"] = read["reviewed-author"] = read["title"]
    if not given["authors"]:
        info_names = [parse_name(a) for a in info.authors] if info and info.authors else []
        printed = bool(info_names) and all(_printed(n.get("family", ""), page_text) for n in info_names)
        take("author", info_names, h.authors if h else None, printed)
    if given["doi"] is None:
        info_doi = info.doi if info else None
        take("DOI", info_doi, h.doi if h else None, bool(info_doi) and info_doi.lower() in (page_text or "").lower())
    if h is not None:
        if given["year"] is None and "issued" not in csl and h.year:
            csl["issued"], read["issued"] = {"date-parts": [[h.year]]}, "first page"
            page.append("issued")
        for name, value in (("container-title", h.journal), ("volume", h.volume), ("issue", h.issue),
                            ("page", h.pages)):
            if value and name not in csl:
                csl[name], read[name] = value, "first page"
                page.append(name)
    if given["lang"] is None and "language" not in csl and language:
        csl["language"], read["language"] = language, "body text"
    if h is not None:
        lang = csl.get("language") or language
        if h.abstracts and "abstract" not in csl:
            csl["abstract"] = h.abstracts.get(lang) or next(iter(h.abstracts.values()))
            read["abstract"] = "first page"
            page.append("abstract")
        if h.keywords and "keyword" not in csl:
            csl["keyword"] = ", ".join(h.keywords.get(lang) or next(iter(h.keywords.values())))
            read["keyword"] = "first page"
            page.append("keyword")
    extra: dict[str, Any] = {}
    if h is not None:
        extra = {k: v for k, v in (("abstracts", h.abstracts), ("keywords", h.keywords),
                                   ("affiliations", h.affiliations)) if v}
    if read or extra:
        custom = csl["custom"] = csl["custom"] if isinstance(csl.get("custom"), dict) else {}
        ours = custom[OURS] = custom[OURS] if isinstance(custom.get(OURS), dict) else {}
        ours.update({"header": extra} if extra else {})
        ours["read"] = dict(sorted(read.items()))
    messages = []
    if page:
        messages.append(f"read from the first page: {', '.join(page)} (check them in paper.json)")
    if meta:
        messages.append(f"taken from the PDF's own metadata: {', '.join(meta)} (check them in paper.json)")
    if "reviewed-title" in read:
        messages.append(f"a book review: its heading lists {csl['reviewed-title'].count(' / ') + 1} reviewed book(s), "
                        "set as its title, reviewed-title and reviewed-author")
    if "language" in read:
        messages.append(f"language '{csl['language']}': the language of most of the body text")
    return messages


# A book review's heading: each reviewed work's reference, "Title, Par Author(s), [edition,] Place : Publisher,
# [series,] 2008, 121 p., ISBN ...", several parted by " / " (Érudit's reviews, and "Title. By Author. Place:
# Publisher, 2008. 268 pp." in English journals)
REVIEWED_RE = re.compile(r"^(?P<title>[^/]{3,300}?)[,.]?\s+(?:Par|By|Sous la direction de|Edited by|Dirigé par|Ed\. by)\s+"
                         r"(?P<who>[^,.:/]{3,200}?)[,.]\s(?P<rest>[^/]*?\b(?:1[5-9]|20)\d\d\b[^/]*?"
                         r"(?:\bISBN\b|\b\d+\s?(?:p|pp|pages)\b)[^/]*)$")


def reviewed_works(heading: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(family, given), ...]) of each book a review's heading lists, or [] when `heading` is no such
    list (every part must read as a reviewed book's reference)."""
    from pipeline.extract.header import split_authors  # a byline's splitter: "Given Family et Given Family"

    works = []
    for part in re.split(r"\s+/\s+", heading.strip()):
        m = REVIEWED_RE.match(part.strip())
        if not m:
            return []
        works.append((m.group("title").strip(" ,."),
                      [(n["family"], n.get("given", "")) for n in split_authors(m.group("who"))]))
    return works


def _check_text(source: Path, data: bytes) -> None:
    """Refuse a .txt that is not UTF-8 (or UTF-16/32 with a byte-order mark), or holds only blanks or binary data."""
    if not decode_text(data, source, fallback=None).strip():
        raise errors.no_text(source)


# ---------------------------------------------------------------- ids


def slug(text: str) -> str:
    """ASCII-folded, lowercase, '-'-separated (Ostrom → ostrom, Économie sociale → economie-sociale)."""
    text = re.sub(r"['’ʼ‘`]", " ", text)  # L’analyse → l analyse, so 'l' drops as a stopword
    folded = unicodedata.normalize("NFKD", text.translate(UNDECOMPOSABLE))
    ascii_ = folded.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")


def derive_id(csl: Mapping[str, Any], source: Path) -> str:
    """`<first author family>-<year>-<first significant title word>`, else the file name's slug."""
    authors = csl.get("author") or []
    first = authors[0] if authors else {}
    family_part = slug(first.get("family") or first.get("literal") or "")[:30].strip("-")
    words = [w for w in slug(csl.get("title") or "").split("-") if w and w not in STOPWORDS]
    word = words[0] if words else ""
    if not family_part and not word:
        return slug(source.stem)[:60].strip("-") or "paper"
    year = (csl.get("issued", {}).get("date-parts") or [[None]])[0]
    parts = [family_part, str(year[0]) if year and year[0] else "", word[:30]]
    return "-".join(p for p in parts if p)


def unique_id(base: str, taken: set[str]) -> str:
    """`base`, or `base-2`, `base-3`, ... whichever is free (case-insensitively)."""
    lowered = {t.lower() for t in taken}
    candidate, n = base, 2
    while candidate.lower() in lowered:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# ---------------------------------------------------------------- writing


def _write_atomically(corpus: Path, paper_id: str, files: Mapping[str, bytes]) -> Path:
    """Write `files` into `corpus/.tmp-*` and rename it to `corpus/<paper_id>`; on failure leave no trace."""
    made_corpus = not corpus.exists()
    corpus.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=corpus))
    target = corpus / paper_id
    try:
        for name, data in files.items():
            with open(tmp / name, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it 0o700; give it what mkdir would
        if target.exists():  # os.rename would silently replace an empty folder
            raise errors.id_exists(paper_id, corpus)
        os.rename(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        if made_corpus:
            try:
                corpus.rmdir()
            except OSError:
                pass
        raise
    return target


def _hashes(corpus: Path) -> dict[str, str]:
    """sha256 → paper id for every paper; a broken folder is hashed from its source file."""
    found: dict[str, str] = {}
    for name in sorted(folder_names(corpus)):
        try:
            paper = load_paper(corpus, name)
            found.setdefault(paper.sha256, paper.id)
        except errors.CorpusError:
            for src in sorted((corpus / name).glob("source.*")):
                found.setdefault(hashlib.sha256(src.read_bytes()).hexdigest(), name)
    return found
