"""The PDF reader: PDFium's chars -> words -> lines in reading order -> paragraph blocks.

Per page, the chars PDFium read (pdfchars.py) become words (words.py: pdfplumber's
word builder on arrays) and pdfplumber's table finder runs on the ruled edges
PDFium read (rules.py; cell text comes from the same words): pdfminer never parses
a page. Geometry (rows, columns, bands)
lives in layout.py, paragraphs and their kinds in paragraphs.py; this module
removes the page furniture and tells notes and tables from the body. Text
stays raw: line breaks, hyphens and ligatures as printed; clean.py normalises.

Decisions:
- Running headers/footers (text repeated in the top or bottom margin of two or
  more pages, digits ignored) and lone page numbers there are dropped.
- Licence and DOI lines in a page's margins ("Tous droits réservés ©",
  "https://doi.org/...") seen on one page only are kept as kind "note".
- Small lines at the foot of a column are notes when the first starts like one
  (or they sit under a note across the page); under a "References" heading they
  are more entries of the list, under "Notes" every block is a note.
- A paragraph cut by a column or page break is one block again (paragraphs.py).
- A table's region is one block of kind "table": rows joined by "\\n", cells by " | ".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from pypdfium2 import PdfiumError

from pipeline import errors

from pipeline.extract.pdffile import MIN_CHARS_PER_PAGE, open_pdf
from pipeline.extract.clean import join_lines
from pipeline.extract.layout import WORD_GAP, Line, build_lines, gutter_of, running_slots
from pipeline.extract.model import Source, Table
from pipeline.extract import ocr
from pipeline.extract.pdfchars import PageChars, open_document, read_page
from pipeline.extract.paragraphs import NOTE_START, Piece, join_continuations, line_measures, page_pieces
from pipeline.extract.sections import role_of
from pipeline.extract import superscripts
from pipeline.extract.words import page_words

# pdfplumber's extract_words(x_tolerance_ratio=WORD_GAP, y_tolerance=2, keep_blank_chars=False,
# use_text_flow=False, extra_attrs=["fontname", "size"], expand_ligatures=False): words.py. Ligatures
# stay as printed (clean.py expands them).
WORD_Y_TOLERANCE = 2
CELL_SEP = " | "
MARGIN = 0.1  # top and bottom tenth of a page: where running headers and footers live
PAGE_NUMBER = re.compile(r"^[\W_]*(?:page\s+)?(?:\d{1,4}|[ivxlcdm]{1,7})(?:\s*(?:/|of|sur)\s*\d{1,4})?[\W_]*$", re.I)
LICENCE = re.compile(
    r"tous droits r[ée]serv|all rights reserved|©|\(c\)\s*\d{4}|creative\s*commons|doi\.org/|"
    r"ce document est prot[ée]g|this document is protected|[ée]rudit|downloaded from|t[ée]l[ée]charg",
    re.I,
)
FOOTER = re.compile(r"^(?:proceedings of|actes de|in proceedings|received|accepted|published|correspond|copyright|\*)", re.I)
NOTE_RATIO = 0.905  # a footnote's size is under this share of the body's (quotations set at 0.92 are not notes)


@dataclass
class _Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    kinds: list[str]  # per line: "" (text), "table", "note", "drop"
    chars: int
    unmapped: int = 0  # glyphs with no usable Unicode (left out of the text)
    ocr: float | None = None  # OCR'd page: Tesseract's mean word confidence
    raised: list[superscripts.Raised] = field(default_factory=list)  # raised small marks (superscripts.py)


def read_pdf(path: Path, password: str | None = None) -> Source:
    """Read a PDF into raw blocks in reading order, with its tables (see the module doc)."""
    pages: list[_Page] = []
    tables: list[Table] = []
    with open_pdf(Path(path), password) as pdf:  # the checks (damage, password, bombs) before PDFium reads it
        try:
            doc = open_document(path, password)
        except PdfiumError as exc:  # damage pdfminer lets through
            raise errors.unreadable_pdf(Path(path), str(exc).splitlines()[0][:120] or "PDFium cannot open it") from None
        try:
            gutter = None  # the last page's set in two columns: its gutter, for a page whose columns are short
            for index in range(len(pdf.pages)):
                chars = read_page(doc, index)
                if scanned(chars):
                    got, found = _ocr_page(doc, chars), []
                else:
                    got, found = _read_page(chars, gutter)
                gutter = gutter_of(got.lines) or gutter
                pages.append(got)
                tables.extend(found)
        finally:
            doc.close()
    undecoded = tuple(p.number for p in pages if p.unmapped)
    read = tuple((p.number, p.ocr) for p in pages if p.ocr is not None)
    layer = sum(p.chars for p in pages if p.ocr is None) >= MIN_CHARS_PER_PAGE * max(1, len(pages)) * 0.5
    if not layer and not read:
        return Source(blocks=(), pages=len(pages), tables=tuple(tables), has_text_layer=False, undecoded_pages=undecoded)
    body = _body_size(pages)
    _mark_furniture(pages)
    pieces: list[Piece] = []
    marks: list[superscripts.Mark] = []
    kept_lines = []
    for page in pages:
        _mark_notes(page, body)
        marks.extend(_write_raised(page))
        kept_lines.append([(ln, k) for ln, k in zip(page.lines, page.kinds) if k != "drop"])
    # the document's measure per column; in a paper set in columns, a page read as one column (the last
    # page's few lines) is no measure of the full-width lines of its first page
    measures = line_measures([tagged for kept in kept_lines for tagged in kept])
    if any(column for column, _ in measures):
        measures = {key: x for key, x in measures.items() if key[0]}
    for page, kept in zip(pages, kept_lines):
        pieces.extend(page_pieces(kept, page.number, body, measures))
    blocks = join_continuations(_section_kinds(pieces))
    return Source(blocks=tuple(blocks), pages=len(pages), tables=tuple(tables), has_text_layer=layer,
                  undecoded_pages=undecoded, ocr_pages=read, superscripts=tuple(marks))


def scanned(got: PageChars) -> bool:
    """A page to read by OCR: next to no text layer, an image on it, and Tesseract here to read it."""
    return len(got) < MIN_CHARS_PER_PAGE and bool(got.images) and ocr.available()


def ocr_page(doc, got: PageChars) -> ocr.OcrPage:
    """What Tesseract reads on PDFium's page `got` of `doc`."""
    page = doc[got.number - 1]
    try:
        return ocr.read_page(page, got.width, got.height)
    finally:
        page.close()


def _ocr_page(doc, got: PageChars) -> _Page:
    """A page with no text layer, read by Tesseract: its words go through the same lines and blocks."""
    read = ocr_page(doc, got)
    lines = build_lines(read.words, got.width, _dominant_size(read.words))
    chars = sum(len(w["text"]) for w in read.words)
    return _Page(got.number, got.width, got.height, lines, [""] * len(lines), chars, ocr=read.confidence)


def _read_page(got: PageChars, gutter: tuple[float, float] | None = None) -> tuple[_Page, list[Table]]:
    """One page: PDFium's chars into words and lines; tables from pdfplumber's finder on PDFium's rules."""
    words = page_words(got.columns, WORD_GAP, WORD_Y_TOLERANCE)
    raised = superscripts.find_raised(words)
    chars = sum(len(w["text"]) for w in words)
    found: list[Table] = []
    extra: list[Line] = []
    for table in got.tables if words else ():  # 2 rows or more, a row of 2 cells or more (rules.py)
        rows = tuple(tuple(_cell(words, c) for c in row) for row in table.rows)
        if sum(1 for r in rows if sum(1 for c in r if c) >= 2) < 2:
            continue  # a box around a paragraph or a quote, not a table
        x0, top, x1, bottom = (round(float(v), 2) for v in table.bbox)  # to 0.01 pt: PDFium's floats are 32-bit
        found.append(Table(page=got.number, bbox=(x0, top, x1, bottom), rows=rows))
        inside = [w for w in words if _within(w, (x0, top, x1, bottom))]
        words = [w for w in words if not _within(w, (x0, top, x1, bottom))]
        size = _dominant_size(inside) if inside else 0.0
        text = "\n".join(CELL_SEP.join(c or "" for c in row) for row in rows)
        extra.append(Line(text=text, x0=x0, top=top, x1=x1, bottom=bottom, size=size, bold=False))
    lines = build_lines(words, got.width, _dominant_size(words), extra=extra, hint=gutter)
    kinds = ["table" if _is_table_line(ln, extra) else "" for ln in lines]
    return _Page(got.number, got.width, got.height, lines, kinds, chars, got.unmapped, raised=raised), found


def _write_raised(page: _Page) -> list[superscripts.Mark]:
    """Raised digits written as Unicode superscripts in their lines, and every raised mark of the page
    with its kind (a footnote's call, a note's label, another), in reading order (superscripts.py)."""
    numbers = superscripts.note_numbers([ln.text for ln, k in zip(page.lines, page.kinds) if k == "note"])
    marks: list[tuple[int, float, superscripts.Mark]] = []
    for mark in page.raised:
        i = _line_of(page.lines, mark)
        if i is None or page.kinds[i] in ("drop", "table"):
            continue
        line, in_note = page.lines[i], page.kinds[i] == "note"
        kind = superscripts.kind_of(mark, mark.x0 <= line.x0 + 1, in_note, numbers)
        text = superscripts.written(mark, kind)
        if text != mark.text:
            new = superscripts.rewrite(line.text, mark, text)
            if new is None:
                continue  # not beside its host in the line: left as it is, unmarked
            page.lines[i] = replace(line, text=new)
        marks.append((i, mark.x0, superscripts.Mark(page.number, kind, text, mark.before, mark.after, in_note)))
    return [m for _, _, m in sorted(marks, key=lambda t: (t[0], t[1]))]


def _line_of(lines: list[Line], mark: superscripts.Raised) -> int | None:
    """The line holding the mark: its box holds the mark's centre (the smallest such line)."""
    cx, cy = (mark.x0 + mark.x1) / 2, (mark.top + mark.bottom) / 2
    inside = [i for i, ln in enumerate(lines) if ln.x0 - 1 <= cx <= ln.x1 + 1 and ln.top - 3 <= cy <= ln.bottom + 3]
    return min(inside, key=lambda i: (lines[i].x1 - lines[i].x0) * (lines[i].bottom - lines[i].top)) if inside else None


def _is_table_line(line: Line, extra: list[Line]) -> bool:
    return any(line.text == e.text and line.top == e.top and line.x0 == e.x0 for e in extra)


def _cell(words: list[dict], bbox: tuple | None) -> str | None:
    """A cell's text, from the page's words (pdfplumber's own `extract` scans every char per cell),
    on one line: a word broken inside a narrow cell ("trou-\nvés") is joined."""
    if bbox is None:
        return None
    inside = sorted((w for w in words if _within(w, bbox)), key=lambda w: (round(w["bottom"]), w["x0"]))
    lines: list[list[str]] = []
    last = None
    for w in inside:
        if last is None or w["bottom"] - last > 2:
            lines.append([])
        lines[-1].append(w["text"])
        last = w["bottom"]
    return join_lines("\n".join(" ".join(line) for line in lines))


def _within(word: dict, bbox: tuple[float, float, float, float]) -> bool:
    cx, cy = (word["x0"] + word["x1"]) / 2, (word["top"] + word["bottom"]) / 2
    return bbox[0] <= cx <= bbox[2] and bbox[1] <= cy <= bbox[3]


def _dominant_size(words: list[dict]) -> float:
    sizes: Counter[float] = Counter()
    for w in words:
        sizes[round(w["size"], 1)] += len(w["text"])
    if not sizes:
        return 10.0
    return max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]


def _body_size(pages: list[_Page]) -> float:
    sizes: Counter[float] = Counter()
    for page in pages:
        for line, kind in zip(page.lines, page.kinds):
            if not kind:
                sizes[line.size] += len(line.text)
    return max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0] if sizes else 10.0


def _margin_key(text: str) -> str:
    return re.sub(r"\d+", "#", " ".join(text.lower().split()))


def _in_margin(line: Line, page: _Page) -> bool:
    return line.bottom < page.height * MARGIN + 8 or line.top > page.height * (1 - MARGIN) - 8


def _mark_furniture(pages: list[_Page]) -> None:
    """Drop running headers/footers (repeated in the margins, or set in a place in the margin that
    another page's header or footer takes: layout.running_slots) and page numbers."""
    seen: Counter[str] = Counter()
    for page in pages:
        keys = {_margin_key(ln.text) for ln, k in zip(page.lines, page.kinds) if not k and _in_margin(ln, page)}
        seen.update(keys)
    slots = running_slots([(p.lines, p.height) for p in pages], _body_size(pages), MARGIN)  # layout.py
    for page, slot in zip(pages, slots):
        for i, line in enumerate(page.lines):
            if page.kinds[i] or not _in_margin(line, page):
                continue
            if LICENCE.search(line.text) and seen[_margin_key(line.text)] < 2:
                if not _in_block(line, page, lambda o: abs(o.size - line.size) <= 0.1 * line.size
                                 and not LICENCE.search(o.text)):
                    page.kinds[i] = "note"  # not an entry's DOI at a column's head, run on from the line above
                continue
            repeated = len(pages) > 1 and seen[_margin_key(line.text)] >= 2
            wordless = not re.search(r"[^\W\d_]", line.text)  # "12", "59:675-678.": its key is every such line's
            if i in slot or (repeated and not wordless) or ((PAGE_NUMBER.match(line.text) or repeated)
                                                             and not _in_block(line, page)):
                page.kinds[i] = "drop"


def _in_block(line: Line, page: _Page, like: Callable[[Line], bool] = lambda other: True) -> bool:
    """A line set at the block's own leading under or over another line (`like` it) of its column: the last line
    of an entry ("1945.", "12:37-49.") at a column's head or foot, not a page number, which stands apart."""
    tight = 0.75 * max(line.bottom - line.top, 1.0)
    return any(other is not line and like(other) and min(line.x1, other.x1) > max(line.x0, other.x0)
               and (0 <= line.top - other.bottom < tight or 0 <= other.top - line.bottom < tight)
               for other in page.lines)


def _mark_notes(page: _Page, body: float) -> None:
    """Footnotes: lines smaller than the body below the last body-size line of their column.

    The small lines at the foot of a column are notes when the first of them
    starts like a note ("3 ", "∗", "4We", a licence line) or continues one from
    the page before (lower case); a quotation or a poem set small does not.
    """
    last: dict[int, float] = {}
    for line, kind in zip(page.lines, page.kinds):
        if not kind and line.size >= NOTE_RATIO * body:
            cols = (0, 1, 2) if line.column == 0 else (0, line.column)
            for col in cols:
                last[col] = max(last.get(col, 0.0), line.bottom)
    region: dict[int, list[int]] = {}
    for i, line in enumerate(page.lines):
        if page.kinds[i] or line.size >= NOTE_RATIO * body:
            continue
        if line.top >= last.get(line.column, 0.0) - 1 and line.top > page.height * 0.4:
            region.setdefault(line.column, []).append(i)
    accepted: list[tuple[int, float]] = []  # column, top of a region of notes
    for col, idx in sorted(region.items(), key=lambda kv: page.lines[kv[1][0]].top):
        head = page.lines[idx[0]].text
        top = page.lines[idx[0]].top
        below = any(c in (0, col) and t <= top for c, t in accepted)  # under a full-width note
        if below or NOTE_START.match(head) or LICENCE.search(head) or FOOTER.search(head) or head[:1].islower():
            accepted.append((col, top))
            for i in idx:
                page.kinds[i] = "note"


def _section_kinds(pieces: list[Piece]) -> list[Piece]:
    """Section roles fix kinds: under "Notes" body blocks are notes; under "References"
    small lines at a page foot are more entries of the list, not footnotes."""
    out: list[Piece] = []
    role = "body"
    for piece in pieces:
        b = piece.block
        if b.kind == "heading":
            role = role_of(" ".join(b.text.split()))
        elif role == "notes" and b.kind == "body":
            piece = replace(piece, block=replace(b, kind="note"))
        elif role == "references" and b.kind == "note" and not LICENCE.search(b.text):
            piece = replace(piece, block=replace(b, kind="body"))
        out.append(piece)
    return out
