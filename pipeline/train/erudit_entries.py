"""Labelled reference strings derived from Érudit's typography, for fitting the reference-field CRF.

Érudit tags no fields, but its typesetting fixes the skeleton of most entries: small capitals are the authors'
family names, a «quoted» or “quoted” stretch is an article's title, italics are a book's title or, after a
quoted or plain title, the journal or book it is in, and "(yyyy)" / ", yyyy," is the year. The skeleton is
found by rules on classes of entries (author-year with the year before the title, humanities style with the
year at the end); the rest of the entry is labelled by the cue words of its class ("vol. 12", "no 3", "n° 4",
"p. 5-9", "Place : Publisher", "Dans X (dir.)"). An entry whose skeleton the rules cannot fix (no title found,
an author stretch that is not names) is left out rather than guessed. Only the development side of
`pipeline/data/erudit_split.json` is read here: the held-out files stay out of fitting.
"""

from __future__ import annotations

import re
from pathlib import Path

from pipeline.citations.labeller import EDITOR_WORDS, IN_WORDS, ISSUE_WORDS, PAGE_WORDS, PLACE_WORDS, VOL_WORDS
from pipeline.evaluation.erudit import flat, marked_runs, marked_text
from pipeline.evaluation.reffields import QUOTED_TITLE_RE as QUOTED_RE, Labelled, erudit_refs

# Cue words between fields ("vol.", "p.", "dir.", "et"): left unlabelled (O), as GROBID's corpus leaves them.
CUE_WORDS = EDITOR_WORDS | IN_WORDS | ISSUE_WORDS | PAGE_WORDS | VOL_WORDS | {"et", "and", "doi", "n°"}
YEAR = r"(?:1[5-9]\d\d|20[0-3]\d)"
# The year of an author-year entry: "(2002)", "(2008a)", ", 2004 :", " 2008." right after the names.
HEAD_YEAR_RE = re.compile(rf"\(({YEAR})[a-z]?(?:[-–/]\d{{2,4}})?\)|(?<=[\s,])({YEAR})[a-z]?(?:[-–]{YEAR})?(?=\s?[.,:;])")
IN_RE = re.compile(r"(?:^|[\s.,])(?:in|dans|In|Dans|IN|DANS)\s*:?\s+")
EDITOR_END_RE = re.compile(r"\((?:sous la )?(?:dir|éds?|eds?|Éds?|Eds?|coord|dirs)\.?\)|,\s*(?:dir|éds?|eds?|coord)\.(?=\s|,)")
NAMEISH_RE = re.compile(r"^[\w.,;&'’\-–\s()]*$")
# Cue-word classes of the rest of an entry.
REST_RULES = (
    ("url", re.compile(r"(?:https?://|www\.)[^\s<>\"]+[^\s<>\".,;)]")),
    ("doi", re.compile(r"\b10\.\d{4,9}/[^\s\",;]+[^\s\",;.]")),
    ("volume", re.compile(r"\b(?:[Vv]ol(?:ume)?s?\.?|[Tt]ome|t\.)\s*([IVXLC]+|\d+(?:[-–/]\d+)?)\b")),
    ("issue", re.compile(r"(?:\b[Nn]o\.?|\b[Nn][°º]|\b[Nn]um(?:éro)?\.?|\b[Nn]umber|\b[Ii]ssue)\s*(\d+(?:[-–/]\d+)?)\b")),
    ("pages", re.compile(r"\b(?:pp?\.|[Pp]ages?|[Pp]\.)\s*(\d+(?:\s?[-–]\s?\d+)?)\b")),
    ("pages", re.compile(r"(?<![\w(/.\-])(\d{1,5}\s?[-–]\s?\d{1,5})(?![\w)/\-])")),
    ("year", re.compile(rf"(?<![\w/.\-])({YEAR})[a-z]?(?![\w/\-])")),
)
# "Montréal : Presses de l'Université du Québec", "Thousand Oaks, CA : Sage": place, then publisher.
PLACE_COLON_RE = re.compile(r"(?:^|(?<=[.,)]\s)|(?<=\.))([A-ZÀ-Ý][\w’'\-]+(?:[ \-][A-ZÀ-Ý][\w’'\-]+){0,2}(?:,\s?[A-Z][\w.]{1,12})?)"
                            r"\s?:\s?([A-ZÀ-Ý][^.:;()]{1,80}?)(?=\s?[,.;(]|$)")
# "Paris, Gallimard, 1946": a one-word place, its publisher, then the year.
PLACE_COMMA_RE = re.compile(rf"(?:^|(?<=[.,]\s))([A-ZÀ-Ý][\w’'\-]+(?:[ \-][A-ZÀ-Ý][\w’'\-]+)?),\s([A-ZÀ-Ý][^.,:;()]{{1,70}}?)(?=,\s{YEAR}|\.?$|\.\s)")


def _strip(text: str, a: int, b: int, chars: str = " ,.;:") -> tuple[int, int]:
    while a < b and text[a] in chars:
        a += 1
    while b > a and text[b - 1] in chars:
        b -= 1
    return a, b


def label_entry(text: str, marks: list[str | None]) -> list[tuple[int, int, str]] | None:
    """The labelled stretches of one entry, or None when its skeleton (authors, title) cannot be fixed."""
    italics = [(a, b) for a, b in marked_runs(text, marks, "italique") if sum(c.isalpha() for c in text[a:b]) >= 3]
    quoted = QUOTED_RE.search(text)
    first_italic = italics[0][0] if italics else len(text)
    spans: list[tuple[int, int, str]] = []
    title_at: tuple[int, int] | None = None
    container_at: tuple[int, int] | None = None
    if quoted and re.search(r"[«“]", quoted.group(0)[1:]):
        return None  # a quote inside the quoted title: where it closes is not sure
    head = HEAD_YEAR_RE.search(text[: quoted.start() if quoted else first_italic])
    if quoted and head and re.search(r"\w", text[head.end():quoted.start()]):
        quoted = None  # quotes inside a plain title ("... de « l'apprentissage »")
    if quoted and quoted.start() < first_italic:
        title_at = quoted.span(1) if quoted.group(1) is not None else quoted.span(2)
        after = [s for s in italics if s[0] >= quoted.end()]
        if after and not text[quoted.end():after[0][0]].strip(" ,.;:") or after and IN_RE.search(text[quoted.end():after[0][0]]):
            container_at = after[0]
    head = HEAD_YEAR_RE.search(text[: title_at[0] if title_at else first_italic])
    if title_at is None:
        before = text[head.end() if head else 0: first_italic]
        if italics and not before.strip(" ,.;:") or italics and not head:
            title_at = italics[0]  # a book: its italics straight after the names and year
            if IN_RE.search(text[: title_at[0]]) and not head:
                return None
        elif head and italics:
            # author-year, plain title: from the year to the sentence stop before "Dans/In" or the italics
            cut = IN_RE.search(before)
            end = cut.start() if cut else len(before)
            a, b = _strip(text, head.end(), head.end() + end)
            if b - a < 10 or not re.search(r"[.?!»”]\s*$", text[: head.end() + end].rstrip()):
                return None
            title_at = (a, b)
            container_at = italics[0]
        else:
            return None
    if container_at is None and IN_RE.search(text, title_at[1]):
        return None  # "« Titre ». Dans Oeuvres complètes, ...": where the unmarked book ends is not sure
    if head and head.start() > title_at[0]:
        head = None
    start_title = title_at[0] - (1 if title_at[0] > 0 and text[title_at[0] - 1] in "«“" else 0)
    author_end = head.start() if head else start_title
    a, b = _strip(text, 0, author_end, " ,.;:(")
    a = re.match(r"^(?:\[?\d{1,3}[\].]?\s)?", text[a:b]).end() + a  # an entry number is no author
    author = text[a:b]
    if not author or len(author.split()) > 40 or not NAMEISH_RE.match(author) or not any(c.isupper() for c in author) \
            or re.search(r"\d", author):
        return None
    if IN_RE.search(" " + author):
        return None
    spans.append((a, b + (1 if text[b:b + 1] == "." and re.search(r"\b[A-ZÀ-Ý]$", author) else 0), "author"))
    if head:
        y = head.span(1) if head.group(1) else head.span(2)
        spans.append((y[0], y[1], "year"))
    spans.append((*_strip(text, *title_at), "title"))
    if container_at:
        c0, c1 = _strip(text, *container_at)
        vol = re.search(r",\s?(\d{1,4})$", text[c0:c1])  # "Qualitative Inquiry, 2": APA sets the volume in italics too
        if vol:
            spans.append((c0 + vol.start(1), c0 + vol.end(1), "volume"))
            c1 = c0 + vol.start()
        spans.append((c0, c1, "container"))
    _label_rest(text, marks, spans, title_at[1], container_at is None and not IN_RE.search(text[title_at[1]:]))
    return sorted(spans)


def _free(spans: list[tuple[int, int, str]], a: int, b: int) -> bool:
    return all(b <= s or a >= e for s, e, _ in spans)


def _label_rest(text: str, marks: list[str | None], spans: list[tuple[int, int, str]], title_end: int, book: bool) -> None:
    """Volume, issue, pages, year, place, publisher, editor, DOI, URL and note stretches after the skeleton."""
    skeleton_end = max(e for _s, e, _l in spans)
    rest_from = skeleton_end
    inn = IN_RE.search(text, title_end)
    if inn and not book:
        ed = EDITOR_END_RE.search(text, inn.end())
        nxt = [s for s, _e, lab in spans if lab == "container" and s > inn.end()]
        end = ed.start() if ed and (not nxt or ed.start() < nxt[0]) else nxt[0] if nxt else None
        if end is not None:
            a, b = _strip(text, inn.end(), end)
            if b > a and _free(spans, a, b) and NAMEISH_RE.match(text[a:b]) and len(text[a:b].split()) <= 30:
                spans.append((a, b, "editor"))
    container = [(s, e) for s, e, lab in spans if lab == "container"]
    if container:
        c_end = container[0][1]
        m = re.match(r"^[\s,.]*(\d{1,4})(?:\s?\((\d+(?:[-–/]\d+)?)\))?", text[c_end:])
        if m and not _free(spans, c_end + m.start(1), c_end + m.end(1)):
            m = re.match(r"^[\s,.]*\d{1,4}\s?\((\d+(?:[-–/]\d+)?)\)", text[c_end:])
            if m:
                spans.append((c_end + m.start(1), c_end + m.end(1), "issue"))
            m = None
        if m and not re.match(rf"^{YEAR}$", m.group(1)) or m and marks[c_end + m.start(1)] == "italique":
            spans.append((c_end + m.start(1), c_end + m.end(1), "volume"))
            if m.group(2):
                spans.append((c_end + m.start(2), c_end + m.end(2), "issue"))
    for lab, rx in REST_RULES:
        for m in rx.finditer(text, rest_from):
            a, b = m.span(1) if m.groups() else m.span()
            if _free(spans, a, b) and not (lab == "year" and any(l == "year" for *_x, l in spans)):
                spans.append((a, b, lab))
    for rx in (PLACE_COLON_RE, PLACE_COMMA_RE):
        for m in rx.finditer(text, rest_from):
            if rx is PLACE_COMMA_RE and m.group(1).split()[0].lower() not in PLACE_WORDS:
                continue  # "Augustus M. Kelley, New York": a comma pair is place and publisher only after a known place
            if _free(spans, m.start(1), m.end(2)) and not re.search(r"\d", m.group(0)):
                spans.append((m.start(1), m.end(1), "place"))
                spans.append((*_strip(text, m.start(2), m.end(2)), "publisher"))
                break
    # what is left of words after the skeleton is a note ("Master's thesis", "coll. Sociologie", "[En ligne]")
    taken = sorted((s, e) for s, e, _l in spans)
    pos = 0
    gaps = []
    for s, e in taken + [(len(text), len(text))]:
        if s > pos:
            gaps.append((pos, s))
        pos = max(pos, e)
    for a, b in gaps:
        if a < skeleton_end:
            continue
        for piece in re.finditer(r"[^,;()\[\]]+", text[a:b]):
            pa, pb = _strip(text, a + piece.start(), a + piece.end(), " ,.;:()[]«»“”-–&")
            word = text[pa:pb]
            if sum(c.isalpha() for c in word) >= 2 and word.lower() not in CUE_WORDS:
                spans.append((pa, pb, "note"))


def training_entries(folder: Path) -> list[Labelled]:
    """Every `<refbiblio>` of the development Érudit files whose skeleton the rules fix, in file-name order."""
    out: list[Labelled] = []
    for path, ref in erudit_refs(folder, held=False):
        text, marks = marked_text(ref)
        if len(text) < 20 or text != flat(ref):
            continue
        spans = label_entry(text, marks)
        if spans:
            out.append(Labelled(text, tuple(spans), path.name, "fr"))
    # French bibliographies also set the first family name in capitals with no comma ("CARTELIER J. (1995)",
    # "DUMEZ Hervé et ..."): one entry in three of those that open "Family, I." is given that form too
    heads = [v for v in map(capitals_variant, out) if v]
    return out + heads[::3]


HEAD_RE = re.compile(r"([A-ZÀ-Ý][\w’'\-]+(?: [A-ZÀ-Ý][\w’'\-]+)?), (?=[A-ZÀ-Ý][\w.\-]*[\s,.(])")


def capitals_variant(item: Labelled) -> Labelled | None:
    """The entry with its first family name in capitals and no comma after it ("Cartelier, J. (1995)" ->
    "CARTELIER J. (1995)"), labels moved with the text; None when it does not open "Family, Given"."""
    m = HEAD_RE.match(item.text)
    if not m or not item.spans or item.spans[0][2] != "author" or item.spans[0][0] != 0:
        return None
    cut = m.end(1)  # the comma goes: one character less from there on
    text = m.group(1).upper() + item.text[cut + 1:]
    spans = tuple((a - (a > cut), b - (b > cut), lab) for a, b, lab in item.spans)
    return Labelled(text, spans, item.source, item.lang_attr)
