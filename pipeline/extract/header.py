"""A paper's own metadata read from its first page: title, authors, affiliations, abstracts, keywords, journal,
volume, issue, pages, year, DOI.

Each line of the first page(s) gets one label (title, author, affiliation, abstract, keyword, meta, other)
from a multinomial logistic model over the line's shape (length, case, digits, e-mail, affiliation words,
"Résumé"/"Abstract"/"Mots-clés"/"Keywords" cues, DOI and year patterns), its place on the page, its font
(size against the page's body size, bold, centring: absent for plain text, where a flag says so) and
its neighbours' shape; a Viterbi pass over the label transitions keeps the sequence coherent (a title is
one run of lines). Fields with a clear shape are read by rules: the DOI, the year (from a journal line,
a "©" or a date, never from an abstract), volume, issue and pages. The weights are fitted by
`pipeline.train.header` on GROBID's header corpus and the Érudit development split rendered as PDFs; they
ship as `pipeline/data/header.json` and are read once per process.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from pathlib import Path

LABELS = ("title", "author", "affiliation", "abstract", "keyword", "meta", "other")
MAX_LINES = 80  # lines of the first page(s) the model reads
YEAR = re.compile(r"(?<![\d/.-])(1[89]\d\d|20[0-4]\d)(?![\d/])")
DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\{[\w.,\s-]+\}@|@[\w-]+\.(?:edu|org|com|fr|ca|de|uk)")
URL = re.compile(r"https?://|www\.", re.I)
ABSTRACT_CUE = re.compile(r"^\W*(abstract|r[ée]sum[ée]|summary|resumen|resumo|zusammenfassung|synopsis)\b", re.I)
KEYWORD_CUE = re.compile(r"^\W*(key\s?-?words?|mots[- ]cl[ée]s|mots cl[ée]s|index terms|palabras clave|"
                         r"palavras-chave|schlüsselwörter|subject headings)\b", re.I)
INTRO_CUE = re.compile(r"^\W*(?:(?:\d+|[ivx]+)\.?\s*)?(introduction|background|préambule|avant-propos)\b", re.I)
AFFIL_WORDS = re.compile(
    r"\b(univ\w*|department|dept\.?|département|departamento|institut\w*|laborato\w*|lab\b|school|[ée]cole|college|"
    r"coll[èe]ge|cent(?:er|re)|centro|cnrs|umr|inra\w*|inserm|faculty|facult[ée]|corporation|inc\.|ltd|gmbh|"
    r"hospital|h[ôo]pital|research|recherche|chaire|chair|academy|acad[ée]mie|ministry|minist[èe]re|"
    r"usa|france|canada|qu[ée]bec|montr[ée]al|paris|germany|uk|china|japan|italy|spain|belgi\w+|suisse|"
    r"switzerland|street|avenue|rue|road|cedex|professeur\w*|professor|chercheu\w+|researcher|doctora\w*|"
    r"ph\.?d|étudiant\w*|student|candidate|lecturer|maître)\b", re.I)
META_WORDS = re.compile(
    r"\b(journal|revue|review|proceedings|actes|vol\.?|volume|num[ée]ro|no\.|n°|nº|issue|pp\.|p\.|issn|isbn|"
    r"copyright|©|received|accepted|published|publi[ée]|reçu|accept[ée]|doi|uri|arxiv|preprint|"
    r"conference|conf[ée]rence|workshop|symposium|édition|edition|press|presses|éditeur|editor|pages?|"
    r"licen[cs]e|rights|droits|cite|citer|citation|available|disponible|online|en ligne)\b", re.I)
MONTHS = (r"jan(?:uary|vier)?|feb(?:ruary)?|f[ée]v(?:rier)?|mar(?:ch|s)?|apr(?:il)?|avr(?:il)?|may|mai|june?|juin|"
          r"july?|juil(?:let)?|aug(?:ust)?|ao[ûu]t|sep(?:t(?:ember|embre)?)?|oct(?:ober|obre)?|nov(?:ember|embre)?|"
          r"dec(?:ember)?|d[ée]c(?:embre)?")
# A line that is a date and little else: "24 May 2011", "2015/02/17", "Spring 2004", "March 3, 1998",
# "October, 1992", "23 rd November 2019", "2013 February 1." (year first)
DATE_LINE = re.compile(rf"^\W*(?:(?:\d{{1,2}}\s?(?:st|nd|rd|th|er)?\s+)?(?:{MONTHS})\.?,?\s+(?:\d{{1,2}},?\s+)?"
                       rf"(?:1[89]|20)\d\d|(?:1[89]|20)\d\d\s+(?:{MONTHS})\.?(?:\s+\d{{1,2}})?|"
                       rf"(?:1[89]|20)\d\d[/-]\d\d?[/-]\d\d?|\d\d?[/.-]\d\d?[/.-](?:1[89]|20)\d\d|"
                       rf"(?:spring|summer|fall|autumn|winter|printemps|[ée]t[ée]|automne|hiver),?\s+(?:1[89]|20)\d\d)\W*$", re.I)


def is_date_line(text: str) -> bool:
    """A line that is a date: not the tail of a bracket opened on the line before ("2019-12-19].", the end of a
    reference's "[consulté le" / "accessed" date)."""
    return bool(DATE_LINE.match(text)) and text.count("]") <= text.count("[") and text.count(")") <= text.count("(")


# A line that says where the paper appeared: "Proceedings of NAACL-HLT 2018, pages 84–91", "Actes de TALN 2010"
PUBLISHED_IN = re.compile(r"^\W*(?:proceedings|actes|in:|journal of|revue d|published in|publi[ée] dans)\b", re.I)
VOLUME = re.compile(r"\b(?:vol(?:ume)?\.?|v\.)\s*(\d{1,4})\b", re.I)
ISSUE = re.compile(r"\b(?:num[ée]ro|no\.?|n°|nº|issue|number|iss\.?)\s*(\d{1,4}(?:[-–]\d{1,4})?)\b", re.I)
VOL_ISSUE = re.compile(r"\b(\d{1,4})\s*\((\d{1,4}(?:[-–]\d{1,4})?)\)")
PAGES = re.compile(r"\b(?:pp?\.|pages?)\s*(\d{1,5}\s*[-–]\s*\d{1,5})\b", re.I)
NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-Þ][\w’'\-]*\.?|[A-ZÀ-Þ]\.(?:-?[A-ZÀ-Þ]\.)*|de|du|des|da|van|von|der|le|la|di|"
                        r"del|dos|and|et|&|y|e|\W+|\d[\d,*†‡§]*|[*†‡§,]+)$")
STOP = frozenset("the of and in for on to a an with from by is are we this that our le la les de des du et en un une "
                 "pour dans sur par est sont nous cette ces qui que au aux ce".split())

NUMERIC = (
    "bias", "has_font", "size", "size_max", "bold", "centred", "indent", "top", "index", "first3",
    "chars", "words", "upper", "capital", "lower_start", "stop", "digits", "commas", "period_end", "colon",
    "email", "url", "doi", "year", "affil", "meta", "abstract_cue", "keyword_cue", "intro_cue", "names",
    "and_word", "marks", "after_abstract", "after_keyword", "after_intro", "since_cue", "same_size_prev",
    "same_size_next", "gap_before", "gap_after", "page2",
    "given", "person_list", "first3_names", "bold_names", "first3_meta", "first3_size", "big_names",
)
NEIGHBOUR = ("size", "bold", "chars", "capital", "stop", "email", "affil", "meta", "abstract_cue", "keyword_cue",
             "names", "period_end", "year", "centred", "given", "person_list")
FEATURES = (*NUMERIC, *(f"prev_{n}" for n in NEIGHBOUR), *(f"next_{n}" for n in NEIGHBOUR))
# the second pass also reads the first pass's label probabilities of the line and its two neighbours each side
STACK = tuple(f"p{d:+d}_{label}" for d in (-2, -1, 0, 1, 2) for label in LABELS)
PERSON = r"(?:[A-ZÀ-Þ][\w’']+-[A-ZÀ-Þ]\.|[A-ZÀ-Þ][\w’'\-]+|[A-ZÀ-Þ]\.(?:\s?-?[A-ZÀ-Þ]\.)*)"
PERSON_LIST = re.compile(
    rf"^(?:by\s+|par\s+)?{PERSON}(?:\s+(?:(?:de|du|da|van|von|der|le|la|di|del)\s+)?{PERSON}){{1,3}}[\s\d,*†‡§¹²³⁴⁵⁶⁷⁸⁹]*"
    rf"(?:(?:,|;|\band\b|\bet\b|&)\s*{PERSON}(?:\s+(?:(?:de|du|da|van|von|der|le|la|di|del)\s+)?{PERSON}){{1,3}}"
    r"[\s\d,*†‡§¹²³⁴⁵⁶⁷⁸⁹]*)*$")


@dataclass(frozen=True)
class HeaderLine:
    """One line of a first page: its text and, from a PDF, its font size, boldness and place (None for plain text)."""

    text: str
    page: int = 1
    size: float | None = None
    bold: bool | None = None
    x0: float | None = None
    x1: float | None = None
    top: float | None = None
    page_width: float | None = None
    page_height: float | None = None


@dataclass
class Header:
    """What a first page says about its paper; empty fields were not found."""

    title: str | None = None
    subtitle: str | None = None
    authors: list[dict[str, str]] = field(default_factory=list)
    affiliations: list[str] = field(default_factory=list)
    abstracts: dict[str, str] = field(default_factory=dict)  # language -> text
    keywords: dict[str, list[str]] = field(default_factory=dict)  # language -> terms
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    year: int | None = None
    doi: str | None = None

    @property
    def full_title(self) -> str | None:
        if not self.title or not self.subtitle:
            return self.title
        sep = " " if self.title.endswith((":", "?", "!", ".")) else ": "
        return self.title + sep + self.subtitle


# ---------------------------------------------------------------- the lines of a first page


def pdf_lines(path: Path, password: str | None = None, pages: int = 2) -> list[HeaderLine]:
    """The first MAX_LINES lines of a PDF's first `pages` pages (what the model labels)."""
    return pdf_lines_all(path, password, pages)[:MAX_LINES]


OCR_SURE = 50  # Tesseract's word confidence (0-100) below which a scanned first page's word is left out


def pdf_lines_all(path: Path, password: str | None = None, pages: int = 2) -> list[HeaderLine]:
    """The lines of a PDF's first `pages` pages in reading order, with their font size, boldness and place:
    all of page 1 (its foot may print the DOI or the journal line), the next pages up to MAX_LINES lines.
    A scanned page (no text layer) is read by Tesseract when it is installed, as `extract` reads it."""
    from pipeline.extract.layout import build_lines
    from pipeline.extract.pdf import WORD_GAP, WORD_Y_TOLERANCE, _dominant_size, ocr_page, scanned
    from pipeline.extract.words import page_words
    from pipeline.extract.pdfchars import open_document, read_page

    doc = open_document(path, password)
    out: list[HeaderLine] = []
    try:
        for index in range(min(pages, len(doc))):
            got = read_page(doc, index)
            if scanned(got):
                # what Tesseract is unsure of on a first page is a logo, a stamp or a smudge, not a title
                words = [w for w in ocr_page(doc, got).words if w["conf"] >= OCR_SURE]
            else:
                words = _join_tracked(page_words(got.columns, WORD_GAP, WORD_Y_TOLERANCE))
            for ln in build_lines(words, got.width, _dominant_size(words)):
                if ln.text.strip():
                    out.append(HeaderLine(" ".join(ln.text.split()), got.number, round(ln.size, 2), ln.bold,
                                          ln.x0, ln.x1, ln.top, got.width, got.height))
            if len(out) >= MAX_LINES:
                break
    finally:
        doc.close()
    return out


def _join_tracked(words: list[dict]) -> list[dict]:
    """Capitals set letter-spaced ("P A T R I C K  T H É R I A U L T") come out of the word builder cut where
    one letter gap passes its threshold ("PATRICK THÉR IAULT"): two words in capitals on one baseline, in one font
    and size, closer than a fifth of the size (a space is wider), are one word."""
    out: list[dict] = []
    for w in words:
        prev = out[-1] if out else None
        if (prev is not None and prev["text"].isupper() and w["text"].isupper() and prev["text"].isalpha()
                and w["text"].isalpha() and prev["fontname"] == w["fontname"] and abs(prev["size"] - w["size"]) < 0.1
                and abs(prev["baseline"] - w["baseline"]) < 0.5 and 0 <= w["x0"] - prev["x1"] < 0.2 * w["size"]):
            out[-1] = dict(prev, text=prev["text"] + w["text"], x1=w["x1"], width=w["x1"] - prev["x0"])
        else:
            out.append(w)
    return out


def text_lines(text: str) -> list[HeaderLine]:
    """The first non-blank lines of a plain text, no font: blank lines are kept as gaps (see `features`)."""
    out: list[HeaderLine] = []
    for raw in text.splitlines():
        line = " ".join(raw.split())
        if line:
            out.append(HeaderLine(line))
        if len(out) >= MAX_LINES:
            break
    return out


# ---------------------------------------------------------------- features


def _shape(line: HeaderLine, body: float | None, biggest: float | None, given_names: frozenset[str]) -> dict[str, float]:
    t = line.text
    chunks = [c.split() for c in re.split(r",|;|\band\b|\bet\b|&", t) if c.split()]
    given = sum(1 for c in chunks if fold(c[0]).replace(" ", "") in given_names) / max(1, len(chunks))
    words = t.split()
    letters = [c for c in t if c.isalpha()]
    font = line.size is not None and body
    caps = sum(1 for w in words if w[:1].isupper())
    names = sum(1 for w in words[:12] if NAME_TOKEN.match(w)) / max(1, min(len(words), 12))
    centred = 0.0
    if line.x0 is not None and line.page_width:
        mid = (line.x0 + line.x1) / 2
        centred = float(abs(mid - line.page_width / 2) < 0.04 * line.page_width and line.x0 > 0.15 * line.page_width)
    return {
        "has_font": float(bool(font)),
        "size": max(-1.0, min(2.0, line.size / body - 1)) if font else 0.0,
        "size_max": float(bool(font) and biggest is not None and line.size >= biggest - 0.1),
        "bold": float(bool(line.bold)),
        "centred": centred,
        "indent": (line.x0 / line.page_width) if line.x0 is not None and line.page_width else 0.0,
        "top": (line.top / line.page_height) if line.top is not None and line.page_height else 0.0,
        "chars": min(len(t), 150) / 100,
        "words": min(len(words), 25) / 20,
        "upper": sum(c.isupper() for c in letters) / max(1, len(letters)),
        "capital": caps / max(1, len(words)),
        "lower_start": float(t[:1].islower()),
        "stop": sum(1 for w in words if w.lower().strip(",.;:") in STOP) / max(1, len(words)),
        "digits": sum(c.isdigit() for c in t) / max(1, len(t)),
        "commas": min(t.count(",") + t.count(";"), 6) / 6,
        "period_end": float(t.endswith(".")),
        "colon": float(":" in t),
        "email": float(bool(EMAIL.search(t))),
        "url": float(bool(URL.search(t))),
        "doi": float(bool(DOI.search(t))),
        "year": float(bool(YEAR.search(t))),
        "affil": min(len(AFFIL_WORDS.findall(t)), 3) / 3,
        "meta": min(len(META_WORDS.findall(t)), 3) / 3,
        "abstract_cue": float(bool(ABSTRACT_CUE.match(t))),
        "keyword_cue": float(bool(KEYWORD_CUE.match(t))),
        "intro_cue": float(bool(INTRO_CUE.match(t)) and len(words) <= 6),
        "names": names,
        "and_word": float(bool(re.search(r"\b(and|et|&)\b", t))),
        "marks": float(bool(re.search(r"[A-Za-zÀ-ÿ]\s?[\d*†‡§]+(?:,|\s|$)|[¹²³⁴⁵⁶⁷⁸⁹*†‡]", t))),
        "given": given,
        "person_list": float(bool(PERSON_LIST.match(t)) and len(t) < 200),
    }


def features(lines: Sequence[HeaderLine], given_names: frozenset[str] = frozenset()) -> list[list[float]]:
    """One feature vector per line (see FEATURES): the line's shape, its place and state, its neighbours'.
    `given_names`: folded given names (the model's lexicon, drawn from its training data)."""
    sized = Counter()
    for ln in lines:
        if ln.size is not None:
            sized[round(ln.size, 1)] += len(ln.text)
    body = max(sized.items(), key=lambda kv: (kv[1], kv[0]))[0] if sized else None
    first = [ln for ln in lines if ln.page == lines[0].page] if lines else []
    biggest = max((ln.size for ln in first if ln.size is not None), default=None)
    shapes = [_shape(ln, body, biggest, given_names) for ln in lines]
    n = len(lines)
    out = []
    seen = {"abstract": -1, "keyword": -1, "intro": -1}
    for i, (ln, s) in enumerate(zip(lines, shapes)):
        prev = shapes[i - 1] if i else None
        nxt = shapes[i + 1] if i + 1 < n else None
        last_cue = max(seen.values())
        f = dict(s)
        f.update({
            "bias": 1.0,
            "index": i / MAX_LINES,
            "first3": float(i < 3),
            "after_abstract": float(seen["abstract"] >= 0),
            "after_keyword": float(seen["keyword"] >= 0),
            "after_intro": float(seen["intro"] >= 0),
            "since_cue": min(i - last_cue, 20) / 20 if last_cue >= 0 else 1.0,
            "same_size_prev": float(prev is not None and s["has_font"] and lines[i - 1].size == ln.size),
            "same_size_next": float(nxt is not None and s["has_font"] and lines[i + 1].size == ln.size),
            "gap_before": _gap(lines[i - 1], ln) if i else 1.0,
            "gap_after": _gap(ln, lines[i + 1]) if i + 1 < n else 1.0,
            "page2": float(ln.page > lines[0].page),
        })
        f.update({
            "first3_names": f["first3"] * f["person_list"],
            "bold_names": f["bold"] * f["person_list"],
            "first3_meta": f["first3"] * f["meta"],
            "first3_size": f["first3"] * f["size"],
            "big_names": f["size"] * f["person_list"],
        })
        for name, other in (("prev", prev), ("next", nxt)):
            for k in NEIGHBOUR:
                f[f"{name}_{k}"] = other[k] if other is not None else 0.0
        out.append([f[k] for k in FEATURES])
        if s["abstract_cue"]:
            seen["abstract"] = i
        if s["keyword_cue"]:
            seen["keyword"] = i
        if s["intro_cue"]:
            seen["intro"] = i
    return out


def _gap(a: HeaderLine, b: HeaderLine) -> float:
    """The white space between two lines, in line heights (0-1 clipped; 0 without positions)."""
    if a.top is None or b.top is None or a.page != b.page or not a.size:
        return 0.0
    return max(0.0, min(1.0, ((b.top - a.top) / (a.size * 1.2) - 1) / 2))


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class Model:
    """Two passes of per-label weights (over FEATURES; then FEATURES + STACK), log transition scores between
    labels (with a start row), and the lexicon of given names the features look up."""

    weights: tuple[tuple[float, ...], ...]
    weights2: tuple[tuple[float, ...], ...]
    transitions: tuple[tuple[float, ...], ...]  # (len(LABELS) + 1) x len(LABELS): row 0 is the start
    given_names: frozenset[str]

    @classmethod
    def from_json(cls, data: dict) -> Model:
        if tuple(data["features"]) != FEATURES or tuple(data["labels"]) != LABELS or tuple(data["stack"]) != STACK:
            raise RuntimeError("pipeline/data/header.json does not match the header features: retrain it "
                               "(rescorpus train header)")
        return cls(tuple(tuple(w) for w in data["weights"]), tuple(tuple(w) for w in data["weights2"]),
                   tuple(tuple(t) for t in data["transitions"]), frozenset(data["given_names"]))


@cache
def shipped_model() -> Model:
    """The shipped weights, read once per process."""
    text = resources.files("pipeline").joinpath("data/header.json").read_text(encoding="utf-8")
    return Model.from_json(json.loads(text))


def known_given(word: str) -> bool:
    """Whether the shipped model's lexicon (the first names of its training pages' bylines) holds `word`."""
    return fold(word).replace(" ", "") in shipped_model().given_names


def _log_softmax(weights: Sequence[Sequence[float]], x: Sequence[float]) -> list[float]:
    z = [sum(a * b for a, b in zip(w, x)) for w in weights]
    top = max(z)
    norm = top + math.log(sum(math.exp(v - top) for v in z))
    return [v - norm for v in z]


def stacked(xs: Sequence[Sequence[float]], probs: Sequence[Sequence[float]]) -> list[list[float]]:
    """Each line's features followed by the first pass's probabilities of lines i-2..i+2 (zeros off the page)."""
    zero = [0.0] * len(LABELS)
    out = []
    for i, x in enumerate(xs):
        near = [probs[j] if 0 <= j < len(probs) else zero for j in range(i - 2, i + 3)]
        out.append([*x, *(p for ps in near for p in ps)])
    return out


def label_scores(lines: Sequence[HeaderLine], model: Model) -> list[list[float]]:
    """Per line, the second pass's log probability of each label."""
    xs = features(lines, model.given_names)
    probs = [[math.exp(v) for v in _log_softmax(model.weights, x)] for x in xs]
    return [_log_softmax(model.weights2, x) for x in stacked(xs, probs)]


def label_lines(lines: Sequence[HeaderLine], model: Model | None = None) -> list[str]:
    """The most likely label sequence: per-line log posteriors plus transition scores (Viterbi)."""
    if not lines:
        return []
    m = model or shipped_model()
    k = len(LABELS)
    scores = label_scores(lines, m)
    best = [m.transitions[0][j] + scores[0][j] for j in range(k)]
    back: list[list[int]] = []
    for s in scores[1:]:
        row, ptr = [], []
        for j in range(k):
            i = max(range(k), key=lambda p: best[p] + m.transitions[p + 1][j])
            row.append(best[i] + m.transitions[i + 1][j] + s[j])
            ptr.append(i)
        best, back = row, back + [ptr]
    j = max(range(k), key=lambda p: best[p])
    path = [j]
    for ptr in reversed(back):
        j = ptr[j]
        path.append(j)
    return [LABELS[j] for j in reversed(path)]


def read_header(lines: Sequence[HeaderLine], model: Model | None = None) -> Header:
    """The header fields of a first page's lines: the model labels the first MAX_LINES; the DOI and a
    publication line ("Proceedings of ... 2018", "© Journal, 2019") are also looked for in the rest of page 1."""
    head, tail = list(lines)[:MAX_LINES], [ln for ln in list(lines)[MAX_LINES:] if ln.page == lines[0].page]
    return fields_from(head, label_lines(head, model), tail)


# ---------------------------------------------------------------- from labels to fields


def fields_from(lines: Sequence[HeaderLine], labels: Sequence[str], tail: Sequence[HeaderLine] = ()) -> Header:
    h = Header()
    # a labelled keywords line is keywords, whatever the model said (a rule where the shape is clear)
    labels = ["keyword" if KEYWORD_CUE.match(ln.text) and len(split_keywords(ln.text)) >= 1 else lab
              for ln, lab in zip(lines, labels)]
    labels = _byline_out_of_title(lines, labels)
    runs = _runs(lines, labels)
    body = _body_size(lines)
    titles = [("title", own) for lab, run in runs if lab == "title" and _title_like(own := _one_language(run), body)]
    biggest = _largest_run(lines, body)
    if biggest:
        titles = [("title", biggest + _subtitle_after(lines, labels, biggest, body))]
    if not titles and (above := _one_language(_above_byline(lines, labels))) and _title_like(above, body):
        titles = [("title", above)]
    if titles:
        run = [ln for ln in titles[0][1] if not (_names_line(ln.text) and ln.size != titles[0][1][0].size)
               and sum(c.isalnum() for c in ln.text) >= 2]  # not a lone mark or letter a scan's OCR reads
        run = run or list(titles[0][1])
        run = _trim_title(run) or run
        sizes = [ln.size for ln in run]
        if sizes[0] is not None and sizes[-1] is not None and sizes[-1] < sizes[0] - 0.5:
            cut = next(i for i, s in enumerate(sizes) if s < sizes[0] - 0.5)
            h.title, h.subtitle = _join(run[:cut]), _join(run[cut:])
        else:
            h.title = _join(run)
        h.title = _clean_title(h.title)
        h.subtitle = _clean_title(h.subtitle) if h.subtitle else None
    author_runs = [run for lab, run in runs if lab == "author"]
    candidates = [split_authors(" ; ".join(_strip_marks(ln.text) for ln in run)) for run in author_runs]
    # the first run that names a person in full (a one-word run is more often a title's wrapped last word), past
    # one whose names are not surely persons' (`_sure_names`) set above the title ("Scientific Reports") or right
    # above a line of names that are (a title's last line read as names: "Open Systems" / "J. H. Marlow")
    start = lines.index(titles[0][1][0]) if titles else 0

    def passed_over(names: list[dict[str, str]], first: int, last: int) -> bool:
        below = _names_at(lines, last + 1) if last + 1 < len(lines) else None
        return not _sure_names(names) and (first < start or bool(below and _sure_names(split_authors(_strip_marks(below)))))

    h.authors = next((c for c, run in zip(candidates, author_runs) if any("given" in n for n in c)
                      and not passed_over(c, lines.index(run[0]), lines.index(run[-1]))), [])
    if not h.authors:  # a line of names in the title block, whatever the model called it (a clear shape)
        end = next((i for i, lab in enumerate(labels) if lab in ("abstract", "keyword")), min(len(lines), 30))
        named = [(i, split_authors(_strip_marks(t))) for i, ln in enumerate(lines[:end])
                 if not (titles and ln in titles[0][1]) and (t := _names_at(lines, i))]
        h.authors = next((c for i, c in named if not passed_over(c, i, i)), named[0][1] if named else
                         (candidates[0] if candidates else []))
    for label, run in runs:
        if label == "author":
            continue
        elif label == "affiliation":
            h.affiliations.extend(a for a in (_affiliation(ln.text) for ln in run) if a)
        elif label == "abstract":
            text = _join(run)
            text = re.sub(r"^\W*(abstract|r[ée]sum[ée]|summary|resumen|resumo)\s*[:.—–-]?\s*", "", text, flags=re.I)
            if len(text) >= 80:
                lang = _language(text)
                if lang and lang not in h.abstracts:
                    h.abstracts[lang] = text
        elif label == "keyword":  # one run may hold two labelled lists: "Mots-clés : ... Keywords: ..."
            for text in re.split(r"(?=\b(?:key\s?-?words?|mots[- ]cl[ée]s|palabras clave)\s*:)", _join(run), flags=re.I):
                lang = _keyword_language(text) or _language(text)
                terms = split_keywords(text)
                if terms and lang and lang not in h.keywords:
                    h.keywords[lang] = terms
    meta = [ln.text for ln, lab in zip(lines, labels) if lab == "meta"]
    h.doi = find_doi([ln.text for ln in lines])
    # "other" lines of the title block (before the first abstract line) may still carry the issue's year
    block_end = next((i for i, lab in enumerate(labels) if lab in ("abstract", "keyword")), min(len(lines), 30))
    others = [ln.text for ln, lab in zip(lines[:block_end], labels) if lab in ("other", "title")]
    others += [ln.text for ln, lab in zip(lines[block_end:], labels[block_end:])
               if lab == "other" and (is_date_line(ln.text) or PUBLISHED_IN.match(ln.text))]
    others += [ln.text for ln in tail if is_date_line(ln.text) or PUBLISHED_IN.match(ln.text) or "©" in ln.text]
    h.year = find_year(meta, others, _publication_dates(lines, labels, tail))
    h.doi = h.doi or find_doi([ln.text for ln in tail])
    h.volume, h.issue, h.pages = find_numbers(meta)
    h.journal = find_journal(meta)
    return h


def _sure_names(names: list[dict[str, str]]) -> bool:
    """Whether names read from a run are persons' beyond doubt: one has a given name the lexicon knows or
    an initial ("J.", "M"; not "AI": "Scientific Reports", "South Africa" or "Hodgkin Building" split as a name have neither)."""
    return any(known_given(g) or _initials(g) and ("." in g or len(g) == 1)
               for n in names for g in n.get("given", "").split())


def _body_size(lines: Sequence[HeaderLine]) -> float | None:
    sized: Counter[float] = Counter()
    for ln in lines:
        if ln.size is not None:
            sized[round(ln.size, 1)] += len(ln.text)
    return max(sized.items(), key=lambda kv: (kv[1], kv[0]))[0] if sized else None


def _largest_run(lines: Sequence[HeaderLine], body: float | None) -> list[HeaderLine]:
    """With fonts: the first block of page-1 lines set in the page's largest size, when that size stands out
    (>= 1.25 x the body's) and the block reads as a title; else []. Printed titles are the biggest type on
    a first page: this wins over a model that read them as something else."""
    first = [ln for ln in lines if ln.page == lines[0].page and ln.size is not None and len(ln.text) > 0]
    if body is None or not first:
        return []
    top = max(ln.size for ln in first)
    if top < body * 1.25:
        return []
    block: list[HeaderLine] = []
    between = 0  # lines read between two of the block's (a running head at the title's height)
    for ln in first:
        if abs(ln.size - top) <= 0.2:
            if between and not _just_below(block[-1], ln):
                break
            block.append(ln)
            between = 0
        elif block:
            between += 1
            if between > 2:
                break
    return block if _title_like(block, body) and sum(c.isalpha() for c in _join(block)) >= 5 else []


def _just_below(above: HeaderLine, ln: HeaderLine) -> bool:
    """Whether `ln` is set right under `above` on the same page (within two of `above`'s line heights)."""
    return (above.top is not None and ln.top is not None and ln.page == above.page
            and 0 < ln.top - above.top <= 2.0 * (above.size or 10.0))


def _names_line(text: str) -> bool:
    """A line of person names once their marks, e-mails and bracketed notes are off."""
    bare = re.sub(r"\(.*$", "", _strip_marks(text)).strip(" ,;")
    # an initial printed without its full stop ("Anna K Vicari", "P Borda"; not a line's opening "A")
    bare = re.sub(r"(?<=\s)([A-ZÀ-Þ])(?=\s)|^([B-HJ-ZÀ-Þ])(?=\s)", lambda m: m.group() + ".", bare)
    if not bare or bare.isupper():  # a line all in capitals is a title's or a heading's more often than a byline
        return False
    if NOT_NAME.search(bare):  # a banner in the byline's shape ("Open Access", "Technical Report")
        return False
    if PERSON_LIST.match(bare):
        return True
    words = bare.split()  # names with no separators between them: "Arman Cohan Sergey Feldman Iz Beltagy"
    known = sum(1 for w in words if known_given(w))
    return len(words) >= 2 and all(NAME_TOKEN.match(w) for w in words) and known >= max(1, len(words) // 5)


def _byline_out_of_title(lines: Sequence[HeaderLine], labels: Sequence[str]) -> list[str]:
    """The labels, with a byline the model read as a title's last lines given back ("... of Local Economies" /
    "Anna K. Vicari" / "Peter Borda"): from the first line past a title run's first that reads as a byline
    (`_byline_line`), the run's lines are names (author), an address (affiliation) or other. A line after
    one that leaves the title open ("Learning from" / "Grace Hopper", "Self-" / "Organizing Maps") stays, and
    so does one set in the title's own font and size (names in a title: "Relire" / "Marie Tremblay")."""
    out = list(labels)
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and out[j] == "title":
            j += 1
        at = next((k for k in range(i + 1, j) if (_byline_line(lines[k].text) or _marked_names(lines[k].text))
                   and not _open_end(lines[k - 1].text)
                   and (lines[k].size is None or (lines[k].size, lines[k].bold) != (lines[i].size, lines[i].bold))),
                  None)
        for k in range(at if at is not None else j, j):
            t = lines[k].text
            out[k] = ("author" if _names_line(_bare_byline(t)) or _marked_names(t) else
                      "affiliation" if AFFIL_WORDS.search(t) or EMAIL.search(t) else "other")
        i = max(j, i + 1)
    return out


def _bare_byline(text: str) -> str:
    """A byline's text without its marks and a dangling "and" (a byline wrapped after it)."""
    return re.sub(r"(?:\s*(?:,|\band\b|\bet\b|&))+\s*$", "", _strip_marks(text)).strip()


def _byline_line(text: str) -> bool:
    """A line that opens a byline: a bare "by" / "par", or names (`_names_line`) with a given name the
    lexicon knows or an initial ("Anna K. Vicari", "P. Borda b"); capitalised title words alone are not."""
    if re.fullmatch(r"\W*(?:by|par)\W*", text, re.I):
        return True
    bare = _bare_byline(text)
    if not _names_line(bare):
        return False
    words = bare.replace(",", " ").split()
    return any(known_given(w) or re.fullmatch(r"[A-ZÀ-Þ]\.(?:-?[A-ZÀ-Þ]\.)*", w) for w in words)


AUTHOR_MARK = re.compile(r"[*∗†‡§☯¹²³⁴⁵⁶⁷⁸⁹⁰]|(?<=[a-zà-ÿ])\s+ID\b")


def _marked_names(text: str) -> bool:
    """A line of names that carries an author's mark ("Lina Okafor †, Tomas Rydell *", "Mei Sato ID 1"): two
    words or more, each a name's shape (capitalised, an initial, a particle), none a title's function word, and a
    footnote symbol or an ORCID mark among them. It needs no given name the lexicon knows; a title's lines have
    lower-case words or no such mark."""
    if not AUTHOR_MARK.search(text):
        return False
    bare = _bare_byline(text.replace("☯", " "))
    words = [w for w in bare.replace(",", " ").split() if w.lower() not in ("and", "et", "&") and not w.isdigit()]
    return (len(words) >= 2 and not bare.isupper() and not NOT_NAME.search(bare)
            and all(NAME_TOKEN.match(w) and w[0].isalpha() for w in words)
            and not any(w.lower() in STOP and w.lower() not in PARTICLES for w in words))


def _open_end(text: str) -> bool:
    """Whether a line leaves its sentence open: it ends in a hyphen or a short function word ("of", "from")."""
    words = text.split()
    return text.endswith("-") or bool(words) and words[-1].lower() in STOP and words[-1].lower() not in ("and", "et")


def _above_byline(lines: Sequence[HeaderLine], labels: Sequence[str]) -> list[HeaderLine]:
    """When the model found no title: the lines set right above the first byline (up to four, past a date
    line printed between the two), short of a line that carries a journal's, a date's or an address's marks."""
    end = next((i for i, lab in enumerate(labels) if lab in ("abstract", "keyword")), min(len(lines), 40))
    near = range(min(end + 1, len(lines)))
    at = next((i for i in near if labels[i] == "author"), None)  # the model's byline, else a line of names
    at = at if at is not None else next((i for i in near if _names_at(lines, i)), None)
    out: list[HeaderLine] = []
    for ln, lab in zip(reversed(lines[:at or 0]), reversed(labels[:at or 0])):
        t = ln.text
        if not out and DATE_LINE.match(t):  # a date set between the title and the byline
            continue
        if (lab in ("meta", "affiliation", "abstract", "keyword") or len(out) == 4 or sum(c.isalpha() for c in t) < 4
                or URL.search(t) or DOI.search(t) or EMAIL.search(t) or FURNITURE.search(t) or DATE_LINE.match(t)
                or YEAR.search(t) and META_WORDS.search(t) or BANNER.fullmatch(fold(t).replace(" ", ""))):
            break
        out.insert(0, ln)
    return out


def _names_at(lines: Sequence[HeaderLine], i: int) -> str | None:
    """The names line at `i`, or that line and the next in the same type when only the two together read
    as names (a byline wrapped after a given name: "..., Marie" / "Dupont")."""
    if _names_line(lines[i].text):
        return lines[i].text
    head, comma, last = lines[i].text.rpartition(",")
    if (comma and i + 1 < len(lines) and lines[i + 1].size == lines[i].size and lines[i + 1].bold == lines[i].bold
            and len(last.split()) <= 1 and len(lines[i + 1].text.split()) <= 3 and _names_line(head)):
        both = f"{lines[i].text} {lines[i + 1].text}"
        return both if _names_line(both) else None
    return None


def _subtitle_after(lines: Sequence[HeaderLine], labels: Sequence[str], block: list[HeaderLine],
                    body: float | None = None) -> list[HeaderLine]:
    """Lines the model labelled title right after the largest block (a subtitle in smaller type), or set
    right under it in type larger than the body's; lines read in between from higher up the page (a running
    head) are passed over. Not a subtitle: a line of names, type smaller than the body's, or the title
    printed again (a repeat in the body's type)."""
    i = lines.index(block[-1]) + 1
    out: list[HeaderLine] = []
    said = fold(_join(block))
    while i < len(lines):
        ln, last = lines[i], (out or block)[-1]
        if ln.top is not None and last.top is not None and ln.page == last.page and ln.top < last.top:
            i += 1
            continue
        sized = body is not None and ln.size is not None
        if sized and ln.size < body * 0.97:
            break
        big_below = sized and ln.size >= body * 1.15 and _just_below(last, ln) and labels[i] in ("other", "title")
        if not (labels[i] == "title" or big_below) or _names_line(ln.text) or EMAIL.search(ln.text):
            break
        if fold(ln.text) and fold(ln.text) in said:
            break
        if not out and _other_language(_join(block), ln.text):  # the title translated (a French title, then its English version)
            break
        out.append(ln)
        i += 1
    return out


def _one_language(run: list[HeaderLine]) -> list[HeaderLine]:
    """A title run up to its first line in another language: the title translated under it ("Entre idéal du
    projet ..." / "Between the Ideal of the Project ..." / "Entre el ideal del proyecto ...") is not the title."""
    for i in range(1, len(run)):
        if _other_language(_join(run[:i]), run[i].text):
            return run[:i]
    return run


def _other_language(title: str, line: str) -> bool:
    """Whether a line under a title is in another language than the title's (both long enough to tell)."""
    if len(title.split()) < 4 or len(line.split()) < 4:
        return False
    a, b = _language(title), _language(line)
    return bool(a and b and a != b)


def _title_like(run: Sequence[HeaderLine], body: float | None) -> bool:
    """Whether a run of lines can be a title: not a paragraph of prose (a sentence of more than 15 words
    ending in a full stop, or over 40 words), and, where fonts are known, set larger than the body or bold."""
    words = _join(run).split()
    if len(words) > 40 or (len(words) > 15 and words[-1].endswith(".")):
        return False
    if body is not None and run[0].size is not None:
        return run[0].size >= body * 1.08 or bool(run[0].bold)
    return True


def _runs(lines: Sequence[HeaderLine], labels: Sequence[str]) -> list[tuple[str, list[HeaderLine]]]:
    runs: list[tuple[str, list[HeaderLine]]] = []
    for ln, lab in zip(lines, labels):
        if runs and runs[-1][0] == lab:
            runs[-1][1].append(ln)
        else:
            runs.append((lab, [ln]))
    return runs


def _join(run: Sequence[HeaderLine]) -> str:
    """The lines' text as one; a word cut at a line's hyphen joins or keeps its hyphen as `clean.dehyphenate`
    decides ("organisa-" / "tion" joins, "cross-" / "sectional" and "socio-" / "économique" keep it)."""
    from pipeline.extract.clean import dehyphenate

    text = ""
    for ln in run:
        t = ln.text.strip()
        left = re.search(r"(\w+)-$", text)
        right = re.match(r"\w+", t)
        if left and right and t[:1].islower():
            text = text[:left.start()] + dehyphenate(left.group(1), right.group()) + t[right.end():]
        else:
            text = f"{text} {t}" if text else t
    return " ".join(text.split())


# a line made only of these words is the article type's banner over a title ("RESEARCH ARTICLE", "R E S E A R C H
# Open Access", "BRIEF COMMUNICATION", "EDITORIAL", "Original Paper"), not the title
BANNER = re.compile(r"(?:original|research|review|brief|short|rapid|regular|invited|full|clinical|case|scientific|"
                    r"special|articles?|papers?|reports?|communications?|letters?|editorial|viewpoint|commentary|"
                    r"perspectives?|debate|update|study|notes?|open|access|technical|correspondence|opinion|essay)+")
# a publisher's or typesetter's line printed over a title ("Some-Verlag 1994 Printed in
# Austria", "Preprint typeset using LaTeX style", "c 2014 Society for ...", "Bulletin 18(2): 109-118")
FURNITURE = re.compile(r"\b(?:springer|verlag|elsevier|wiley|pergamon|printed in|typeset\w*|style file|latex|"
                       r"l a t e x|publishing|journals ltd|preprint|submitted to|advance access|transactions on)\b|"
                       r"^\W*(?:c|\(c\)|©)\s*(?:1[89]|20)\d\d\b|©|\bvol\.\s*\d|\b\d+\s?\(\d+\)\s?:\s?\d+", re.I)
# a report's or a page's number printed by a title ("TR-2021-07", "CSD//TR-19-004", "Page 1 of 12")
NUMBERING = re.compile(r"^\W*(?=[\w{}/.-]*\d)[A-Z][A-Z\d]*(?:[-/{}_.]+[A-Z\d]+){2,}\W*$|"
                       r"^\W*page \d+ of \d+\W*$", re.I)
TITLE_CUE = re.compile(r"^\W*(?:full\s+|main\s+|paper\s+|article\s+)?title\b\s*(?:\([^)]*\))?\s*[:.\-–]?\s*", re.I)
AFTER_TITLE = re.compile(r"(?:^|\s)(?:running\s+(?:title|head)|short\s+title|authors?|affiliations?)\s*:|"
                         r"^\W*(?:authors?|affiliations?)\W*$|"
                         r"^(?:par|by)\s+(?-i:[A-ZÀ-Þ][\w’'\-]+\s[A-ZÀ-Þ])", re.I)  # a reviewed book's "Par Michel Lallement"


def _trim_title(run: Sequence[HeaderLine]) -> list[HeaderLine]:
    """A title run without what a page prints around a title: the article type's banner, a running head
    ("Smith et al.", "Journal or book name (2018)"), a section head in capitals, a date or a report's number
    above it, a "Title:" cue before it (on its line or the line above), and "Authors:" or "Running title: ..."
    after it, or a banner, a date or a number under it."""
    lines = list(run)
    cue = next((n for n, ln in enumerate(lines[:-1]) if n and TITLE_CUE.fullmatch(ln.text)), None)
    lines = lines[cue + 1:] if cue is not None else lines  # "Part 2" / "Title" / the title
    # a masthead of short lines whose last carries the publisher's furniture ("Marine" / "Geology Letters" /
    # "(c) Northbridge Verlag 2001" / the title): the masthead goes with it
    mast = next((n for n, ln in enumerate(lines[1:4], 1) if n < len(lines) - 1 and FURNITURE.search(ln.text)
                 and all(len(up.text.split()) <= 4 for up in lines[:n])), None)
    lines = lines[mast + 1:] if mast is not None else lines
    while len(lines) > 1 and (BANNER.fullmatch(fold(lines[0].text).replace(" ", ""))
                              or re.search(r"\bet al\b|\((?:1[89]|20)\d\d\)\W*$", lines[0].text)
                              or _furniture(lines[0].text) or _section_head(lines[0], lines[1])):
        lines = lines[1:]
    while len(lines) > 1 and (BANNER.fullmatch(fold(lines[-1].text).replace(" ", "")) and "(" not in _join(lines)
                              or _furniture(lines[-1].text)):
        lines = lines[:-1]  # "Technical Report" / "TR-2021-07" / "March 3, 2021" under the title
    out: list[HeaderLine] = []
    for n, ln in enumerate(lines):
        text = ln.text
        if n == 0 and TITLE_CUE.match(text):
            text = TITLE_CUE.sub("", text, count=1)
        m = AFTER_TITLE.search(text)
        if m and (out or m.start() > 0):
            text = text[: m.start()]
            if text.strip():
                out.append(replace(ln, text=text.strip()))
            break
        if text.strip():
            out.append(replace(ln, text=text.strip()) if text != ln.text else ln)
    return out


def _furniture(text: str) -> bool:
    """A line a page prints by a title, above or under it: the publisher's furniture, a report's or a page's
    number, a date."""
    return bool(FURNITURE.search(text) or NUMBERING.search(text)) or is_date_line(text)


def _section_head(head: HeaderLine, nxt: HeaderLine) -> bool:
    """Whether a title run's first line is the journal's section or subject head over the title ("GENOMICS",
    "CLINICAL STUDIES" / "Access to care in rural ..."): at most three words in capitals over a line
    that is not, not larger than it, not ending in a colon (a title's first part: "GLUE:"). A short line in
    the title's case is left alone: it is as often a title over its subtitle ("Habiter ensemble" / "Les
    coopératives d’habitation face à la financiarisation") as a subject head."""
    words, letters = head.text.split(), [c for c in head.text if c.isalpha()]
    if len(words) > 3 or head.text.rstrip().endswith(":") or (head.size is not None and nxt.size is not None
                                                               and head.size > nxt.size + 0.2):
        return False
    return len(letters) >= 3 and all(c.isupper() for c in letters) and any(c.islower() for c in nxt.text)


def _clean_title(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s*(?:\.{4,}|_{4,}|…{2,}).*$", "", text)  # a dotted rule set under the title
    text = re.sub(r"[\s*†‡]+$|(?<=[a-zà-ÿ?!.])\d{1,2}$|(?<=[a-zà-ÿ]{3}) [a-h]$", "", text).strip()  # a note's mark
    return text or None


# a degree or a title printed after a name ("Ann B. Weston, M.D.", "Lena Ortiz PhD, MBA")
DEGREE = re.compile(r"(?:\s*,)?\s+(M\.\s?D\.|Ph\.\s?D\.|PhD|MD|MBA|MBE|MPH|MSc|M\.Sc\.|BSc|DPhil|DrPH|FRCGP|"
                    r"FRCPC?|FRCS|RN|DDS|DVM)(?=[\s,;*†‡§\d]|$)")


def _degrees_off(text: str) -> str:
    """A byline without the degrees printed after its names; a bare "MD" or "RN" only after a name of two
    words or more (after one word it is the initials of a name set family first: "Tremblay MD")."""
    def off(m: re.Match) -> str:
        name = re.split(r"[,;]|\band\b|\bet\b|&", text[:m.start()])[-1].split()
        return m.group() if m.group(1) in ("MD", "RN") and len(name) < 2 else ""
    return DEGREE.sub(off, text)


def _strip_marks(text: str) -> str:
    text = _degrees_off(EMAIL.sub(" ", text))
    text = re.sub(r"[¹²³⁴⁵⁶⁷⁸⁹⁰*∗†‡§]+", " ", text)
    text = re.sub(r"(?<=[a-zà-ÿ.])\s+ID\b", " ", text)  # the ORCID mark printed after a name ("Marie Dupont ID")
    text = re.sub(r"(?<=[A-Za-zÀ-ÿ])\s[a-h](?:\s?,\s?[a-h])*(?=\s*(?:[,;]|$|\s(?:and|et|&)\s))", " ", text)
    text = re.sub(r"(?<=[A-Za-zÀ-ÿ.])\s?\d+(?:\s?,\s?\d+)*(?:\s?,\s?\*)?(?=\s|,|;|$)", " ", text)
    text = re.sub(r"\(\s*[\w\s,]*\)|\[[^\]]*\]", " ", text)
    text = re.sub(r"^\W*(by|par)\s+", "", text, flags=re.I)
    return " ".join(text.split())


NOT_NAME = re.compile(r"\b(open access|access|report|technical|authors?|paper|article|original|letter|abstract|"
                      r"keywords?|introduction|summary|r[ée]sum[ée]|editorial|[ée]ditorial|section)\b", re.I)
PARTICLES = {"de", "du", "des", "da", "van", "von", "der", "den", "le", "la", "di", "del", "dos", "ter", "van der",
             "de la", "d’", "d'", "el", "ait", "aït", "ibn", "abu", "abou", "ould"}  # Maghreb names: "Karim El Fassi"


def _letter_spaced(text: str) -> str:
    """A byline set letter-spaced ("P A T R I CK T H É R I A U L T"), its letters joined and cut after the longest
    given name it opens with ("Patrick Thériault"; one word when none is known); other text as it is."""
    words = text.split()
    if len(words) < 5 or sum(len(w) == 1 for w in words) < 0.6 * len(words) or not all(w.isalpha() for w in words):
        return text
    joined = "".join(words)
    cut = max((k for k in range(2, len(joined) - 1) if known_given(joined[:k])), default=0)
    return f"{_cap(joined[:cut])} {_cap(joined[cut:])}" if cut else _cap(joined)


def split_authors(text: str) -> list[dict[str, str]]:
    """'Given Family, Given Family and Given Family' (or 'FAMILY Given', 'Family, G.') as CSL names."""
    text = _letter_spaced(text)
    text = re.sub(r"\s+(?:and|et|&|y|und)\s+|\s*;\s*|\s*,\s*(?:and|et)\s+", " ; ", text, flags=re.I)
    parts = [p.strip(" ,.") for p in text.split(";")]
    names: list[dict[str, str]] = []
    for part in parts:
        if not part:
            continue
        pieces = [p.strip() for p in part.split(",") if p.strip()]
        if len(pieces) == 1:
            pieces = _unseparated(pieces[0])
        # "Family, Given" (one comma, second piece is initials or one given name) vs a comma list of names
        if len(pieces) == 2 and len(pieces[0].split()) == 1 and re.fullmatch(r"(?:[A-ZÀ-Þ][\w’'\-]*\.?\s?){1,3}",
                                                                              pieces[1]) and len(pieces[1]) <= 12:
            names.append({"family": _cap(pieces[0]), "given": pieces[1]})
            continue
        for piece in pieces:
            if AFFIL_WORDS.search(piece):  # "Lakeside University, Riverside CA": the rest is its address
                break
            name = _name(piece)
            if name:
                names.append(name)
    return names[:40]


def _unseparated(part: str) -> list[str]:
    """Names printed one after the other with no separators ("Sonja Vicari Alexander Borda Marie J. Tremblay"),
    cut before each known given name, or after a family name when more follow; one name is left whole."""
    words = part.split()
    known = [known_given(w) for w in words]
    if len(words) < 4 or (len(words) <= 6 and not any(known[2:])):
        return [part]
    out: list[list[str]] = [[]]
    for i, w in enumerate(words):
        cur = out[-1]
        if (len(cur) >= 2 and i + 1 < len(words) and not _initials(cur[-1]) and cur[-1].lower() not in PARTICLES
                and (known[i] or not known[i - 1])):
            out.append([])
        out[-1].append(w)
    return [" ".join(n) for n in out]


def _cap(word: str) -> str:
    """An all-capitals family name in its usual case ("DUPONT" → "Dupont", "LE GALL" → "Le Gall")."""
    if word.isupper() and len(word) > 1:
        return "-".join(" ".join(w.capitalize() for w in p.split()) for p in word.split("-"))
    return word


def _name(piece: str) -> dict[str, str] | None:
    words = [w for w in piece.split() if w]
    words = _accent_gaps(w for w in words if re.search(r"[A-Za-zÀ-ÿ]", w))
    if not words or len(words) > 6 or any(w[:1].islower() and w.lower() not in PARTICLES for w in words):
        return None
    bare = re.sub(r"\b[A-ZÀ-Þ]\.", " ", piece)  # initials ("Marie P.J. Tremblay") are not "p." of pages
    if AFFIL_WORDS.search(bare) or META_WORDS.search(bare) or NOT_NAME.search(bare):  # "Volume 3", "Open Access"
        return None
    if len(words) == 1:
        return {"family": _cap(words[0])}
    short = [_initials(w) and w.lower() not in PARTICLES for w in words]
    if len(words) >= 2 and short[-1] and not any(short[:-1]) and not words[0].isupper():
        return {"family": _cap(" ".join(words[:-1])), "given": words[-1]}  # "Tremblay MC", "Dupont J." (initials last)
    upper = [i for i, w in enumerate(words) if w.isupper() and len(w.strip(".")) > 1 and not short[i]]
    if len(upper) + sum(short) == len(words):  # a byline all in capitals ("MARIE J. TREMBLAY"): given name first
        upper = []
    if upper and upper[0] == 0 and len(upper) < len(words):  # "DUPONT Jean" (French order, family in capitals)
        k = 1
        while k < len(words) and k in upper:
            k += 1
        return {"family": _cap(" ".join(words[:k])), "given": " ".join(words[k:])}
    k = len(words) - 1
    while k > 0 and words[k - 1].lower() in PARTICLES:
        k -= 1
    if (len(words) == 3 and k == 2 and known_given(words[0]) and "." not in words[1]
            and not known_given(words[1]) and not words[1].isupper() and len(words[1]) > 3):
        # a known given name, then two family names ("Ana García López"; a second given name is known, and a
        # short one is a given name too: "Mei Li Chen")
        k = 1
    if upper and upper[-1] == len(words) - 1:
        while k > 1 and words[k - 1].isupper() and len(words[k - 1].strip(".")) > 1:
            k -= 1
    given = words[:k]
    if all(w.isupper() for w in words):  # a byline all in capitals: "PATRICK" is "Patrick" ("J." stays)
        given = [_cap(w) if len(w.strip(".")) > 2 else w for w in given]
    return {"family": _cap(" ".join(words[k:])), "given": " ".join(given)}


def _accent_gaps(words) -> list[str]:
    """A name's words with the gap a text layer leaves for an accent it lost closed ("Greta Sch afer",
    "Paul Gr uber" → "Schafer", "Gruber"): a lower-case piece of two letters or more, not a particle nor
    a function word, right after a capitalised word of two letters or more, is that word's end."""
    out: list[str] = []
    for w in words:
        if (out and re.fullmatch(r"[a-zß-ÿ]{2,}", w) and w not in PARTICLES and w not in STOP
                and out[-1][:1].isupper() and out[-1].isalpha() and len(out[-1]) > 1 and not out[-1].isupper()):
            out[-1] += w
        else:
            out.append(w)
    return out


def _initials(word: str) -> bool:
    """A given name cut to its initials: "M.C.", "J.-P.", "S-W.", "MC", "J"."""
    return bool(re.fullmatch(r"(?:[A-ZÀ-Þ]\.?-?){1,3}", word)) and ("." in word or len(word) <= 2)


def _affiliation(text: str) -> str | None:
    text = " ".join(EMAIL.sub(" ", text).split()).strip(" ,;")
    text = re.sub(r"^[\d*†‡§¹²³⁴⁵⁶⁷⁸⁹]+\.?\s*", "", text)
    return text if len(text) > 2 else None


def split_keywords(text: str) -> list[str]:
    text = re.sub(r"^\W*(key\s?-?words?|mots[- ]cl[ée]s|mots cl[ée]s|index terms|palabras clave|palavras-chave)"
                  r"\s*[:.—–-]?\s*", "", text, flags=re.I)
    terms = [" ".join(t.split()).strip(" .") for t in re.split(r"[;,·•|]|\s[—–-]\s", text)]
    return [t for t in terms if t and len(t) < 80]


def _keyword_language(text: str) -> str | None:
    low = text.lower()
    if re.match(r"^\W*mots[- ]cl", low):
        return "fr"
    if re.match(r"^\W*(key\s?-?words?|index terms)", low):
        return "en"
    if re.match(r"^\W*palabras", low):
        return "es"
    return None


def _language(text: str) -> str | None:
    from pipeline.extract.language import detect

    return detect(text)


def find_doi(texts: Sequence[str]) -> str | None:
    """The first DOI printed on the page ("doi:10.…", "https://doi.org/10.…"), trailing punctuation off."""
    for t in texts:
        m = DOI.search(t.replace(" / ", "/"))
        if m:
            return m.group(1).rstrip(".,;)]")
    return None


# a line that ends on a received/accepted cue: the date on the next line is that cue's ("...; Accepted" / "27 May 2009")
DATE_CUE_END = re.compile(r"\b(?:received|re[çc]u|submitted|soumis|revised|r[ée]vis[ée]|accepted|accept[ée])"
                          r"(?:\s+(?:on|le|in final form))?\W*$", re.I)


def _publication_dates(lines: Sequence[HeaderLine], labels: Sequence[str], tail: Sequence[HeaderLine]) -> list[str]:
    """Page 1's lines that are a date and nothing else (`is_date_line`), in page order, outside the abstract and
    the keywords: the date a first page prints for its paper (a report's date, "Published online" / "17 May
    2009", a repository's "2013 May 1."). Not one that ends a received/accepted line wrapped before it (that
    is the acceptance date), nor a year alone unless the model read its line as meta (a wrapped sentence of the
    body ends "... 2002." too)."""
    out = []
    every = [*zip(lines, labels), *((ln, "other") for ln in tail)]
    for n, (ln, lab) in enumerate(every):
        if lab in ("abstract", "keyword") or (n and DATE_CUE_END.search(every[n - 1][0].text)):
            continue
        if is_date_line(ln.text) or (lab == "meta" and re.fullmatch(r"\W*(?:1[89]|20)\d\d\W*", ln.text)):
            out.append(ln.text)
    return out


def find_year(meta: Sequence[str], others: Sequence[str], dates: Sequence[str] = ()) -> int | None:
    """The year of publication: the first of the page's date lines (`dates`, see `_publication_dates`), else
    from its meta lines (never an abstract's or a title's year): one that names a volume, issue or "©" first,
    then one with a journal's words, then any short one; received/submitted/revised dates are not publication
    years. A date line wins over a journal line: where both are printed, the date is the paper's own (its
    online or report date; the volume's year may be the next one)."""
    for t in dates:
        if m := YEAR.search(t):
            return int(m.group(1))
    def years(texts: Sequence[str], rule) -> list[int]:
        found = []
        for t in texts:
            if rule(t) and not re.search(r"\b(received|reçu|submitted|soumis|revised|révisé)\b", t, re.I):
                found += [int(y) for y in YEAR.findall(DOI.sub(" ", t))]
        return found

    strong = years(meta, lambda t: bool(VOLUME.search(t) or ISSUE.search(t) or VOL_ISSUE.search(t) or "©" in t
                                        or re.search(r"copyright|\(c\)", t, re.I)))
    if strong:
        return max(strong)
    weak = (years(meta, lambda t: bool(META_WORDS.search(t))) or years(meta, lambda t: len(t) < 120)
            or years(others, lambda t: len(t) < 150 and bool(VOLUME.search(t) or ISSUE.search(t) or VOL_ISSUE.search(t)))
            or years(others, lambda t: bool(is_date_line(t) or (PUBLISHED_IN.match(t) and len(t) < 150))))
    if weak:
        return Counter(weak).most_common(1)[0][0]
    # a copyright line anywhere on page 1 ("June 3-5, 2020. © 2020 Society for ..."): its latest year
    dated = years(others, lambda t: len(t) < 150 and bool(re.search(r"©\s*(?:1[89]|20)\d\d", t)))
    return max(dated) if dated else None


def find_numbers(meta: Sequence[str]) -> tuple[str | None, str | None, str | None]:
    volume = issue = pages = None
    for t in meta:
        if volume is None and (m := VOLUME.search(t)):
            volume = m.group(1)
        if issue is None and (m := ISSUE.search(t)):
            issue = m.group(1)
        if volume is None and issue is None and (m := VOL_ISSUE.search(t)) and not YEAR.fullmatch(m.group(1)):
            volume, issue = m.group(1), m.group(2)
        if pages is None and (m := PAGES.search(t)):
            pages = re.sub(r"\s+", "", m.group(1)).replace("–", "-")
    return volume, issue, pages


def find_journal(meta: Sequence[str]) -> str | None:
    """A journal's name: the words before a volume/issue/year on a meta line ("Théologiques, 26(1), 2018")."""
    for n, t in enumerate(meta):
        if not (VOLUME.search(t) or ISSUE.search(t) or VOL_ISSUE.search(t)):
            continue
        if re.match(r"^\W*(vol|volume|num[ée]ro|no\.?|n°)\b", t, re.I) and n > 0:  # the name on the line above
            above = meta[n - 1].strip(" ,.;:")
            if sum(c.isalpha() for c in above) >= 4 and not DOI.search(above) and not URL.search(above):
                return above
        head = re.split(r"[,•|·]|\s\d|\bvol|\bvolume|\bnum[ée]ro|\bno\.|\bn°", t, maxsplit=1, flags=re.I)[0]
        head = head.strip(" ,.;:-–—")
        if len(head) >= 4 and sum(c.isalpha() for c in head) >= 4 and not re.match(r"^(doi|pp?\.|pages?)\b", head, re.I):
            return head
    return None


def fold(text: str) -> str:
    """Lower case, accents and punctuation off: how titles and names are compared."""
    t = unicodedata.normalize("NFKD", text)
    t = "".join(c for c in t if not unicodedata.combining(c)).lower()
    return " ".join(re.sub(r"[^\w\s]|_", " ", t).split())


# ---------------------------------------------------------------- a paper's language


SIDE_ROLES = frozenset({"abstract", "keywords", "references", "notes"})


def body_language(extracted) -> str | None:
    """The language of most of the paper's body text (characters of its body paragraphs, abstracts, keywords,
    references and notes left out; undetermined paragraphs not counted); for a paper with no body (front matter
    and a bibliography only, a review's first page) the language of most of its abstracts and keywords; None when
    nothing was detected."""
    sizes: Counter[str] = Counter()
    front: Counter[str] = Counter()
    for p in extracted.paragraphs:
        role = extracted.sections[p.section].role if p.section is not None else "body"
        if p.kind != "body" or p.lang in ("und", ""):
            continue
        if role not in SIDE_ROLES:
            sizes[p.lang] += p.end - p.start
        elif role in ("abstract", "keywords"):
            front[p.lang] += p.end - p.start
    sizes = sizes or front
    if not sizes:
        return None
    return max(sorted(sizes), key=lambda lang: sizes[lang])
