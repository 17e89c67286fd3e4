"""One paper's citation layers from its text, paragraphs and sections: reference entries
parsed and identified, callouts found (author-year, numeric, footnote markers, table source
lines), filtered and linked. Pure functions over offsets; the spaCy component wraps them."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from pipeline.citations.callouts import FROM_SUPERSCRIPT, YEAR_RE, Callout, find_callouts, is_etal, normalise_year, parse_years
from pipeline.citations.fields import fold_ascii, parse_entry
from pipeline.citations.mla import author_page_callouts, works, year_last_style
from pipeline.citations.linking import RefKey, best_match, confidence, known_author, link, name_score, ref_key
from pipeline.citations.references import Entry, reference_paragraphs, split_entries
from pipeline.extract.entrylines import REPEATED_AUTHOR

YEAR_OR_SUFFIX_RE = re.compile(rf"{YEAR_RE.pattern}|(?<=\d[a-z],|[a-z], )\s?(?P<bare>[a-h])(?![\w.])")
SOURCE_RE = re.compile(r"^Sources?\s*:\s*(?P<body>.{4,300}?)\s*\.?\s*$")
MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "january|february|march|april|may|june|july|august|september|october|november|december"
)
SOURCE_DATE_RE = re.compile(rf"\s*(?:(?:en|in)\s+)?(?:(?:{MONTHS})\s+)?\(?(?P<year>1[5-9]\d\d|20[0-4]\d)\)?\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Found:
    """A paper's citation layers before they become Doc spans."""

    references: tuple[tuple[Entry, dict], ...]
    callouts: tuple[tuple[Callout, dict], ...]


def paper_entries(
    text: str,
    paragraphs: Sequence[tuple[int, int, str]],
    sections: Sequence[tuple[int, int, str]],
    note_starts: set[int],
) -> list[Entry]:
    """The entries of every reference list of the paper; footnote entries numbered by their note."""
    entries: list[Entry] = []
    for paras in reference_paragraphs(text, paragraphs, sections):
        from_notes = paras[0][0] in note_starts
        found = split_entries(text, paras, notes=from_notes)
        if from_notes:
            found = [replace(e, number=_note_number(text, e)) for e in found]
        entries.extend(found)
    return entries


def tag_text(
    text: str,
    paragraphs: Sequence[tuple[int, int, str]],
    sections: Sequence[tuple[int, int, str]],
    not_callouts: Sequence[tuple[int, int]] = (),
) -> Found:
    """References and linked callouts of one paper from its text, paragraphs and sections.

    `not_callouts`: raised marks the PDF reader knows are no callouts (footnote calls, notes' labels,
    affiliation marks: extract/superscripts.py); a numeric callout on one of them is dropped."""
    note_starts = {a for a, _b, kind in paragraphs if kind == "note"}
    entries = paper_entries(text, paragraphs, sections, note_starts)
    parsed = [parse_entry(text[e.start : e.end]) for e in entries]
    for i in range(1, len(parsed)):  # "---. Title." repeats the author of the entry before
        if REPEATED_AUTHOR.match(text[entries[i].start : entries[i].end]) and parsed[i - 1].get("authors"):
            parsed[i] = {**parsed[i], "authors": parsed[i - 1]["authors"]}
    ids = reference_ids(parsed)
    references = tuple((e, {"id": i, **p}) for e, p, i in zip(entries, parsed, ids))
    keys = [ref_key(i, p, e.number) for e, p, i in zip(entries, parsed, ids)]
    numbered = any(e.number is not None for e in entries)

    ref_ranges = [(e.start, e.end) for e in entries]
    ranges = _callout_ranges(text, paragraphs, ref_ranges)
    limit = max((e.number or 0) for e in entries) if numbered else 0
    callouts = [c for c in find_callouts(text, ranges, numeric_limit=limit) if not _note_label(text, c)
                and not (c.kind == "numeric" and any(c.start < b and a < c.end for a, b in not_callouts))]
    note_numbers = {e.number for e in entries if e.number is not None and e.start in note_starts}
    if note_numbers and not any(c.kind == "numeric" for c in callouts):
        body = [(a, b) for a, b, kind in paragraphs if kind not in ("note", "heading")]
        callouts += [c for c in note_markers(text, body, note_numbers) if not any(c.start < o.end and o.start < c.end for o in callouts)]
    sources = _source_lines(text, paragraphs, ref_ranges)
    callouts = sorted(
        sources + [c for c in callouts if not any(c.start < s.end and s.start < c.end for s in sources)],
        key=lambda c: c.start,
    )
    # Humanities lists with the year last ("Family, Given. Title. Place: Publisher, Year."): callouts
    # give author and page, and "Title (1796)" in the prose is a work's date, not a callout.
    year_last = bool(keys) and not numbered and year_last_style([text[e.start : e.end] for e in entries])
    if keys:
        callouts = [
            c if known_author(c, keys) else _drop_particle(text, c)
            for c in callouts
            if (c.kind not in ("narrative", "standalone") or known_author(c, keys)
                or (c.kind == "narrative" and not year_last and (_plausible_surnames(text, c) or _known_later_author(c, keys))))
            and not (year_last and c.kind == "narrative" and best_match(c, keys, other_years=False) is None)
        ]
        dated = dated_mentions(text, ranges, keys)
        callouts = sorted(callouts + [d for d in dated if not any(d.start < c.end and c.start < d.end for c in callouts)],
                          key=lambda c: c.start)
    else:
        callouts = [c for c in callouts if c.kind != "standalone"]
    targets = link(callouts, keys) if keys else [None] * len(callouts)
    for i, (c, t) in enumerate(zip(callouts, targets)):
        if keys and t is None and c.kind in ("parenthetical", "narrative") and len(c.authors) > 1:
            callouts[i], targets[i] = _drop_leading_words(text, c, keys)
    if year_last:
        pages = author_page_callouts(text, ranges, works(ids, [text[e.start : e.end] for e in entries], parsed), [(c.start, c.end) for c in callouts])
        merged = sorted([*zip(callouts, targets), *pages], key=lambda ct: ct[0].start)
        callouts, targets = [c for c, _ in merged], [t for _, t in merged]
    by_id = {k.id: k for k in keys}
    callouts = [trim_narrative(text, c, by_id[t]) if t and c.kind == "narrative" else c for c, t in zip(callouts, targets)]
    out = []
    for c, target in zip(callouts, targets):
        attrs = c.attrs()
        attrs.pop("numbers", None)
        if target:
            attrs["target"] = target
            if len(several := every_target(text, c, keys)) > 1:
                attrs["targets"] = several
            if (sure := confidence(c, by_id[target])) < 1:
                attrs["confidence"] = sure  # a misspelt name, a year off the list's: linked, and said so
        out.append((c, attrs))
    return Found(references, tuple(out))


def every_target(text: str, c: Callout, keys: Sequence[RefKey]) -> list[str]:
    """The ids of every entry a callout cites: each number of "[3–5]" or "²,⁴", each year of
    "(Lévesque et al., 2004, 2011)" with its own suffix ("2014a, 2014b"); in order, once each."""
    if c.kind in ("numeric", "note"):
        by_number = {k.number: k.id for k in keys if k.number is not None}
        found = [by_number.get(n) for n in c.numbers]
    elif len(c.years) > 1 or len(list(YEAR_OR_SUFFIX_RE.finditer(text, c.start, c.end))) > 1:
        years: list[tuple[str, str]] = []
        for m in YEAR_OR_SUFFIX_RE.finditer(text, c.start, c.end):  # "2001a, b": b is 2001b
            if not m.group("bare"):
                years.append(normalise_year(m.group(0)))
            elif years:
                years.append((years[-1][0], m.group("bare")))
        found = [best_match(replace(c, years=(y,), suffix=suf), keys) for y, suf in years]
    else:
        return []
    return list(dict.fromkeys(t for t in found if t))


SURNAME_RE = re.compile(r"^(?:(?:de|du|des|van|von|d[’'])\s?)?[A-Z][a-zà-öø-ÿ’']+(?:-[A-Z][a-zà-öø-ÿ’']+)?$")
TITLE_WORD_RE = re.compile(r"(?:\b(?:Les|Le|La|The|Un|Une|A|An)|\d[\d.,%]*)\s*$")


def _plausible_surnames(text: str, c: Callout) -> bool:
    """An unlinked narrative callout still reads as surnames ("Dannefer (1984)"), not as a
    title or a table row ("Les Goubert (1886)", "SciBERT (2019)", "4.8 Doc2vec (2014)")."""
    names = [n for n in c.authors if not is_etal(n)]
    if not names or not all(SURNAME_RE.match(n) for n in names):
        return False
    before = text[max(0, c.start - 16) : c.start]
    return not TITLE_WORD_RE.search(before)


def _known_later_author(c: Callout, keys: Sequence[RefKey]) -> bool:
    """"Sheldon et Eleanor Glueck (1940)": a given name ahead, the listed surname after it."""
    names = [n for n in c.authors if not is_etal(n)]
    return any(known_author(replace(c, authors=(n,)), keys) for n in names[1:])


DATED_RE = re.compile(r"\b(?P<name>(?:(?:de|van|von|d[’'])\s?)?[A-Z][\w’'\-]+),?\s(?:en|in)\s(?P<year>1[5-9]\d\d|20[0-4]\d)\b")


def dated_mentions(text: str, ranges: Sequence[tuple[int, int]], keys: Sequence[RefKey]) -> list[Callout]:
    """"Thorsten Sellin, en 1942": a listed author's surname with "en"/"in" and the year of one of
    that author's entries (only then: "Paris en 1968" is no citation)."""
    out: list[Callout] = []
    for lo, hi in ranges:
        for m in DATED_RE.finditer(text, lo, hi):
            name, year = m.group("name"), m.group("year")
            if any(k.year == year and k.surnames and name_score(name, k.surnames[0]) >= 95 for k in keys):
                out.append(Callout(m.start(), m.end(), "narrative", (name,), (year,)))
    return out


def _drop_particle(text: str, c: Callout) -> Callout:
    """"au sens de Piaget (1971)": an unlinked narrative's lowercase "de" after a word is a preposition."""
    m = re.match(r"(?:de|du|des|d[’'])\s?(?=[A-Z])", text[c.start : c.end])
    if c.kind != "narrative" or not m or not re.search(r"[a-zà-ÿ]\s$", text[max(0, c.start - 2) : c.start]):
        return c
    return replace(c, start=c.start + m.end(), authors=(c.authors[0][m.end():],) + c.authors[1:])


def _drop_leading_words(text: str, c: Callout, keys: Sequence[RefKey]) -> tuple[Callout, str | None]:
    """"(Long Short-Term Memory, Hochreiter and Schmidhuber, 1997)": drop leading comma parts
    until the rest links to an entry of the same year."""
    for i in range(1, len(c.authors)):
        shorter = replace(c, authors=c.authors[i:])
        target = link([shorter], keys, other_years=False)[0]
        if target:
            head = text.find(c.authors[i], c.start, c.end)
            if head >= 0:
                return replace(shorter, start=head), target
    return c, None


def trim_narrative(text: str, c: Callout, ref: RefKey) -> Callout:
    """"Enrico Ferri (1908/2004)" -> "Ferri (1908/2004)", "de Martinson (1974)" -> "Martinson (1974)":
    the span starts at the linked entry's first surname."""
    if not ref.surnames:
        return c
    head = text[c.start : c.end]
    for m in re.finditer(r"[^\s’']+", head):
        rest = head[m.start():]
        for k in range(1, 4):
            words = re.findall(r"[^\s(]+", rest)[:k]
            if fold_ascii("".join(words)) == ref.surnames[0] or (k == 1 and name_score(words[0], ref.surnames[0]) >= 90):
                if m.start() == 0:
                    return c
                first = head[m.start() : m.start() + len(" ".join(words))]
                authors = (first,) + c.authors[1:] if c.authors else c.authors
                return replace(c, start=c.start + m.start(), authors=authors)
        if head[m.start()] in "([":
            break
    return c


def reference_ids(parsed: Sequence[dict]) -> list[str]:
    """`ref-<first surname>-<year>`, "b", "c"... when two entries collide ("ref-defourny-2001b")."""
    ids: list[str] = []
    seen: dict[str, int] = {}
    for p in parsed:
        authors = [a for a in p.get("authors", []) if not is_etal(a)]
        surname = fold_ascii(authors[0])[:30] if authors else "anon"
        year = str(p.get("year", "n.d.")).replace("n.d.", "nd")
        base = f"ref-{surname or 'anon'}-{fold_ascii(year) or 'nd'}"
        n = seen.get(base, 0)
        seen[base] = n + 1
        ids.append(base if n == 0 else base + "abcdefghijklmnopqrstuvwxyz"[min(n, 25)])
    return ids


def _callout_ranges(
    text: str, paragraphs: Sequence[tuple[int, int, str]], refs: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Paragraph ranges with reference entries cut out (callouts are searched there only)."""
    ranges: list[tuple[int, int]] = []
    paras = paragraphs or [(0, len(text), "body")]
    for a, b, _kind in paras:
        cuts = sorted((max(a, s), min(b, e)) for s, e in refs if s < b and e > a)
        pos = a
        for s, e in cuts:
            if s > pos:
                ranges.append((pos, s))
            pos = max(pos, e)
        if pos < b:
            ranges.append((pos, b))
    return _join_open_brackets(text, ranges)


def _join_open_brackets(text: str, ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A range that leaves a round bracket open runs on into the next one when only a paragraph break
    parts them ("(Jennings et al., 2005 ; Tedmanson et" / "al. 2012)": a page or column break inside)."""
    out: list[tuple[int, int]] = []
    for a, b in ranges:
        if out:
            pa, pb = out[-1]
            gap = text[pb:a]
            if len(gap) <= 3 and not gap.strip() and text.count("(", pa, pb) > text.count(")", pa, pb) and ")" in text[a:b]:
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


NOTE_MARKER_RE = re.compile(r"(?<=[a-zà-ÿ»”’.,;:)])(?P<n>\d{1,3})(?=[\s.,;:)]|$)|(?P<sup>[¹²³⁴⁵⁶⁷⁸⁹⁰]+)")


def _note_number(text: str, e: Entry) -> int | None:
    m = re.match(r"\s*\[?(\d{1,3})[\].]?\s", text[e.start : e.end])
    return int(m.group(1)) if m else e.number


def note_markers(text: str, ranges: Sequence[tuple[int, int]], numbers: set[int]) -> list[Callout]:
    """Footnote markers glued to a word ("crises12.", "crises¹²") whose note is a reference entry."""
    out: list[Callout] = []
    for a, b in ranges:
        for m in NOTE_MARKER_RE.finditer(text, a, b):
            n = int((m.group("n") or m.group("sup").translate(FROM_SUPERSCRIPT)))
            if n in numbers:
                out.append(Callout(m.start(), m.end(), "note", numbers=(n,)))
    return out


def _note_label(text: str, c: Callout) -> bool:
    """"[1] Certaines sections..." at the start of a note is the note's label, not a callout."""
    return c.kind == "numeric" and (c.start == 0 or text[c.start - 1] == "\n")


def _source_lines(
    text: str, paragraphs: Sequence[tuple[int, int, str]], refs: Sequence[tuple[int, int]]
) -> list[Callout]:
    """"Source : Rapport de la KoSEA en Décembre 2019" under a table: a citation of that report."""
    out: list[Callout] = []
    for a, b, _kind in paragraphs:
        m = SOURCE_RE.match(text[a:b])
        if not m or "\n" in m.group("body") or any(s <= a < e for s, e in refs):
            continue
        body = m.group("body")
        date = SOURCE_DATE_RE.search(body)
        if not date:
            continue
        years, _ = parse_years(date.group("year"))
        slot = body[: date.start()].strip()
        owner = re.split(r"\b(?:de la|du|de l[’']|des|of the|by)\s+", slot, maxsplit=1)
        author = owner[-1].strip() if len(owner) > 1 else slot
        start = a + m.start("body")
        out.append(Callout(start, start + len(body), "narrative", (author,), years))
    return out
