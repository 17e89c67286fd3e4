"""A scale test corpus of distinct real texts, made from Érudit article XML (../shared/devset/erudit).

Test support, not shipped data: it reads the third-party XML and writes papers
into a folder the caller gives. Each article becomes plain text in the shapes
real exports take ("paragraph-lines", "wrapped", "double-spaced"); the XML's
`<refbiblio>` entries are the gold reference list, so reference recall can be
measured (`reference_recall`). Inline markup is flattened as a journal's text
export gives it: italics etc. become plain text, note calls (`<renvoi>`) are
dropped (a plain-text export has no superscripts, and bare digits glued to words
would read as Vancouver callouts); notes are kept on the Article, not emitted.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import textwrap
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

SHAPES = ("paragraph-lines", "wrapped", "double-spaced")
ABSTRACT_HEADINGS = {"fr": "Résumé", "en": "Abstract", "es": "Resumen", "pt": "Resumo", "it": "Riassunto",
                     "de": "Zusammenfassung"}
KEYWORD_LABELS = {"fr": "Mots-clés :", "en": "Keywords:", "es": "Palabras clave:", "pt": "Palavras-chave:",
                  "it": "Parole chiave:", "de": "Schlüsselwörter:"}
REFERENCE_HEADINGS = {"fr": "Bibliographie", "en": "References", "es": "Bibliografía"}
CAPTION_WORDS = {"tableau": {"fr": "Tableau", "en": "Table", "es": "Tabla"},
                 "figure": {"fr": "Figure", "en": "Figure", "es": "Figura"}}
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
            if child.tag not in SKIP_INLINE:
                walk(child)
            parts.append(child.tail or "")

    walk(elem)
    return " ".join("".join(parts).replace("\u00a0", " ").split())


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
    return Article(
        id=path.stem, title=title, subtitle=subtitle or None, authors=tuple(authors),
        year=int(year_text[:4]) if year_text[:4].isdigit() else None,
        journal=flat(q("admin/revue/titrerev")) or None, volume=flat(q("admin/numero/volume")) or None,
        doi=doi, language=lang, abstracts=tuple(abstracts), keywords=tuple(keywords), sections=sections,
        references=references, notes=notes,
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


# ---------------------------------------------------------------- author-less works several papers cite

# Our own writing, in the styles real reference lists use for works with no personal author.
ANONYMOUS_POOL = (
    "Entretien inédit avec la directrice générale d'une coopérative agricole, Rennes, 12 mars 2019.",
    "OCDE (2019). Les coopératives et l'économie sociale face aux crises. Paris : Éditions OCDE.",
    "Loi n° 2012-112 relative aux coopératives, Journal officiel, 14 février 2012.",
    "Site de l'Alliance coopérative internationale, https://www.ica.coop/fr (consulté le 3 mai 2021).",
    "Statistique Canada (2018). Enquête sur les coopératives non financières. Ottawa : Statistique Canada.",
    "Anonyme (1998). Rapport annuel du Conseil québécois de la coopération et de la mutualité. Québec.",
)
MIN_CHARS = 1500  # shorter: a metadata-only record (qualtraitement="minimal"), not a paper to test on
SHARE_EVERY = 3  # one paper in SHARE_EVERY (that has a reference list) gets 2-3 pool entries


def anonymous_references(article: Article, index: int, seed: int = 0) -> tuple[str, ...]:
    """The pool entries appended to paper `index` (none for most papers, or papers without a reference list)."""
    if not article.references or index % SHARE_EVERY != SHARE_EVERY - 1:
        return ()
    rng = random.Random(f"{seed}:{index}")
    return tuple(rng.sample(ANONYMOUS_POOL, rng.choice((2, 3))))


# ---------------------------------------------------------------- the corpus


@dataclass(frozen=True)
class Generated:
    """One generated paper: its corpus id, shape or layout, source article, repeat number, gold reference
    entries (None when the source tags none: a book chapter's bibliography is plain text)."""

    paper_id: str
    shape: str
    article: str
    repeat: int
    gold: tuple[str, ...] | None


def plan(
    articles: Sequence[Article], n: int, shapes: Sequence[str] = SHAPES, seed: int = 0
) -> list[tuple[Article, str, int]]:
    """The first `n` (article, shape, repeat) in a fixed order: the articles shuffled once by `seed` (so a
    small n mixes journals, chapters and languages), every article once per round, the shape rotating
    with the round, so an (article, shape) pair repeats only after all len(articles) x len(shapes)."""
    if not articles or not shapes:
        raise ValueError("no articles or no shapes to make papers from")
    articles = sorted(articles, key=lambda a: a.id)
    random.Random(seed).shuffle(articles)
    out = []
    combos = len(articles) * len(shapes)
    for i in range(n):
        rnd, a = divmod(i % combos, len(articles))
        out.append((articles[a], shapes[(a + rnd) % len(shapes)], i // combos))
    return out


def build_corpus(
    dest_corpus: Path,
    n: int,
    shapes: Sequence[str] = SHAPES,
    layouts: Sequence[str] | None = None,
    seed: int = 0,
    devset: Path | None = None,
    shared_references: bool = True,
) -> list[Generated]:
    """Add `n` papers made from the devset articles to the corpus folder `dest_corpus` with `add_paper`.

    Forms: the text `shapes`, then the PDF `layouts` (default: all of bench_erudit_pdf.LAYOUTS; () for
    text only). A repeat (past the distinct article x form pairs) differs from its first copy only
    harmlessly, so its sha256 differs: `repeat` extra trailing newlines (a .txt, same normalised
    text) or "copy <repeat>" in the PDF's keywords. With `shared_references`, one paper in
    SHARE_EVERY gets author-less works of ANONYMOUS_POOL appended to its reference list.
    """
    from pipeline.corpus.add import add_paper

    if layouts is None:
        from pipeline.bench.erudit_pdf import LAYOUTS as layouts
    forms = [*shapes, *layouts]
    unknown = [f for f in forms if f not in SHAPES and f not in _layouts()]
    if unknown:
        raise ValueError(f"unknown shape or layout {unknown[0]!r}: choose from {', '.join(SHAPES + _layouts())}")
    articles = usable_articles(devset or default_devset())
    dest_corpus = Path(dest_corpus)
    dest_corpus.mkdir(parents=True, exist_ok=True)
    staging = dest_corpus.parent / f".{dest_corpus.name}-staging"
    staging.mkdir(parents=True, exist_ok=True)
    made, seen = [], set()
    try:
        for index, (article, form, repeat) in enumerate(plan(articles, n, forms, seed)):
            extra = anonymous_references(article, index, seed) if shared_references else ()
            paper_id = f"{article.id}-{form}" + (f"-r{repeat}" if repeat else "")
            variant = repeat
            source = _write_source(staging / paper_id, article, form, extra, variant)
            while (sha := hashlib.sha256(source.read_bytes()).hexdigest()) in seen:
                variant += 1  # a short text whose shapes come out the same bytes: vary it as a repeat is
                source = _write_source(staging / paper_id, article, form, extra, variant)
            seen.add(sha)
            meta = metadata(article)
            extra_csl = {k: meta[k] for k in ("container-title", "volume") if k in meta}
            add_paper(dest_corpus, source, paper_id=paper_id, title=meta["title"] or None, authors=meta["author"],
                      year=article.year, lang=article.language, doi=article.doi, extra=extra_csl)
            source.unlink()
            gold = article.reference_entries + tuple(extra) if article.exact_references else None
            made.append(Generated(paper_id, form, article.id, repeat, gold))
    finally:
        for left in staging.iterdir():
            left.unlink()
        staging.rmdir()
    return made


def usable_articles(devset: Path) -> list[Article]:
    """The devset's articles with at least MIN_CHARS of text (metadata-only records left out)."""
    return [a for a in read_devset(devset) if len(article_text(a, "paragraph-lines")) >= MIN_CHARS]


def _layouts() -> tuple[str, ...]:
    from pipeline.bench.erudit_pdf import LAYOUTS

    return LAYOUTS


def _write_source(stem: Path, article: Article, form: str, extra: Sequence[str], repeat: int) -> Path:
    """The paper's source file: a .txt in a text shape or a .pdf in a layout."""
    if form in SHAPES:
        path = stem.with_name(stem.name + ".txt")
        path.write_text(article_text(article, form, extra) + "\n" * repeat, encoding="utf-8")
        return path
    from pipeline.bench.erudit_pdf import render_article_pdf

    return render_article_pdf(stem.with_name(stem.name + ".pdf"), article, form, extra,
                              tag=f"copy {repeat}" if repeat else None)


def summary(generated: Sequence[Generated]) -> str:
    """One line: how many papers, distinct articles, distinct (article, form) pairs and repeats."""
    articles = len({g.article for g in generated})
    repeats = sum(1 for g in generated if g.repeat)
    shared = sum(1 for g in generated if g.gold and any(e in ANONYMOUS_POOL for e in g.gold))
    return (f"{len(generated)} papers from {articles} distinct Érudit articles, {len(generated) - repeats} distinct "
            f"article x form pairs, {repeats} repeats; {shared} papers cite shared author-less works")


GENERATED_JSON = "generated.json"


def write_generated(path: Path, generated: Sequence[Generated]) -> None:
    """The generated papers (ids, forms, gold reference lists) as JSON, for `reference_recall` later."""
    from dataclasses import asdict

    from pipeline.files import write_json

    write_json(Path(path), [asdict(g) | {"gold": list(g.gold) if g.gold is not None else None} for g in generated])


def read_generated(path: Path) -> list[Generated]:
    """What `write_generated` wrote."""
    rows = json.loads(Path(path).read_text(encoding="utf-8"))
    return [Generated(r["paper_id"], r["shape"], r["article"], r["repeat"],
                      tuple(r["gold"]) if r["gold"] is not None else None) for r in rows]


def default_devset() -> Path:
    """../shared/devset/erudit beside the repository root."""
    import pipeline

    return Path(pipeline.__file__).resolve().parents[2] / "shared" / "devset" / "erudit"


# ---------------------------------------------------------------- reference recall


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)  # a line-end hyphenation joined, or "pré- doctorat"
    return " ".join(text.replace("\u2010", "-").replace("\u2011", "-").split()).casefold()


def match_entries(predicted: Sequence[str], gold: Sequence[str], threshold: float = 90.0) -> int:
    """How many gold entries a predicted entry matches one-to-one (rapidfuzz ratio >= threshold, greedy best first)."""
    from rapidfuzz import fuzz

    p, g = [_norm(t) for t in predicted], [_norm(t) for t in gold]
    pairs = sorted(((fuzz.ratio(a, b), i, j) for i, a in enumerate(p) for j, b in enumerate(g)), reverse=True)
    used_p, used_g = set(), set()
    for score, i, j in pairs:
        if score < threshold:
            break
        if i not in used_p and j not in used_g:
            used_p.add(i)
            used_g.add(j)
    return len(used_g)


def reference_recall(out_dir: Path, generated: Iterable[Generated]) -> dict[str, dict]:
    """Per shape: gold entries, matched, recall (over ALL gold entries), predicted entries, and how many of
    those lie outside every section whose role is "references" (outputs/text/<id>.json). Papers without
    gold (book chapters) are only counted, as `no_gold`."""
    from pipeline.spans import read_jsonl

    out_dir = Path(out_dir)
    per: dict[str, dict] = {}
    for paper in generated:
        row = per.setdefault(paper.shape, {"papers": 0, "no_gold": 0, "gold": 0, "matched": 0, "predicted": 0,
                                           "outside": 0, "missing_outputs": 0})
        if paper.gold is None:
            row["no_gold"] += 1
            continue
        row["papers"] += 1
        row["gold"] += len(paper.gold)
        spans_path = out_dir / "annotations" / f"{paper.paper_id}.jsonl"
        text_path = out_dir / "text" / f"{paper.paper_id}.json"
        if not spans_path.exists():
            row["missing_outputs"] += 1
            continue
        refs = [s for s in read_jsonl(spans_path) if s.layer == "reference"]
        sections = json.loads(text_path.read_text(encoding="utf-8")).get("sections", []) if text_path.exists() else []
        zones = [(s["start"], s["end"]) for s in sections if s.get("role") == "references"]
        row["predicted"] += len(refs)
        row["outside"] += sum(not any(a <= s.start and s.end <= b for a, b in zones) for s in refs)
        row["matched"] += match_entries([s.text for s in refs], paper.gold)
    for row in per.values():
        row["recall"] = round(row["matched"] / row["gold"], 3) if row["gold"] else None
    return dict(sorted(per.items()))
