"""Raised small marks of a PDF page (callouts "crises¹", footnote calls, ordinals "XIXe") and their place in the text.

A word is raised when it sits beside a word of its line (the one before it in
the PDF's content, or after it for a mark at a line's start) that is clearly
bigger (its size at most MAX_RATIO of the host's) and its baseline is higher by
RAISE_MIN..RAISE_MAX of the host's size: drop caps (bigger, lower), subscripts
(lower: "H₂O"), small capitals (same baseline) and the next line (too high)
are not. Only short marks of digits, letters, commas, hyphens and note symbols
count.

In the text, raised digits are written as Unicode superscripts ("¹²³", "⁻" for
the hyphen of a range, raised commas stay ","), as the Érudit text shapes and
word processors set them, so the citation layer's SUPERSCRIPT_RE reads
Vancouver callouts; raised letters stay letters ("XIXe", "1er", "Mme": the word
is not broken). The structure (outputs/text/<id>.json) lists every raised mark
of a paragraph with its kind:
- "note": a footnote call, the number of a note printed on the same page;
- "label": a note's own number at the start of its first line (left in ASCII:
  the note's text still starts "1 ...");
- "front": in the title block, before the paper's first heading (authors'
  affiliation marks "Agyeman-Duah¹*");
- "raised": any other (a callout, an ordinal, an exponent).
The citation layer reads only "raised" digits as callouts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from pipeline.extract.clean import normalise_chars

MAX_RATIO = 0.8  # a superscript's size at most this share of its host's (typically 0.58-0.7)
MIN_RATIO = 0.4
RAISE_MIN, RAISE_MAX = 0.15, 0.8  # baseline raised by this share of the host's size
MARK = re.compile(r"[^\W_]{1,4}|[\d,\-–*†‡]{1,12}")  # "1", "2,3", "4-6", "e", "er", "*"
TO_SUPERSCRIPT = str.maketrans("0123456789-–", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
NOTE_LABEL = re.compile(r"^\[?(\d{1,3})[\].]?(?=\s|[^\W\d_])")


@dataclass(frozen=True)
class Raised:
    """A raised mark found on a page: the word, and its host's text on the side it is glued to."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    before: str = ""  # the host word's text when the mark follows it ("crises" + "¹")
    after: str = ""  # the host word's text when the mark precedes it (a note's "¹" + "Voir")

    @property
    def digits(self) -> bool:
        return any(c.isdigit() for c in self.text) and not any(c.isalpha() for c in self.text)


@dataclass(frozen=True)
class Mark:
    """A raised mark as written into the text, to be found in the paragraph it ends up in (`locate`)."""

    page: int
    kind: str  # "note" | "label" | "raised"
    text: str  # as written: "¹", "²⁻⁴", "e"
    before: str  # the host's end, as written, when the mark follows it
    after: str  # the host's start when the mark precedes it
    note: bool  # on a note's line (the notes come after the body in the text)


def find_raised(words: list[dict]) -> list[Raised]:
    """The page's raised words (see the module doc), `words` in the order words.py gives them."""
    out: list[Raised] = []
    n = len(words)
    if n < 2 or "baseline" not in words[0]:
        return out
    size = np.array([w["size"] for w in words])
    small = np.zeros(n, dtype=bool)  # at most MAX_RATIO of the word before or after: the only candidates
    small[1:] |= size[1:] <= MAX_RATIO * size[:-1]
    small[:-1] |= size[:-1] <= MAX_RATIO * size[1:]
    for i in np.flatnonzero(small).tolist():
        w = words[i]
        if not MARK.fullmatch(w["text"]):
            continue
        left = words[i - 1] if i else None
        right = words[i + 1] if i + 1 < n else None
        if left is not None and _hosts(left, w, w["x0"] - left["x1"], 0.4):
            out.append(Raised(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], before=left["text"]))
        elif right is not None and _hosts(right, w, right["x0"] - w["x1"], 0.6):
            out.append(Raised(w["text"], w["x0"], w["top"], w["x1"], w["bottom"], after=right["text"]))
    return out


def _hosts(host: dict, w: dict, gap: float, max_gap: float) -> bool:
    size = host["size"]
    if not host.get("upright", True) or size <= 0 or not any(c.isalnum() for c in host["text"]):
        return False
    raise_ = host["baseline"] - w["baseline"]
    return (
        MIN_RATIO * size <= w["size"] <= MAX_RATIO * size
        and -1.0 <= gap <= max_gap * size
        and RAISE_MIN * size <= raise_ <= RAISE_MAX * size
        and w["top"] < host["bottom"] and host["top"] < w["bottom"]
    )


def written(mark: Raised, kind: str) -> str:
    """The mark as the text writes it: digits raised as Unicode superscripts (a note's label stays ASCII)."""
    return mark.text.translate(TO_SUPERSCRIPT) if mark.digits and kind != "label" else mark.text


def note_numbers(texts: list[str]) -> set[int]:
    """The numbers of the notes whose lines are given ("3 Voir ...", "[4] Ibid.")."""
    return {int(m.group(1)) for t in texts if (m := NOTE_LABEL.match(t))}


def kind_of(mark: Raised, at_line_start: bool, in_note: bool, numbers: set[int]) -> str:
    if in_note and at_line_start and mark.digits:
        return "label"
    if mark.digits and not in_note and mark.text.isdigit() and int(mark.text) in numbers:
        return "note"
    return "raised"


def rewrite(line_text: str, mark: Raised, text: str) -> str | None:
    """The line's text with the mark written as `text`, found beside its host; None when not found."""
    if mark.before:
        probe = mark.before + mark.text
        at = line_text.find(probe)
        if at >= 0:
            start = at + len(mark.before)
            return line_text[:start] + text + line_text[start + len(mark.text) :]
    elif mark.after:
        for probe in (mark.text + mark.after, mark.text + " " + mark.after):
            at = line_text.find(probe)
            if at >= 0:
                return line_text[:at] + text + line_text[at + len(mark.text) :]
    return None


def locate(text: str, spans: list[tuple[int, int, bool]], marks: list[Mark]) -> dict[int, list[tuple[int, int, str]]]:
    """Where each mark is in the paper's text: per paragraph index, (start, end, kind) in text offsets.

    `spans` are the paragraphs (start, end, is a note) in text order. The marks, in reading order, are
    found one after the other beside their host (its last or first four characters), the body's and
    the notes' each from where the one before was found; a mark not found (its line joined otherwise)
    is left out."""
    cursors = {False: 0, True: 0}
    found: dict[int, list[tuple[int, int, str]]] = {}
    for mark in marks:
        for stream in (mark.note, not mark.note):
            hit = _find(text, mark, cursors[stream], spans, stream)
            if hit is not None:
                start, index = hit
                found.setdefault(index, []).append((start, start + len(mark.text), mark.kind))
                cursors[stream] = start + len(mark.text)
                break
    return found


def _find(text: str, mark: Mark, cursor: int, spans, note: bool) -> tuple[int, int] | None:
    if mark.before:
        host = normalise_chars(mark.before)[-4:]
        probes = [(host + mark.text, len(host))]
    else:
        host = normalise_chars(mark.after)[:4]
        probes = [(mark.text + host, 0), (mark.text + " " + host, 0)]
    for index, (a, b, is_note) in enumerate(spans):
        if is_note != note or b <= cursor:
            continue
        for probe, shift in probes:
            at = text.find(probe, max(a, cursor), b)
            if at >= 0:
                return at + shift, index
    return None
