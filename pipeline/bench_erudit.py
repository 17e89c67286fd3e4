"""A scale corpus of distinct real texts: the Érudit articles of ../shared/devset/erudit as papers.

Each article's XML (Érudit's publishing schema) becomes a paper in one of the
shapes scholars' files come in: plain text with one paragraph per line (what HTML,
XML and word-processor exports give), hard-wrapped with blank lines between
paragraphs, hard-wrapped with a blank line after every line (text copied out of a
PDF), or a PDF of one of three layouts. The XML marks every reference entry
(`<refbiblio>`), so the reference lists found by the product can be scored against
it (`reference_recall`). Nothing here is shipped data: the texts are made from
files the caller points to, into a folder the caller gives.

Note calls (`<renvoi>`) are left out of the text, as a journal's plain-text export
does; the notes themselves follow in the order of the XML's back matter.
"""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

NS = "{http://www.erudit.org/xsd/article}"
TEXT_SHAPES = ("paragraph-lines", "wrapped", "double-spaced")
PDF_LAYOUTS = ("one-column", "two-column", "wordprocessor")
SHAPES = TEXT_SHAPES + PDF_LAYOUTS
ABSTRACT_HEADS = {"fr": "Résumé", "en": "Abstract", "es": "Resumen", "pt": "Resumo", "de": "Zusammenfassung"}
KEYWORD_HEADS = {"fr": "Mots-clés :", "en": "Keywords:", "es": "Palabras clave:", "pt": "Palavras-chave:"}
WRAP = 88  # the width of a hard-wrapped line

# Author-less works cited by several papers (our own writing): what made two works share one key.
ANONYMOUS_WORKS = (
    "Entretien inédit avec la directrice de la coopérative Tighanimine, Agadir, 12 mars 2018.",
    "Loi n° 112-12 relative aux coopératives, Bulletin officiel n° 6318 du 18 décembre 2014.",
    "Rapport annuel 2019 du Mouvement Desjardins, Lévis, Mouvement Desjardins, 2020.",
    "Site de l'Alliance coopérative internationale, https://www.ica.coop/fr/coopératives/identite-cooperative "
    "(consulté le 3 mai 2020).",
    "Anonyme (1998). Guide pratique de la gestion coopérative. Montréal : Conseil canadien de la coopération.",
)


@dataclass(frozen=True)
class Block:
    """One unit of the paper's text: a heading, a paragraph, a caption, a table row or a reference entry."""

    kind: str  # title, authors, heading, body, caption, keywords, reference
    text: str


@dataclass(frozen=True)
class Article:
    """What the XML says of one article, and its text as blocks in reading order."""

    id: str
    title: str
    authors: tuple[tuple[str, str], ...]  # (given, family)
    year: int | None
    journal: str
    language: str
    blocks: tuple[Block, ...] = field(default=(), repr=False)

    @property
    def doi(self) -> str:
        return f"10.7202/{self.id}"

    @property
    def references(self) -> tuple[str, ...]:
        """The reference entries as the XML marks them (one `<refbiblio>` each)."""
        return tuple(b.text for b in self.blocks if b.kind == "reference")

    def csl(self) -> dict[str, Any]:
        """Its metadata as CSL-JSON fields beyond those `add_paper` takes (container-title)."""
        return {"container-title": self.journal} if self.journal else {}


def _flat(el: ET.Element | None) -> str:
    """An element's text with inline markup flattened, note calls left out, white space normalised."""
    if el is None:
        return ""
    parts: list[str] = []

    def walk(e: ET.Element) -> None:
        if e.text:
            parts.append(e.text)
        for child in e:
            if child.tag not in (NS + "renvoi", NS + "no") or e.tag == NS + "refbiblio":
                walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(el)
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _parse(path: Path) -> ET.Element:
    """The XML root; a file that declares entities is refused (the devset never does)."""
    data = Path(path).read_bytes()
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data:
        raise ValueError(f"{path}: declares XML entities; refused")
    return ET.fromstring(data)


def read_article(path: Path) -> Article:
    """One Érudit XML file as an Article."""
    root = _parse(path)
    lim = root.find(f"{NS}liminaire")
    title = _flat(root.find(f".//{NS}grtitre/{NS}titre"))
    subtitle = _flat(root.find(f".//{NS}grtitre/{NS}sstitre"))
    authors = tuple(
        (_flat(a.find(f"{NS}prenom")), _flat(a.find(f"{NS}nomfamille")))
        for a in root.findall(f".//{NS}grauteur/{NS}auteur/{NS}nompers")
    )
    year_text = _flat(root.find(f".//{NS}numero/{NS}pub/{NS}annee"))
    language = (root.get("lang") or "fr").split()[0]  # "fr en": the first is the text's
    blocks = [Block("title", f"{title} : {subtitle}" if subtitle else title)]
    if authors:
        blocks.append(Block("authors", ", ".join(f"{g} {f}".strip() for g, f in authors)))
    if lim is not None:
        blocks += _front(lim)
    body = root.find(f"{NS}corps")
    if body is not None:
        blocks += _section(body)
    back = root.find(f"{NS}partiesann")
    if back is not None:
        blocks += _back(back)
    return Article(
        id=Path(path).stem,
        title=title,
        authors=authors,
        year=int(year_text) if year_text.isdigit() else None,
        journal=_flat(root.find(f".//{NS}revue/{NS}titrerev")),
        language=language,
        blocks=tuple(b for b in blocks if b.text),
    )


def _front(lim: ET.Element) -> list[Block]:
    """Abstracts with their headings, then the keywords, language by language."""
    out: list[Block] = []
    for res in lim.findall(f"{NS}resume"):
        lang = res.get("lang", "")
        head = _flat(res.find(f"{NS}titre")) or ABSTRACT_HEADS.get(lang, "Abstract")
        out.append(Block("heading", head))
        out += [Block("body", _flat(a)) for a in res.iter(f"{NS}alinea")]
    for grp in lim.findall(f"{NS}grmotcle"):
        words = [_flat(m) for m in grp.findall(f"{NS}motcle")]
        head = _flat(grp.find(f"{NS}titre")) or KEYWORD_HEADS.get(grp.get("lang", ""), "Keywords:")
        if words:
            out.append(Block("keywords", f"{head.rstrip(' :')} : {', '.join(words)}"))
    return out


def _section(el: ET.Element) -> list[Block]:
    """The blocks of a body part in document order: headings, paragraphs, lists, quotes, captions."""
    out: list[Block] = []
    for child in el:
        tag = child.tag.removeprefix(NS)
        if tag == "titre":
            out.append(Block("heading", _flat(child)))
        elif tag.startswith("section") or tag in ("encadre", "bloc"):
            out += _section(child)
        elif tag in ("para", "bloccitation"):
            out += [Block("body", _flat(a)) for a in child.iter(f"{NS}alinea")]
        elif tag in ("listenonord", "listeord"):
            out += [Block("body", "– " + _flat(item)) for item in child.iter(f"{NS}elemliste")]
        elif tag in ("tableau", "figure", "grfigure", "grtableau"):
            out += _float(child, "Tableau" if "tableau" in tag else "Figure")
        elif tag == "verbatim":
            out += [Block("body", _flat(line)) for line in child.iter(f"{NS}ligne")]
    return out


def _float(el: ET.Element, word: str) -> list[Block]:
    """A table or figure as an export shows it: its caption line ("Tableau 2 : ..."), then its source if any."""
    out = []
    for item in el.iter():
        if item.tag not in (NS + "tableau", NS + "figure"):
            continue
        number = _flat(item.find(f"{NS}no"))
        caption = _flat(item.find(f"{NS}legende/{NS}titre")) or _flat(item.find(f"{NS}legende"))
        if number or caption:
            label = number if number.lower().startswith(word.lower()) else f"{word} {number}".strip()
            out.append(Block("caption", f"{label} : {caption}" if caption else label))
        source = _flat(item.find(f".//{NS}source"))
        if source:
            out.append(Block("caption", source if source.lower().startswith("source") else f"Source : {source}"))
    return out


def _back(back: ET.Element) -> list[Block]:
    """Notes and reference lists in the XML's order, each under its heading."""
    out: list[Block] = []
    for child in back:
        tag = child.tag.removeprefix(NS)
        if tag == "grnote":
            out.append(Block("heading", _flat(child.find(f"{NS}titre")) or "Notes"))
            for note in child.findall(f"{NS}note"):
                number = _flat(note.find(f"{NS}no"))
                text = " ".join(_flat(a) for a in note.iter(f"{NS}alinea"))
                out.append(Block("body", f"{number} {text}".strip()))
        elif tag == "grbiblio":
            for biblio in child.findall(f"{NS}biblio"):
                out.append(Block("heading", _flat(biblio.find(f"{NS}titre")) or "Bibliographie"))
                for part in biblio.iter():
                    if part.tag == NS + "refbiblio":
                        out.append(Block("reference", _flat(part)))
                    elif part.tag == NS + "divbiblio" and part.find(f"{NS}titre") is not None:
                        out.append(Block("heading", _flat(part.find(f"{NS}titre"))))
    return out


# ---------------------------------------------------------------- the texts


def paper_text(article: Article, shape: str, extra_references: Sequence[str] = ()) -> str:
    """The article as a plain-text file of `shape` (one of TEXT_SHAPES)."""
    blocks = list(article.blocks) + [Block("reference", r) for r in extra_references]
    if extra_references and not article.references:
        blocks.insert(len(article.blocks), Block("heading", "Bibliographie"))
    texts = [b.text for b in blocks]
    if shape == "paragraph-lines":
        return "\n\n".join(texts) + "\n"
    wrapped = [textwrap.wrap(t, WRAP, break_long_words=False, break_on_hyphens=False) or [t] for t in texts]
    if shape == "wrapped":
        return "\n\n".join("\n".join(lines) for lines in wrapped) + "\n"
    if shape == "double-spaced":
        return "\n\n".join(line for lines in wrapped for line in lines) + "\n"
    raise ValueError(f"{shape}: not a text shape; use one of {', '.join(TEXT_SHAPES)}")


MIN_CHARS = 1000  # an article with less text than this is a notice (an obituary, a title page), not a paper


def articles(folder: Path) -> list[Article]:
    """Every article of the folder with a title and MIN_CHARS of text, in file-name order. Book chapters in
    Érudit's search-index form (`<add><doc>`: one unstructured text field) are left out: nothing marks their
    paragraphs, sections or references."""
    found = []
    for path in sorted(Path(folder).glob("*.xml")):
        if _parse(path).tag != NS + "article":
            continue
        article = read_article(path)
        if article.title and sum(len(b.text) for b in article.blocks) >= MIN_CHARS:
            found.append(article)
    return found


@dataclass(frozen=True)
class Generated:
    """One paper made for the scale corpus: its id, the article and shape it came from, its gold entries."""

    paper_id: str
    article: str
    shape: str
    references: tuple[str, ...]
    repeat: int = 0  # 0 for the first paper of this article and shape, 1.. for repeats past the distinct ones


def plan(items: Sequence[Article], n: int, shapes: Sequence[str] = SHAPES, shared_every: int = 4) -> list[dict]:
    """Which paper is which: round r gives every article once, article i in shape (i + r) mod len(shapes), so
    each round mixes every shape and an article meets a new shape each round; (article, shape) pairs repeat
    only past the number of distinct ones. Every `shared_every`-th paper cites two shared author-less works."""
    out = []
    for k in range(n):
        i, r = k % len(items), k // len(items)
        shape = shapes[(i + r) % len(shapes)]
        article = items[i]
        repeat = k // (len(items) * len(shapes))
        extra = ()
        if shared_every and k % shared_every == 0:
            extra = (ANONYMOUS_WORKS[k % len(ANONYMOUS_WORKS)], ANONYMOUS_WORKS[(k + 1) % len(ANONYMOUS_WORKS)])
        out.append({"article": article, "shape": shape, "repeat": repeat, "extra": extra})
    return out


def build_corpus(
    corpus: Path, source: Path, n: int, shapes: Sequence[str] = SHAPES, staging: Path | None = None, note=None
) -> list[Generated]:
    """Add `n` papers made from the Érudit XML in `source` to `corpus` (with `add_paper`); return what each is.

    A repeat (past articles x shapes) differs from the first copy by a line naming its copy number, so the
    corpus takes it (it refuses a second file with one sha256)."""
    from pipeline.corpus import add_paper

    corpus, staging = Path(corpus), Path(staging or Path(corpus).parent / "erudit-sources")
    corpus.mkdir(parents=True, exist_ok=True)
    staging.mkdir(parents=True, exist_ok=True)
    items = articles(source)
    made = []
    for k, item in enumerate(plan(items, n, shapes)):
        article, shape, repeat, extra = item["article"], item["shape"], item["repeat"], item["extra"]
        paper_id = f"erudit-{article.id}-{shape}" + (f"-{repeat}" if repeat else "")
        text = paper_text(article, shape if shape in TEXT_SHAPES else "paragraph-lines", extra)
        if repeat:
            text = f"(copie {repeat})\n\n" + text
        if shape in PDF_LAYOUTS:
            path = render_pdf(staging / f"{paper_id}.pdf", article, shape, extra, repeat)
        else:
            path = staging / f"{paper_id}.txt"
            path.write_text(text, encoding="utf-8")
        add_paper(corpus, path, paper_id=paper_id, title=article.title, year=article.year, lang=article.language,
                  authors=[f"{f}, {g}" if g else f for g, f in article.authors], doi=article.doi, extra=article.csl())
        path.unlink()
        made.append(Generated(paper_id, article.id, shape, article.references + tuple(extra), repeat))
        if note and (k + 1) % 25 == 0:
            note(f"  {k + 1} of {n} papers made")
    staging.rmdir() if not any(staging.iterdir()) else None
    return made


def write_plan(path: Path, made: Sequence[Generated]) -> None:
    """What each generated paper is (for `reference_recall` later), as JSON lines."""
    Path(path).write_text("".join(json.dumps(g.__dict__, ensure_ascii=False) + "\n" for g in made), encoding="utf-8")


def read_plan(path: Path) -> list[Generated]:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Generated(**{**r, "references": tuple(r["references"])}) for r in rows]


# ---------------------------------------------------------------- PDFs


def font_file() -> Path:
    """A Unicode TrueType font that is always there: matplotlib's DejaVu Sans (matplotlib is a dependency)."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def render_pdf(path: Path, article: Article, layout: str, extra: Sequence[str] = (), repeat: int = 0) -> Path:
    """The article as a PDF of `layout` (bytes fixed: creation date pinned): "one-column" with running headers
    and page numbers, "two-column" under a full-width title block, or "wordprocessor" (large type, wide
    margins, no running header)."""
    from fpdf import FPDF  # fpdf2: a test extra, needed only to make PDF papers

    blocks = list(article.blocks) + [Block("reference", r) for r in extra]
    if extra and not article.references:
        blocks.insert(len(article.blocks), Block("heading", "Bibliographie"))
    if repeat:
        blocks.insert(1, Block("body", f"(copie {repeat})"))
    running = f"{article.journal} · {article.title[:60]}"

    class Pdf(FPDF):
        def header(self) -> None:
            if layout == "one-column" and self.page_no() > 1:
                self.set_font("body", size=8)
                self.set_y(10)
                self.cell(0, 4, running, align="C")
                self.set_y(20)

        def footer(self) -> None:
            if layout != "wordprocessor":
                self.set_y(-14)
                self.set_font("body", size=8)
                self.cell(0, 4, str(self.page_no()), align="C")

    pdf = Pdf(format="A4")
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=timezone.utc))
    margin = 30 if layout == "wordprocessor" else 18
    pdf.set_margins(margin, 20, margin)
    pdf.set_auto_page_break(True, 20)
    pdf.add_font("body", "", str(font_file()))
    size = 12 if layout == "wordprocessor" else 9.5
    pdf.add_page()
    head = [b for b in blocks if b.kind in ("title", "authors")]
    rest = [b for b in blocks if b.kind not in ("title", "authors")]
    for b in head:
        pdf.set_font("body", size=15 if b.kind == "title" else 11)
        pdf.multi_cell(0, 7 if b.kind == "title" else 6, b.text, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    if layout == "two-column":
        with pdf.text_columns(ncols=2, gutter=7, text_align="LEFT") as cols:
            for b in rest:
                pdf.set_font("body", size=size + (1 if b.kind == "heading" else 0))
                with cols.paragraph(bottom_margin=2) as par:
                    par.write(b.text)
    else:
        for b in rest:
            pdf.set_font("body", size=size + (1 if b.kind == "heading" else 0))
            pdf.multi_cell(0, size * 0.5, b.text, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(2)
    pdf.output(str(path))
    return Path(path)


# ---------------------------------------------------------------- scoring the reference lists


def _norm(text: str) -> str:
    text = re.sub(r"(\w)-\s+(\w)", r"\1\2", text)
    return re.sub(r"[\W_]+", " ", text.casefold()).strip()


def reference_recall(out: Path, made: Sequence[Generated]) -> dict[str, dict[str, Any]]:
    """Per shape: gold entries, entries found (one-to-one, normalised text ratio >= 90), recall, and predicted
    entries lying outside the paper's reference section."""
    from rapidfuzz import fuzz

    from pipeline.spans import read_jsonl

    figures: dict[str, dict[str, Any]] = {}
    for g in made:
        row = figures.setdefault(g.shape, {"papers": 0, "gold": 0, "found": 0, "predicted": 0, "outside": 0})
        row["papers"] += 1
        row["gold"] += len(g.references)
        ann = Path(out) / "annotations" / f"{g.paper_id}.jsonl"
        if not ann.exists():
            continue
        refs = [s for s in read_jsonl(ann) if s.layer == "reference"]
        row["predicted"] += len(refs)
        structure = json.loads((Path(out) / "text" / f"{g.paper_id}.json").read_text(encoding="utf-8"))
        spans = [(s["start"], s["end"]) for s in structure.get("sections", []) if s.get("role") == "references"]
        row["outside"] += sum(1 for r in refs if not any(a <= r.start and r.end <= b for a, b in spans))
        free = [_norm(r.text) for r in refs]
        for gold in g.references:
            target = _norm(gold)
            best = max(range(len(free)), key=lambda i: fuzz.ratio(target, free[i]), default=None)
            if best is not None and fuzz.ratio(target, free[best]) >= 90:
                row["found"] += 1
                free.pop(best)
    for row in figures.values():
        row["recall"] = round(row["found"] / row["gold"], 4) if row["gold"] else None
    return dict(sorted(figures.items()))


def iter_missed(out: Path, made: Sequence[Generated], shape: str) -> Iterator[tuple[str, str]]:
    """(paper id, gold entry) for every gold entry of `shape` not found: what to read when recall is short."""
    from rapidfuzz import fuzz

    from pipeline.spans import read_jsonl

    for g in made:
        if g.shape != shape:
            continue
        ann = Path(out) / "annotations" / f"{g.paper_id}.jsonl"
        refs = [_norm(s.text) for s in read_jsonl(ann) if s.layer == "reference"] if ann.exists() else []
        for gold in g.references:
            if not any(fuzz.ratio(_norm(gold), r) >= 90 for r in refs):
                yield g.paper_id, gold


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m pipeline.bench_erudit CORPUS --n 200`: make the scale corpus (and its plan) for a run by hand."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m pipeline.bench_erudit", description=main.__doc__)
    parser.add_argument("corpus", type=Path, help="the corpus folder to create (must not exist)")
    parser.add_argument("--n", type=int, default=200, help="papers to make (default 200)")
    parser.add_argument("--devset", type=Path, default=Path("../shared/devset/erudit"), help="the Érudit XML folder")
    parser.add_argument("--shapes", default=",".join(SHAPES), help=f"comma-separated, of: {', '.join(SHAPES)}")
    args = parser.parse_args(argv)
    if args.corpus.exists():
        parser.error(f"{args.corpus}: exists; give a new folder")
    if not args.devset.is_dir():
        parser.error(f"{args.devset}: no such folder; pass --devset DIR (../shared/devset/erudit)")
    shapes = [s for s in args.shapes.split(",") if s]
    if bad := [s for s in shapes if s not in SHAPES]:
        parser.error(f"unknown shape(s) {', '.join(bad)}; use {', '.join(SHAPES)}")
    made = build_corpus(args.corpus, args.devset, args.n, shapes, note=print)
    write_plan(args.corpus.parent / f"{args.corpus.name}-plan.jsonl", made)
    repeats = sum(1 for g in made if g.repeat)
    print(f"{len(made)} papers in {args.corpus}/ ({len(made) - repeats} distinct article-shape pairs, {repeats} "
          f"repeats); plan in {args.corpus.parent / (args.corpus.name + '-plan.jsonl')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
