"""In-text callouts: author-year (parenthetical and narrative, French and English) and numeric.

`find_callouts(text)` returns `Callout`s with character offsets into `text`. Parenthetical
spans exclude the brackets ("(Emery & Trist, 1965)" -> "Emery & Trist, 1965"); narrative
spans run from the first surname to the closing bracket ("Seville (2008)"); numeric groups
keep their brackets ("[3–5]").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

UPPER = "A-ZÀ-ÖØ-ÞĀ-ſ"
YEAR = (
    r"(?:(?:1[5-9]\d\d|20[0-4]\d)(?:[a-rt-z](?![a-zA-Z]))?(?:\s?/\s?(?:1[5-9]\d\d|20[0-4]\d)[a-z]?)?"
    r"(?:\s?\[(?:1[5-9]\d\d|20[0-4]\d)\])?"
    r"|s\.\s?d\.|n\.\s?d\.|sans date|sous presse|in press|forthcoming|à paraître)"
)
# several years of one author group: "2004, 2011", "1990; 2005", "1999 et 2003", "2001a, b" (a bare suffix)
_YEAR_ONE = rf"{YEAR}(?:(?<=\d[a-z])(?:\s*,\s*[a-h](?![\w.]))+)?"
YEARS = rf"{_YEAR_ONE}(?:(?:\s*[,;]\s*|\s+(?:et|and|&)\s+){_YEAR_ONE})*"
# Page locators kept inside the span: ", p. 212", " : 59", ", pp. 3-7", ": 101, note 1", ", chap. 2", " 29-68".
LOCATOR = (
    r"(?:\s*[,:]\s*(?:(?:pp?|S|chap|ch|vol|t|n°|no|para|§)\.?\s*)?(?:\d+|(?<=p\. )[ivxlc]+)(?:\s*[-–]\s*\d+)?"
    r"(?:\s*,\s*(?:note|n\.)\s*\d+)?(?:\s*,\s*\d+(?:\s*[-–]\s*\d+)?)*"
    # Chicago author-date and MLA with a year give the pages after a space: "(Fulford 2013 29-68)".
    r"|\s+(?!(?:1[5-9]|20)\d\d\b)\d{1,4}(?:\s*[-–]\s*\d{1,4})?(?=\s*(?:$|[)\]])))"
)
YEAR_RE = re.compile(YEAR)
# A lead word after some prose inside the bracket: "(pour une critique, voir Dupont, 2002)".
INNER_LEAD_RE = re.compile(
    rf"(?<=[\s,])(?:voir(?: aussi| notamment| par exemple)?|see(?: also)?|cf\.|e\.g\.,?|par exemple|notamment|"
    rf"according to|reviewed in|quoted in|qtd\. in|cited in|cité dans|d[’']après|selon)[\s,:]+(?=[{UPPER}]|d[’']|de |van )",
    re.IGNORECASE,
)
# A remark in square brackets after the year: "[dans ce numéro]", "[this issue]", "[trad.]".
BRACKET_NOTE_RE = re.compile(r"(?<=[\da-z.])\s*\[[^\]\d]{1,40}\]$")
# A remark after the locator, in lower case: ", translated by the author", ", nous soulignons", ", emphasis added".
REMARK_RE = re.compile(r",\s+(?!(?:pp?|chap|ch|vol|t|n°|no|para|note|n)\.?\s*\d)[a-zà-ÿ][^;]*$")
SEGMENT_RE = re.compile(rf"^(?P<authors>[^\d()\[\];=<>]{{1,200}}?)\s*,?\s+(?P<years>{YEARS})(?P<loc>{LOCATOR})?\s*$")
YEARS_ONLY_RE = re.compile(rf"^(?P<years>{YEARS})(?P<loc>{LOCATOR})?\s*$")
NARRATIVE_TAIL_RE = re.compile(rf"\s?[(\[](?P<years>{YEARS})(?P<loc>{LOCATOR})?[)\]]")
BRACKET_RE = re.compile(r"\((?P<body>(?:[^()]|\([^()]*\)){1,800})\)")
NUMERIC_RE = re.compile(r"\[(?P<body>\d{1,3}(?:\s*[-–—,]\s*\d{1,3})*)\]")
# Raised digits (Vancouver): "mentale⁵,⁶", "³⁰, ³⁴", "psychotique²⁻³": one group, up to the next word.
SUPER = "⁰¹²³⁴⁵⁶⁷⁸⁹"
SUPERSCRIPT_RE = re.compile(rf"(?<![{SUPER}])[{SUPER}]{{1,3}}(?:(?:,\s?|⁻|[-–])[{SUPER}]{{1,3}})*")
FROM_SUPERSCRIPT = str.maketrans(SUPER + "⁻", "0123456789-")
# Words that open a bracket without being part of the citation ("voir", "e.g.", "cité dans").
LEAD_RE = re.compile(
    r"^(?:(?:voir(?: aussi| surtout| notamment| par exemple| à ce sujet)?|see(?: also)?|cf\.?|c\.f\.|e\.g\.,?|"
    r"i\.e\.,?|ex\.|par exemple|notamment|dont|for (?:a )?(?:review|example|instance),?(?: see)?|"
    r"for example|among others|entre autres|cité(?:e|s)? (?:dans|par|in)|cited (?:in|by)|as cited in|"
    r"(?:as )?quoted (?:in|by)|qtd\. in|reviewed (?:in|by)|according to|adapted from|adapté(?:e|s)? de|"
    r"repris (?:dans|de|par)|traduit (?:dans|par)|see especially|voir en particulier|"
    r"d'après|selon|in|dans|also|aussi|and|et|ou|or|sources?\s*:|par ex\.|p\. ex\.|e\. g\.|"
    r"véase|ver|por ejemplo|citado en)[\s,:]+)+",
    re.IGNORECASE,
)
PARTICLES = {
    "de", "du", "des", "da", "das", "do", "dos", "di", "del", "della", "van", "von", "der", "den",
    "ter", "ten", "la", "le", "les", "al", "el", "bin", "ben", "mac", "st", "saint", "y", "zu",
}
CONNECTORS = {"et", "and", "&", "und", "y", "e"}
ETAL_RE = re.compile(r"\s*,?\s*(?:et\s+al\.?|et\s+coll\.?|&\s*al\.?|and\s+colleagues|et\s+(?:ses\s+)?coll(?:ègues|aborateurs))$")
# Capitalised words that start a sentence or a bracket but are not names.
NOT_NAMES = {
    "selon", "dans", "pour", "comme", "chez", "ainsi", "après", "avec", "depuis", "d'après", "d’après",
    "le", "la", "les", "un", "une", "des", "en", "et", "or", "mais", "puis", "enfin", "voir", "cf",
    "according", "in", "for", "see", "as", "by", "the", "a", "an", "and", "also", "following", "since",
    "from", "with", "while", "unlike", "like", "table", "tableau", "figure", "fig", "section", "chapitre",
    "chapter", "annexe", "appendix", "loi", "law", "article", "art", "décret", "juin", "juillet",
    "janvier", "février", "mars", "avril", "mai", "août", "septembre", "octobre", "novembre", "décembre",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "en", "au", "aux", "vers", "sur", "sous", "entre", "par", "de", "du",
    "when", "where", "this", "these", "that", "our", "we", "it", "its", "il", "elle", "ils", "nous",
    "on", "ce", "cet", "cette", "ces", "son", "sa", "ses", "leur", "leurs", "tandis", "lorsque",
    "quand", "si", "ni", "dès", "jusqu", "outre", "note", "notes", "vol", "no", "pp", "p",
}
# The head of a reference entry, not a narrative callout: "Surname, I." or a name then ". (".
ENTRY_HEAD_RE = re.compile(rf"(?<!\bal)(?<!\bcoll)\.\s*$|,\s*[{UPPER}]\.?(?:[\s-]?[{UPPER}]\.)*(?:,|\s|$)")
SEGMENT_BOUNDARY_RE = re.compile(
    rf"\s*;\s*|(?<=\d|[a-z])\s*,\s+(?=(?:[{UPPER}]|d[’']|de |van )[^\d;]{{0,120}}?\d{{4}})"
    r"|(?<=\d|[a-z])\s*,\s+(?=(?:cité|cited|quoted|repris)\s)"
)
WORD_RE = re.compile(rf"(?:[dDlL][’']|[{UPPER}a-zß-öø-ÿ][\w'’\-.]*)")
NAME_START_RE = re.compile(rf"^(?:[{UPPER}]|(?:d|D|l|L|O|Mc)[’']|(?:{'|'.join(sorted(PARTICLES))})\s+[{UPPER}])")


@dataclass(frozen=True)
class Callout:
    """One callout: character offsets into the text and its scheme attributes."""

    start: int
    end: int
    kind: str  # "parenthetical" | "narrative" | "standalone" | "numeric" | "note"
    authors: tuple[str, ...] = ()
    years: tuple[str, ...] = ()
    suffix: str = ""
    numbers: tuple[int, ...] = field(default=(), compare=False)

    def attrs(self) -> dict:
        """The scheme attributes: authors, year, years when several, suffix."""
        out: dict = {}
        if self.kind in ("numeric", "note"):
            out["numbers"] = list(self.numbers)
            return out
        out["authors"] = list(self.authors)
        if self.years:
            out["year"] = self.years[0]
        if len(self.years) > 1:
            out["years"] = list(self.years)
        if self.suffix:
            out["suffix"] = self.suffix
        return out


ETAL_ITEM_RE = re.compile(r"^(?:et|&|and)\s*(?:ses\s+)?(?:al|coll|colleagues|collègues|collaborateurs)\.?$", re.IGNORECASE)


def is_etal(name: str) -> bool:
    """"et al.", "et coll.", "& al": the marker kept as the last item of an author list."""
    return bool(ETAL_ITEM_RE.match(name.strip()))


def normalise_year(raw: str) -> tuple[str, str]:
    """("2014a" -> ("2014", "a")), ("s. d." -> ("n.d.", "")), ("sous presse" -> ("in press", ""))."""
    raw = raw.strip()
    m = re.match(r"(\d{4})([a-z]?)", raw)
    if m:
        return m.group(1), m.group(2)
    low = raw.lower().replace(" ", "")
    if low in ("s.d.", "n.d.", "sansdate"):
        return "n.d.", ""
    return "in press", ""


def parse_years(text: str) -> tuple[tuple[str, ...], str]:
    """All years of a years group and the first suffix ("2001, 2014a" -> (("2001", "2014"), "a"))."""
    years: list[str] = []
    suffix = ""
    for m in YEAR_RE.finditer(text):
        for part in re.split(r"\s?/\s?|\s?\[", m.group(0)):
            year, suf = normalise_year(part.strip("[] "))
            if year not in years or suf:
                years.append(year)
            suffix = suffix or suf
    return tuple(dict.fromkeys(years)), suffix


def split_authors(raw: str) -> tuple[str, ...] | None:
    """Surnames as written ("Borzaga et al." -> ("Borzaga",)); None when it is no author list."""
    raw = raw.strip().rstrip(",")
    etal = ETAL_RE.search(raw)
    tail: tuple[str, ...] = ()
    if etal:
        tail = (etal.group(0).strip(" ,"),)
        raw = raw[: etal.start()].strip()
    if not raw or not NAME_START_RE.match(raw) or len(raw) > 160:
        return None
    first = WORD_RE.match(raw)
    if first and first.group(0).lower().rstrip(".") in NOT_NAMES and " " not in raw.strip():
        return None
    parts = [p.strip() for p in re.split(r"\s*(?:,|;|\s&\s|&|\s(?:et|and|und|y)\s)\s*", raw) if p.strip()]
    if all(NAME_START_RE.match(p) for p in parts) and all(len(p.split()) <= 4 for p in parts):
        return tuple(p[:-1] if p.endswith(".") and len(p) > 3 else p for p in parts) + tail
    # an institution or a document name ("Identité, valeurs et principes coopératifs | ICA")
    return (raw[:-1] if raw.endswith(".") and not raw.endswith(" al.") else raw,) + tail


def _author_year(core: str) -> bool:
    sm = SEGMENT_RE.match(core)
    return bool(sm) and split_authors(sm.group("authors")) is not None


def _segments(body: str) -> Iterator[tuple[int, int]]:
    """Split a bracket's content at ";" and at ", " that follows a year and precedes a new name."""
    start = 0
    boundary = SEGMENT_BOUNDARY_RE
    for m in boundary.finditer(body):
        if m.group(0).strip().startswith(",") and not re.search(rf"{YEAR}$", body[start : m.start()]):
            continue
        yield start, m.start()
        start = m.end()
    yield start, len(body)


def parenthetical(text: str, lo: int = 0, hi: int | None = None) -> list[Callout]:
    """Callouts inside round brackets: one per cited work (a lone year joins the author before it)."""
    out: list[Callout] = []
    for m in BRACKET_RE.finditer(text, lo, len(text) if hi is None else hi):
        body, base = m.group("body"), m.start("body")
        if not re.search(r"\d{4}|s\.\s?d\.|n\.\s?d\.|sous presse|in press|sans date|forthcoming", body):
            continue
        found: list[Callout] = []
        for s, e in _segments(body):
            seg = body[s:e]
            lead = LEAD_RE.match(seg)
            offset = lead.end() if lead else 0
            if not found and not _author_year(seg[offset:].rstrip()):
                inner = list(INNER_LEAD_RE.finditer(seg, offset))  # "(pour la critique, voir Farrall, 2002 ; ...)"
                offset = inner[-1].end() if inner else offset
            core = seg[offset:].rstrip().removesuffix(",").rstrip()  # "(Dumas et Roy, 1997,)"
            note = BRACKET_NOTE_RE.search(core)  # "McCuish, 2020 [dans ce numéro]"
            core = core[: note.start()] if note else core
            remark = REMARK_RE.search(core) if not SEGMENT_RE.match(core) else None
            if remark and SEGMENT_RE.match(core[: remark.start()]):
                core = core[: remark.start()]  # "Qian 1979: 62, translated by the author"
            if not core:
                continue
            cstart = base + s + offset
            sm = SEGMENT_RE.match(core)
            if sm:
                authors = split_authors(sm.group("authors"))
                if authors is None:
                    continue
                years, suffix = parse_years(sm.group("years"))
                found.append(Callout(cstart, cstart + len(core), "parenthetical", authors, years, suffix))
                continue
            ym = YEARS_ONLY_RE.match(core)
            if ym and found and found[-1].end >= base + s - 3:
                prev = found.pop()  # "(Valéau, 2003; 2015)": one author, several years
                years, _ = parse_years(ym.group("years"))
                found.append(
                    Callout(prev.start, cstart + len(core), prev.kind, prev.authors,
                            tuple(dict.fromkeys(prev.years + years)), prev.suffix)
                )
        out.extend(found)
    return out


def narrative(text: str, lo: int = 0, hi: int | None = None) -> list[Callout]:
    """"Putnam (1993)", "Borzaga et al. (2009)", "Emery et Trist (1965 : 12)": names, then a bracketed year."""
    out: list[Callout] = []
    for m in NARRATIVE_TAIL_RE.finditer(text, lo, len(text) if hi is None else hi):
        name_start = _names_before(text, m.start(), lo)
        if name_start is None:
            continue
        raw = text[name_start : m.start()]
        authors = split_authors(raw)
        if authors is None or ENTRY_HEAD_RE.search(raw):
            continue  # "Psychiatric Association. (2000)", "Nilsson, L-G. et al. (1997)": a reference entry
        years, suffix = parse_years(m.group("years"))
        out.append(Callout(name_start, m.end(), "narrative", authors, years, suffix))
    return out


def _names_before(text: str, pos: int, lo: int) -> int | None:
    """Where the run of surnames (with particles, "et", "&", "et al.") ending at `pos` starts."""
    words = list(re.finditer(r"[^\s(),;]+|,", text[max(lo, pos - 160) : pos]))
    base = max(lo, pos - 160)
    start: int | None = None
    i = len(words) - 1
    tail = text[base : pos]
    etal = re.search(r"(?:et\s+al\.?|et\s+coll\.?|&\s*al\.?|and\s+colleagues|et\s+(?:ses\s+)?coll(?:ègues|aborateurs))\s*$", tail)
    if etal:
        cut = base + etal.start()
        words = [w for w in words if base + w.end() <= cut]
        i = len(words) - 1
    expect_name = True
    seen_and = False
    while i >= 0:
        w = words[i].group(0)
        low = w.lower()
        if expect_name:
            bare = w.rstrip(".")
            if re.match(rf"^(?:[{UPPER}]|(?:d|l|D|L|O)[’'][{UPPER}]|Mc|Mac)", bare) and len(bare) > 1 and "." not in bare[:-1]:
                if low.rstrip(".") in NOT_NAMES:
                    break
                start = base + words[i].start()
                i -= 1
                while i >= 0 and words[i].group(0).lower() in PARTICLES:  # "de Moor", "Van de Ven"
                    start = base + words[i].start()
                    i -= 1
                # a second capitalised word directly before: compound surname or given name; keep only
                # when it is not a sentence opener
                if i >= 0 and re.match(rf"^[{UPPER}][\w’'\-]+$", words[i].group(0)) and words[i].group(0).lower() not in NOT_NAMES:
                    if _plain_gap(text, base + words[i].end(), start):
                        start = base + words[i].start()
                        i -= 1
                expect_name = False
                continue
            break
        if low in CONNECTORS or (w == "," and seen_and):
            seen_and = seen_and or low in CONNECTORS
            if i >= 1 and words[i - 1].group(0).lower() not in NOT_NAMES:
                expect_name = True
                i -= 1
                continue
        break
    if start is None:
        return None
    while True:  # drop a dangling connector or comma at the start
        m = re.match(r"(?:,|et|and|&)\s+", text[start:pos])
        if not m:
            break
        start += m.end()
    return start


def _plain_gap(text: str, a: int, b: int) -> bool:
    return text[a:b] == " "


def numeric(text: str, lo: int = 0, hi: int | None = None, limit: int = 999) -> list[Callout]:
    """Numeric bracket groups "[3]", "[3–5]", "[3, 7]" (brackets included), numbers within `limit`."""
    found = NUMERIC_RE.finditer(text, lo, len(text) if hi is None else hi)
    return _number_groups(((m, m.group("body")) for m in found), limit)


def superscripts(text: str, lo: int = 0, hi: int | None = None, limit: int = 999) -> list[Callout]:
    """Superscript number groups ("⁵,⁶", "²⁻³"), numbers within `limit` (those of a numbered list)."""
    found = SUPERSCRIPT_RE.finditer(text, lo, len(text) if hi is None else hi)
    return _number_groups(((m, m.group().translate(FROM_SUPERSCRIPT)) for m in found), limit)


def _number_groups(found: Iterable[tuple[re.Match, str]], limit: int) -> list[Callout]:
    """A numeric callout per (match, its numbers as "3–5, 7") whose numbers all lie in 1..`limit`."""
    out: list[Callout] = []
    for m, body in found:
        numbers = expand_numbers(body)
        if numbers and max(numbers) <= limit and min(numbers) >= 1:
            out.append(Callout(m.start(), m.end(), "numeric", numbers=numbers))
    return out


def expand_numbers(body: str) -> tuple[int, ...]:
    """"3–5, 7" -> (3, 4, 5, 7); ranges longer than 50 are kept as their ends."""
    nums: list[int] = []
    for part in re.split(r"\s*,\s*", body.strip()):
        ends = [int(x) for x in re.split(r"\s*[-–—]\s*", part) if x]
        if len(ends) == 2 and 0 < ends[1] - ends[0] <= 50:
            nums.extend(range(ends[0], ends[1] + 1))
        else:
            nums.extend(ends)
    return tuple(dict.fromkeys(nums))


def standalone(text: str, lo: int, hi: int) -> list[Callout]:
    """A paragraph that is only an author-year ("Dupont, 2006, p. 45" under a block quote)."""
    raw = text[lo:hi]
    core = raw.strip()
    if not core or len(core) > 80 or "\n" in core:
        return []
    sm = SEGMENT_RE.match(core)
    authors = split_authors(sm.group("authors")) if sm else None
    if authors is None or not re.search(r"[,;]", sm.group("authors") + core[sm.end("authors") : sm.start("years")]):
        return []
    start = lo + raw.index(core)
    years, suffix = parse_years(sm.group("years"))
    return [Callout(start, start + len(core), "standalone", authors, years, suffix)]


def find_callouts(text: str, ranges: Sequence[tuple[int, int]] | None = None, numeric_limit: int = 999) -> list[Callout]:
    """Every callout in `text` (or only within `ranges`), sorted, overlaps resolved to the first found."""
    found: list[Callout] = []
    for lo, hi in ranges if ranges is not None else [(0, len(text))]:
        found.extend(parenthetical(text, lo, hi))
        found.extend(standalone(text, lo, hi))
        found.extend(narrative(text, lo, hi))
        if numeric_limit:
            found.extend(numeric(text, lo, hi, numeric_limit))
            found.extend(superscripts(text, lo, hi, numeric_limit))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    out: list[Callout] = []
    for c in found:
        if out and c.start < out[-1].end:
            continue
        out.append(c)
    return out
