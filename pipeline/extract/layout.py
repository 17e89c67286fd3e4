"""Page geometry: pdfplumber words -> lines -> columns, in reading order.

A page is cut into horizontal bands: full-width bands (title, a figure or table
caption across both columns, a single-column page) and two-column bands. The
gutter between the columns is the widest empty vertical strip near the middle
of the page in a projection of the words' x-extents; a line crossing it is full
width. Within a two-column band the left column is read before the right one,
so lines of the two columns are never interleaved.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from collections.abc import Sequence
from functools import lru_cache

import numpy as np

# Relative to the font size: a gap wider than this between two characters is a
# word space (LaTeX spaces measure 0.15-0.6 em, kerning under 0.1 em).
WORD_GAP = 0.12
BRACKETS = frozenset("{}[]()⟨⟩|")
INNER_ACCENT = re.compile(r"(?<=[^\W\d_])[`´ˆ¨˜](?=[^\W\d_])")
ACCENTS = {"`": "\u0300", "´": "\u0301", "ˆ": "\u0302", "¨": "\u0308", "˜": "\u0303"}  # spacing -> combining
BOLD_FONT = re.compile(r"bold|black|heavy|demi|semibold|medi\b|-medi|\.b$|-b$|,bold", re.IGNORECASE)


@dataclass(frozen=True)
class Line:
    """One printed line (or a piece of it in one column), with its dominant style."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float  # dominant font size of its characters
    bold: bool  # most of its characters in a bold face
    column: int = 0  # 0 full width, 1 left, 2 right
    band: int = 0  # index of the band on the page, top to bottom


@lru_cache(maxsize=1024)
def is_bold(fontname: str) -> bool:
    """Whether a PDF font name names a bold face ("ABCDEF+Times-Bold", "NimbusRomNo9L-Medi")."""
    name = fontname.split("+", 1)[-1]
    return bool(BOLD_FONT.search(name))


def find_gutter(rows: list[list[dict]], width: float, body_size: float) -> tuple[float, float] | None:
    """The empty vertical strip (x0, x1) between two columns of body text, or None.

    Words near the body size (a reference list set smaller beside the body counts) are projected on the x axis, leaving out rows of full-width
    text (they cross the middle of the page with no gap wider than a space): the
    widest run of x near the middle that (almost) no word covers is the gutter,
    if there is body text on both sides of it.
    """
    lo_x, hi_x = width * 0.4, width * 0.6
    body: list[dict] = []
    full = split = 0
    for row in rows:
        sized = sorted((w for w in row if 0.7 * body_size <= w["size"] <= 1.35 * body_size), key=lambda w: w["x0"])
        words = [w for w in sized if _wordy(w["text"])]
        if not words:
            continue
        split += 1
        if words[0]["x0"] < lo_x and words[-1]["x1"] > hi_x:
            # gaps between all the row's words: a year or a page number fills the space it takes
            gaps = [b["x0"] - a["x1"] for a, b in zip(sized, sized[1:]) if b["x0"] > width * 0.3 and a["x1"] < width * 0.7]
            if not gaps or max(gaps) < 0.8 * body_size:
                full += 1
                continue  # a full-width line
        body.extend(words)
    if len(body) < 40 or full > split - full:  # mostly full-width lines: one column
        return None
    n = int(width) + 2
    cover = np.zeros(n + 1, dtype=np.int32)
    x0 = np.clip(np.array([w["x0"] for w in body]).astype(int), 0, n)
    x1 = np.clip(np.ceil(np.array([w["x1"] for w in body])).astype(int), 0, n)
    np.add.at(cover, x0, 1)
    np.add.at(cover, x1, -1)
    cover = np.cumsum(cover)[:n]
    # Two columns share the text block evenly: look near the middle of the text, not of the page.
    # (on the page: a long URL may run far past its edge)
    left_edge = max(0.0, min(w["x0"] for w in body))
    right_edge = min(width, max(w["x1"] for w in body))
    centre, span = (left_edge + right_edge) / 2, right_edge - left_edge
    lo, hi = max(0, int(centre - 0.12 * span)), min(n - 1, int(centre + 0.12 * span) + 1)
    mid = cover[lo:hi]
    if not mid.size:
        return None
    # Full-width lines (title, authors, a wide caption) may cross the gutter: up to
    # a quarter of the page's rows of body text.
    allowed = max(2, len({round(w["bottom"]) for w in body}) // 4)
    floor = int(mid.min())
    if floor > allowed:
        return None
    empty = mid <= floor + max(2, floor // 2)
    best, run_start, best_span = 0, None, None
    for i, flag in enumerate(np.append(empty, False)):
        if flag and run_start is None:
            run_start = i
        elif not flag and run_start is not None:
            if i - run_start > best:
                best, best_span = i - run_start, (lo + run_start, lo + i)
            run_start = None
    if best_span is None or best < max(3.0, 0.9 * body_size):  # narrower: aligned word spaces
        return None
    g0, g1 = best_span
    left = sum(1 for w in body if w["x1"] <= g0 + 1)
    right = sum(1 for w in body if w["x0"] >= g1 - 1)
    if min(left, right) < max(15, 0.1 * len(body)):
        return None
    # Columns are aligned: many lines end just before the gutter and start just after it.
    ends = starts = 0
    for row in rows:
        lefts = [w["x1"] for w in row if w["x1"] <= g0 + 1]
        rights = [w["x0"] for w in row if w["x0"] >= g1 - 1]
        ends += bool(lefts) and max(lefts) >= g0 - 1.5 * body_size
        starts += bool(rights) and min(rights) <= g1 + 2 * body_size  # hanging indents start further in
    if starts < 6 or ends < 3:
        return None
    return float(g0), float(g1)


def _wordy(text: str) -> bool:
    """Prose, not a number of a table or a symbol of a formula."""
    letters = sum(c.isalpha() for c in text)
    return letters >= 2 and letters >= 0.5 * len(text)


def gutter_holds(rows: list[list[dict]], gutter: tuple[float, float], body_size: float) -> bool:
    """The page before's gutter holds on this page: no line of body text crosses it, and lines end just before it
    and start just after it (a last page whose right column is a few lines: too little for `find_gutter`)."""
    g0, g1 = gutter
    mid = (g0 + g1) / 2
    ends = starts = 0
    for row in rows:
        words = [w for w in row if 0.7 * body_size <= w["size"] <= 1.35 * body_size and _wordy(w["text"])]
        if any(w["x0"] < mid < w["x1"] for w in words):  # a page number centred in the gutter is no word
            return False
        ends += any(g0 - 2 * body_size <= w["x1"] <= g0 + 1 for w in words)
        starts += any(g1 - 1 <= w["x0"] <= g1 + 2 * body_size for w in words)
    return ends >= 2 and starts >= 1  # the last line of an entry run on to the right column


def gutter_of(lines: Sequence[Line]) -> tuple[float, float] | None:
    """The strip between a page's left-column and right-column lines, or None on a page read as one column. The
    left column's edge is where nine lines in ten end: a long URL may run on into the gutter."""
    left = sorted(ln.x1 for ln in lines if ln.column == 1)
    right = [ln.x0 for ln in lines if ln.column == 2]
    if not left or not right:
        return None
    edge = left[int(0.9 * (len(left) - 1))]
    return (edge, min(right)) if edge < min(right) else None


def build_lines(
    words: list[dict], width: float, body_size: float, extra: list[Line] | None = None,
    hint: tuple[float, float] | None = None,
) -> list[Line]:
    """The page's lines in reading order: bands top to bottom, left column before right.

    `extra` lines (table regions) are placed in the reading order like the others. `hint` is the page before's
    gutter (`gutter_of`): taken where this page's own columns are too short to find one, if it holds here.
    """
    words = [w for w in words if w["upright"] and w["text"].strip() and not _is_delimiter(w, body_size)]
    if not words and not extra:
        return []
    caps = [w for w in words if _is_drop_cap(w, body_size) and not _word_before(w, words)]
    if caps:
        words = [w for w in words if not any(w is c for c in caps)]
    rows = _rows(words)
    gutter = find_gutter(rows, width, body_size)
    if gutter is None and hint and gutter_holds(rows, hint, body_size):
        gutter = hint
    if gutter:
        rows = _column_rows(words, gutter)
    pieces: list[list[dict]] = []
    for row in rows:
        row.sort(key=lambda w: (w["x0"], w["top"]))
        current = [row[0]]
        for w in row[1:]:
            prev_x1 = max(p["x1"] for p in current)
            if gutter and _spans(prev_x1, w["x0"], gutter):
                pieces.append(current)
                current = [w]
            else:
                current.append(w)
        pieces.append(current)
    lines = [_line(piece, gutter) for piece in pieces if piece and not _only_brackets(piece)]
    for cap in caps:
        lines = _attach_drop_cap(cap, lines)
    for e in extra or ():
        lines.append(replace(e, column=_column_of(e.x0, e.x1, gutter)))
    return _reading_order(lines)


def _only_brackets(words: list[dict]) -> bool:
    """A line holding nothing but braces: TeX sets "{a,b}@x.org" braces lower than the names."""
    return all(c in BRACKETS for w in words for c in w["text"])


def _is_delimiter(word: dict, body_size: float) -> bool:
    """A tall brace or bracket drawn across several lines ("{" around e-mail names, a case formula); other
    marks set in a title's large type (a dash, a colon, guillemets) are not: they keep their line whole."""
    text = word["text"]
    return len(text) <= 2 and all(c in BRACKETS for c in text) and word["bottom"] - word["top"] >= 1.6 * body_size


def _column_rows(words: list[dict], gutter: tuple[float, float]) -> list[list[dict]]:
    """Rows built per side of the gutter, then rejoined where a line crosses it.

    Rows found over the whole page chain lines of two columns set in different
    sizes (a reference list beside the body): each side gets its own rows first.
    A left row and a right row at the same height are one full-width line when
    the gap between them is narrower than the gutter.
    """
    mid = (gutter[0] + gutter[1]) / 2
    left = _rows([w for w in words if (w["x0"] + w["x1"]) / 2 < mid])
    right = _rows([w for w in words if (w["x0"] + w["x1"]) / 2 >= mid])
    out: list[list[dict]] = []
    j = 0
    for row in left:
        top, bottom = _extent(row)
        while j < len(right) and _extent(right[j])[1] <= top:
            out.append(right[j])
            j += 1
        if j < len(right):
            rtop, rbottom = _extent(right[j])
            overlap = min(bottom, rbottom) - max(top, rtop)
            gap = (max(w["x1"] for w in row), min(w["x0"] for w in right[j]))
            # one line across the gutter only when the two halves sit a word space apart: a gap as wide as
            # half the gutter is the gutter, even where numbers in the right column ("22 Häfner") narrow it
            if overlap > 0.5 * min(bottom - top, rbottom - rtop) and gap[1] - gap[0] < 0.5 * (gutter[1] - gutter[0]):
                out.append(row + right[j])
                j += 1
                continue
        out.append(row)
    out.extend(right[j:])
    return out


def _extent(row: list[dict]) -> tuple[float, float]:
    return min(w["top"] for w in row), max(w["bottom"] for w in row)


def _is_drop_cap(word: dict, body_size: float) -> bool:
    """A big initial letter beside the first lines of a paragraph ("F" + "orme")."""
    return len(word["text"]) == 1 and word["text"].isalpha() and word["size"] >= 1.8 * body_size


def _word_before(word: dict, words: list[dict]) -> bool:
    """Whether a word of the same size sits just left of `word` on its row (within two of its heights): a
    one-letter word inside a line of large type ("Housing as a Commons"), not a drop cap."""
    height = word["bottom"] - word["top"]
    return any(w is not word and abs(w["top"] - word["top"]) < height * 0.3 and w["x1"] <= word["x0"] + 1
               and word["x0"] - w["x1"] < 2 * height and abs(w["size"] - word["size"]) < 0.5 for w in words)


def _attach_drop_cap(cap: dict, lines: list[Line]) -> list[Line]:
    """Glue a drop cap to the first line right of it; lines without one keep it as a line."""
    beside = [
        ln
        for ln in lines
        if 0 <= ln.x0 - cap["x1"] < 40 and cap["top"] - 4 <= ln.top <= cap["bottom"]
    ]
    if not beside:
        return lines + [_line([cap], None)]
    first = min(beside, key=lambda ln: (ln.top, ln.x0))
    glued = replace(first, text=cap["text"] + first.text, x0=cap["x0"])
    return [glued if ln is first else ln for ln in lines]


def _column_of(x0: float, x1: float, gutter: tuple[float, float] | None) -> int:
    if gutter:
        if x1 <= gutter[1] + 1:
            return 1
        if x0 >= gutter[0] - 1:
            return 2
    return 0


def _spans(x0: float, x1: float, gutter: tuple[float, float]) -> bool:
    """Whether the gap x0..x1 between two words is the gutter (covers most of it)."""
    width = gutter[1] - gutter[0]
    return x1 - x0 >= 0.5 * width and x0 <= gutter[0] + 0.3 * width and x1 >= gutter[1] - 0.3 * width


def _rows(words: list[dict]) -> list[list[dict]]:
    """Words grouped into rows by vertical centre; superscripts join the row they sit on.

    A word never joins a row holding a word it overlaps horizontally: that is the
    next line of its column, even when the other column's lines sit in between.    Superscripts, accents printed apart ("e" + "`") and limits of a sum may overlap.
    """
    ordered = sorted(words, key=lambda w: ((w["top"] + w["bottom"]) / 2, w["x0"]))
    rows: list[list[dict]] = []
    centre = height = 0.0
    for w in ordered:
        c = (w["top"] + w["bottom"]) / 2
        h = w["bottom"] - w["top"]
        small = h < 0.85 * height or not any(ch.isalnum() for ch in w["text"])  # superscripts, accents
        if rows and c - centre <= 0.55 * max(height, h) and (small or not _overlaps(w, rows[-1])):
            rows[-1].append(w)
            if h > height:  # the row's centre follows its biggest word, not a superscript
                centre, height = c, h
        else:
            rows.append([w])
            centre, height = c, h
    return rows


def _overlaps(word: dict, row: list[dict]) -> bool:
    x0, x1 = word["x0"] + 0.5, word["x1"] - 0.5  # touching words (a font change inside a word) do not overlap
    return any(w["x0"] < x1 and x0 < w["x1"] and any(ch.isalnum() for ch in w["text"]) for w in row)


def _place_accents(words: list[dict]) -> list[dict]:
    """An accent printed as a glyph of its own over a letter ("e" + "`" in old TeX fonts) joins that letter."""
    out = list(words)
    for accent in [w for w in words if w["text"] in ACCENTS]:
        under = [w for w in out if w is not accent and w["x0"] <= (accent["x0"] + accent["x1"]) / 2 <= w["x1"]]
        if not under:
            continue
        w = under[0]
        step = (w["x1"] - w["x0"]) / max(len(w["text"]), 1)
        i = min(len(w["text"]) - 1, max(0, int(((accent["x0"] + accent["x1"]) / 2 - w["x0"]) / step)))
        merged = dict(w, text=w["text"][: i + 1] + ACCENTS[accent["text"]] + w["text"][i + 1 :])
        out = [merged if x is w else x for x in out if x is not accent]
    return out


def _inner_accents(text: str) -> str:
    """"e`re" (the accent glyph sorted inside its word) -> "ère"."""
    return INNER_ACCENT.sub(lambda m: ACCENTS[m.group(0)], text)


def _line(words: list[dict], gutter: tuple[float, float] | None) -> Line:
    words = _place_accents(words) if any(w["text"] in ACCENTS for w in words) else words
    words = [dict(w, text=_inner_accents(w["text"])) if INNER_ACCENT.search(w["text"]) else w for w in words]
    sizes: Counter[float] = Counter()
    bold = 0
    for w in words:
        sizes[round(w["size"], 1)] += len(w["text"])
        if is_bold(w["fontname"]):
            bold += len(w["text"])
    size = max(sizes.items(), key=lambda kv: (kv[1], kv[0]))[0]
    total = sum(sizes.values())
    x0 = min(w["x0"] for w in words)
    x1 = max(w["x1"] for w in words)
    column = _column_of(x0, x1, gutter)
    return Line(
        text=_join_words(words, size),
        x0=x0,
        top=min(w["top"] for w in words if w["size"] >= 0.8 * size),
        x1=x1,
        bottom=max(w["bottom"] for w in words if w["size"] >= 0.8 * size),
        size=size,
        bold=bold >= 0.9 * total,
        column=column,
    )


def _join_words(words: list[dict], size: float) -> str:
    """Words of one line as text: a space where there is a gap, none where a font change split a word.

    A run of single letters evenly spaced ("M A R I E") is letter-spaced text:
    its letters are joined and only the wider gaps become spaces.
    """
    gaps = [b["x0"] - a["x1"] for a, b in zip(words, words[1:])]
    singles = sum(1 for w in words if len(w["text"]) == 1 and w["text"].isalpha())
    letter_spaced = len(words) >= 4 and singles >= 0.75 * len(words)
    threshold = WORD_GAP * size
    if letter_spaced and gaps:
        threshold = 1.6 * float(np.median(gaps))
    out = [words[0]["text"]]
    for gap, w in zip(gaps, words[1:]):
        if gap > threshold or w.get("spaced"):  # OCR'd words: the OCR engine parted them
            out.append(" ")
        out.append(w["text"])
    return "".join(out)


def _reading_order(lines: list[Line]) -> list[Line]:
    """Bands top to bottom; a band of column lines reads its left column, then its right."""
    lines.sort(key=lambda ln: (ln.top, ln.x0))
    bands: list[list[Line]] = []
    for ln in lines:
        split = not bands or (ln.column == 0) != (bands[-1][0].column == 0)
        if split:
            bands.append([ln])
        else:
            bands[-1].append(ln)
    out: list[Line] = []
    for i, band in enumerate(bands):
        band.sort(key=lambda ln: (ln.column, ln.top, ln.x0))
        out.extend(replace(ln, band=i) for ln in band)
    return out


def running_slots(pages: list[tuple[list[Line], float]], body_size: float, margin: float = 0.1) -> list[set[int]]:
    """Per page, the indexes of lines set in a running header's or footer's place: in the top or
    bottom `margin` of the page, apart from the text (a gap wider than a line's leading), no bigger
    than the body, at a height where another page prints such a line too. The text may differ from
    page to page: an author's name on even pages and the short title on odd ones, each printed once
    in a two-page paper, or a header left off the first page."""
    slots: dict[tuple[bool, int], set[int]] = {}
    text_at: dict[tuple[bool, int], set[int]] = {}  # heights where a page's text runs into the margin
    found: list[list[tuple[int, tuple[bool, int]]]] = []
    for number, (lines, height) in enumerate(pages):
        here: list[tuple[int, tuple[bool, int]]] = []
        order = sorted(range(len(lines)), key=lambda i: lines[i].top)
        for k, i in enumerate(order):
            ln = lines[i]
            if ln.size > 1.05 * body_size or len(ln.text) > 120:
                continue
            top = ln.bottom < height * margin + 8
            if not top and ln.top <= height * (1 - margin) - 8:
                continue
            others = [lines[j] for j in order if j != i and (lines[j].top > ln.bottom if top else lines[j].bottom < ln.top)]
            near = [o for o in others if (o.top - ln.bottom if top else ln.top - o.bottom) < 0.8 * ln.size]
            key = (top, round((ln.top if top else height - ln.bottom) / 3))
            if near:
                text_at.setdefault(key, set()).add(number)
                continue  # a line of the text running into the margin, not furniture apart from it
            here.append((i, key))
            slots.setdefault(key, set()).add(number)
        found.append(here)
    # Where other pages' text itself starts or ends, a line apart is the text's too: a page's first line that
    # ends a paragraph, the one line of a last page ("le début du siècle », Économie ...").
    for key in list(slots):
        if len(text_at.get(key, set()) | _neighbours(text_at, key)) >= len(slots[key]):
            del slots[key]
    # Where each page's text (its lines that are not such candidates) starts and ends.
    extents: list[tuple[float, float] | None] = []
    for (lines, _), here in zip(pages, found):
        rest = [ln for j, ln in enumerate(lines) if j not in {i for i, _ in here}]
        extents.append((min(ln.top for ln in rest), max(ln.bottom for ln in rest)) if len(rest) >= 3 else None)
    out: list[set[int]] = []
    for number, here in enumerate(found):
        lines = pages[number][0]
        others = [e for k, e in enumerate(extents) if k != number and e is not None]
        out.append({i for i, key in here if key in slots and len(slots[key] | _neighbours(slots, key)) >= 2
                    or _beyond_text(lines[i], key[0], others)})
    return out


def _beyond_text(line: Line, top: bool, others: list[tuple[float, float]]) -> bool:
    """A top-margin line printed above where the text of every other page starts: a running header
    printed once (the second page of a two-page paper). Not at the foot: a last page ends short, so a
    footnote set apart at the foot of another page would pass for a footer."""
    return top and bool(others) and all(line.bottom < start - 0.3 * line.size for start, _ in others)


def _neighbours(slots: dict[tuple[bool, int], set[int]], key: tuple[bool, int]) -> set[int]:
    """Pages with a furniture line one slot above or below (heights rounded to 3 points)."""
    side, y = key
    return slots.get((side, y - 1), set()) | slots.get((side, y + 1), set())
