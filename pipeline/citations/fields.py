"""One reference entry parsed into fields: authors, year, title, container, volume, issue, pages,
publisher, DOI, URL. Handles APA, French ("Nom P. (année), « Titre », Revue"), Chicago
author-date ("Nom, Prénom. année. Titre.") and numbered Vancouver/BMC entries."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pipeline.citations.callouts import UPPER
from pipeline.citations.labeller import TRANSLATION_NOTE
from pipeline.citations.references import CHICAGO_NOTE_RE, YEAR_NUM, author_head

DOI_RE = re.compile(r"\b10\.\d{4,9}/[^\s\"]*")
URL_RE = re.compile(r"(?:https?://|www\.)[^\s<>\"]+")
# A piece that extraction split off a DOI or URL at a line wrap ("10.1016/j. psychres.2009.06.001").
WRAPPED_PIECE_RE = re.compile(r"[\w.()/\-;:<>~%?=&#]*\d[\w.()/\-;:<>~%?=&#]*")
# What introduces a DOI or URL and is left behind when it is taken out ("doi:", "(", "Available from:").
WEB_LEAD_RE = re.compile(
    r"(?:\(\s*|\b(?:doi|DOI)\s*:?\s*|\b(?:Available (?:from|at)|Retrieved from|Disponible (?:sur|à l[’']adresse|en ligne)|URL)\s*:?\s*)+$"
)
QUOTED_RE = re.compile(
    r"^[\s,.:]*(?:«(?P<t1>[^»]{3,400})»|“(?P<t2>[^”]{3,400})”|\"(?P<t3>[^\"]{3,400})\"|‘(?P<t4>[^’]{3,400})’)(?=\s*[,.]|\s*$)"
)
VOL_ISSUE_PAGES_RE = re.compile(
    r"(?P<vol>\d{1,4})\s*(?:\((?P<issue>[\w\-–/ ]{1,12})\))?\s*[,:]\s*(?:pp?\.\s*)?(?P<pages>[A-Za-z]?\d+\s*[-–]\s*[A-Za-z]?\d+|e?\d{2,6})\b"
)
VOL_RE = re.compile(r"\b(?:vol(?:ume)?\.?|t\.)\s*(?P<v>\d+)(?:\s*\((?P<i>\d+)\))?", re.IGNORECASE)
ISSUE_RE = re.compile(r"\b(?:no|n°|nº|num(?:éro)?\.?|issue)\s*\.?\s*(?P<i>\d+)", re.IGNORECASE)
PAGES_RE = re.compile(r"\b(?:pp?\.|pages)\s*(?P<p>\d+\s*[-–]\s*\d+|\d+)")
IN_RE = re.compile(r"^\s*(?:In|Dans|in|dans)\s*:?\s+")
PUBLISHER_RE = re.compile(
    r"(?:^|[.,]\s)(?P<place>[{U}][\w .\-]{{1,40}}?)\s?[:,]\s(?P<pub>[{U}][^:;,]{{2,80}}?)\s*\.?$".format(U=UPPER)
)
EDITORS_RE = re.compile(r"\s*[(\[]?\s*(?:sous la dir(?:ection)?\.?(?: de)?|dir\.?|éds?\.?|eds?\.?|coord\.?)\s*[)\]]?\s*$", re.IGNORECASE)
CONTAINER_END_RE = re.compile(
    r"\s*[,.]\s*(?=\d|[Vv]ol|[Nn]o\b|[Nn]°|pp?\.|pages)|\s*\(\s*(?:vol|p\.|pp\.|\d+(?:e|è|ème|re|er|st|nd|rd|th)\.?\s*(?:éd|ed))|(?<=[a-z]) (?=\d{1,4}\s*(?:\(|:))"
    rf"|[.]\s+(?=[{UPPER}][\w .\-]{{1,30}}\s?:)"
)
TITLE_END_RE = re.compile(rf"(?<!\b[A-Z])(?<!\b[Vv]ol)(?<!\bp)(?<!\bpp)(?<!\bno)[.?!](?:\s+|$)(?=[{UPPER}\d(«“\"]|In |Dans |$)")
PUBLISHER_WORDS_RE = re.compile(
    r"\b(?:Press|Books|University|Universit[ée]|[ÉE]ditions?|Publish\w*|Springer|Routledge|Sage|Wiley|Elsevier|"
    r"Gallimard|Seuil|Harmattan|Dunod|Economica|Vuibert|Puf|PUF|Boeck|Karthala|Armand Colin|La Découverte)\b"
)
DOTTED_INITIALS_RE = re.compile(rf"^[{UPPER}][a-z]?\.?(?:-[{UPPER}][a-z]?\.?)*$")
PARTICLE_AFTER_RE = re.compile(r"([\w\-]+)\s*,?\s*\((d[’']|de|du|van|von|van der|le|la)\)")
TRAILING_INITIAL_RE = re.compile(rf"\s[{UPPER}]{{1,2}}\.?$")
VANCOUVER_TAIL_RE = re.compile(
    rf"(?:^|(?<=\.\s))(?P<container>[^.]{{2,120}}?)\.?\s+(?P<year>{YEAR_NUM})[a-z]?\s*[;,]\s*(?P<vol>\d+)\s*(?:\((?P<issue>[^)]{{1,12}})\))?"
    r"\s*:\s*(?P<pages>[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?)"
)
INITIAL_RE = re.compile(rf"^(?:[{UPPER}][a-z]?\.?-?)+$")
# The end of a journal article in author-year styles: ", 28(3), 369-404." or ", 22-25."
JOURNAL_TAIL_RE = re.compile(
    r"(?<!\bp)(?<!\bpp)[,.]\s*(?:(?:vol\.\s*)?\d{1,4}\s*(?:\([^()]{1,12}\))?\s*[,:]\s*(?:pp?\.\s*)?[A-Za-z]?\d+(?:\s*[-–]\s*[A-Za-z]?\d+)?"
    r"|(?:pp?\.\s*)?\d+\s*[-–]\s*\d+)\s*\.?\s*$"
)
# A full stop (or ? !) that ends a sentence of the title: after a lower-case word, not an abbreviation.
SENTENCE_STOP_RE = re.compile(rf"(?<=[a-zà-ÿ’'”»\)]{{3}})\.\s+(?=[{UPPER}])|(?<=\S)\s?[?!]\s+(?=[{UPPER}])")
# What follows a title without belonging to it: "(traduit par ...)", "(Report No. 5)", ", 2nd ed.", ", Volume 11".
TITLE_NOTE_RE = re.compile(
    r"(?:\s*[(\[](?:" + TRANSLATION_NOTE +
    r"|\d+(?:st|nd|rd|th|e|ème|re|er)\.?\s*(?:ed|éd)[^()\[\]]{0,30}"
    r"|(?:Vol|Report|Rapport|Series|Thèse|Thesis|Doctoral|Master|Working Paper|Document de travail|Cahier)\b[^()\[\]]{0,80}"
    rf"|[{UPPER}][\w’'\-]*(?:\s+[{UPPER}][\w’'\-]*)+\s+(?:No\.?\s*)?\d+)[)\]]"
    r"|,\s*\d+(?:st|nd|rd|th|e|ème|re|er)\.?\s+(?:ed|éd|edition|édition)\b.*"
    r"|,\s*(?:Volume|Vol\.|Tome|t\.)\s*\d+)\s*$",
    re.IGNORECASE,
)
# "Haig KM, Sutton S, Whittington J:" / "Smith J, Doe A." : surnames with undotted initials.
VANCOUVER_AUTHORS_RE = re.compile(
    rf"^(?P<a>(?:[{UPPER}][\w’'\-]+(?: [\w’'\-]+)? [A-Z]{{1,4}}(?:,\s*|\s*(?:[:.]|$)))+(?:et al[.:]?\s*)?)"
)


# An institution as author, lower-case words and all, before its year: "Alliance coopérative internationale (2015).",
# "Organisation internationale du travail (OIT) (2002),". Names have no digits and no sentence inside.
INSTITUTION_HEAD_RE = re.compile(
    rf"^(?P<org>[{UPPER}][\w’'\-]*(?:\s+(?:[\w’'\-]+|\([{UPPER}][\w\-]{{1,12}}\))){{0,9}}?)\s*"
    rf"\((?P<year>{YEAR_NUM}[a-z]?)\)\s*[.,:]\s"
)


LETTERS = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"})


@lru_cache(maxsize=65536)
def fold_ascii(s: str) -> str:
    """Lower case ASCII letters only ("Valéau" -> "valeau", "Øvretveit" -> "ovretveit")."""
    s = unicodedata.normalize("NFKD", s.casefold().translate(LETTERS))
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in s if not unicodedata.combining(c)))


def split_names(raw: str) -> list[str]:
    """Surnames in order from an author list in any of the corpus styles."""
    raw = EDITORS_RE.sub("", raw.strip().rstrip(",;: "))
    raw = re.sub(r"\s*\((?:dir|éds?|eds?|coord)\.?\)|\s*\(sous la dir[^)]*\)?", "", raw, flags=re.IGNORECASE)
    raw = re.sub(r"^AUTEURS?\s+", "", raw).replace("…", ",")
    raw = PARTICLE_AFTER_RE.sub(lambda m: m.group(2) + ("" if m.group(2)[-1] in "’'" else " ") + m.group(1), raw)
    raw = re.sub(r",?\s*\bet (?:al|coll)\.?$", "", raw).strip()
    names: list[str] = []
    for chunk in re.split(r"\s*;\s*|\s*,?\s+(?:et|and|&)\s+", raw):
        pieces = [p.strip() for p in chunk.split(",") if p.strip()]
        if not pieces:
            continue
        if any(_initials(p) for p in pieces[1:]):  # APA "Adams, K., Allen, F. A.", "KIM, K."
            names.append(_surname(pieces[0]))
            names.extend(_surname(p) for p in pieces[1:] if not _initials(p))
        elif len(pieces) == 2 and not _given_first(pieces[0]) and len(pieces[1].split()) <= 3 \
                and not TRAILING_INITIAL_RE.search(pieces[1]):
            names.append(_surname(pieces[0]))  # "Bochmann, Klaus"
        else:
            names.extend(_surname(p) for p in pieces)  # "Waleed Ammar, Matthew E. Peters"
    return [n for n in names if n]  # "et al." of an entry is no surname: left out


def _initials(piece: str) -> bool:
    """"K.", "D. A.", "J.-F.", "JM": given-name initials (not "BARONI M.")."""
    tokens = piece.split()
    if len(tokens) == 1 and re.match(rf"^[{UPPER}]{{1,3}}$", tokens[0]):
        return True
    return bool(tokens) and all(DOTTED_INITIALS_RE.match(t) and ("." in t or "-" in t) for t in tokens)


def _given_first(part: str) -> bool:
    """"Matthew E. Peters" (given name first) rather than a surname."""
    words = part.split()
    return len(words) >= 2 and words[0][0].isupper() and not words[0].isupper() and not INITIAL_RE.match(words[-1])


def _surname(person: str) -> str:
    """"Ostrom E." / "Elinor Ostrom" / "OSTROM E." / "Van Lerberghe W" / "Ostrom, Elinor" -> surname as written."""
    person = person.strip().strip(".,")
    if "," in person:
        return person.split(",")[0].strip()
    words = person.split()
    if len(words) >= 2 and INITIAL_RE.match(words[-1]) and (words[-1].endswith(".") or words[-1].isupper()):
        while len(words) > 1 and INITIAL_RE.match(words[-1]) and (words[-1].endswith(".") or words[-1].isupper() and len(words[-1]) <= 3):
            words.pop()
        return " ".join(words).rstrip(".")
    if len(words) >= 2 and INITIAL_RE.match(words[0].replace("-", "")) and words[0].endswith("."):
        while words and INITIAL_RE.match(words[0]) and words[0].endswith("."):
            words.pop(0)
        return " ".join(words)
    if len(words) >= 3 and not any(INITIAL_RE.match(w) and w.endswith(".") for w in words) \
            and not any(w.lower() in ("de", "van", "von", "der", "da", "di", "du", "le", "la") for w in words):
        return person  # an institution: "American Psychiatric Association"
    if len(words) >= 2 and not any(w.isupper() and len(w.rstrip(".")) > 1 for w in words):
        particles = {"de", "van", "von", "der", "den", "da", "di", "du", "le", "la", "del", "dos"}
        i = len(words) - 1
        while i > 0 and words[i - 1].lower() in particles:
            i -= 1
        from pipeline.citations.labeller import _compound_family

        if _compound_family(words, i):
            return person  # "Fustel de Coulanges": no given name before the particle
        return " ".join(words[i:])  # "Elinor Ostrom" -> "Ostrom", "Ludwig van Beethoven" -> "van Beethoven"
    return person


# An entry's label with a point or brackets. A bare "13 " is left for the note and Vancouver rules below to
# read ("13 Elinor Ostrom, Governing ...": a Chicago note, not the authors "Elinor Ostrom, Governing").
POINTED_LABEL_RE = re.compile(r"^\s*(?:\[\d{1,3}\]|\d{1,3}\.(?!\d))\s*")


# Which parser gives each field of `parse_entry`: chosen on GROBID's citation corpus (a fifth of its files held
# out of fitting), where the CRF was the better on every field; DOIs and URLs stay the rules' when they find one:
# the rules rejoin a DOI or URL that a line wrap cut ("10.1234/ abcd.2011"), which GROBID's strings seldom show.
LEARNED_FIELDS = ("title", "container", "volume", "issue", "pages", "publisher", "place", "editor")
RULE_FIRST_FIELDS = ("doi", "url")


# Any number before an entry, with or without a point ("[12]", "(12)", "12.", "12 Surname"): no field's.
ENTRY_NUMBER_RE = re.compile(r"^\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\d{1,3}\.(?!\d)|\d{1,3}(?=\s+\D))\s*")


def parse_entry(entry: str) -> dict:
    """Fields of one reference entry (only those found): the learned labeller's (`labeller.fields`) for
    authors, year and LEARNED_FIELDS; the rules' year suffix ("2014a") and "n.d." for an entry without a year;
    the rules' field where the labeller gives none, except the title and the publisher (the rules invent titles
    for entries that have none: on GROBID's evaluation, filling titles from the rules took title F1 from 0.79 to
    0.55; on a fifth of GROBID's corpus held out of fitting, the rules' publisher where the labeller gave none was
    wrong 68 times for 12 right)."""
    from pipeline.citations.labeller import fields as learned_fields
    from pipeline.citations.labeller import persons

    rules = parse_entry_rules(entry)
    learned = learned_fields(ENTRY_NUMBER_RE.sub("", entry, count=1).strip())
    out: dict = {}
    tail = VANCOUVER_TAIL_RE.search(entry)
    if tail and not entry[tail.end():].strip(" .;") and learned.get("container") != tail.group("container").strip():
        # A Vancouver tail at the end ("Reprod Health Matters 2006, 14(27):27–39.") says where the journal is: the
        # labeller may run the title into it ("... crisis. Reprod Health Matters"), take the year into it
        # ("Br Med J 2000"), or read a year of a repeated title ("Global Journal of Care 2012. Glob J Care 2011")
        journal = tail.group("container").strip()
        title = learned.get("title", "")
        if title.endswith(journal) and re.search(r"[.?!]\s*$", title[: -len(journal)]):
            learned["title"] = title[: -len(journal)].rstrip(" .")
        learned["container"], learned["year"] = journal, tail.group("year")
        learned.update({k: v for k, v in (("volume", tail.group("vol")), ("issue", tail.group("issue")),
                                          ("pages", re.sub(r"\s", "", tail.group("pages")))) if v})
    if learned.get("author") and re.match(r"^[^:]{2,120}:\s", learned["author"]) and rules.get("title") \
            and learned["author"].split(":", 1)[1].strip() and rules["title"].startswith(learned["author"].split(":", 1)[1].strip()):
        learned["author"] = learned["author"].split(":", 1)[0]  # "WHS: Global Health Indicators Part": a colon
        learned["title"] = rules["title"]  # ends a Vancouver author list
    title, container = learned.get("title", ""), learned.get("container", "")
    ask = re.match(r"^(.{2,200}?[?!])\s+\S", container)
    t0 = entry.find(title) if title else -1
    c0 = entry.find(container, t0 + len(title)) if ask and t0 >= 0 else -1
    if c0 >= 0 and not entry[t0 + len(title) : c0].strip(" .,:;"):
        # "... recidivism : What works ! Criminology", "... all-time low. Will the recession reverse that? Time
        # Magazine": a sentence that ends in ? or ! before the journal closes the title
        learned["title"] = entry[t0 : c0 + len(ask.group(1))]
        learned["container"] = container[len(ask.group(1)) :].strip()
    people = persons(learned["author"]) if "author" in learned else []
    named = [fold_ascii(learned.get(k, "")) for k in ("title", "container")]
    if people and not (rules.get("authors") and any(n and n in fold_ascii(rules["authors"][0]) for n in named)):
        # (not when the labeller's title or container is the rules' author: "Organisation internationale du
        # travail (OIT) (2002)", the acronym read as the author)
        out["authors"] = [family for family, _given in people]
        out["persons"] = [[family, given] for family, given in people]
    elif learned.get("editor") and "author" not in learned and fold_ascii(entry).lstrip(" 0123456789.[]").startswith(
            fold_ascii(learned["editor"])):  # "Barlow, Thomas, editor. A History ...": an edited book, editors first
        out["authors"] = [family for family, _given in persons(learned["editor"])]  # the names callouts cite
        out["edited"] = True
    elif rules.get("authors") and not _rules_misread_author(rules["authors"][0], learned):
        # an institution before its year ("Alliance coopérative internationale (2015)."), which the labeller
        # found no author in
        out["authors"] = rules["authors"]
        title = fold_ascii(learned.get("title", ""))
        if not title or title.startswith(fold_ascii(rules["authors"][0])):
            # the labeller, reading the author as the title, shifts every stretch by one; a title of its own
            # that holds no author ("IUPAC (1994). "Names and symbols ..." Pure and Applied Chemistry") stays
            learned = {k: v for k, v in learned.items() if k not in ("title", "container")}
            learned.update({k: rules[k] for k in ("title", "container") if rules.get(k)})
    year = learned.get("year") or (rules.get("year") if rules.get("year") != "n.d." else None)
    if year:
        out["year"] = year
        if rules.get("suffix") and rules.get("year") == year:
            out["suffix"] = rules["suffix"]
    elif out.get("authors"):
        out["year"] = "n.d."
    if learned.get("title"):  # "(traduit par A. Roy)", "(Report No. 5)", ", 2nd ed." are notes, not the title
        learned["title"] = TITLE_NOTE_RE.sub("", learned["title"]).rstrip(" .,") or learned["title"]
    shorter = rules.get("container")
    if shorter and learned.get("container", "").endswith(shorter) and re.search(r"\b\d{4}\.\s", learned["container"][: -len(shorter)]):
        learned["container"] = shorter  # "Global Journal of Care 2012. Glob J Care": the journal's last name
    # the rules' journal where the labeller gives none only after a quoted title ("« Titre », Revue, 12"): there
    # the quotes end the title; elsewhere the rules' journal was wrong more often than right (GROBID's corpus)
    quoted = re.search(r"[«“][^»”]{3,400}[»”]", entry)
    for key in LEARNED_FIELDS + RULE_FIRST_FIELDS:
        value = learned.get(key) or (rules.get(key) if key not in ("title", "publisher", "doi", "url") and (
            key != "container" or quoted) else None)
        if key in RULE_FIRST_FIELDS and value:
            value = _trim_web(value)  # "10.1039/c9ee00453j(2019)": the year glued on is no part of the DOI
        if key in RULE_FIRST_FIELDS and rules.get(key) and (not value or fold_ascii(rules[key]).startswith(fold_ascii(value))):
            value = rules[key]  # the rules' DOI or URL where it rejoins what a line wrap cut of the labeller's
        if value:
            out[key] = value
    return out


def _rules_misread_author(lead: str, learned: dict[str, str]) -> bool:
    """Whether the rules' first author, where the labeller found none, is no author but another field: no letters
    ("-", "_____": a repeated author's mark), a quoted title ("« Territoires en questions"), words inside the
    labeller's title ("Constitution de la République du Portugal"), or the journal of an entry with no title
    ("Kidney International, Vol. 49 (1996)", "Investigational New Drugs 19: 61–67": the volume read with it)."""
    folded = fold_ascii(lead)
    title, container = fold_ascii(learned.get("title", "")), fold_ascii(learned.get("container", ""))
    return (not folded or bool(re.search(r"[«»“”\"]", lead)) or folded in title and not title.startswith(folded)
            or not title and bool(container) and (folded in container or container in folded))


CSL_KEYS = {"title": "title", "container": "container-title", "volume": "volume", "issue": "issue", "pages": "page",
            "doi": "DOI", "url": "URL", "publisher": "publisher", "place": "publisher-place"}


def csl_item(entry: str) -> dict:
    """One reference string as a CSL-JSON item (what `rescorpus parse-refs` prints)."""
    parsed = parse_entry(entry)
    item: dict = {"type": "article-journal" if parsed.get("container") and parsed.get("volume") else
                  "chapter" if parsed.get("container") else "book" if parsed.get("publisher") else "document"}
    if parsed.get("persons"):
        item["author"] = [{"family": f, "given": g} if g else {"family": f} for f, g in parsed["persons"]]
    elif parsed.get("authors") and not parsed.get("edited"):
        item["author"] = [{"literal": a} for a in parsed["authors"]]
    if parsed.get("editor"):
        from pipeline.citations.labeller import persons

        item["editor"] = [{"family": f, "given": g} if g else {"family": f} for f, g in persons(parsed["editor"])]
    if parsed.get("year", "n.d.") != "n.d.":
        item["issued"] = {"date-parts": [[int(parsed["year"])]]}
    for key, csl in CSL_KEYS.items():
        if parsed.get(key):
            item[csl] = parsed[key]
    return item


def parse_entry_rules(entry: str) -> dict:
    """Fields of one reference entry by the hand-written rules (only those found)."""
    out: dict = {}
    body = POINTED_LABEL_RE.sub("", entry, count=1).strip()  # "[12]", "12." (a bare "12 " stays: see below)
    for kind, _a, _b, value in web_spans(body):
        out.setdefault(kind, value)
    head = author_head(body)
    vancouver = VANCOUVER_AUTHORS_RE.match(body)
    note = None if head or vancouver else CHICAGO_NOTE_RE.match(re.sub(r"^\d{1,3}\s+", "", body))
    if note:
        return {k: v for k, v in {**out, **_chicago_note(note)}.items() if v not in (None, "", [])}
    institution = None if head or vancouver else INSTITUTION_HEAD_RE.match(body)
    if head:
        authors, year, rest = body[: head.start()], head.group(0), body[head.end():]
    elif institution:  # "Organisation internationale du travail (2002). Recommandation 193 ..."
        out["authors"] = [institution.group("org")]
        authors, year, rest = "", institution.group("year"), body[institution.end():]
    else:
        authors, year, rest = _vancouver(body)
    names = split_names(authors) if authors else []
    if names:
        out["authors"] = names
    if year:
        y = re.search(YEAR_NUM + r"[a-z]?", year)
        out["year"] = y.group(0)[:4] if y else "n.d."
        if y and len(y.group(0)) == 5:
            out["suffix"] = y.group(0)[4]
    elif names:
        out["year"] = "n.d."
    out.update(_title_and_container(rest, bool(head or institution)))
    if "year" not in out or out.get("year") == "n.d.":
        y = re.search(rf"\b({YEAR_NUM})\b", rest)
        if y and not head:
            out["year"] = y.group(1)
    return {k: v for k, v in out.items() if v not in (None, "", [])}


# "[cited 2010 August 13]", "; last accessed 23 October 2013", "consulté le 3 mai 2020": when a page was read.
ACCESS_NOTE_RE = re.compile(
    r"\s*[;,.]?\s*\[?\s*(?:last\s+)?(?:accessed|consulté|cited|viewed)\b[^.\]\n]{0,40}?\b\d{4}\b[^.\]\n;]{0,12}\]?",
    re.IGNORECASE,
)


def web_spans(text: str) -> list[tuple[str, int, int, str]]:
    """DOIs and URLs of an entry as (kind, start, end, value), pieces split at a line wrap rejoined
    ("doi:10.1037// 1089-2680.5.4.323" -> "10.1037//1089-2680.5.4.323")."""
    found: list[tuple[str, int, int, str]] = []
    for kind, rx in (("doi", DOI_RE), ("url", URL_RE)):
        for m in rx.finditer(text):
            if any(a <= m.start() < b for _k, a, b, _v in found):
                continue
            value, end = m.group(0), m.end()
            while True:
                nxt = re.match(r"\s{1,2}(\S+)", text[end:])
                if not nxt or not _continues(value, nxt.group(1), kind):
                    break
                value, end = value + nxt.group(1), end + nxt.end()
            glued = GLUED_TAIL_RE.search(value.rstrip(".,;\u201d\u00bb"))
            value = _trim_web(value)
            if kind == "doi" and value.endswith("/"):
                continue  # "10.1234/" alone is no DOI
            end = m.start() + len(text[m.start() : end].rstrip(".,;)>\u201d\u00bb"))
            if glued and (at := text.rfind(glued.group(0).rstrip(")"), m.start(), end)) > m.start():
                end = at  # the year or note glued on stays in the entry's text
            found.append((kind, m.start(), end, value))
    return sorted(found, key=lambda f: f[1])


def _continues(value: str, piece: str, kind: str) -> bool:
    """Whether `piece` is the rest of a DOI or URL that a line wrap cut after `value`."""
    piece = piece.rstrip(".,;")
    if not piece or re.match(r"(?:https?:|www\.|doi\b|10\.\d{4,9}/)", piece, re.IGNORECASE):
        return False
    path_like = kind == "url" and re.fullmatch(r"[\w\-~%?=&#]+[./][\w.\-/~%?=&#]+", piece)
    if not (WRAPPED_PIECE_RE.fullmatch(piece) or path_like):
        return False
    if value[-1] in "/.-_":
        return True
    return bool(re.match(r"\(\d+\)\S", piece))  # "0022-3956 (75)90026-6"


# What a missing space glued on a DOI or URL: the entry's year "(2019)", or a note's opening bracket "(in Korean"
GLUED_TAIL_RE = re.compile(r"(?<=[\w/])\((?:1[5-9]\d\d|20\d\d)\)$|\([^()]*$")


def _trim_web(value: str) -> str:
    value = value.rstrip(".,;\u201d\u00bb")
    value = GLUED_TAIL_RE.sub("", value)
    while value.endswith(")") and value.count(")") > value.count("("):
        value = value[:-1].rstrip(".,;")
    while value.endswith(">") and value.count(">") > value.count("<"):
        value = value[:-1].rstrip(".,;")
    return value


def strip_web(text: str) -> str:
    """`text` without its DOIs and URLs (and the "doi:", "(" or "Available from:" before them)."""
    merged: list[list[int]] = []
    for _kind, a, b, _v in web_spans(text):
        if merged and a <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], b)
        else:
            merged.append([a, b])
    for a, b in reversed(merged):
        lead = WEB_LEAD_RE.search(text[:a])
        a = lead.start() if lead else a
        tail = text[b:].lstrip(" )")
        text = text[:a].rstrip() + ("" if not tail.strip(" .,;") else " " + tail)
    return ACCESS_NOTE_RE.sub("", text)


def _chicago_note(m: re.Match) -> dict:
    """Fields of a Chicago footnote: author, title, then place, publisher, year, pages."""
    out: dict = {"authors": [_surname(m.group("author"))], "year": m.group("year")}
    out["title"] = m.group("title").strip("«»“” ")
    rest = m.group("rest")
    container = re.match(r"^\s*(?:dans|in)\s+([^,]{3,200}),", rest, re.IGNORECASE)
    if container:
        out["container"] = container.group(1).strip()
    pub = re.search(rf"([{UPPER}][^,]{{1,60}}),\s*(?:{YEAR_NUM})\b", rest)
    if pub and not container:
        out["publisher"] = pub.group(1).strip()
    pages = PAGES_RE.search(rest)
    if pages:
        out["pages"] = re.sub(r"\s", "", pages.group("p"))
    return out


def _vancouver(body: str) -> tuple[str, str, str]:
    """"Shojania KG, Grimshaw JM: Title. Journal 2005, 24(1):138–150." -> (authors, year, rest)."""
    m = VANCOUVER_AUTHORS_RE.match(body)
    if not m:
        m = re.match(r"^(?P<a>[^:.]{3,200}?)[:.]\s", body)
        if not m:
            return "", "", body
    rest = body[m.end():].lstrip(":. ")
    tail = VANCOUVER_TAIL_RE.search(rest)  # the journal's "2009, 22(1):70–72" wins over a year in the title
    y = re.search(rf"\b{YEAR_NUM}\b", tail.group(0) if tail else rest)
    return m.group("a").rstrip(":., "), y.group(0) if y else "", rest


def _title_and_container(rest: str, author_year: bool) -> dict:
    """Title (quoted or up to the first full stop), then container, volume, issue, pages, publisher."""
    out: dict = {}
    rest = re.sub(r"^[\s.,:;)]+", "", rest)
    rest_noweb = strip_web(rest)
    q = QUOTED_RE.match(rest_noweb)
    if q:
        title, after = next(t for t in q.group("t1", "t2", "t3", "t4") if t is not None), rest_noweb[q.end():]
    else:
        ends = list(TITLE_END_RE.finditer(rest_noweb))
        stops = [e for e in ends if (e.group(0)[0] == "." or re.match(r"In |Dans ", rest_noweb[e.end():]))
                 and e.end() < len(rest_noweb.rstrip())]
        m = stops[0] if stops else (ends[0] if ends else None)
        journal = JOURNAL_TAIL_RE.search(rest_noweb) if author_year else None
        sentences = list(SENTENCE_STOP_RE.finditer(rest_noweb, 0, journal.start())) if journal else []
        if sentences and not re.search(r"\b(?:In|Dans)\s", rest_noweb[sentences[-1].end() : journal.start()]):
            m = sentences[-1]  # "Title. Part 1. More title. Journal, 7, 11-24": the last sentence is the journal
        if m:
            title, after = rest_noweb[: m.end()].rstrip(), rest_noweb[m.end():]
        else:
            title, after = rest_noweb, ""
    title = title.strip().rstrip(".").strip(" ,")
    if not q:
        title = TITLE_NOTE_RE.sub("", title).rstrip(" .,")
        title, imprint = _split_imprint(title)
        if imprint:
            out["publisher"] = imprint
    title = _strip_quotes(title)
    if title:
        out["title"] = title
    after = after.strip(" .,")
    if not after:
        return out
    van = None if author_year else VANCOUVER_TAIL_RE.search(after)
    if van:  # "Health Aff 2005, 24(1):138–150"
        out["container"] = van.group("container").strip()
        out["volume"] = van.group("vol")
        if van.group("issue"):
            out["issue"] = van.group("issue")
        out["pages"] = re.sub(r"\s", "", van.group("pages"))
        return out
    vip = VOL_ISSUE_PAGES_RE.search(after)
    book = IN_RE.match(after)
    if book:
        after = after[book.end():]
        after = re.sub(  # editors: "F. Dupont et J. Martin (dir.),", "Klavans J., Resnik P. (éds):"
            rf"^(?=[{UPPER}][a-z]?\.|[{UPPER}][\w’'\-]+,? (?:[{UPPER}][a-z]?\.|[{UPPER}]{{1,2}}\b))[^()]{{1,160}}?"
            r"\((?:dir|éds?|eds?|ed|coord)\.?\)\s*[.,:]?\s*", "", after)
        after = re.sub(r"^(?:[{U}]\.\s?)+[{U}][\w\-]+(?:\s*(?:,|et|and|&)\s*(?:[{U}]\.\s?)+[{U}][\w\-]+)*\s*\((?:dir|éds?|eds?)\.?\)\s*,\s*".format(U=UPPER), "", after)
    container = CONTAINER_END_RE.split(after, maxsplit=1)[0]
    container = container.strip(" ,.;:\n")
    imprint = not vip and not book and (_is_place_publisher(after) or PUBLISHER_WORDS_RE.search(container))
    if container and not re.match(r"^(?:\d|p\.|pp\.)", container) and len(container) < 200 and not imprint:
        out["container"] = container
    elif imprint and container and "publisher" not in out and not PUBLISHER_RE.search(after):
        out["publisher"] = container
    if vip and re.search(r"(?:n°|no|num[ée]ro)\.?\s*$", after[: vip.start()], re.IGNORECASE):
        out["issue"] = vip.group("vol")
        out["pages"] = re.sub(r"\s", "", vip.group("pages"))
    elif vip:
        out["volume"] = vip.group("vol")
        if vip.group("issue"):
            out["issue"] = vip.group("issue").strip()
        out["pages"] = re.sub(r"\s", "", vip.group("pages"))
    else:
        v = VOL_RE.search(after)
        if v:
            out["volume"] = v.group("v")
            if v.group("i"):
                out["issue"] = v.group("i")
        i = ISSUE_RE.search(after)
        if i and "issue" not in out:
            out["issue"] = i.group("i")
        p = PAGES_RE.search(after)
        if p:
            out["pages"] = re.sub(r"\s", "", p.group("p"))
    pub = PUBLISHER_RE.search(after)
    if pub and not vip:
        out["publisher"] = pub.group("pub").strip()
    return out


PLACES = (
    "Paris|Londres|London|New York|Montréal|Montreal|Québec|Quebec|Cambridge|Oxford|Bruxelles|Brussels|Genève|"
    "Lyon|Rennes|Grenoble|Toulouse|Bordeaux|Lille|Marseille|Berlin|Boston|Chicago|Reading|Cheltenham|Harlow|"
    "Thousand Oaks|Beverly Hills|Amsterdam|Ottawa|Louvain|Louvain-la-Neuve|Rabat|Casablanca|Séoul|Seoul|Dakar"
)
IMPRINT_PART_RE = re.compile(rf"^(?:{PLACES})(?:,\s?[A-Z]{{2}})?$")


def _split_imprint(title: str) -> tuple[str, str]:
    """"La logique de l’honneur, Seuil, Paris" -> ("La logique de l’honneur", "Seuil"): the
    comma-separated publisher and place after a book title."""
    parts = title.split(", ")
    for i in range(1, len(parts)):
        if PUBLISHER_WORDS_RE.search(parts[i]):
            return ", ".join(parts[:i]), parts[i].strip(" .")
        if IMPRINT_PART_RE.match(parts[i]):
            rest = [p for p in parts[i + 1 :] if not re.match(r"^[A-Z]{2}$", p)]
            if not rest and i >= 2:  # "Title, Publisher, Place[, ST]"
                return ", ".join(parts[: i - 1]), parts[i - 1].strip(" .")
            return ", ".join(parts[:i]), (rest[0].strip(" .") if rest else "")
    return title, ""


def _strip_quotes(title: str) -> str:
    """Quotation marks around a whole title are not part of it."""
    stripped = title.strip()
    while stripped[:1] in "«“\"‘" and stripped[-1:] in "»”\"’" and len(stripped) > 2:
        stripped = stripped[1:-1].strip()
    if stripped[:1] in "«“\"" and not any(q in stripped[1:] for q in "»”\""):
        stripped = stripped[1:].strip()
    return stripped


def _is_place_publisher(after: str) -> bool:
    """"New Haven, CT : Yale University Press" / "Paris, Gallimard": a book's imprint, not a journal."""
    return bool(re.match(rf"^[{UPPER}][\w .\-]{{1,40}}(?:,\s?[A-Z]{{2}})?\s?[:,]\s[{UPPER}]", after))
