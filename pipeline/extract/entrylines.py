"""Where a reference entry starts, line by line, when nothing else says so.

Text copied out of a PDF (a blank line after every line) or hard-wrapped with no blank lines
loses the breaks between paragraphs; in a reference list those are the entry boundaries. A
logistic model (on the features and their pairwise products) scores each line as "opens a new entry" from the shape of the line before and of
the line itself (how it ends, how it opens, an author's head, a year near the start, whether the
entry so far already has its year). It is fitted by `pipeline.train.entry_lines` on reference
lists of many styles (GROBID's citation corpus, the Érudit development split), wrapped at random
widths; its weights ship as `pipeline/data/entry_lines.json` and are read once per process.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

YEAR = re.compile(r"\b(?:1[5-9]\d\d|20[0-4]\d)[a-z]?\b")
_SURNAME = r"\[?(?:(?:de|van|von|da|di|du|del|le|la|d’|d')\s?)?(?:[A-ZÀ-Þ][\w’'\-]+ ){0,2}[A-ZÀ-Þ][\w’'\-]+\]?"
# How an entry of an unnumbered list opens: "Surname, X.", "Surname X,", "Surname, Given.", "SURNAME", "---."
ENTRY_HEAD = re.compile(
    r"^(?:-{2,}|—{1,3}|_{2,})"  # a repeated author
    rf"|^{_SURNAME},? (?:[A-ZÀ-Þ]\.|[A-ZÀ-Þ]{{1,3}}[,.]|\(\d{{4}}|et al)"  # initials, Vancouver initials, a year
    # "Curran, Stuart." "Butler, James A." "Jump, Harriet Devine." "Drach, Erich (1937)" "Oléron, Pierre and"
    rf"|^{_SURNAME}, [A-ZÀ-Þ][a-zà-ÿ’'\-]+(?: [A-ZÀ-Þ][a-zà-ÿ’'\-]+| [A-ZÀ-Þ]\.)*(?:[,.] | \(| and | et | & )"
    r"|^[A-ZÀ-Þ]{2,}[A-ZÀ-Þ’'\-]*,? [A-ZÀ-Þ]"  # SURNAME
)
# Initials first: "J. P. Collman, ..." "R.J. Smith and"
INITIALS_HEAD = re.compile(r"^(?:[A-ZÀ-Þ]\.[\s-]?){1,3}\s?[A-ZÀ-Þ][\w’'\-]+")
# An institution or title head: a year within the first words, no sentence end or number before it,
# more after it (not "University Press, 1986.", the last line of an entry).
NAMED_YEAR_HEAD = re.compile(r"^[A-ZÀ-Þ«“\[][^.!?:;\d]{2,100}?[(\s,]\(?(?:1[5-9]\d\d|20[0-4]\d)[a-z]?\)?[.,:)]\s*\S")
# Words, then the author-year slot: "Organisation internationale du travail (2019). ..."
# or a date in the slot: "Gouvernement du Québec. (le 7 février 2014). ...", "Sioui, M. (2014, 17 décembre). ...";
# a title's gloss or translation may come before it: "Shuowen Jiezi (說文解字) [Etymological dictionary] (1969):"
YEAR_SLOT_HEAD = re.compile(
    r"^[A-ZÀ-Þ][\w’'\-]*(?:[ ,&]+(?:[\w’'\-.]+|\([^()\d]{1,40}\)|\[[^\[\]\d]{1,80}\])){0,12}?\s\((?:[^()\d]{0,12}\d{1,2}(?:er)?\s[^()\d\s]{3,12}\s)?"
    r"(?:1[5-9]\d\d|20[0-4]\d)[a-z]?(?:,\s?[^()]{3,25})?\)[.,:]"
)
# A line that cannot end an entry: a comma, colon, dash or open bracket last, "...", or a word in lower case.
LEFT_OPEN = re.compile(r"(?:[,:(\[«“&/–-]|,\s?\.\.\.|…|(?<![\w.’'\-])[a-zà-ÿ]+)$")
CONTINUATION = {
    "in", "in:", "dans", "en", "vol.", "pp.", "p.", "no", "n°", "available", "retrieved", "disponible", "consulté",
    "repéré", "récupéré", "doi", "doi:", "url", "accessed", "proceedings", "actes", "ed.", "eds.", "(ed.)", "(eds.)",
}

FEATURES = (
    "bias", "prev_len", "prev_short", "cur_len",
    "prev_end_period", "prev_end_comma", "prev_end_semicolon", "prev_end_colon", "prev_end_digit",
    "prev_end_bracket", "prev_end_url", "prev_end_lower_word", "prev_end_upper_word", "prev_end_quote",
    "prev_left_open", "prev_has_year", "prev_end_initial",
    "cur_upper", "cur_digit", "cur_lower", "cur_dash", "cur_bracket", "cur_quote",
    "cur_head", "cur_initials_head", "cur_named_year", "cur_year_40", "cur_year_100", "cur_word_comma",
    "cur_continuation", "entry_has_year", "entry_lines", "entry_head", "list_heads",
    "short_and_head", "short_and_upper", "year_and_head", "open_and_head", "has_year_and_year",
    "prev_end_pages", "period_and_head", "digit_and_head", "cur_names", "entry_chars", "cur_year_slot",
    "cur_year_60",
    "entry_unclosed", "next_head", "next_lower", "cur_opening_share", "cur_short_end",
    "cur_alpha_back", "list_alpha", "cur_number_next",
)


@dataclass(frozen=True)
class ListShape:
    """What a whole list says about its entries: the share of its lines that open with an author's
    head, and how often each opening shape (`opening`) occurs among its lines."""

    heads: float
    openings: Counter
    lines: int
    alpha: float = 0.0

    @classmethod
    def of(cls, lines: Sequence[str]) -> "ListShape":
        return cls(head_share(lines), Counter(opening(x) for x in lines), len(lines), alpha_share(lines))

    def share(self, line: str) -> float:
        """How many lines of the list open like `line`, per expected entry (about one in three lines)."""
        return min(3 * (self.openings[opening(line)] - 1) / max(1, self.lines), 1.5)


def sort_key(line: str) -> str:
    """The letter a line sorts by in an alphabetical list: its first letter, case and accents dropped
    ("Élias" -> "e"); "" for a line that opens with no letter ("---.", "[1]")."""
    m = re.match(r"[\W\d_]{0,3}([^\W\d_])", line.lstrip())
    return unicodedata.normalize("NFD", m.group(1))[0].casefold() if m else ""


def alpha_share(lines: Sequence[str]) -> float:
    """How alphabetical a list is: the share of its author-head lines that sort at or after the head
    line before them (sorted lists near 1, lists in citation order about 0.5)."""
    keys = [k for x in lines if ENTRY_HEAD.match(x.lstrip()) and (k := sort_key(x))]
    pairs = list(zip(keys, keys[1:]))
    return sum(a <= b for a, b in pairs) / len(pairs) if len(pairs) >= 3 else 0.0


def opening(line: str) -> str:
    """The shape of a line's first two words: "Butler, James A." -> "C,C", "DUPONT, M." -> "A,I",
    "Journal of English" -> "Cl", "---." -> "-"."""
    out = []
    for w in line.split()[:2]:
        core = w.strip("«“\"‘([")
        if re.fullmatch(r"[-—–_]{2,}.*", w):
            out.append("-")
            break
        if re.fullmatch(r"(?:[A-ZÀ-Þ]\.-?)+", core.rstrip(",;:")):
            shape = "I"
        elif core[:1].isdigit():
            shape = "9"
        elif core[:1].isupper():
            shape = "A" if core.rstrip(".,;:)").isupper() and len(core) > 2 else "C"
        elif core[:1].islower():
            shape = "l"
        else:
            shape = "o"
        out.append(shape + ("," if w.endswith(",") else "." if w.endswith(".") and shape != "I" else ""))
    return "".join(out)


def line_features(lines: Sequence[str], i: int, width: float, entry: Sequence[str], shape: ListShape) -> list[float]:
    """The features of the break before line `i` of `lines`; `entry` is the current entry's lines so far."""
    prev, cur = lines[i - 1], lines[i]
    nxt = lines[i + 1].lstrip() if i + 1 < len(lines) else ""
    list_heads = shape.heads
    p, c = prev.rstrip(), cur.lstrip()
    last = p.split()[-1] if p.split() else ""
    first = c.split()[0].lower() if c.split() else ""
    short = len(p) < 0.8 * width
    head = bool(ENTRY_HEAD.match(c))
    entry_year = any(YEAR.search(x) for x in entry)
    year40 = bool(YEAR.search(c[:40]))
    url_last = bool(re.search(r"(?:https?://|www\.|\b10\.\d{4,9}/)\S+$", p))
    left_open = bool(LEFT_OPEN.search(p)) and not url_last
    f = {
        "bias": 1.0,
        "prev_len": min(len(p) / width, 1.5),
        "prev_short": float(short),
        "cur_len": min(len(c) / width, 1.5),
        "prev_end_period": float(p.endswith(".")),
        "prev_end_comma": float(p.endswith(",")),
        "prev_end_semicolon": float(p.endswith(";")),
        "prev_end_colon": float(p.endswith(":")),
        "prev_end_digit": float(p[-1:].isdigit()),
        "prev_end_bracket": float(p.endswith((")", "]"))),
        "prev_end_url": float(url_last),
        "prev_end_lower_word": float(bool(re.search(r"(?<![\w.’'\-])[a-zà-ÿ]+$", p))),
        "prev_end_upper_word": float(bool(re.search(r"(?<![\w.’'\-])[A-ZÀ-Þ][a-zà-ÿ]+$", p))),
        "prev_end_quote": float(p.endswith(("»", "”", '"'))),
        "prev_left_open": float(left_open),
        "prev_has_year": float(bool(YEAR.search(p))),
        "prev_end_initial": float(bool(re.fullmatch(r"[A-ZÀ-Þ]\.(?:-?[A-ZÀ-Þ]\.)*,?", last))),
        "cur_upper": float(c[:1].isupper()),
        "cur_digit": float(c[:1].isdigit()),
        "cur_lower": float(c[:1].islower()),
        "cur_dash": float(c.startswith(("--", "—", "__"))),
        "cur_bracket": float(c.startswith(("[", "("))),
        "cur_quote": float(c.startswith(("«", "“", '"', "‘"))),
        "cur_head": float(head),
        "cur_initials_head": float(bool(INITIALS_HEAD.match(c))),
        "cur_named_year": float(bool(NAMED_YEAR_HEAD.match(c))),
        "cur_year_40": float(year40),
        "cur_year_100": float(bool(YEAR.search(c[:100]))),
        "cur_word_comma": float(bool(re.match(r"^[\w’'\-]+,", c))),
        "cur_continuation": float(first in CONTINUATION),
        "entry_has_year": float(entry_year),
        "entry_lines": min(len(entry), 4) / 4,
        "entry_head": float(bool(entry) and bool(ENTRY_HEAD.match(entry[0].lstrip()))),
        "list_heads": list_heads,
        "short_and_head": float(short and head),
        "short_and_upper": float(short and c[:1].isupper()),
        "year_and_head": float(year40 and head),
        "open_and_head": float(left_open and head),
        "has_year_and_year": float(entry_year and year40),
        "prev_end_pages": float(bool(re.search(r"\d+\s?[-–]\s?\d+\.?$", p))),
        "period_and_head": float(p.endswith(".") and head),
        "digit_and_head": float(p[-1:].isdigit() and head),
        "cur_names": _name_share(c),
        "entry_chars": min(sum(len(x) for x in entry) / (3 * width), 1.5),
        "cur_year_slot": float(bool(YEAR_SLOT_HEAD.match(c))),
        "cur_year_60": float(bool(YEAR.search(c[:60]))),
        "entry_unclosed": float(_unclosed(" ".join(entry))),
        "next_head": float(bool(ENTRY_HEAD.match(nxt))),
        "next_lower": float(nxt[:1].islower()),
        "cur_opening_share": shape.share(c),
        "cur_short_end": float(len(c.rstrip()) < 0.8 * width and c.rstrip().endswith(".")),
        "cur_alpha_back": float(_sorts_before(c, entry)),
        "list_alpha": shape.alpha,
        "cur_number_next": float(_number_follows(c, entry)),
    }
    return [f[name] for name in FEATURES]


def _sorts_before(line: str, entry: Sequence[str]) -> bool:
    """The line sorts before the entry it follows: in an alphabetical list it cannot open the next one."""
    a, b = sort_key(line), sort_key(entry[0]) if entry else ""
    return bool(a and b) and a < b


LIST_NUMBER = re.compile(r"^\[?(\d{1,3})[.)\]]?\s")


def _number_follows(line: str, entry: Sequence[str]) -> bool:
    """The line opens with the number after the current entry's ("18 Organisation ..." after "17 ...")."""
    a, b = LIST_NUMBER.match(line), LIST_NUMBER.match(entry[0].lstrip()) if entry else None
    return bool(a and b) and int(a.group(1)) == int(b.group(1)) + 1


def _unclosed(text: str) -> bool:
    """A bracket or quote of the entry so far is still open: "« Entre l'école et la calebasse."."""
    return any(text.count(a) > text.count(b) for a, b in (("(", ")"), ("[", "]"), ("«", "»"), ("“", "”")))


def _name_share(line: str) -> float:
    """The share of the first six words that are capitalised names or initials ("Smith,", "J.", "&")."""
    words = line.split()[:6]
    names = sum(bool(re.fullmatch(r"[A-ZÀ-Þ][\w’'\-]*[.,;]?|[A-ZÀ-Þ]\.(?:-?[A-ZÀ-Þ]\.)*,?|&|et|and", w)) for w in words)
    return names / max(1, len(words))


def expand(x: Sequence[float]) -> list[float]:
    """The features and their pairwise products: the model is linear in these, so it can weigh
    "a full stop, then a name" apart from either alone."""
    return [*x, *(a * b for i, a in enumerate(x) for b in x[i + 1 :])]


def head_share(lines: Sequence[str]) -> float:
    """The share of a list's lines that open with an author's head: how much the list's style has them."""
    return sum(bool(ENTRY_HEAD.match(x.lstrip())) for x in lines) / max(1, len(lines))


@cache
def _weights() -> tuple[float, ...]:
    data = json.loads(resources.files("pipeline").joinpath("data/entry_lines.json").read_text(encoding="utf-8"))
    if tuple(data["features"]) != FEATURES or len(data["weights"]) != len(expand([0.0] * len(FEATURES))):
        raise RuntimeError("pipeline/data/entry_lines.json does not match the features: retrain it "
                           "(python -m pipeline.train.entry_lines)")
    return tuple(data["weights"])


# Two shapes decide a break whatever the model says: a repeated author ("---.", "———,") opens an
# entry, and an author list left open ("Rais, A.,...", "Smith, J. &", "Dupont, M. et") or a line
# ending on the word that introduces a book, or on the first names after it ("... users of French. In",
# "Dans :", "In: Mariachiara") goes on.
REPEATED_AUTHOR = re.compile(r"^(?:-{2,}|—{1,3}|_{2,}|–{2,})\s?[.,]")
OPEN_AUTHORS = re.compile(
    r"(?:,\s?\.\.\.|,\s?…|&|\b(?:and|et|und|y)|\b(?:[Ii]n|[Dd]ans)\s?:?(?:\s[A-ZÀ-Þ][\w’'\-]*,?){0,2})$"
)


def entry_starts(lines: Sequence[str], width: float, weights: Sequence[float] | None = None) -> set[int]:
    """Indices of the lines (past the first) that open a new entry, left to right."""
    w = weights if weights is not None else _weights()
    shape = ListShape.of(lines)
    starts: set[int] = set()
    entry: list[str] = [lines[0]] if lines else []
    for i in range(1, len(lines)):
        if OPEN_AUTHORS.search(lines[i - 1].rstrip()):
            opens = False
        elif REPEATED_AUTHOR.match(lines[i].lstrip()):
            opens = True
        else:
            x = expand(line_features(lines, i, width, entry, shape))
            opens = 1 / (1 + math.exp(-sum(a * b for a, b in zip(w, x)))) >= 0.5
        if opens:
            starts.add(i)
            entry = [lines[i]]
        else:
            entry.append(lines[i])
    return starts
