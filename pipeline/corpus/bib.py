"""Import many papers at once from a Zotero export (BibTeX or CSL-JSON) whose entries point at their files.

Each entry is added on its own with `corpus.add_paper` (atomic per paper), so
one bad entry is reported and the others still go in. File paths follow
Zotero's `file` field (`Description:path:mime;...`), relative to the export's folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser import middlewares as mw
from bibtexparser.model import Entry
from pylatexenc.latex2text import LatexNodes2Text

from pipeline import errors
from pipeline.corpus.add import AddResult, add_paper
from pipeline.corpus.csl import LANG_RE, csl_names, parse_year

# BibTeX/biblatex entry types → CSL types (anything else: "article").
CSL_TYPES = {
    "article": "article-journal",
    "inproceedings": "paper-conference",
    "conference": "paper-conference",
    "proceedings": "book",
    "book": "book",
    "inbook": "chapter",
    "incollection": "chapter",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "unpublished": "manuscript",
    "online": "webpage",
    "electronic": "webpage",
    "www": "webpage",
}
# BibTeX fields copied (LaTeX-decoded) into CSL variables.
BIB_FIELDS = {
    "journal": "container-title",
    "journaltitle": "container-title",
    "booktitle": "container-title",
    "volume": "volume",
    "number": "issue",
    "publisher": "publisher",
    "address": "publisher-place",
    "isbn": "ISBN",
    "issn": "ISSN",
}
# CSL-JSON variables kept from a CSL-JSON export (no "accessed": no timestamps in the corpus).
CSL_KEEP = (
    "type", "title", "author", "editor", "container-title", "collection-title", "volume", "issue",
    "page", "publisher", "publisher-place", "ISBN", "ISSN", "reviewed-title", "reviewed-author",
)
LANGUAGE_NAMES = {
    "english": "en", "anglais": "en", "american": "en", "british": "en",
    "french": "fr", "francais": "fr", "français": "fr",
    "spanish": "es", "espagnol": "es", "german": "de", "allemand": "de",
    "italian": "it", "italien": "it", "portuguese": "pt", "portugais": "pt",
}
NAME_KEYS = ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix")


@dataclass(frozen=True)
class BibEntry:
    """One entry of an export, mapped to CSL-JSON, with the files it points at."""

    key: str
    csl: Mapping[str, Any]
    files: tuple[Path, ...]
    problem: str | None = None  # set when the entry cannot be read at all


@dataclass(frozen=True)
class BibOutcome:
    """What happened to one entry: `result` when added, `error` (one line) when not."""

    key: str
    source: Path | None
    result: AddResult | None
    error: str | None
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.result is not None


def add_bib(
    corpus: Path, bib_file: Path, progress: Callable[[str, str], None] | None = None
) -> list[BibOutcome]:
    """Add every entry of a BibTeX or CSL-JSON export; a bad entry is reported, the others added.
    `progress(entry key, "adding")` hears of each entry before it is added (the outcomes say what became of it)."""
    outcomes = []
    for entry in read_bib(bib_file):
        if progress:
            progress(entry.key, "adding")
        outcomes.append(_add_entry(Path(corpus), entry))
    return outcomes


def _add_entry(corpus: Path, entry: BibEntry) -> BibOutcome:
    if entry.problem:
        return BibOutcome(entry.key, None, None, entry.problem)
    if not entry.files:
        return BibOutcome(entry.key, None, None, str(errors.bib_no_file(entry.key)))
    source, notes = _pick_file(entry.files)
    csl = dict(entry.csl)
    year, lang = csl.pop("year", None), csl.pop("language", None)
    try:
        year = parse_year(year) if year else None
    except errors.InputError:
        notes.append(f"year '{year}' is not a year: left out")
        year = None
    lang = _language(lang, notes)
    try:
        result = add_paper(
            corpus,
            source,
            title=csl.pop("title", None),
            authors=csl.pop("author", ()),
            year=year,
            lang=lang,
            doi=csl.pop("DOI", None),
            url=csl.pop("URL", None),
            csl_type=csl.pop("type", None),
            extra=csl,
        )
    except errors.RescorpusError as exc:
        return BibOutcome(entry.key, source, None, f"entry '{entry.key}': {exc}", tuple(notes))
    return BibOutcome(entry.key, source, result, None, tuple(notes))


def _pick_file(files: tuple[Path, ...]) -> tuple[Path, list[str]]:
    """The first PDF, else the first .txt, else the first file; note the others."""
    ranked = sorted(files, key=lambda f: {".pdf": 0, ".txt": 1}.get(f.suffix.lower(), 2))
    notes = [f"also attached, not added: {f.name}" for f in ranked[1:]]
    return ranked[0], notes


def _language(value: str | None, notes: list[str]) -> str | None:
    if not value:
        return None
    code = value.strip().lower().replace("_", "-")
    code = LANGUAGE_NAMES.get(code, code)
    if LANG_RE.fullmatch(code):
        return code
    notes.append(f"language '{value}' not understood: left out")
    return None


# ---------------------------------------------------------------- reading exports


def read_bib(bib_file: Path) -> list[BibEntry]:
    """Entries of a BibTeX (.bib) or CSL-JSON (.json) export, in file order."""
    bib_file = Path(bib_file)
    if not bib_file.exists():
        raise errors.missing_path(bib_file)
    if bib_file.is_dir():
        raise errors.is_folder(bib_file)
    try:
        text = bib_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise errors.unreadable_bib(bib_file, f"not UTF-8 at byte {exc.start}") from None
    if not text.strip():
        raise errors.empty_file(bib_file)
    if bib_file.suffix.lower() == ".json" or text.lstrip()[:1] in "[{":
        return _read_csl_json(bib_file, text)
    return _read_bibtex(bib_file, text)


def _read_bibtex(bib_file: Path, text: str) -> list[BibEntry]:
    library = bibtexparser.parse_string(text, append_middleware=[mw.SeparateCoAuthors(), mw.SplitNameParts()])
    found: list[tuple[int, BibEntry]] = []
    for block in library.failed_blocks:
        key = getattr(block, "key", None) or _raw_key(block.raw) or f"line {block.start_line + 1}"
        reason = getattr(block.error, "abort_reason", None) or str(block.error or "").strip()
        reason = f"BibTeX syntax error after line {block.start_line + 1}: {reason or 'cannot be parsed'}"
        reason = reason.splitlines()[0].rstrip(".")
        found.append((block.start_line, BibEntry(key, {}, (), str(errors.bib_entry_broken(key, reason)))))
    for entry in library.entries:
        found.append((entry.start_line, _bibtex_entry(entry, bib_file.parent)))
    if not found:
        raise errors.unreadable_bib(bib_file, "no entries found")
    return [e for _, e in sorted(found, key=lambda pair: pair[0])]


def _raw_key(raw: str) -> str | None:
    m = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]+)\s*,", raw)
    return m.group(1) if m else None


def _bibtex_entry(entry: Entry, base: Path) -> BibEntry:
    fields = {f.key.lower(): f.value for f in entry.fields}
    csl: dict[str, Any] = {"type": CSL_TYPES.get(entry.entry_type.lower(), "article"), "citation-key": entry.key}
    if fields.get("title"):
        csl["title"] = _latex(fields["title"])
    if fields.get("author"):
        csl["author"] = [_bib_name(n) for n in fields["author"]]
    for bib_key, csl_key in BIB_FIELDS.items():
        if fields.get(bib_key) and csl_key not in csl:
            csl[csl_key] = _latex(fields[bib_key])
    if fields.get("pages"):
        csl["page"] = re.sub(r"\s*-+\s*", "-", fields["pages"])
    year = fields.get("year") or fields.get("date")
    if year:
        csl["year"] = year
    lang = fields.get("langid") or fields.get("language")
    if lang:
        csl["language"] = _latex(lang)
    if fields.get("doi"):
        csl["DOI"] = fields["doi"].strip()
    if fields.get("url"):
        csl["URL"] = fields["url"].strip()
    return BibEntry(entry.key, csl, zotero_files(fields.get("file", ""), base))


_decoder = LatexNodes2Text()


def _latex(value: str) -> str:
    """LaTeX accents and escapes to Unicode ({\\'e} → é), whitespace collapsed."""
    return " ".join(_decoder.latex_to_text(value).split())


def _bib_name(name: Any) -> dict[str, str]:
    """A bibtexparser NameParts as CSL; a braced name ({World Bank}) is a literal."""
    if not name.first and not name.von and len(name.last) == 1 and name.last[0].startswith("{"):
        return {"literal": _latex(name.last[0])}
    out = {"family": _latex(" ".join(name.last)), "given": _latex(" ".join(name.first))}
    if name.von:
        out["non-dropping-particle"] = _latex(" ".join(name.von))
    if name.jr:
        out["suffix"] = _latex(" ".join(name.jr))
    return {k: v for k, v in out.items() if v}


def zotero_files(field: str, base: Path) -> tuple[Path, ...]:
    """Paths in a Zotero/JabRef `file` field ('Desc:path:mime;...' or bare paths), relative to `base`."""
    paths = []
    for item in _split_escaped(field, ";"):
        parts = _split_escaped(item, ":")
        if len(parts) >= 3:
            raw = ":".join(parts[1:-1])  # an unescaped Windows drive letter splits the path
        elif len(parts) == 2:
            raw = item if len(parts[0]) == 1 else parts[1]  # 'C:\x.pdf' or 'Desc:path'
        else:
            raw = item
        raw = raw.replace("\\:", ":").replace("\\;", ";").replace("\\\\", "\\").strip()
        if raw:
            path = Path(raw).expanduser()
            paths.append(path if path.is_absolute() else base / path)
    return tuple(paths)


def _split_escaped(text: str, sep: str) -> list[str]:
    """Split on `sep` where it is not escaped by a backslash; escapes are kept for the caller."""
    parts, current, i = [], "", 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            current += text[i : i + 2]
            i += 2
            continue
        if text[i] == sep:
            parts.append(current)
            current = ""
        else:
            current += text[i]
        i += 1
    parts.append(current)
    return [p for p in parts if p.strip()] if sep == ";" else parts


def _read_csl_json(bib_file: Path, text: str) -> list[BibEntry]:
    """A CSL-JSON list; each item names its files in a `file` field (Zotero syntax) or a list of paths."""
    try:
        items = json.loads(text)
    except json.JSONDecodeError as exc:
        raise errors.unreadable_bib(bib_file, f"line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if isinstance(items, dict):
        items = items.get("items", [items])
    if not isinstance(items, list) or not items:
        raise errors.unreadable_bib(bib_file, "expected a list of CSL-JSON items")
    entries = []
    for n, item in enumerate(items, start=1):
        key = str(item.get("id") or item.get("citation-key") or f"item {n}") if isinstance(item, dict) else f"item {n}"
        if not isinstance(item, dict):
            entries.append(BibEntry(key, {}, (), str(errors.bib_entry_broken(key, "not a JSON object"))))
            continue
        try:
            entries.append(BibEntry(key, _csl_item(item, key), _csl_files(item.get("file"), bib_file.parent)))
        except _Refused as exc:
            entries.append(BibEntry(key, {}, (), str(errors.bib_entry_refused(key, n, str(exc)))))
    return entries


class _Refused(ValueError):
    """An entry whose fields cannot be read without guessing; the message says which field and why."""


def _csl_item(item: Mapping[str, Any], key: str) -> dict[str, Any]:
    """The kept CSL variables of one item, types checked: what is unambiguous is taken, the rest raises _Refused."""
    csl: dict[str, Any] = {}
    for k in CSL_KEEP:
        if item.get(k) in (None, "", []):
            continue
        csl[k] = _csl_names(item[k], k) if k in ("author", "editor") else _one_string(item[k], k)
    csl["citation-key"] = _one_string(item.get("citation-key"), "citation-key") if item.get("citation-key") else key
    year = _issued_year(item.get("issued"))
    if year:
        csl["year"] = year
    for k in ("language", "DOI", "URL"):
        if isinstance(item.get(k), str) and item[k].strip():
            csl[k] = item[k].strip()
    return csl


def _one_string(value: Any, field: str) -> str:
    """A CSL string variable: a string, a number, or a list holding one string (as some exports write titles)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    raise _Refused(f'"{field}" is {_what(value)}, not a string')


def _csl_names(value: Any, field: str) -> list[dict[str, str]]:
    """A CSL name list; a plain string is one or more 'Family, Given' names; a part that is not a string is refused."""
    if isinstance(value, str):
        return csl_names(value)
    if not isinstance(value, list):
        raise _Refused(f'"{field}" is {_what(value)}, not a list of names')
    for n, name in enumerate(value, start=1):
        if isinstance(name, str):
            continue
        if not isinstance(name, dict):
            raise _Refused(f'"{field}" name {n} is {_what(name)}, not a name object')
        for part in NAME_KEYS:
            if part in name and not isinstance(name[part], (str, int)):
                raise _Refused(f'"{field}" name {n}: "{part}" is {_what(name[part])}, not a string')
    return csl_names(value)


def _issued_year(issued: Any) -> str | None:
    """The year of CSL `issued`: date-parts [[2020, ...]] (or the flat [2020]), else its `raw` text."""
    if issued in (None, "", {}):
        return None
    if not isinstance(issued, dict):
        raise _Refused(f'"issued" is {_what(issued)}, not a CSL date object')
    parts = issued.get("date-parts")
    if parts:
        first = parts[0] if isinstance(parts, list) else None
        if isinstance(first, list):  # [[2020, 5]]
            first = first[0] if first else None
        if isinstance(first, (int, str)) and not isinstance(first, bool) and str(first).strip():
            return str(first).strip()
        raise _Refused(f'"issued" date-parts {json.dumps(parts)[:40]} holds no year; write it as [[2020]]')
    raw = issued.get("raw") or issued.get("literal")
    return str(raw) if isinstance(raw, (str, int)) and str(raw).strip() else None


def _what(value: Any) -> str:
    kinds = {dict: "an object", list: "a list", bool: "true/false", type(None): "null"}
    return kinds.get(type(value), f"a {type(value).__name__}")


def _csl_files(value: Any, base: Path) -> tuple[Path, ...]:
    if isinstance(value, str):
        return zotero_files(value, base)
    if isinstance(value, list):
        return tuple(p if p.is_absolute() else base / p for p in (Path(str(v)) for v in value if v))
    return ()
