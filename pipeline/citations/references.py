"""Reference lists: where they are, and how they split into entries.

Extraction may wrap one entry over several paragraphs (columns, pages) or glue several
entries into one paragraph; `split_entries` rejoins continuations and cuts glued entries
where a new author-year head starts after a full stop.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.citations.callouts import UPPER
from pipeline.extract.entrylines import entry_starts

YEAR_NUM = r"(?:1[5-9]\d\d|20[0-4]\d)"
YEAR_RE = re.compile(rf"\b{YEAR_NUM}[a-z]?\b")
YEAR_SLOT_RE = re.compile(
    rf"\(\s*(?:{YEAR_NUM}[a-z]?(?:\s?[-–/]\s?\d{{1,4}})?(?:\s?\[{YEAR_NUM}\])?(?:,\s[^()]{{1,30}})?|s\.\s?d\.|n\.\s?d\.|sous presse|in press|forthcoming|à paraître)\s*\)"
    rf"|(?<=[.,;:]\s)(?:{YEAR_NUM}[a-z]?|s\.\s?d\.|n\.\s?d\.)(?=[.,;]\s|[.,]?$)"
    rf"|\((?=[^()]{{0,40}}\b{YEAR_NUM}\))[{UPPER}][^()\d]{{1,30}}?[\s,–-]+(?:\d{{1,2}}(?:-\d{{1,2}})?\s\w+\s)?{YEAR_NUM}\)"
)
# "Harvard University Press. Dujardin, Édouard (1899)": a full stop after a word (not an initial)
SENTENCE_IN_NAMES_RE = re.compile(rf"[\w’'][\w’']{{2,}}\.\s+[{UPPER}][\w’']{{2,}}")
# A Chicago note: "Pierre Bourdieu, Les règles de l’art, Paris, Seuil, 1992, p. 12."
CHICAGO_NOTE_RE = re.compile(
    rf"^(?P<author>[{UPPER}][\w’'\-.]+(?: (?:de |van |von |d’)?[{UPPER}][\w’'\-.]+){{0,3}}), "
    rf"(?P<title>«[^»]{{3,300}}»|“[^”]{{3,300}}”|[{UPPER}][^,]{{2,200}}),(?P<rest>.{{0,300}}?\b(?P<year>{YEAR_NUM})\b.*)$",
    re.DOTALL,
)
# An entry's number: "[12]", "12.", or a bare "12 " before a name (a list numbered without punctuation)
NUMBER_LABEL_RE = re.compile(rf"^\s*(?:\[(?P<a>\d{{1,3}})\]|(?P<b>\d{{1,3}})\.(?!\d)|(?P<c>\d{{1,3}})(?=\s+[{UPPER}]))\s*")
# Words that may sit in an author list besides names and initials.
AUTHOR_GLUE = {
    "et", "and", "&", "de", "du", "des", "da", "di", "van", "von", "der", "den", "la", "le", "al.", "al",
    "dir.", "(dir.)", "(dir)", "(éd.)", "(éds)", "(ed.)", "(eds.)", "(eds)", "ed.", "eds.", "sous", "dir)",
    "(sous", "y", "e", "coll.", "d'", "dos", "del", "ter", "st",
}
CONTINUATION_WORDS = {
    "in", "in:", "dans", "en", "available", "retrieved", "disponible", "consulté", "proceedings", "actes",
    "vol.", "pp.", "pages", "p.", "accessed", "url", "doi",
}
TERMINAL_RE = re.compile(r"(?:[.!?»”\")\]]|https?://\S+|\b10\.\d{4,9}/\S+)\s*$")
# A glued entry inside a paragraph: "... Paris, Gallimard. Binet, Laurent (2015). La ..."; never after an
# initial ("Amegashie, F., A. Brilleau, S. Coulibaly ... (2005)" is one entry) nor after the ellipsis of a
# shortened author list ("Rais, A.,... Sharma, S. (2013)").
GLUED_HEAD_RE = re.compile(
    rf"(?<=[.)»”] )(?<!\b[{UPPER}]\. )(?<!\.\.\. )(?=[{UPPER}][\w’'\-]+ \((?:{YEAR_NUM}[a-z]?)\)[.,] "
    rf"|(?:[{UPPER}][{UPPER}’'\-]+ )+(?:[{UPPER}]\.[\s-]?)+(?:[^().]|(?<=\b[{UPPER}])\.){{0,160}}?\((?:{YEAR_NUM}[a-z]?)\)[.,] |(?:(?:d[’']|de |van |von |le |la |St-)?[{UPPER}][\w’'\-]+(?: [\w’'\-]+){{0,2}},"
    rf" (?:[{UPPER}][\w\-]+|[{UPPER}]\.(?:[ -]?[{UPPER}]\.)*)"
    rf"(?:[^().]|(?<=\b[{UPPER}])\.|\.(?=-)){{0,160}}?\s?(?:\((?:dir|éds?|eds?)\.\)\s?)?\((?:{YEAR_NUM}[a-z]?|s\.\s?d\.|n\.\s?d\.)\)))"
)


FOOTER_RE = re.compile(
    r"^\s*(?:doi:\s*\S+\s+)?(?:Cite this article as|Submit your next manuscript|Pour citer cet article|"
    r"Received:|Accepted:|Published:|Copyright\b|©)",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Entry:
    """One reference entry: offsets into the text and its number when the list is numbered."""

    start: int
    end: int
    number: int | None = None


def author_head(text: str) -> re.Match | None:
    """The year slot of an entry when what precedes it looks like an author list."""
    m = YEAR_SLOT_RE.search(text, 0, min(len(text), 320))
    if not m:
        return None
    prefix = text[: m.start()].strip()
    if not prefix or not re.match(rf"^(?:[{UPPER}]|(?:d|l|O)[’']|(?:de|van|von|da|di|du|le|la|al-)\s?[{UPPER}])", prefix):
        return None
    if re.search(r"\d|\w:\s", prefix) or SENTENCE_IN_NAMES_RE.search(prefix):  # "WHO: Hospitals. 2010."
        return None
    words = prefix.replace(",", " ").replace(";", " ").split()
    loose = [w for w in words if w[0].islower() and w.lower() not in AUTHOR_GLUE]
    return m if len(loose) <= max(1, len(words) // 6) else None


def is_entry_start(para: str, numbered: bool) -> bool:
    """Whether a paragraph opens a new entry (rather than continuing the one before)."""
    if numbered:
        return bool(NUMBER_LABEL_RE.match(para)) and bool(re.match(r"^\s*\[?\d{1,3}(?:[\].]\s*|\s+)[^\s\d]", para))
    if not para or not (para[0].isupper() or para[0] in "«“\"'" or re.match(r"^(?:d[’']|de |van |von )", para)):
        return False
    return author_head(para) is not None


def looks_numbered(paras: Sequence[str]) -> bool:
    """A numbered (Vancouver) list: most paragraphs open with "1.", "[1]", or a bare "1 " counting up."""
    if not paras:
        return False
    hits = sum(bool(re.match(r"^\s*\[?\d{1,3}[\].]\s+\S", p)) for p in paras)
    if hits >= max(2, 0.4 * len(paras)):
        return True
    bare = [int(m.group(1)) for p in paras if (m := re.match(rf"^\s*(\d{{1,3}})\s+[{UPPER}]", p))]
    counting = sum(b == a + 1 for a, b in zip(bare, bare[1:]))
    return counting >= max(2, 0.5 * len(paras))


def one_entry_each(paras: Sequence[str]) -> bool:
    """Whether the list's paragraphs are its entries (a text export, one entry a paragraph): nearly all
    (nine in ten) open like an entry and end like one (not cut on a comma or a word in lower case), and
    half hold a year, whatever the citation style, or (laws and archives often have none) nearly all
    close on a full stop or semicolon and are not a wrapped list's lines."""
    if len(paras) < 3:
        return False
    whole = sum(_opens_entry(p) and not _left_open(p) and 15 <= len(p) <= 1500 for p in paras)
    if whole < 0.9 * len(paras):
        return False
    dated = sum(bool(YEAR_RE.search(p)) for p in paras)
    if dated >= 0.5 * len(paras):
        return True
    # laws, cases and archives ("Loi sur les coopératives, RLRQ, c. C-67.2;"): undated, but each closed
    # like an entry, and not the lines of a wrapped list
    return sum(_closes_entry(p) for p in paras) >= 0.9 * len(paras) and _line_width(paras) is None


def _opens_entry(para: str) -> bool:
    """A capital, a bare number, a quote, a bracketed name or the "---." of a repeated author."""
    return para[:1].isupper() or para[:1].isdigit() or para[:1] in "«“\"‘'[" or para.startswith(("---", "——", "__"))


def _closes_entry(para: str) -> bool:
    return bool(TERMINAL_RE.search(para)) or para.rstrip().endswith(";")


def _left_open(para: str) -> bool:
    """An entry cut mid-way: it ends on a comma, colon, dash, conjunction or a word in lower case
    ("... in the"), or a bracket or quote is still open."""
    para = para.rstrip()
    if re.search(r"(?:https?://|www\.)\S+(?: [\w%~+#/.?=&-]+){0,3}$", para):
        # a URL last: "https://www.ncbi.nlm.nih.gov/pmc/articles/PMC5888271/", or broken by a line end
        # where a printer breaks URLs anywhere (".../ICD10Volume2_fr_2008. pdf", "..._different_ estimates")
        return False
    if re.search(r"[,:(\[«“&/–-]$|(?<![\w.])[a-zà-ÿ]+$", para) and not re.search(r"\b(?:al|éd|ed|eds|dir|coll|p|pp|n|no|vol)$", para):
        return True
    return para.count("(") > para.count(")") or para.count("«") > para.count("»") or para.count("“") > para.count("”")


SUBHEADING_RE = re.compile(r"[A-ZÀ-Þ][\w’'\-]*(?: [\w’'\-]+){0,3}")


def _subheading(text: str, paras: Sequence[tuple[int, int]], i: int) -> bool:
    """A list's own sub-heading ("Lois", "Jurisprudence", "Fuentes primarias", "Sources"): a line of
    at most four words, no digit and no punctuation, alone after a closed entry (or first) and before more."""
    body = text[paras[i][0] : paras[i][1]].strip()
    if not SUBHEADING_RE.fullmatch(body) or any(ch.isdigit() for ch in body) or i + 1 >= len(paras):
        return False
    return i == 0 or bool(TERMINAL_RE.search(text[paras[i - 1][0] : paras[i - 1][1]]))


def split_entries(text: str, paragraphs: Sequence[tuple[int, int]], notes: bool = False) -> list[Entry]:
    """Entries of a reference list given its paragraphs (offsets into `text`), in order; with
    `notes`, every paragraph that opens with a note number is an entry."""
    paras = [(s, e) for s, e in paragraphs if text[s:e].strip()]
    paras = [(s, e) for i, (s, e) in enumerate(paras) if not _subheading(text, paras, i)]
    numbered = looks_numbered([text[s:e] for s, e in paras])
    whole = not numbered and one_entry_each([text[s:e] for s, e in paras])
    groups: list[list[int]] = []  # [start, end] of each entry so far
    width = None if numbered or whole else _line_width([text[s:e] for s, e in paras])
    starts = entry_starts([text[s:e] for s, e in paras], width) if width else set()
    for i, (s, e) in enumerate(paras):
        body = text[s:e]
        if groups and FOOTER_RE.match(body):
            break  # the journal's footer after the last entry ("Cite this article as: ...")
        prev = text[groups[-1][0] : groups[-1][1]] if groups else ""
        if not groups:
            start_new = True
        elif width:  # the paragraphs are the list's lines (a PDF that gave no entry shapes): the line model parts them
            start_new = i in starts
        elif is_entry_start(body, numbered) or (notes and re.match(r"^\[?\d{1,3}[\].]?\s", body)):
            start_new = True
        elif numbered:
            start_new = False
        else:
            first = body.split(" ", 1)[0].lower()
            if whole:
                start_new = not _left_open(prev) and _opens_entry(body) and first not in CONTINUATION_WORDS
            else:
                start_new = (
                    bool(TERMINAL_RE.search(prev))
                    and body[:1].isupper()
                    and first not in CONTINUATION_WORDS
                    and _year_before_sentence_end(body)
                    and len(body) > 40
                )
        if start_new:
            groups.append([s, e])
        else:
            groups[-1][1] = e
    entries: list[Entry] = []
    for s, e in groups:
        cuts = [s] + ([] if numbered else [s + m.start() for m in GLUED_HEAD_RE.finditer(text[s:e])]) + [e]
        for a, b in zip(cuts, cuts[1:]):
            a, b = _trim(text, a, b)
            if b > a:
                label = NUMBER_LABEL_RE.match(text[a:b]) if numbered else None
                number = int(label.group("a") or label.group("b") or label.group("c")) if label else None
                entries.append(Entry(a, b, number))
    return entries


def _line_width(paras: Sequence[str]) -> float | None:
    """The line width when a list's paragraphs are its lines rather than its entries: many of them, short,
    of much the same length (full lines), some cut mid-phrase (a comma, a word in lower case last:
    one in ten, at least two; short entries of one line each leave few cut), else None."""
    if len(paras) < 6:
        return None
    lengths = sorted(len(p) for p in paras)
    p90, median = lengths[int(0.9 * (len(lengths) - 1))], lengths[len(lengths) // 2]
    cut = sum(_left_open(p) for p in paras)
    return float(p90) if p90 < 130 and median >= 0.55 * p90 and cut >= max(2, len(paras) / 10) else None


def _year_before_sentence_end(body: str) -> bool:
    """A year within the first 300 characters with no full stop between words before it."""
    m = re.search(YEAR_NUM, body[:300])
    return bool(m) and not SENTENCE_IN_NAMES_RE.search(body[: m.start()])


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


REFERENCE_LIKE_RE = re.compile(rf"^(?:\[?\d{{1,3}}[\].]\s+)?[{UPPER}]")


def reference_paragraphs(
    text: str,
    paragraphs: Sequence[tuple[int, int, str]],
    sections: Sequence[tuple[int, int, str]],
) -> list[list[tuple[int, int]]]:
    """The paragraphs of each reference list: sections with role "references" (heading left out),
    and runs of note paragraphs that are reference entries (footnote bibliographies)."""
    lists: list[list[tuple[int, int]]] = []
    for s_start, s_end, role in sections:
        if role != "references":
            continue
        paras = [
            (a, b) for a, b, kind in paragraphs
            if s_start <= a and b <= s_end and kind != "note" and (kind != "heading" or _entry_like(text[a:b]))
        ]
        if paras:
            lists.append(paras + _spill(text, paragraphs, paras))
    taken = {p for group in lists for p in group}
    notes = [(a, b) for a, b, kind in paragraphs if kind == "note" and (a, b) not in taken]
    run: list[tuple[int, int]] = []
    for i, (a, b) in enumerate(notes + [(-1, -1)]):
        numbered = bool(run) and a >= 0 and NUMBER_LABEL_RE.match(text[a:b]) is not None
        if a >= 0 and (numbered or _note_reference(text, a, b)):
            run.append((a, b))
            continue
        nxt = notes[i + 1] if i + 1 < len(notes) else None
        if a >= 0 and run and b - a < 300 and nxt and (
            _note_reference(text, *nxt) or NUMBER_LABEL_RE.match(text[nxt[0] : nxt[1]])
        ):
            run.append((a, b))  # a wrapped line between two entries
            continue
        if len(run) >= 2:
            lists.append(run)
        run = []
    return lists


def _note_reference(text: str, a: int, b: int) -> bool:
    """A footnote that is a reference entry (author-year head, or a numbered Vancouver entry)."""
    body = _strip_note_number(text[a:b])
    numbered = NUMBER_LABEL_RE.match(text[a:b])
    if author_head(body) or (b - a < 500 and CHICAGO_NOTE_RE.match(body)):
        return True
    return bool(numbered and _vancouver_like(body))


def _entry_like(para: str) -> bool:
    """A paragraph extraction took for a heading that is really an entry ("3. Shojania KG, ...")."""
    return is_entry_start(para, True) and _vancouver_like(_strip_note_number(para)) or is_entry_start(para, False)


def _spill(
    text: str, paragraphs: Sequence[tuple[int, int, str]], paras: Sequence[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Entries that extraction left after the section's end (next column or page): following
    paragraphs that open entries, with at most one continuation paragraph between two of them."""
    numbered = looks_numbered([text[a:b] for a, b in paras])
    after = [  # footnotes (a licence line under "Notes") are not the list's next column
        (a, b) for a, b, kind in paragraphs
        if a >= paras[-1][1] and kind != "note" and (kind != "heading" or _entry_like(text[a:b]))
    ]
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(after):
        a, b = after[i]
        if is_entry_start(text[a:b], numbered):
            out.append((a, b))
            i += 1
        elif i + 1 < len(after) and is_entry_start(text[after[i + 1][0] : after[i + 1][1]], numbered) and b - a < 300:
            out.extend(after[i : i + 2])
            i += 2
        else:
            break
    return out


def _strip_note_number(s: str) -> str:
    return re.sub(r"^\s*\[?\d{1,3}[\].]?\s*", "", s)


def _vancouver_like(body: str) -> bool:
    """"Shojania KG, Grimshaw JM: Evidence-based ... Health Aff 2005, 24(1):138–150."""
    return bool(re.match(rf"^[{UPPER}][\w’'\-]+(?: [{UPPER}][\w’'\-]+)? [A-Z]{{1,3}}\b", body))
