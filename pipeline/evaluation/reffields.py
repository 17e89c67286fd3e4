"""Reference fields measured against labelled strings: GROBID's citation TEI read into (string, labelled
spans), each parser's fields scored per field and micro-averaged, per language and per style family.

Matching is GROBID's field-level "soft" match: a field counts as right when its value, case-folded, accents
and every character that is not a letter or digit removed, equals the gold value so normalised (so "pp.
265-270" is not "265–270" but "265-270" is). The year is compared as its four digits; the first author's
family name is compared the same way, the gold one read from the gold author stretch (GROBID's citation
TEI tags the whole author list, not persons): what either of the project's two name splitters reads there
(`citations.fields.split_names`, `citations.labeller.persons`) counts as right. A DOI is compared without
a leading "doi:" or resolver address.

Precision = right / given, recall = right / in gold, per field; micro-F1 over the fields both parsers give
(MICRO_FIELDS). Language: "fr" when more French than English function words (a word list), else "en".
Style family: the string's opening, by the first rule that matches (`style_family`).
"""

from __future__ import annotations

import re
import unicodedata
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.evaluation.erudit import collapse_spaces

TEI = "{http://www.tei-c.org/ns/1.0}"
FIELDS = ("first_author", "title", "container", "volume", "issue", "pages", "year", "publisher", "place", "doi",
          "url", "editor")
MICRO_FIELDS = ("first_author", "title", "container", "volume", "issue", "pages", "year", "publisher", "doi", "url")


@dataclass(frozen=True)
class Labelled:
    """One reference string and its gold labels: (start, end, label) stretches, in order."""

    text: str
    spans: tuple[tuple[int, int, str], ...]
    source: str
    lang_attr: str | None = None

    def gold(self) -> dict[str, str]:
        """The first stretch of each label (the gold field values)."""
        out: dict[str, str] = {}
        for a, b, lab in self.spans:
            out.setdefault(lab, self.text[a:b].strip())
        return out


def _label(tag: str, attrib: dict, kinds: set[str]) -> str | None:
    tag = tag.replace(TEI, "")
    kind = (attrib.get("type") or attrib.get("unit") or attrib.get("level") or "").lower()
    if tag in ("author", "authors"):
        return "author"
    if tag == "orgName":
        return "author" if kind == "collaboration" else "publisher"
    if tag == "title":
        level = attrib.get("level") or attrib.get("leve") or attrib.get("type") or ""
        if level == "a":
            return "title"
        if level == "j":
            return "container"
        if level == "m":
            return "container" if ("a" in kinds or "j" in kinds) else "title"
        if level == "s":
            return "note"
        return "title"
    if tag == "biblScope":
        if kind in ("vol", "volume"):
            return "volume"
        if kind == "issue":
            return "issue"
        if kind in ("pp", "page", "pages"):
            return "pages"
        return "note"
    if tag == "date":
        return "year"
    if tag in ("publisher", "publishe"):
        return "publisher"
    if tag in ("pubPlace", "pubplace"):
        return "place"
    if tag == "editor":
        return "editor"
    if tag == "note":
        return "note"
    if tag == "idno":
        return "doi" if kind == "doi" else "note"
    if tag == "ptr":
        return "url"
    return None


def read_bibl(elem: ET.Element, source: str) -> Labelled | None:
    """One `<bibl>`: its text with whitespace collapsed, and the labelled stretches (outermost tag wins)."""
    kinds = {(t.get("level") or "") for t in elem.iter() if t.tag.replace(TEI, "") == "title"}
    chars: list[tuple[str, str | None]] = []

    def walk(e: ET.Element, lab: str | None) -> None:
        chars.extend((c, lab) for c in e.text or "")
        for child in e:
            walk(child, lab or _label(child.tag, child.attrib, kinds))
            chars.extend((c, lab) for c in child.tail or "")

    walk(elem, None)
    s, labels = collapse_spaces(chars)
    if len(s) < 10:
        return None
    spans: list[tuple[int, int, str]] = []
    i = 0
    while i < len(s):
        lab = labels[i]
        j = i
        while j < len(s) and labels[j] == lab:
            j += 1
        if lab is not None and s[i:j].strip():
            a = i + len(s[i:j]) - len(s[i:j].lstrip())
            b = j - (len(s[i:j]) - len(s[i:j].rstrip()))
            spans.append((a, b, lab))
        i = j
    return Labelled(s, tuple(spans), source, elem.get("{http://www.w3.org/XML/1998/namespace}lang"))


def read_tei_folder(folder: Path) -> list[Labelled]:
    """Every labelled `<bibl>` of every file of `folder`, in file-name order."""
    out: list[Labelled] = []
    for path in sorted(Path(folder).glob("*.xml")):
        root = ET.parse(path).getroot()
        for b in root.iter():
            if b.tag in ("bibl", TEI + "bibl"):
                one = read_bibl(b, path.name)
                if one is not None and one.spans:
                    out.append(one)
    return out


# ---------------------------------------------------------------- language and style family

FR_WORDS = frozenset("le la les des du de et dans pour sur une un au aux en par avec entre son ses leur sous".split())
EN_WORDS = frozenset("the of and in for on with a an to from by at its their between under".split())


def language(text: str) -> str:
    words = re.findall(r"[^\W\d_]+", text.lower())
    fr = sum(w in FR_WORDS for w in words) - len(re.findall(r"\bet\s+al\b", text.lower()))
    en = sum(w in EN_WORDS for w in words)
    if re.search(r"[éèêàçù]", text) and fr >= en:
        return "fr"
    return "fr" if fr > en else "en"


UP = "A-ZÀ-ÖØ-Ý"
STYLE_RULES = (
    ("numbered", re.compile(r"^\s*(?:\[\d{1,4}\]|\(\d{1,4}\)|\d{1,4}\.?\s)")),
    ("author-year", re.compile(r"^[^()]{2,250}?\(\s*(?:1[5-9]\d\d|20[0-3]\d)[a-z]?\s*\)")),
    ("initials-first", re.compile(rf"^(?:[{UP}]\.\s?-?\s?)+(?:[{UP}][a-z]?\.\s?)*\s*(?:[a-z]+\s)?[{UP}][\w'’\-]+")),
    ("family-caps", re.compile(rf"^[{UP}][{UP}'’\-]+(?:\s[{UP}][{UP}'’\-]+)*\s?,?\s")),
    ("chicago", re.compile(rf"^[{UP}][\w'’\-]+(?:\s[\w'’\-]+)?,\s[{UP}][a-zà-ÿ]+(?:[\s\-][{UP}]\.?|\s[{UP}][a-zà-ÿ]+)?[.,]")),
    ("family-initials", re.compile(rf"^[{UP}][\w'’\-]+(?:\s[\w'’\-]+)?,?\s(?:[{UP}]\.?\s?-?){{1,3}}[,.;:\s]")),
)


def style_family(text: str) -> str:
    """numbered ("[3] ...", "(3) ..."); author-year (a year in brackets after the opening names); initials-first
    ("R. J. Smith, ..."); family-caps ("DUPONT, Jean" / "SMITH J"); chicago ("Smith, John. Title."); family-initials
    ("Smith, J., ..." / "Smith JR, ..."); else other."""
    for name, rx in STYLE_RULES:
        if rx.match(text):
            return name
    return "other"


# ---------------------------------------------------------------- scoring


def normalise(value: str, kind: str = "") -> str:
    """`value` compared: case, accents, spaces and punctuation aside; a DOI's resolver prefix aside; a first
    author's bracketed acronym aside ("Conseil supérieur de l'éducation (CSE)" is the body of the gold name)."""
    if kind == "first_author":
        value = re.sub(r"\s*[(\[][A-ZÀ-Ý0-9&\-]{2,12}[)\]]$", "", value.strip())
    s = unicodedata.normalize("NFKD", value.casefold())
    s = "".join(c for c in s if c.isalnum() and not unicodedata.combining(c))
    if kind == "doi":
        s = re.sub(r"^(?:https?)?(?:dx)?(?:doiorg)?(?:doi)?", "", s)
    return s


def year_of(value: str) -> str:
    m = re.search(r"(?:1[5-9]\d\d|20[0-3]\d)", value)
    return m.group(0) if m else ""


def gold_fields(item: Labelled) -> dict[str, str]:
    """The gold values of the scored fields."""
    from pipeline.citations.fields import split_names

    g = item.gold()
    out = {k: g[k] for k in FIELDS if k in g}
    if "author" in g:  # either splitter's reading of the gold stretch counts
        from pipeline.citations.labeller import persons

        names, people = split_names(g["author"]), persons(g["author"])
        readings = {n for n in (names[:1] + [p[0] for p in people[:1]]) if n}
        if readings:
            out["first_author"] = "\t".join(sorted(readings))
    if "year" in g:
        out["year"] = year_of(g["year"])
    doi_url = re.search(r"/\s*(10\.\d{4,9}/\S+?)[.,;]?$", g.get("url", ""), re.I)
    if "doi" not in out and doi_url:  # GROBID labels "https://doi.org/10...", ".../article/10..." a URL: the
        # DOI that ends it is the work's DOI too
        out["doi"] = doi_url.group(1)
    return {k: v for k, v in out.items() if v}


def rule_fields(text: str) -> dict[str, str]:
    """The rule parser's fields under the scored names."""
    from pipeline.citations.fields import parse_entry_rules

    return fields_from_entry(parse_entry_rules(text))


def fields_from_entry(parsed: dict) -> dict[str, str]:
    out = {k: parsed[k] for k in ("title", "container", "volume", "issue", "pages", "publisher", "doi", "url",
                                   "place", "editor") if parsed.get(k)}
    if parsed.get("authors") and not parsed.get("edited"):  # an edited book's editors are no authors (nor in
        out["first_author"] = parsed["authors"][0]  # its CSL item): they stand first only as its names to cite
    if parsed.get("year") and parsed["year"] != "n.d.":
        out["year"] = parsed["year"]
    return out


def crf_fields(text: str) -> dict[str, str]:
    """The CRF's fields under the scored names (the first author's family from `persons`)."""
    from pipeline.citations.labeller import fields, persons

    f = fields(text)
    out = {k: v for k, v in f.items() if k in FIELDS}
    if "author" in f:
        people = persons(f["author"])
        if people:
            out["first_author"] = people[0][0]
    return out


@dataclass
class Counts:
    right: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    given: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    gold: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    entries: int = 0

    def add(self, gold: dict[str, str], predicted: dict[str, str]) -> None:
        self.entries += 1
        for k in FIELDS:
            g, p = gold.get(k), predicted.get(k)
            if g:
                self.gold[k] += 1
            if p:
                self.given[k] += 1
            if g and p and (year_of(p) == g if k == "year" else normalise(p, k) in {normalise(v, k) for v in g.split("\t")}):
                self.right[k] += 1

    def prf(self, keys: Iterable[str]) -> tuple[float, float, float]:
        keys = list(keys)
        r, p, g = (sum(d[k] for k in keys) for d in (self.right, self.given, self.gold))
        prec, rec = r / p if p else 0.0, r / g if g else 0.0
        return prec, rec, 2 * prec * rec / (prec + rec) if prec + rec else 0.0

    def to_json(self) -> dict:
        per = {}
        for k in FIELDS:
            if self.gold[k] or self.given[k]:
                p, r, f = self.prf([k])
                per[k] = {"p": round(p, 4), "r": round(r, 4), "f1": round(f, 4), "gold": self.gold[k],
                          "given": self.given[k], "right": self.right[k]}
        return {"entries": self.entries, "micro_f1": round(self.prf(MICRO_FIELDS)[2], 4), "fields": per}


PARSERS: dict[str, Callable[[str], dict[str, str]]] = {"crf": crf_fields, "rules": rule_fields}


def score(items: Iterable[Labelled], parsers: dict[str, Callable[[str], dict[str, str]]] | None = None) -> dict:
    """{parser: {"all": counts, "lang": {fr|en: counts}, "style": {family: counts}}} as JSON."""
    parsers = parsers or PARSERS
    out: dict = {}
    items = list(items)
    for name, parse in parsers.items():
        total, by_lang, by_style = Counts(), defaultdict(Counts), defaultdict(Counts)
        for item in items:
            gold, pred = gold_fields(item), parse(item.text)
            total.add(gold, pred)
            by_lang[item.lang_attr or language(item.text)].add(gold, pred)
            by_style[style_family(item.text)].add(gold, pred)
        out[name] = {"all": total.to_json(), "lang": {k: v.to_json() for k, v in sorted(by_lang.items())},
                     "style": {k: v.to_json() for k, v in sorted(by_style.items())}}
    return out


def iter_strings(items: Iterable[Labelled]) -> Iterator[str]:
    for item in items:
        yield item.text


# ---------------------------------------------------------------- Érudit: the fields its markup fixes

QUOTED_TITLE_RE = re.compile(r"«\s*([^»]{3,400}?)\s*»|“([^”]{3,400}?)”")


IN_BOOK_RE = re.compile(r"(?:^|[.,;:)]\s)(?:[Ii]n|[Dd]ans)\s*:?\s")
INITIALS_TAIL_RE = re.compile(r"(?:[\s.]+[A-ZÀ-Ý]\.?(?:-[A-ZÀ-Ý]\.?)?)+\.?$")


# The editors' mark after an entry's lead names: "DUPONT, J. (dir.), Titre", "ROY, M. et N. FORTIN (éds),", "SMITH,
# John, editor."
EDITED_HEAD_RE = re.compile(r"^[^()\[\]«“]{0,80}?(?:[(\[]\s*(?:sous la )?(?:dir|dirs|éds?|eds?|coord|coords|edd)\.?\s*[)\]]"
                            r"|,\s*(?:editors?|eds?\.|éd\.|éditeurs?|éditrices?)(?=[\s.,]))", re.I)


def erudit_refs(folder: Path, held: bool) -> Iterator[tuple[Path, ET.Element]]:
    """Each `<refbiblio>` of the Érudit files of one side of the split (`held`: the held-out part) with its file,
    in file-name order; a file that does not parse is passed over."""
    from pipeline.evaluation.devset import held_out
    from pipeline.evaluation.erudit import parse_xml

    out = held_out()
    for path in sorted(Path(folder).glob("*.xml")):
        if (path.stem in out) != held:
            continue
        try:
            root = parse_xml(path)
        except (ValueError, ET.ParseError):
            continue
        for ref in root.iter("refbiblio"):
            yield path, ref


def erudit_labelled(folder: Path, held: bool) -> list[tuple[str, dict[str, str]]]:
    """(entry, gold) for every `<refbiblio>` of the Érudit files of one side of the split (`held`: the held-out
    part). Érudit tags no fields; its typography fixes a few, and only those are gold: the first author's family
    name (the entry opens with a small-capitals name, its first capital maybe set full size, "C<sc>lignet</sc>";
    initials set in small capitals with it, "Dumez H.", are not the name), the year (the first "(yyyy)" before
    any title), the title (the first «quoted» or “quoted” stretch that opens the body of the entry, straight after
    the names or the year; else the first italics when "Place: Publisher" or "Paris, Fayard" follows them, a book)
    and the container (the first italics after a quoted title, or after "In"/"Dans" and a book's editors). Italics
    alone are no title: in "Anti-Jacobin Review 1 (1798)" they are the journal; nor are quotes or italics inside a
    plain title ("Reading the « problem of evaluation » in social inquiry", a species in italics)."""
    from pipeline.evaluation.erudit import marked_runs, marked_text

    found: list[tuple[str, dict[str, str]]] = []
    for _path, ref in erudit_refs(folder, held):
        text, kinds = marked_text(ref)
        if len(text) < 20:
            continue
        gold: dict[str, str] = {}
        caps = marked_runs(text, kinds, "petitecap")
        if caps and re.fullmatch(r"(?:\d{1,3}\.?\s)?[A-ZÀ-Ý]*", text[: caps[0][0]]):
            lead = re.sub(r"^\d{1,3}\.?\s", "", text[: caps[0][0]])  # an entry number is no part of the name
            name = (lead + text[caps[0][0]:caps[0][1]]).split(",")[0]
            name = re.sub(r"\s*\((?:[a-zà-ÿ’' ]{1,8}|[^)]*\d{4}[^)]*)(?:\)|$).*$", "", name)  # "(de)", "(2001)"
            name = INITIALS_TAIL_RE.sub("", name).strip(" .") if len(name.split()) > 1 else name.strip(" .")
            edited = EDITED_HEAD_RE.match(text[caps[0][1]:])
            if name and not edited:  # an edited book's editors are no authors (as in GROBID's labels and CSL)
                gold["first_author"] = name
        year = re.match(r"^[^«“(]{2,200}?\((1[5-9]\d\d|20[0-3]\d)[a-z]?\)", text)
        if year:
            gold["year"] = year.group(1)
        italics = [(a, b) for a, b in marked_runs(text, kinds, "italique") if len(text[a:b].strip(" ,.")) > 2]
        first_italic = italics[0][0] if italics else -1
        body = year.end() if year else 0

        def opens_body(at: int) -> bool:  # nothing but punctuation between the year (if any) and `at`
            return not year or not re.search(r"\w", text[body:at])

        quoted = QUOTED_TITLE_RE.search(text)
        if quoted and not (re.search(r"(?:^|[.,:;)\]])\s*$", text[: quoted.start()]) and opens_body(quoted.start())):
            quoted = None
        in_book = italics and IN_BOOK_RE.search(text[body:first_italic])
        if quoted and (first_italic < 0 or quoted.start() < first_italic):
            gold["title"] = (quoted.group(1) or quoted.group(2)).strip(" ,.")
            after = [s for s in italics if s[0] > quoted.end()]
            if after:
                gold["container"] = text[after[0][0]:after[0][1]].strip(" ,.")
        elif italics and in_book:
            gold["container"] = text[italics[0][0]:italics[0][1]].strip(" ,.")
        elif italics and opens_body(first_italic) and re.match(
                r"^\s*[.,]\s*(?:\d+(?:e|nd|rd|th)\s+(?:éd|ed)\w*\.?,?\s*)?[A-ZÀ-Ý][\w\- ]{2,30}\s?[:,]\s?[A-ZÀ-Ý]",
                text[italics[0][1]:]):
            gold["title"] = text[italics[0][0]:italics[0][1]].strip(" ,.")  # a book: its italics, then "Place:
            # Publisher" / "Paris, Fayard"
        if gold:
            found.append((text, gold))
    return found


def score_known(pairs: Iterable[tuple[str, dict[str, str]]], parsers: dict[str, Callable[[str], dict[str, str]]]) -> dict:
    """Per parser and field, accuracy over the entries whose gold has the field (what Érudit's markup fixes),
    with micro accuracy over those fields."""
    pairs = list(pairs)
    out: dict = {}
    for name, parse in parsers.items():
        right: dict[str, int] = defaultdict(int)
        gold_n: dict[str, int] = defaultdict(int)
        for text, gold in pairs:
            pred = parse(text)
            for k, g in gold.items():
                gold_n[k] += 1
                p = pred.get(k, "")
                right[k] += bool(p) and (year_of(p) == g if k == "year" else normalise(p, k) == normalise(g, k))
        out[name] = {"entries": len(pairs),
                     "micro_accuracy": round(sum(right.values()) / max(1, sum(gold_n.values())), 4),
                     "fields": {k: {"accuracy": round(right[k] / gold_n[k], 4), "gold": gold_n[k]} for k in sorted(gold_n)}}
    return out
