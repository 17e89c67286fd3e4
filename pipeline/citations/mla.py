"""Author-page callouts (MLA and the humanities' habit): "(Malthus 68)", "(Wells, “Insurrection” 555)",
"(qtd. in Madden 76-7)", "(Tilly, ch. 8)", "(Vindication 179)", with no year.

They are read only in papers whose reference list is in the matching style (the year at the end of
the entry, "Family, Given. Title. Place: Publisher, Year.") and only as the list allows: a segment
names a listed author, or gives a locator after a capitalised or quoted title of a listed work; it
is linked to that author's entry (by title words when the author has several) or to the work whose
title it gives. A year-less bracket in an author-year paper is never read this way.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.citations.callouts import LEAD_RE, NOT_NAMES, UPPER, YEAR_RE, Callout
from pipeline.citations.fields import fold_ascii

_NUM = r"(?:\d+|[ivxlcdm]+)(?:\s?[-–]\s?(?:\d+|[ivxlcdm]+))?"
# "68", "66-86", "ix-x", "7: 121", "2: 189-91", "96, 76", "ch. 5", "chs. 1-2", "vol. 1", "lines 38-39"
LOCATOR = (
    rf"(?:(?:\d+:\s?)?{_NUM}(?:,\s?{_NUM})*"
    rf"|(?:chs?|vol|bk|pt|sec|sect|l|ll|lines?|p|pp)\.?\s?{_NUM}(?:,\s?{_NUM})*)"
)
SEGMENT_RE = re.compile(
    rf"^(?P<who>(?:[{UPPER}“\"‘][^;()]{{0,90}}?))(?:,?\s(?P<loc>{LOCATOR}(?:;?\s(?:lines?|ll?\.)\s?{_NUM})?))?$"
)
SEGMENT_SPLIT_RE = re.compile(r"\s*;\s*|\.\s+(?=(?:See|see|Voir|voir|Cf\.|cf\.)\s)")
WORD_RE = re.compile(rf"[{UPPER}][\w’'\-]+|[a-zà-ÿ][\w’'\-]+")
BRACKET_RE = re.compile(r"\((?P<body>[^()]{1,300})\)")
SMALL_WORDS = {"the", "a", "an", "of", "and", "on", "in", "to", "le", "la", "les", "de", "du", "des", "et", "un", "une"}


@dataclass(frozen=True)
class Work:
    """What author-page linking compares: an entry's id, its first author's folded surname and given
    name, the significant words of its title in order, and whether the title is in quotes (an
    article or poem, in MLA) rather than set as a book's."""

    id: str
    surname: str
    given: str
    title: tuple[str, ...]
    quoted: bool


HEAD_RE = re.compile(r"^(?:(?:-{2,}|—+|_{2,}|–{2,})[.,]?\s*|.+?(?<!\b[A-ZÀ-Þ])\.\s+)")
NAME_RE = re.compile(r"^(?P<family>[^,.(]+),\s*(?P<given>[^,.(]+)")


def year_last_style(entries: Sequence[str]) -> bool:
    """Most entries give their year in their last part (MLA, Chicago notes-bibliography), not after the names."""
    if len(entries) < 5:
        return False
    late = 0
    for e in entries:
        m = YEAR_RE.search(e)
        late += m is None or m.start() > 0.5 * len(e)
    return late >= 0.7 * len(entries)


def works(ids: Sequence[str], entries: Sequence[str], parsed: Sequence[dict]) -> list[Work]:
    """The entries as works, a "---." entry taking the author of the one before."""
    out: list[Work] = []
    last = ("", "")
    for i, entry, p in zip(ids, entries, parsed):
        head = HEAD_RE.match(entry)
        rest = entry[head.end():] if head else entry
        name = NAME_RE.match(entry)
        if re.match(r"^(?:-{2,}|—+|_{2,}|–{2,})", entry):
            who = last
        elif name:
            who = (fold_ascii(name.group("family")), fold_ascii(name.group("given").split()[0]) if name.group("given").split() else "")
        else:
            names = [n for n in p.get("authors", []) if fold_ascii(n)]
            who = (fold_ascii(names[0]), "") if names else ("", "")
        last = who
        out.append(Work(i, who[0], who[1], tuple(_title_words(rest)), rest[:1] in "“\"‘«"))
    return out


def _title_words(title: str) -> list[str]:
    return [fold_ascii(w)[:6] for w in WORD_RE.findall(title) if w.lower() not in SMALL_WORDS]


def author_page_callouts(
    text: str, ranges: Sequence[tuple[int, int]], known: Sequence[Work], taken: Sequence[tuple[int, int]]
) -> list[tuple[Callout, str | None]]:
    """Year-less author-page callouts in `ranges`, outside the spans `taken`, each with its target."""
    out: list[tuple[Callout, str | None]] = []
    for lo, hi in ranges:
        for m in BRACKET_RE.finditer(text, lo, hi):
            body, base = m.group("body"), m.start("body")
            if re.search(r"\d{4}", body) or any(a < m.end() and m.start() < b for a, b in taken):
                continue
            pos = 0
            for sep in [*SEGMENT_SPLIT_RE.finditer(body), None]:
                end = sep.start() if sep else len(body)
                found = _segment(text, base + pos, base + end, known)
                if found:
                    out.append(found)
                pos = sep.end() if sep else pos
    return out


def _segment(text: str, start: int, end: int, known: Sequence[Work]) -> tuple[Callout, str | None] | None:
    seg = text[start:end]
    lead = LEAD_RE.match(seg)
    if lead:
        start, seg = start + lead.end(), seg[lead.end():]
    seg = seg.rstrip(" .,")
    m = SEGMENT_RE.match(seg)
    if not m:
        return None
    who = m.group("who").strip(" ,")
    words = WORD_RE.findall(who)
    if not words or words[0].lower() in NOT_NAMES or words[0].lower() in {"act", "scene", "plate", "book", "part"}:
        return None
    target = _target(who, known, text[max(0, start - 1500) : start])
    if target is None and not m.group("loc"):
        return None  # no locator and no listed author: a remark, not a citation
    if target is None and who[:1] not in "“\"‘" and len(words) > 4:
        return None  # a clause in brackets, not a short title
    name = words[0] if _is_author(words[0], known) else ""
    return Callout(start, start + len(seg), "author-page", (name,) if name else ()), target


def _is_author(word: str, known: Sequence[Work]) -> bool:
    return any(w.surname and w.surname == fold_ascii(word) for w in known)


def _target(who: str, known: Sequence[Work], before: str = "") -> str | None:
    """The entry the segment names: its author's (by title words when several), else by title alone."""
    head = re.split(r",?\s(?:chs?|vol|bk|pt|sec|lines?)\.?\s|\d", who, maxsplit=1)[0]
    words = [w for w in WORD_RE.findall(head) if w[:1].isupper() and w.lower() not in SMALL_WORDS]
    quoted = bool(re.search(r"[“\"‘]", head))
    for i, word in enumerate(words[:3]):
        mine = [w for w in known if w.surname and w.surname == fold_ascii(word)]
        if not mine:
            continue
        given = {fold_ascii(g) for g in words[:i]}  # "Jerome McGann", "Olivia Smith"
        if given:
            mine = [w for w in mine if w.given in given] or mine
        return _by_title(mine, [fold_ascii(w)[:6] for w in words[i + 1 :]], quoted, fallback=True)
    # a title alone ("Vindication 179"): the work of that title, by the author the prose named last
    title = [fold_ascii(w)[:6] for w in words]
    having = [w for w in known if title and set(title) <= set(w.title)]
    named = [fold_ascii(w) for w in re.findall(rf"[{UPPER}][\w’'\-]+", before)]

    def recency(w: Work) -> int:
        return max((k for k, n in enumerate(named) if n == w.surname), default=-1)

    top = max(map(recency, having), default=-1)
    if len(having) > 1 and top >= 0:
        return _by_title([w for w in having if recency(w) == top], title, quoted, fallback=True)
    return _by_title(having, title, quoted, fallback=False)


def _by_title(candidates: list[Work], title: list[str], quoted: bool, fallback: bool) -> str | None:
    """The candidate whose title the words give: all of them, best at the title's start, quoted
    like the callout's; the only candidate (or the first) when no title words are given."""
    if not title:
        return candidates[0].id if candidates and (fallback or len(candidates) == 1) else None
    having = [w for w in candidates if set(title) <= set(w.title)]
    if not having:
        return candidates[0].id if fallback and candidates else None

    def rank(w: Work) -> tuple[bool, bool]:
        return tuple(w.title[: len(title)]) != tuple(title), w.quoted != quoted

    ranked = sorted(having, key=rank)
    best = ranked[0]
    tied = [w for w in ranked if rank(w) == rank(best)]
    return best.id if fallback or len(tied) == 1 else None
