"""Plain-text sources -> the same blocks a PDF gives.

Text files come in three shapes, all seen in real papers:
- one paragraph per line (exports from HTML, the Érudit texts);
- hard-wrapped lines with blank lines between paragraphs;
- hard-wrapped lines with a blank line after *every* line (text copied out of a
  PDF, like the founding paper), where blank lines say nothing about paragraphs
  and a new page starts with a line indented by one space, often mid-sentence.
Paragraphs are rebuilt from the shape of the lines: a line well short of the
text width, followed by a capital, a number or a bullet, ends its paragraph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.extract.clean import ends_sentence, merge_continuations
from pipeline.extract.entrylines import entry_starts
from pipeline.extract.model import Block, Source
from pipeline.extract.sections import KEYWORDS_LINE, heading_level, role_of, unnumbered_heading
from pipeline.extract.textbytes import decode_text

BULLET = re.compile(r"^\s*([-–—•✓▪●*]|\d{1,2}[.)]\s)")
TABLE_START = re.compile(r"^\s*(tableaux?|table|tabla)\s*(n\s*[°º’'o]?\s*)?\d+\b", re.IGNORECASE)
FIGURE = re.compile(r"^\s*(figures?|fig\.|graphique|sch[ée]ma)\s*(n\s*[°º’'o]?\s*)?\d+\b", re.IGNORECASE)
TABLE_END = re.compile(r"^\s*(source|sources)\s*:", re.IGNORECASE)
# How an entry of an unnumbered list opens: "Surname, X.", "Surname, Given.", "Surname X,", "SURNAME",
# "de Surname", "Surname (2004)", the "---." of a repeated author.
NUMBER_HEAD = re.compile(r"^\[?(\d{1,3})(?:[.)\]]\s*|\s+)(?=\S)(?!\d)")
SHORT = 0.80  # a line shorter than this share of the text width may end a paragraph
SHORT_UNPUNCTUATED = 0.90  # ... and one with no punctuation at its end, this share
PARTED = 0.08  # blank lines before at least this share of lines: they part the paragraphs


@dataclass(frozen=True)
class Line:
    text: str
    page: int
    blank_before: bool


def read_text(path: Path) -> Source:
    """Read a .txt paper into blocks; pages are split at form feeds or one-space page starts."""
    return parse_text(decode(Path(path)))


def decode(path: Path) -> str:
    """The file's text: UTF-8 (with or without BOM), UTF-16/32 with BOM, else Windows-1252; stray NULs dropped."""
    return decode_text(path.read_bytes(), path)


def parse_text(text: str) -> Source:
    lines = _lines(text)
    if not lines:
        return Source(blocks=(), pages=1)
    width = _text_width(lines)
    wrapped = width < 140
    blocks: list[Block] = []
    current: list[Line] = []
    in_table = False
    # Hard-wrapped text whose paragraphs blank lines part: a paragraph (and a heading) ends only there.
    # Where they do not (a blank line after every line, or none), under a reference or notes heading a
    # paragraph is an entry: it ends where the next entry opens.
    parted = wrapped and sum(x.blank_before for x in lines) >= PARTED * len(lines)
    listed: list[Line] = []  # lines of a reference list or the notes, parted into entries at its end

    def flush_list() -> None:
        for entry in _entries(listed, width):
            blocks.append(Block(text="\n".join(x.text for x in entry), page=entry[0].page))
        listed.clear()

    def flush(kind: str = "body") -> None:
        if current:
            blocks.append(Block(text="\n".join(x.text for x in current), page=current[0].page, kind=kind))
            current.clear()

    seen_prose = False  # unnumbered headings only after the front matter (title, authors: short lines too)
    role = ""  # the role of the last heading: under "Notes", "21 Voir ..." is a note, not heading 21
    for i, line in enumerate(lines):
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        standalone = _standalone(line, nxt, current, width)
        level = heading_level(line.text) if standalone else 0
        line_role = role_of(line.text) if level else "body"  # an unnumbered heading below is "body" too
        if level and line_role == "body" and (role in ("notes", "references") or parted and not _alone(line, nxt, current, wrapped, parted, width)):
            level = 0  # "21 Voir ..." in the notes, "9 Brocco, S., ..." in a numbered list, a line of a paragraph
        if (not level and standalone and seen_prose and not in_table and role != "references"
                and _alone(line, nxt, current, wrapped, parted, width) and unnumbered_heading(line.text)):
            level = 1
        if level:
            role = line_role
        seen_prose = seen_prose or _prose(line.text, width, wrapped)
        if TABLE_START.match(line.text) and not in_table:
            flush()
            blocks.append(Block(text=line.text, page=line.page, kind="caption"))
            in_table = True
            continue
        if in_table:
            if TABLE_END.match(line.text):
                flush("table")
                blocks.append(Block(text=line.text, page=line.page, kind="caption"))
                in_table = False
                continue
            if not (level or _prose(line.text, width, wrapped)):
                current.append(line)
                continue
            flush("table")  # prose or a heading again: the table (with no "Source :" line) is over
            in_table = False
        if FIGURE.match(line.text) and len(line.text) < width:
            flush()
            blocks.append(Block(text=line.text, page=line.page, kind="caption"))
            continue
        if level:
            flush()
            flush_list()
            blocks.append(Block(text=line.text, page=line.page, kind="heading", level=level))
            continue
        if not wrapped:
            flush()
            blocks.append(Block(text=line.text, page=line.page))
            continue
        if role in ("references", "notes") and not parted:
            listed.append(line)
            continue
        current.append(line)
        if nxt is None or _ends_paragraph(line, nxt, width, parted):
            flush()
    flush("table" if in_table else "body")
    flush_list()
    return Source(blocks=tuple(merge_continuations(blocks)), pages=lines[-1].page)


def _lines(text: str) -> list[Line]:
    """Non-blank lines with their page; blank lines only matter when they are not everywhere."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw = text.split("\n")
    nonblank = [i for i, t in enumerate(raw) if t.strip() and t.strip() != "\f"]
    followed_by_blank = sum(1 for i in nonblank if i + 1 < len(raw) and not raw[i + 1].strip())
    double_spaced = len(nonblank) > 10 and followed_by_blank > 0.8 * len(nonblank)
    indented = sum(1 for i in nonblank if re.match(r"^ \S", raw[i]))
    # One-space indents mark page starts only when they are rare (a text's own indentation is not).
    space_pages = "\f" not in text and 0 < indented < 0.08 * len(nonblank)
    folio = _folios(raw) if "\f" in text else set()
    page, out, blanks = 1, [], 0
    for i, t in enumerate(raw):
        if "\f" in t:
            page += t.count("\f")
            t = t.replace("\f", "")
        if not t.strip() or i in folio:
            blanks += 0 if i in folio else 1
            continue
        if space_pages and re.match(r"^ \S", t) and out:
            page += 1
        blank_before = blanks >= (2 if double_spaced else 1)
        out.append(Line(text=t.strip(), page=page, blank_before=blank_before))
        blanks = 0
    return out


FOLIO = re.compile(r"^\s*(?:[-–—]\s*)?(?:(?:page|p\.)\s*)?\d{1,4}(?:\s*(?:/|sur|of)\s*\d{1,4})?(?:\s*[-–—])?\s*$", re.IGNORECASE)


def _folios(raw: list[str]) -> set[int]:
    """The page numbers of a text with form feeds (pdftotext's): a line of a number alone, the last
    before a page break or the first after one. Dropped, so a sentence goes on across the break."""
    found: set[int] = set()
    for b in (i for i, t in enumerate(raw) if "\f" in t):
        parts = [p for p in raw[b].split("\f") if p.strip()]
        if parts and all(FOLIO.match(p) for p in parts):
            found.add(b)  # "\f12": the number on the break's own line
            continue
        before, after = raw[b].split("\f")[0], raw[b].split("\f")[-1]
        for side, step in ((after, 1), (before, -1)):
            if side.strip():
                continue
            j = next((k for k in range(b + step, len(raw) if step > 0 else -1, step) if raw[k].strip()), None)
            if j is not None and "\f" not in raw[j] and FOLIO.match(raw[j]):
                found.add(j)
    return found


def _alone(line: Line, nxt: Line | None, current: list[Line], wrapped: bool, parted: bool, width: float) -> bool:
    """A line that is a paragraph of its own: one paragraph per line; else nothing open before it and a new
    paragraph after it (a blank line; in text no blank lines part, a capital after a short line)."""
    if not wrapped:
        return True
    if current:
        return False
    if nxt is None or nxt.blank_before:
        return True
    return not parted and nxt.text[:1].isupper() and len(line.text) < SHORT * width


def _text_width(lines: list[Line]) -> float:
    """The usual length of a full line: the 90th percentile of line lengths."""
    lengths = sorted(len(x.text) for x in lines)
    return float(lengths[int(0.9 * (len(lengths) - 1))]) if len(lengths) > 1 else float(lengths[0])


def _standalone(line: Line, nxt: Line | None, current: list[Line], width: float) -> bool:
    """A heading is a short line that does not continue an open sentence, or that a capital follows."""
    if len(line.text) > 0.9 * width and width < 140:
        return False
    if not current or ends_sentence(current[-1].text) or len(current[-1].text) < SHORT * width:
        return True
    return len(line.text) < SHORT * width and (nxt is None or nxt.text[:1].isupper())


def _prose(text: str, width: float, wrapped: bool) -> bool:
    """A line of running text, not a table row: long, many words, no cell gaps (tabs, 2+ spaces), few digits."""
    if "\t" in text or "  " in text:
        return False
    words = text.split()
    digits = sum(c.isdigit() for c in text)
    long_enough = len(text) >= (0.6 * width if wrapped else 100)
    return long_enough and len(words) >= 8 and digits < 0.2 * len(text)


def _entries(lines: list[Line], width: float) -> list[list[Line]]:
    """The lines of a reference list (or of the notes) in text with no blank line between paragraphs,
    parted into entries: a numbered list at the next number ("12 ", "12.", "[12]"), any other where
    the entry-start model (`entrylines`) says a line opens an entry."""
    if not lines:
        return []
    cuts, number = set(), 0
    for i, line in enumerate(lines):
        m = NUMBER_HEAD.match(line.text)
        if m and int(m.group(1)) == number + 1:
            number += 1
            cuts.add(i)
    if number >= max(2, len(lines) // 12):
        return _cut(lines, cuts)
    return _cut(lines, entry_starts([x.text for x in lines], width))


def _cut(lines: list[Line], cuts: set[int]) -> list[list[Line]]:
    out: list[list[Line]] = []
    for i, line in enumerate(lines):
        if i in cuts or not out:
            out.append([])
        out[-1].append(line)
    return out


def _ends_paragraph(line: Line, nxt: Line, width: float, parted: bool) -> bool:
    if nxt.blank_before:
        return True
    if parted:  # blank lines part the paragraphs: a short line inside one is a line of a list or an address
        return bool(BULLET.match(nxt.text))
    starts_new = bool(nxt.text[:1].isupper() or nxt.text[:1].isdigit() or BULLET.match(nxt.text))
    if BULLET.match(nxt.text) or KEYWORDS_LINE.match(nxt.text):
        return True
    if line.text.count("(") > line.text.count(")"):  # "Exemple (Hanaru" goes on
        return False
    limit = SHORT if re.search(r"[.,;:!?»)\]]$", line.text) else SHORT_UNPUNCTUATED
    return starts_new and len(line.text) < limit * width
