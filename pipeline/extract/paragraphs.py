"""A page's lines -> paragraph blocks, and paragraphs that a column or page break cut, rejoined.

Lines come from layout.py in reading order with a kind from pdf.py ("" text,
"table", "note"). They are cut into chunks (a change of column, band, kind,
style or a vertical gap), chunks into paragraphs (indents, hanging indents,
short last lines), and each paragraph gets its kind: body, heading, caption.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace

from pipeline.extract.clean import URL_BROKEN, url_goes_on
from pipeline.extract.layout import Line
from pipeline.extract.model import Block
from pipeline.extract.sections import heading_level, role_of

CAPTION = re.compile(
    r"^(?:figure|fig\.|table|tableau|graphique|graph|chart|sch[ée]ma|encadr[ée]|illustration|carte|map)"
    r"\s*[\dIVX]+[a-z]?\s*(?:[.:\-–—]|$)",
    re.I,
)
NOTE_START = re.compile(r"^(?:(?:\[?\d{1,3}[\].]?|[*∗†‡§¶]+)(?=\s|[A-Za-z«“\"(])|[a-z]\)?\s)")
# A list item's mark: a bullet or dash, "1." / "12)" / "(a)" / "a)", or "a." / "iv." before a capital; not an
# abbreviation opening an entry's next line ("ed. Aspekten", "pp. 12-30", "p. 5", "no. 3")
BULLET = re.compile(r"^(?:[–—•▪◦·‣∙*-]\s|\(?(?:\d{1,2}|[a-z]|[ivx]{1,4})\)\s|\d{1,2}\.\s|(?:[a-z]|[ivx]{1,4})\.\s(?=[A-ZÀ-Þ]))")
HYPHEN_END = re.compile(r"[^\W\d_]-$")
SENTENCE_END = re.compile(r"[.!?:»”\")]$")
OPEN_END = re.compile(r"(?:[,:&(\[«“–-]|(?<![\w.’'\-])[a-zà-ÿ]+)$")  # a line that cannot end a paragraph
FINAL_STOP = re.compile(r"[.!?…][\s»”\"')\]]*$")  # a sentence's last stop, before closing quotes or brackets
PUA = str.maketrans({"\uf028": "(", "\uf029": ")", "\uf05b": "[", "\uf05d": "]", "\uf02d": "-"})
Tagged = tuple[Line, str]  # a line and its kind from pdf.py


@dataclass(frozen=True)
class Piece:
    """A paragraph block with what rejoining needs: where it sits and how its lines are set."""

    block: Block
    region: tuple[int, int, int]  # page, band, column
    indented: bool  # first line indented from the column's left edge
    hanging: bool  # first line at the margin, the next ones indented (a reference, a list item)
    full: bool  # justified text whose last line runs to the column's right edge
    room: float = 0.0  # how much more its last line could have held (points), 0 when unknown
    first_word: float = 0.0  # the width of its first word (points)
    size: float = 10.0  # the type size of its last line


def page_pieces(lines: list[Tagged], page: int, body: float, measures: dict[tuple[int, int], float] | None = None) -> list[Piece]:
    """Cut one page's kept lines into paragraph pieces and name their kinds; `measures`: where the
    document's longest lines end (`line_measures` of all its pages; this page's own when not given)."""
    edges = column_edges([ln for ln, k in lines if not k])
    styles = _styles(lines, edges)
    leading = _leadings(lines)
    chunks: list[list[Tagged]] = []
    for tagged in lines:
        if not chunks or _breaks(chunks[-1][-1], tagged, edges, styles, leading):
            chunks.append([tagged])
        else:
            chunks[-1].append(tagged)
    own, measures = line_measures(lines), measures or {}
    out: list[Piece] = []
    for chunk in chunks:
        style = styles.get(_group(chunk[0][0]), "")
        measure = _measure(chunk[0][0], own, measures, edges)
        for part in _paragraphs(chunk, edges, style, measure):
            if len(part) > 1 and not part[0][1] and role_of(" ".join(part[0][0].text.split())) != "body":
                # a section's name on a line of its own, run on into the next line of the same style
                # ("Referencias Bibliográficas" / "Fuentes primarias"): a heading by itself
                out.append(_piece(part[:1], page, body, edges, False))
                part = part[1:]
            out.append(_piece(part, page, body, edges, style == "hanging", measure))
    return out


def join_continuations(pieces: list[Piece]) -> list[Block]:
    """Rejoin body paragraphs cut by a column or page break; notes, captions and tables stay put.

    The first body piece of a new column or page continues the last body piece
    before it (no heading between) when the cut is mid-sentence and the text
    goes on in lower case, when a hanging item (a reference) goes on indented,
    or when justified text's last line runs to the margin and the next line is
    not indented (a paragraph's own last line stops short).
    """
    out: list[Piece] = []
    pending: list[Piece] = []
    starts = Counter(round(p.block.bbox[0]) for p in pieces if p.block.kind == "body" and p.block.bbox)
    margins = sorted(x for x, n in starts.items() if n >= max(3, 0.05 * sum(starts.values())))  # where paragraphs start
    for piece in pieces:
        if piece.block.kind != "body":
            pending.append(piece)
            continue
        last = _last_body(out)
        if last is not None and not any(p.block.kind == "heading" for p in pending) and _continues(out[last], piece, margins):
            a = out[last]
            text = a.block.text.rstrip() + "\n" + piece.block.text.lstrip()
            out[last] = replace(a, block=replace(a.block, text=text), region=piece.region, full=piece.full)
        else:
            out.extend(pending)
            pending = []
            out.append(piece)
            continue
        out.extend(pending)
        pending = []
    out.extend(pending)
    return [p.block for p in out]


def _last_body(pieces: list[Piece]) -> int | None:
    for i in range(len(pieces) - 1, -1, -1):
        if pieces[i].block.kind == "body":
            return i
        if pieces[i].block.kind == "heading":
            return None
    return None


def _indented_in_document(piece: Piece, margins: list[int]) -> bool:
    """Whether a piece starts a little right of a margin the document's paragraphs share: on a page
    with too few lines to show its own column edges (the end of a list), a hanging entry's tail."""
    if not piece.block.bbox:
        return False
    x0 = piece.block.bbox[0]
    left = [m for m in margins if m <= x0 + 1]
    return bool(left) and 4 <= x0 - left[-1] <= 40


def _continues(a: Piece, b: Piece, margins: list[int] | None = None) -> bool:
    text, nxt = a.block.text.rstrip(), b.block.text.lstrip(" \"'«“(")
    if not nxt:
        return False
    if HYPHEN_END.search(text) and nxt[0].isalpha():
        return True  # a word broken at the line end goes on, wherever the next line is
    if (url := URL_BROKEN.search(text)) and url_goes_on(url.group(0), b.block.text.lstrip()):
        # so does a URL ("https://doi.org/10.1186/" / "s12913-014-0588-y"), where it cannot end there or
        # the piece carries a URL's own marks (not "... .pdf." / "12. Smith J", the next numbered entry)
        piece = b.block.text.split(None, 1)[0]
        if url.group(0)[-1] in "_=&?:-+" or re.search(r"[%=&/_+]", piece):
            return True
    if a.region == b.region:
        return False  # cut on purpose within a column
    if nxt[0].islower() and not FINAL_STOP.search(text):
        return True  # no full stop at the break and the text goes on in lower case: one sentence
    if _open_bracket(text) and _closes_first(b.block.text):
        return True  # "(Jones et Spicer, 2009 ;" / "Tedmanson et al. 2012)": a parenthesis goes on over the break
    if a.hanging and (b.indented or _indented_in_document(b, margins or [])):
        return True
    if not a.indented and (b.indented or _indented_in_document(b, margins or [])):
        # an entry's first line at the foot of a page goes on indented on the next: left open
        # ("... Philadelphia:"), or full (the next word did not fit on it)
        one_line = "\n" not in a.block.text.strip()
        if OPEN_END.search(text) or one_line and a.room and not _fits(a.room, b.first_word, a.size):
            return True
    # justified text: a paragraph's last line stops short, so a full one goes on (unless the next is indented)
    return a.full and not b.indented and not BULLET.match(nxt) and not CAPTION.match(nxt)


def _open_bracket(text: str) -> bool:
    """A parenthesis or bracket opened in the paragraph's last 300 characters and not closed."""
    tail = text[-300:]
    return tail.rfind("(") > tail.rfind(")") or tail.rfind("[") > tail.rfind("]")


def _closes_first(text: str) -> bool:
    """The text closes a bracket before it opens one (it goes on inside a bracket opened before)."""
    close = min((i for i in (text.find(")"), text.find("]")) if i >= 0), default=-1)
    opened = min((i for i in (text.find("("), text.find("[")) if i >= 0), default=len(text))
    return 0 <= close < min(opened, 300)


def _group(line: Line) -> tuple[int, int, float]:
    return line.band, line.column, round(line.size)


def _styles(lines: list[Tagged], edges: dict) -> dict[tuple[int, int, float], str]:
    """The paragraph style (see `chunk_style`) of each column's text of one size on the page."""
    groups: dict[tuple[int, int, float], list[Line]] = {}
    for line, kind in lines:
        if kind in ("", "note"):
            groups.setdefault(_group(line), []).append(line)
    styles = {}
    for key, these in groups.items():
        left, right = edges.get(key[1], (these[0].x0, 0.0))[:2]
        styles[key] = chunk_style(_indents(these, left), _full(these, right))
    return styles


def _full(lines: list[Line], right: float) -> list[bool]:
    """Which lines run to the column's right edge (the widest line's when the edge is unknown)."""
    right = right or max(ln.x1 for ln in lines)
    return [ln.x1 >= right - 1.5 * ln.size for ln in lines]


def _leadings(lines: list[Tagged]) -> dict[int, float]:
    """The page's line pitch per type size, as a share of the size: the smallest step from one line's
    baseline to the next (same column, kind and size) that a fifth of such steps take; under key -1,
    the pitch of the size with the most lines (for sizes with too few lines of their own). Word-processor
    documents set 1.5 or double spacing, wider than a single-spaced paragraph gap."""
    steps: dict[int, Counter[float]] = {}
    for (a, ka), (b, kb) in zip(lines, lines[1:]):
        if ka != kb or a.column != b.column or a.band != b.band or abs(a.size - b.size) > 0.06 * max(a.size, b.size):
            continue
        step = b.bottom - a.bottom
        if 0.9 * a.size <= step <= 2.6 * a.size:
            steps.setdefault(round(a.size), Counter())[round(step / a.size, 2)] += 1
    out: dict[int, float] = {}
    most = 0
    for size, counts in sorted(steps.items()):
        total = sum(counts.values())
        common = [s for s, n in counts.items() if n >= max(3, 0.2 * total)]
        if common:
            out[size] = min(common)
            if total > most:
                most, out[-1] = total, out[size]
    return out


def _breaks(prev: Tagged, cur: Tagged, edges: dict, styles: dict, leading: dict[int, float] | None = None) -> bool:
    """Whether a new chunk starts: another column or band, kind, style, or a vertical gap
    (wider than single spacing, or than the page's own pitch for the size when that is wider).

    A bold line followed by an indented line, in a hanging list or running to
    the right edge, is not a heading: it is a reference whose authors are set in bold.
    """
    a, ka = prev
    b, kb = cur
    if ka != kb or ka == "table" or a.band != b.band or a.column != b.column:
        return True
    if abs(a.size - b.size) > 0.06 * max(a.size, b.size):
        return True
    if a.bold != b.bold:
        right = edges.get(a.column, (0.0, a.x1, False))[1]
        hanging = styles.get(_group(a)) == "hanging" or a.x1 >= right - 3 * a.size
        if not (a.bold and b.x0 >= a.x0 + 0.7 * a.size and hanging):
            return True
    step = b.bottom - a.bottom
    leading = leading or {}
    pitch = leading.get(round(a.size), leading.get(-1, 0.0)) * a.size
    return step > max(1.55 * max(a.size, b.size), 1.12 * pitch) or step < 0


def column_edges(lines: list[Line]) -> dict[int, tuple[float, float, bool]]:
    """Per column: left edge, right edge and whether the text is justified.

    The left edge is the leftmost x0 shared by a tenth of the lines (in a
    reference list with hanging indents most lines are indented: the margin is
    where the entries start, not the commonest x0); the right edge is the mode of x1.
    """
    edges: dict[int, tuple[float, float, bool]] = {}
    for col in (0, 1, 2):
        these = [ln for ln in lines if ln.column == col]
        if not these:
            continue
        starts = Counter(round(ln.x0) for ln in these)
        enough = max(2, 0.1 * len(these)) if len(these) > 2 else 1
        left = min((x for x, n in starts.items() if n >= enough), default=starts.most_common(1)[0][0])
        right = Counter(round(ln.x1) for ln in these).most_common(1)[0][0]
        justified = sum(1 for ln in these if abs(ln.x1 - right) <= 2) >= 0.4 * len(these)
        edges[col] = (float(left), float(right), justified)
    return edges


def _indents(lines: list[Line], left: float) -> list[bool]:
    return [0.7 * ln.size <= ln.x0 - left <= 8 * ln.size for ln in lines]


def line_measures(lines: list[Tagged]) -> dict[tuple[int, int], float]:
    """Per column and type size (and per column alone, size -1), where the longest lines end (the 95th
    percentile of x1 of the body lines, at least five): the measure a ragged-right line could have run to."""
    ends: dict[tuple[int, int], list[float]] = {}
    for ln, kind in lines:
        if kind in ("", "note"):
            ends.setdefault((ln.column, round(ln.size)), []).append(ln.x1)
            ends.setdefault((ln.column, -1), []).append(ln.x1)
    return {key: sorted(xs)[int(0.95 * (len(xs) - 1))] for key, xs in ends.items() if len(xs) >= 5}


def _measure(line: Line, own: dict, document: dict, edges: dict) -> float:
    """The measure of `line`'s column at its size: this page's or the document's, whichever is wider,
    else the column's (any size), else its right edge."""
    key = (line.column, round(line.size))
    found = max(own.get(key, 0.0), document.get(key, 0.0))
    if not found:
        found = max(own.get((line.column, -1), 0.0), document.get((line.column, -1), 0.0))
    return max(found, edges.get(line.column, (0.0, 0.0))[1])


def _next_word_fits(prev: Line, line: Line, measure: float) -> bool:
    """The first word of `line` would have fitted at the end of `prev`: the break was made on purpose
    (a list of one-line items, "Daigle c. Tremblay, [1989] 2 R.C.S. 530;"), not by the line's end."""
    if not measure or not prev.text or prev.x1 >= measure:
        return False
    char = _char_width(prev)
    word = line.text.split()[0] if line.text.split() else ""
    return _fits(measure - prev.x1, char * (len(word) + 1), prev.size)


def _fits(room: float, word: float, size: float) -> bool:
    """Room for a word whose width is estimated from the line's mean character width (digits and
    capitals run wider than the mean): with a quarter more and a type size to spare."""
    return room > 1.25 * word + size


def _paragraphs(chunk: list[Tagged], edges: dict, group_style: str = "", measure: float = 0.0) -> list[list[Tagged]]:
    """Split a chunk at indented first lines, hanging indents and short last lines.

    A block whose first line is indented is a paragraph: the next indented line
    after its lines at the margin starts another. A block whose first line is at
    the margin and whose next lines are indented hangs (a reference, a list
    item): the next line back at the margin starts another.
    """
    line0, kind = chunk[0]
    if kind == "table" or len(chunk) < 2:
        return [chunk]
    left, right, justified = edges.get(line0.column, (min(ln.x0 for ln, _ in chunk), 0.0, False))
    size = line0.size
    indent = _indents([ln for ln, _ in chunk], left)
    full = _full([ln for ln, _ in chunk], right)
    # ragged right: a line is full too where the next line's first word would not have fitted on it
    full = [f or i + 1 < len(chunk) and measure > 0 and not _next_word_fits(ln, chunk[i + 1][0], measure)
            for i, ((ln, _), f) in enumerate(zip(chunk, full))]
    style = chunk_style(indent, full) or group_style
    if not indent[0] and all(indent[1:]) and not any(BULLET.match(ln.text) for ln, _ in chunk[1:]):
        return [chunk]  # a chunk set apart by space, at the margin then indented: one hanging item (an entry)
    parts: list[list[Tagged]] = [[chunk[0]]]
    first = 0  # index of the current block's first line
    for i in range(1, len(chunk)):
        line, prev = chunk[i][0], chunk[i - 1][0]
        ended = prev.x1 < right - 1.5 * size or bool(SENTENCE_END.search(prev.text))
        if BULLET.match(line.text) and not indent[i]:
            new = True  # a list item at the margin
        elif kind == "" and not indent[i] and _starts_upper(line.text) and _next_word_fits(prev, line, measure):
            new = True  # the line before ended early on purpose (however the block's lines are set)
        elif style == "hanging":
            new = not indent[i]
        elif i == 1 and len(chunk) <= 3 and style != "indented" and indent[1] and not indent[0] and full[0]:
            new = False  # a short chunk set apart by space, full at the margin, then indented: it hangs
        elif style == "indented" and indent[i] != indent[i - 1]:
            new = indent[i]
        elif kind == "note" and NOTE_START.match(line.text) and not (indent[i] and not indent[first]):
            new = ended or not indent[i]
        elif indent[i] and not indent[i - 1]:
            # all-margin block of 2+ lines, or a closed sentence: a new indented paragraph
            new = indent[first] or i - first >= 2 or bool(SENTENCE_END.search(prev.text))
        elif not indent[i] and indent[i - 1]:
            # back at the margin: a new hanging item, or the rest of an indented paragraph/quote
            new = not indent[first] or i - first >= 2 and all(indent[first:i])
        else:
            new = False
            if justified and not indent[i] and not indent[i - 1]:
                short = prev.x1 < right - 2 * size
                new = short and bool(SENTENCE_END.search(prev.text)) and _starts_upper(line.text)
        if new and not HYPHEN_END.search(prev.text):  # a paragraph never ends inside a word
            parts.append([chunk[i]])
            first = i
        else:
            parts[-1].append(chunk[i])
    return parts


def chunk_style(indent: list[bool], full: list[bool] | None = None) -> str:
    """"hanging" (a reference list: one line at the margin, then indented ones), "indented"
    (paragraphs whose first line alone is indented) or "" when the lines do not say.

    Judged from runs of lines at the margin (M) and indented (I): a hanging list
    reads M I I M I M I I..., indented paragraphs M M M I M M M M I M M... Where
    runs do not settle it (a hanging list with one-line entries: M I M M I I), the
    line before each change does: in a hanging list the line before an indent is a
    full first line and the line before the margin a short last one; in indented
    paragraphs the other way round.
    """
    runs: list[tuple[bool, int]] = []
    for flag in indent:
        if runs and runs[-1][0] == flag:
            runs[-1] = (flag, runs[-1][1] + 1)
        else:
            runs.append((flag, 1))
    margin = [n for flag, n in runs[1:] if not flag]  # the first run may be a cut item
    inner = [n for flag, n in runs[1:-1] if flag]
    if len(margin) < 2 or not inner:
        return ""
    if all(n == 1 for n in margin):
        return "hanging"
    hanging, indented = _change_votes(indent, full) if full is not None else (0, 0)
    if all(n == 1 for n in inner) and sum(margin) / len(margin) >= 2:
        # runs alone read as indented paragraphs, but a hanging list of one- and two-line entries reads
        # M M M I M M I M the same: the lines before the changes tell them apart
        return "hanging" if hanging >= 4 and indented <= hanging // 10 else "indented"
    if hanging >= 4 and indented <= hanging // 10:
        return "hanging"
    return ""


def _change_votes(indent: list[bool], full: list[bool]) -> tuple[int, int]:
    """At each change between margin and indent, whether the line before reads as a hanging list's (full
    before an indent, short before the margin) or as indented paragraphs' (the other way round)."""
    hanging = indented = 0
    for i in range(1, len(indent)):
        if indent[i] != indent[i - 1]:
            if full[i - 1] == indent[i]:
                hanging += 1
            else:
                indented += 1
    return hanging, indented


def _starts_upper(text: str) -> bool:
    t = text.lstrip(" «“\"'(")
    return bool(t) and (t[0].isupper() or t[0].isdigit())


def _piece(part: list[Tagged], page: int, body: float, edges: dict, hanging: bool, measure: float = 0.0) -> Piece:
    lines = [ln for ln, _ in part]
    kind = part[0][1] or "body"
    text = "\n".join(_raw(ln.text) for ln in lines)
    bbox = (min(ln.x0 for ln in lines), min(ln.top for ln in lines), max(ln.x1 for ln in lines), max(ln.bottom for ln in lines))
    level = 0
    if kind in ("body", "note") and CAPTION.match(text):
        kind = "caption"
    elif kind == "body":
        kind, level = _heading(lines, text, body)
    block = Block(text=text, page=page, kind=kind, bbox=bbox, level=level, column=lines[0].column)
    left, right, justified = edges.get(lines[0].column, (bbox[0], bbox[2], False))
    indent = _indents(lines, left)
    return Piece(
        block=block,
        region=(page, lines[0].band, lines[0].column),
        indented=indent[0],
        hanging=hanging or len(lines) > 1 and not indent[0] and all(indent[1:]),
        full=justified and lines[-1].x1 >= right - 0.5 * lines[-1].size,
        room=max(0.0, measure - lines[-1].x1),
        size=lines[-1].size,
        first_word=_char_width(lines[0]) * (len(lines[0].text.split()[0]) + 1) if lines[0].text.split() else 0.0,
    )


def _char_width(line: Line) -> float:
    return (line.x1 - line.x0) / max(1, len(line.text))


def _heading(lines: list[Line], text: str, body: float) -> tuple[str, int]:
    flat = " ".join(text.split())
    letters = sum(c.isalpha() for c in flat)
    if len(lines) > 3 or len(flat) > 200 or letters < 0.6 * len(flat.replace(" ", "")):
        return "body", 0
    level = heading_level(flat)
    named = role_of(flat) != "body"
    size = lines[0].size
    bigger = size >= 1.12 * body
    bold = all(ln.bold for ln in lines)
    if named or (level and (bold or bigger or len(lines) == 1 and len(flat) < 90)):
        return "heading", level
    if (bigger or (bold and len(flat) < 150)) and not flat.endswith((",", ";")):
        return "heading", level
    return "body", 0


def _raw(text: str) -> str:
    """Raw line text: private-use brackets of Symbol fonts mapped, a line-end soft hyphen printed as "-"."""
    text = text.translate(PUA)
    if text.endswith("\u00ad"):
        text = text[:-1] + "-"
    return text

