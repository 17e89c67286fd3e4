"""Callouts to reference entries: surname + year (suffix aware), fuzzy on misspellings, "et al."
against full author lists; numeric callouts to the numbered entry."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from pipeline.citations.callouts import Callout, is_etal
from pipeline.citations.fields import fold_ascii

FUZZY_MIN = 80  # rapidfuzz ratio (0-100) for a misspelt surname ("Defourney" ~ "Defourny")


@dataclass(frozen=True)
class RefKey:
    """What linking compares: an entry's id, folded surnames, year, suffix and number."""

    id: str
    surnames: tuple[str, ...]
    year: str
    suffix: str
    number: int | None
    whole: str  # the folded author slot, for institutions and document names


def ref_key(ref_id: str, attrs: Mapping, number: int | None = None) -> RefKey:
    names = [n for n in attrs.get("authors", []) if not is_etal(n)]
    return RefKey(
        ref_id,
        tuple(fold_ascii(_unbracketed(n)) for n in names),
        str(attrs.get("year", "")),
        str(attrs.get("suffix", "")),
        number,
        fold_ascii(" ".join(names)),
    )


def _unbracketed(name: str) -> str:
    """An author slot without its glosses: "Liji Zhengyi (禮記正義) [The Correct Meaning of Liji]" -> "Liji Zhengyi"."""
    bare = re.sub(r"\s*(?:\([^()]*\)|\[[^\[\]]*\])", "", name).strip()
    return bare if fold_ascii(bare) else name


def name_score(written: str, surname: str) -> float:
    """0-100: how well a surname as written in a callout matches an entry's surname."""
    a = fold_ascii(written)
    if not a or not surname:
        return 0.0
    if a == surname:
        return 100.0
    if surname.endswith(a) or a.endswith(surname):  # "van Gorp" / "Gorp", "de Romilly" / "Romilly"
        return 95.0 if min(len(a), len(surname)) >= 3 else 0.0
    return fuzz.ratio(a, surname)


def score(callout: Callout, ref: RefKey) -> float:
    """A match score of a callout against an entry, 0 when they cannot be the same work."""
    names = [n for n in callout.authors if not is_etal(n)]
    if not names or not ref.surnames:
        return 0.0
    first = name_score(names[0], ref.surnames[0])
    if first < FUZZY_MIN and len(names) == 1:
        first = max(first, fuzz.token_set_ratio(fold_ascii(names[0]), ref.whole) * 0.95)
        # a name given whole where the list parts it: "Seng You 1995" for "Seng, You (1995)"
        if len(words := re.findall(r"[^\W\d_][\w’'\-]*", names[0])) > 1 and fold_ascii(words[0]) == ref.surnames[0]:
            first = max(first, 90.0)
    if first < FUZZY_MIN:
        return 0.0
    total = first
    for i, name in enumerate(names[1:], 1):
        if i < len(ref.surnames):
            total += 10 if name_score(name, ref.surnames[i]) >= FUZZY_MIN else -10
        else:
            total -= 10
    etal = len(callout.authors) > len(names)
    if etal and len(ref.surnames) >= 3 or not etal and len(names) == len(ref.surnames):
        total += 5
    return total


def link(callouts: Sequence[Callout], refs: Sequence[RefKey], other_years: bool = True) -> list[str | None]:
    """The target id of each callout, None when no entry matches (`other_years`: see `other_year`)."""
    by_number = {r.number: r.id for r in refs if r.number is not None}
    targets: list[str | None] = []
    for c in callouts:
        if c.kind in ("numeric", "note"):
            targets.append(by_number.get(c.numbers[0]) if c.numbers else None)
            continue
        targets.append(best_match(c, refs, other_years))
    return targets


def best_match(c: Callout, refs: Sequence[RefKey], other_years: bool = True) -> str | None:
    """The best entry with the callout's first year (and suffix when it has one)."""
    if not c.years:
        return None
    year = c.years[0]
    best: tuple[float, str] | None = None
    for r in refs:
        if r.year != year:
            continue
        s = score(c, r)
        if not s:
            continue
        if c.suffix and r.suffix:
            s += 20 if c.suffix == r.suffix else -20
        if best is None or s > best[0]:
            best = (s, r.id)
    return best[1] if best else (other_year(c, refs) if other_years else None)


def other_year(c: Callout, refs: Sequence[RefKey]) -> str | None:
    """No entry has the callout's year ("Farrall et Calverley, 2005" for a 2006 entry): the one
    entry by exactly those authors, when there is only one, else the one of theirs a year off
    (a dated callout only)."""
    if not c.years[0].isdigit():
        return None
    names = [n for n in c.authors if not is_etal(n)]
    exact = {r.id: r for r in refs if r.year.isdigit() and score(c, r) >= 100 + 10 * (len(names) - 1)}
    if len(exact) == 1:
        return next(iter(exact))
    near = [i for i, r in exact.items() if abs(int(r.year) - int(c.years[0])) == 1  # a year one off: a typo
            and (not c.suffix or r.suffix == c.suffix)]
    return near[0] if len(near) == 1 else None


def confidence(c: Callout, r: RefKey) -> float:
    """How sure a link is, 0-1: 1 when the entry has the callout's year and its first surname as
    written; lower for a misspelt surname (its similarity) and for a year the list does not give
    (0.6: "Farrall et Calverley, 2005" linked to the one 2006 entry by those authors)."""
    if c.kind in ("numeric", "note"):
        return 1.0
    year = 1.0 if r.year in c.years else 0.6
    names = [n for n in c.authors if not is_etal(n)]
    if not names or not r.surnames:
        return year
    return round(min(year, max(name_score(names[0], s) for s in r.surnames) / 100), 2)


def known_author(c: Callout, refs: Sequence[RefKey]) -> bool:
    """Whether the callout's first surname appears in the list under any year (narrative filter)."""
    names = [n for n in c.authors if not is_etal(n)]
    if not names:
        return False
    return any(r.surnames and max(name_score(names[0], s) for s in r.surnames) >= FUZZY_MIN for r in refs)
