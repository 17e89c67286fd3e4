"""Érudit article XML (../shared/devset/erudit) read into `Article`s, and their text in the shapes of real exports.

Test support, not shipped data: it reads the third-party XML. Each article becomes plain text in the shapes
real exports take ("paragraph-lines", "wrapped", "double-spaced"); the XML's `<refbiblio>` entries are the
gold reference list (pipeline.bench.erudit_corpus makes a corpus of them and measures reference recall).
Inline markup is flattened as a journal's text export gives it: italics etc. become plain text, note calls
(`<renvoi>`) are dropped (a plain-text export has no superscripts, and bare digits glued to words would read
as Vancouver callouts); notes are kept on the Article, not emitted.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
SHAPES = ("paragraph-lines", "wrapped", "double-spaced")
ABSTRACT_HEADINGS = {"fr": "Résumé", "en": "Abstract", "es": "Resumen", "pt": "Resumo", "it": "Riassunto",
                     "de": "Zusammenfassung"}
KEYWORD_LABELS = {"fr": "Mots-clés :", "en": "Keywords:", "es": "Palabras clave:", "pt": "Palavras-chave:",
                  "it": "Parole chiave:", "de": "Schlüsselwörter:"}
REFERENCE_HEADINGS = {"fr": "Bibliographie", "en": "References", "es": "Bibliografía"}
CAPTION_WORDS = {"tableau": {"fr": "Tableau", "en": "Table", "es": "Tabla"},
                 "figure": {"fr": "Figure", "en": "Figure", "es": "Figura"}}
# Raised digits (Vancouver callouts "mentale⁵,⁶"): kept raised in the text shapes, as Unicode superscripts.
SUPERSCRIPT_BODY = re.compile(r"^\s*\d{1,3}(?:\s*[-–,]\s*\d{1,3})*,?\s*$")
TO_SUPERSCRIPT = str.maketrans("0123456789-–", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻")
SKIP_INLINE = {"renvoi", "objetmedia", "grnote", "note", "idpublic"}  # idpublic: a DOI shown as a link


@dataclass(frozen=True)
class Person:
    """One author as the XML names them."""

    given: str
    family: str


@dataclass(frozen=True)
class Section:
    """A body section: its heading as the XML gives it (None when it has none), depth 1-3, paragraphs."""

    title: str | None
    level: int
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class RefGroup:
    """A run of reference entries under one heading ("Bibliographie", a `divbiblio` sub-heading, or None)."""

    title: str | None
    entries: tuple[str, ...]


@dataclass(frozen=True)
class Article:
    """What one Érudit XML file gives: metadata, abstracts, keywords, body, notes and reference list."""

    id: str
    title: str
    subtitle: str | None
    authors: tuple[Person, ...]
    year: int | None
    journal: str | None
    volume: str | None
    doi: str
    language: str
    abstracts: tuple[tuple[str, str, tuple[str, ...]], ...]  # (lang, heading, paragraphs)
    keywords: tuple[tuple[str, str, tuple[str, ...]], ...]  # (lang, label, keywords)
    sections: tuple[Section, ...]
    references: tuple[RefGroup, ...]
    notes: tuple[str, ...] = ()
    exact_references: bool = True  # False: a book chapter whose full text holds an untagged bibliography
    issue: str | None = None
    pages: str | None = None  # "27-59"
    affiliations: tuple[str, ...] = ()  # as the XML gives them, one per author's affiliation, in order

    @property
    def reference_entries(self) -> tuple[str, ...]:
        """Every reference entry, in order (the gold reference list)."""
        return tuple(e for g in self.references for e in g.entries)

    @property
    def full_title(self) -> str:
        if not self.subtitle:
            return self.title
        sep = " " if self.title.endswith((":", "?", "!", ".")) else (" : " if self.language == "fr" else ": ")
        return self.title + sep + self.subtitle


# ---------------------------------------------------------------- reading the XML


def parse_xml(path: Path) -> ET.Element:
    """Parse `path` refusing any DTD or entity declaration (no entity expansion, no external fetch)."""
    data = Path(path).read_bytes()
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise ValueError(f"{path}: XML with a DTD or entity declarations is refused")
    parser = ET.XMLParser()
    parser.feed(data)
    root = parser.close()
    for elem in root.iter():
        elem.tag = elem.tag.rpartition("}")[2]
        for key in [k for k in elem.attrib if "}" in k]:
            elem.attrib[key.rpartition("}")[2]] = elem.attrib.pop(key)
    return root


def flat(elem: ET.Element | None) -> str:
    """The element's text with inline markup flattened, note calls dropped, whitespace normalised."""
    if elem is None:
        return ""
    parts: list[str] = []

    def walk(e: ET.Element) -> None:
        parts.append(e.text or "")
        for child in e:
            if child.tag == "exposant" and SUPERSCRIPT_BODY.match(raised := "".join(child.itertext())):
                parts.append(raised.strip().translate(TO_SUPERSCRIPT))  # "psychotique²⁻³", as a word processor sets it
            elif child.tag not in SKIP_INLINE:
                walk(child)
            parts.append(child.tail or "")

    walk(elem)
    return " ".join("".join(parts).replace("\u00a0", " ").split())


def marked_text(ref: ET.Element) -> tuple[str, list[str | None]]:
    """The entry's text as `erudit.flat` gives it, and the markup type ("petitecap", "italique", ...) of each
    character (the innermost `<marquage>` around it; "url" inside a link)."""
    chars: list[tuple[str, str | None]] = []

    def walk(e: ET.Element, mark: str | None) -> None:
        chars.extend((c, mark) for c in e.text or "")
        for child in e:  # as flat() walks
            if child.tag == "exposant" and SUPERSCRIPT_BODY.match(raised := "".join(child.itertext())):
                chars.extend((c, mark) for c in raised.strip().translate(TO_SUPERSCRIPT))
            elif child.tag not in SKIP_INLINE:
                inner = child.get("typemarq") if child.tag == "marquage" else "url" if child.tag == "liensimple" else mark
                walk(child, inner or mark)
            chars.extend((c, mark) for c in child.tail or "")

    walk(ref, None)
    return collapse_spaces(chars)


def collapse_spaces(chars: Sequence[tuple[str, T]]) -> tuple[str, list[T]]:
    """Characters with a tag each (markup, label) as one text, every run of whitespace one space (with the
    tag of its first character), none at the ends; the tags of the kept characters beside it."""
    text: list[str] = []
    tags: list[T] = []
    for c, tag in chars:
        if c.isspace():
            if text and text[-1] != " ":
                text.append(" ")
                tags.append(tag)
            continue
        text.append(c)
        tags.append(tag)
    while text and text[-1] == " ":
        text.pop(), tags.pop()
    return "".join(text), tags


def marked_runs(text: str, marks: list[str | None], kind: str) -> list[tuple[int, int]]:
    """(start, end) of each run of characters marked `kind` in `marked_text`'s output; runs with only spaces
    or a hyphen between are one ("<i>L’</i><i>énigme</i>", small caps "Le" "Nagard", "Saint"-"Victor")."""
    out: list[list[int]] = []
    for i, m in enumerate(marks):
        if m == kind:
            if out and not text[out[-1][1]:i].strip(" -"):
                out[-1][1] = i + 1
            else:
                out.append([i, i + 1])
    return [(a, b) for a, b in out]


def read_article(path: Path) -> Article:
    """Read one Érudit file: an `<article>` (eruditarticle schema) or a book chapter in Solr `<add><doc>` form."""
    path = Path(path)
    root = parse_xml(path)
    if root.tag == "add":
        return _read_solr(path, root)
    if root.tag != "article":
        raise ValueError(f"{path}: not an Érudit article (root <{root.tag}>)")
    lang = (root.get("lang") or "fr").split()[0]

    def q(p: str) -> ET.Element | None:
        return root.find(p)

    grtitre = q("liminaire/grtitre")
    title = flat(grtitre.find("titre")) if grtitre is not None else ""
    if not title and grtitre is not None:  # a review or notice titled only by its rubric ("Comptes rendus")
        title = flat(grtitre.find("surtitre"))
    subtitle = flat(grtitre.find("sstitre")) if grtitre is not None else ""
    authors = []
    for auteur in root.iterfind("liminaire/grauteur/auteur"):
        pers = auteur.find("nompers")
        if pers is None:
            continue
        given = " ".join(flat(e) for e in pers if e.tag in ("prenom", "autreprenom"))
        authors.append(Person(given, flat(pers.find("nomfamille"))))
    year_text = flat(q("admin/numero/pub/annee"))
    doi = flat(q("admin/infoarticle/idpublic")) or f"10.7202/{path.stem}"
    abstracts = []
    for resume in root.iterfind("liminaire/resume"):
        rlang = resume.get("lang") or lang
        heading = flat(resume.find("titre")) or ABSTRACT_HEADINGS.get(rlang, "Abstract")
        paras = tuple(t for t in (flat(a) for a in resume.iter("alinea")) if t)
        if paras:
            abstracts.append((rlang, heading, paras))
    keywords = []
    for gr in root.iterfind("liminaire/grmotcle"):
        klang = gr.get("lang") or lang
        words = tuple(t for t in (flat(m) for m in gr.iter("motcle")) if t)
        label = flat(gr.find("titre"))
        label = (label + (" :" if klang == "fr" else ":")) if label and not label.endswith(":") else label
        if words:
            keywords.append((klang, label or KEYWORD_LABELS.get(klang, "Keywords:"), words))
    corps = root.find("corps")
    sections = tuple(_sections(corps, lang)) if corps is not None else ()
    references = tuple(_references(root))
    notes = tuple(t for t in (flat(a) for n in root.iter("note") for a in n.iter("alinea")) if t)
    first, last = flat(q("admin/infoarticle/pagination/ppage")), flat(q("admin/infoarticle/pagination/dpage"))
    affiliations = tuple(dict.fromkeys(t for a in root.iterfind("liminaire/grauteur/auteur/affiliation")
                                       if (t := " ".join(flat(x) for x in a.iter("alinea")).strip())))
    return Article(
        id=path.stem, title=title, subtitle=subtitle or None, authors=tuple(authors),
        year=int(year_text[:4]) if year_text[:4].isdigit() else None,
        journal=flat(q("admin/revue/titrerev")) or None, volume=flat(q("admin/numero/volume")) or None,
        doi=doi, language=lang, abstracts=tuple(abstracts), keywords=tuple(keywords), sections=sections,
        references=references, notes=notes, issue=flat(q("admin/numero/nonumero")) or None,
        pages=f"{first}-{last}" if first and last else first or None, affiliations=affiliations,
    )


def _sections(corps: ET.Element, lang: str) -> Iterator[Section]:
    """Body sections in document order; text before the first section is an untitled level-1 section."""
    loose: list[str] = []
    for child in corps:
        level = _section_level(child)
        if level:
            if loose:
                yield Section(None, 1, tuple(loose))
                loose = []
            yield from _section(child, level, lang)
        else:
            loose += _blocks(child, lang)
    if loose:
        yield Section(None, 1, tuple(loose))


def _section_level(elem: ET.Element) -> int:
    m = re.fullmatch(r"section([1-6])", elem.tag)
    return int(m.group(1)) if m else 0


def _section(elem: ET.Element, level: int, lang: str) -> Iterator[Section]:
    title = flat(elem.find("titre")) or None
    paragraphs: list[str] = []
    subs: list[ET.Element] = []
    for child in elem:
        if child.tag in ("titre", "no"):
            continue
        if _section_level(child):
            subs.append(child)
        elif subs:  # text after a subsection stays in its place: a new untitled run
            if title or paragraphs:
                yield Section(title, level, tuple(paragraphs))
            title, paragraphs = None, []
            for sub in subs:
                yield from _section(sub, _section_level(sub), lang)
            subs = []
            paragraphs += _blocks(child, lang)
        else:
            paragraphs += _blocks(child, lang)
    if title or paragraphs:
        yield Section(title, level, tuple(paragraphs))
    for sub in subs:
        yield from _section(sub, _section_level(sub), lang)


def _blocks(elem: ET.Element, lang: str) -> list[str]:
    """Paragraph strings inside a body element: its `<alinea>`s, table and figure captions."""
    tag = elem.tag
    if tag in ("alinea", "ligne"):
        text = flat(elem)
        return [text] if text else []
    if tag in ("tableau", "figure"):
        return _caption(elem, tag, lang)
    if tag in ("grnote", "note", "no", "objetmedia", "titre", "source"):
        return []
    out: list[str] = []
    for child in elem:
        out += _blocks(child, lang)
    return out


def _caption(elem: ET.Element, kind: str, lang: str) -> list[str]:
    """ "Tableau 1 : caption" as the XML gives it (its `<no>` and `<legende>`); OCRed cells are not rows."""
    number = flat(elem.find("no"))
    legende = elem.find("legende")
    caption = " ".join(t for t in (flat(legende.find("titre")) if legende is not None else "",
                                    flat(legende.find("sstitre")) if legende is not None else "") if t)
    if number and not number[0].isalpha():
        number = f"{CAPTION_WORDS[kind].get(lang, CAPTION_WORDS[kind]['en'])} {number}"
    if number and caption:
        return [f"{number}{' :' if lang == 'fr' else '.'} {caption}"]
    return [t for t in (number or caption,) if t]


def _references(root: ET.Element) -> Iterator[RefGroup]:
    for biblio in root.iterfind("partiesann/grbiblio/biblio"):
        yield from _ref_groups(biblio)


def _ref_groups(elem: ET.Element) -> Iterator[RefGroup]:
    title, entries = flat(elem.find("titre")) or None, []
    for child in elem:
        if child.tag == "refbiblio":
            text = flat(child)
            if text:
                entries.append(text)
        elif child.tag in ("divbiblio", "alinea"):
            if title or entries:
                yield RefGroup(title, tuple(entries))
            title, entries = None, []
            if child.tag == "alinea":
                title = flat(child) or None
            else:
                yield from _ref_groups(child)
    if title or entries:
        yield RefGroup(title, tuple(entries))


def _read_solr(path: Path, root: ET.Element) -> Article:
    """A book chapter given as a Solr document: title, authors, year, collection and its full text, one
    paragraph a line; its bibliography and notes are in that text untagged, so it gives no gold references."""
    fields: dict[str, list[str]] = {}
    for f in root.iter("field"):
        fields.setdefault(f.get("name", ""), []).append(f.text or "")

    def one(*names: str) -> str:
        return next((" ".join(v[0].split()) for n in names if (v := fields.get(n))), "")

    lang = one("Langue") or "fr"
    names = (a.partition(",") for a in fields.get("AuteurNP_fac", []))
    authors = tuple(Person(given.strip(), family.strip()) for family, _, given in names)
    lines = [" ".join(line.split()) for line in (fields.get("TexteIntegral") or [""])[0].splitlines()]
    paragraphs = tuple(line for line in lines if len(line) > 1)  # drop lone drop-cap letters
    title = one(f"Titre_{lang}", "Titre_fr", "Titre_en", "Titre_defaut")
    subtitle = one(f"SousTitre_{lang}", "SousTitre_fr", "SousTitre_en", "SousTitre_defaut")
    if paragraphs and paragraphs[0] == title:
        paragraphs = paragraphs[1:]
    if paragraphs and subtitle and paragraphs[0] == subtitle:
        paragraphs = paragraphs[1:]
    year = one("Annee", "AnneePublication")
    return Article(
        id=path.stem, title=title, subtitle=subtitle or None, authors=authors,
        year=int(year[:4]) if year[:4].isdigit() else None, journal=one("TitreCollection_fac") or None,
        volume=None, doi=f"10.7202/{path.stem}", language=lang, abstracts=(), keywords=(),
        sections=(Section(None, 1, paragraphs),) if paragraphs else (), references=(), exact_references=False,
    )


def read_devset(folder: Path) -> list[Article]:
    """Every article of the folder, sorted by file name (a fixed order)."""
    return [read_article(p) for p in sorted(Path(folder).glob("*.xml"))]


# ---------------------------------------------------------------- metadata and text shapes


def metadata(article: Article) -> dict:
    """The article's CSL-JSON-like metadata (the fields `add_paper` takes)."""
    csl: dict = {"title": article.full_title, "DOI": article.doi, "language": article.language,
                 "author": [{"given": a.given, "family": a.family} for a in article.authors if a.family]}
    if article.year:
        csl["issued"] = {"date-parts": [[article.year]]}
    if article.journal:
        csl["container-title"] = article.journal
    if article.volume:
        csl["volume"] = article.volume
    return csl


def typed_blocks(article: Article, extra_references: Sequence[str] = ()) -> list[tuple[str, str]]:
    """The paper as (kind, text) in reading order; kind: title, subtitle, authors, heading, paragraph,
    keywords, reference (headings are their own blocks, as exports print them)."""
    out = [("title", article.title)] + ([("subtitle", article.subtitle)] if article.subtitle else [])
    names = ", ".join(f"{a.given} {a.family}".strip() for a in article.authors)
    if names:
        out.append(("authors", names))
    kw = {lang: (label, words) for lang, label, words in article.keywords}
    for lang, heading, paras in article.abstracts:
        out += [("heading", heading)] + [("paragraph", p) for p in paras]
        if lang in kw:
            label, words = kw.pop(lang)
            out.append(("keywords", f"{label} {', '.join(words)}"))
    out += [("keywords", f"{label} {', '.join(words)}") for label, words in kw.values()]
    for section in article.sections:
        if section.title:
            out.append(("heading", section.title))
        out += [("paragraph", p) for p in section.paragraphs]
    groups = list(article.references)
    if extra_references:
        if groups:
            last = groups[-1]
            groups[-1] = RefGroup(last.title, last.entries + tuple(extra_references))
        else:
            groups = [RefGroup(None, tuple(extra_references))]
    if groups and not groups[0].title:  # an untitled list still gets the heading an HTML export prints
        groups[0] = RefGroup(REFERENCE_HEADINGS.get(article.language, "References"), groups[0].entries)
    for group in groups:
        if group.title:
            out.append(("heading", group.title))
        out += [("reference", e) for e in group.entries]
    return [(kind, text) for kind, text in out if text]


def blocks(article: Article, extra_references: Sequence[str] = ()) -> list[str]:
    """The paper as a list of paragraphs (headings are one-line paragraphs), in reading order."""
    return [text for _, text in typed_blocks(article, extra_references)]


def wrap_width(article_id: str) -> int:
    """A fixed line width from 80 to 95 characters for one article (exports differ; each is stable)."""
    return 80 + int(hashlib.sha256(article_id.encode()).hexdigest(), 16) % 16


def shape_text(paragraphs: Sequence[str], shape: str, width: int = 88) -> str:
    """The paragraphs as plain text in one export shape (see SHAPES)."""
    if shape == "paragraph-lines":
        return "\n\n".join(paragraphs) + "\n"
    wrapped = [textwrap.wrap(p, width, break_long_words=False, break_on_hyphens=False) for p in paragraphs]
    if shape == "wrapped":
        return "\n\n".join("\n".join(lines) for lines in wrapped) + "\n"
    if shape == "double-spaced":
        return "\n\n".join(line for lines in wrapped for line in lines) + "\n"
    raise ValueError(f"unknown shape {shape!r}: choose one of {', '.join(SHAPES)}")


def article_text(article: Article, shape: str, extra_references: Sequence[str] = ()) -> str:
    """The article's plain text in `shape`."""
    return shape_text(blocks(article, extra_references), shape, wrap_width(article.id))


# ---------------------------------------------------------------- the usable articles, and matching their entries

MIN_CHARS = 1500  # shorter: a metadata-only record (qualtraitement="minimal"), not a paper to test on


def usable_articles(devset: Path) -> list[Article]:
    """The devset's articles with at least MIN_CHARS of text (metadata-only records left out)."""
    return [a for a in read_devset(devset) if len(article_text(a, "paragraph-lines")) >= MIN_CHARS]


def default_devset() -> Path:
    """../shared/devset/erudit beside the repository root."""
    import pipeline

    return Path(pipeline.__file__).resolve().parents[2] / "shared" / "devset" / "erudit"


def normalise_entry(text: str) -> str:
    """An entry's text for comparing: NFKC, invisible format characters (soft hyphen, zero-width space, byte-order
    mark) dropped, line-end hyphens joined, spaces collapsed, case folded."""
    text = "".join(c for c in unicodedata.normalize("NFKC", text) if unicodedata.category(c) != "Cf")
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)  # a line-end hyphenation joined, or "pré- doctorat"
    return " ".join(text.replace("\u2010", "-").replace("\u2011", "-").split()).casefold()


def match_entries(predicted: Sequence[str], gold: Sequence[str], threshold: float = 90.0) -> int:
    """How many gold entries a predicted entry matches one-to-one (rapidfuzz ratio >= threshold, greedy best first)."""
    from rapidfuzz import fuzz

    p, g = [normalise_entry(t) for t in predicted], [normalise_entry(t) for t in gold]
    pairs = sorted(((fuzz.ratio(a, b), i, j) for i, a in enumerate(p) for j, b in enumerate(g)), reverse=True)
    used_p, used_g = set(), set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_g)
