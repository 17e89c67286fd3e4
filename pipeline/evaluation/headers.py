"""The header model's development data and its scores: GROBID's header TEI and Érudit first pages.

Test and training support, not shipped data: it reads the third-party files in ../shared/devset.

- GROBID's header TEI (`grobid/header/corpus|evaluation/tei`) is the first page's text with `<lb/>` line
  breaks and the fields tagged (`titlePart`, `docAuthor`, `affiliation`, `keyword`, `div type="abstract"`,
  `date`, `idno`...), no fonts: each line takes the label of most of its characters.
- An Érudit article (`erudit/*.xml`) is rendered under a journal title block (`erudit_pdf.render_header_pdf`),
  read back through the PDF path (`extract.header.pdf_lines`, with fonts), and each line labelled by the
  XML field its text belongs to.

`score` gives the field figures: title exact and fuzzy (rapidfuzz ratio >= 90 on folded text), first author's
family name, year and DOI (each where the gold has one).
"""

from __future__ import annotations

import re
import tempfile
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.extract.header import DOI, MAX_LINES, YEAR, Header, HeaderLine, _join, fold, pdf_lines_all

TEI_LABELS = {
    "titlePart": "title", "docAuthor": "author", "affiliation": "affiliation", "address": "affiliation",
    "email": "affiliation", "phone": "affiliation", "keyword": "keyword", "keywords": "keyword",
    "date": "meta", "idno": "meta", "reference": "meta", "page": "meta", "publisher": "meta", "meeting": "meta",
    "title": "meta", "pubnum": "meta", "ptr": "meta", "web": "meta", "copyright": "meta", "submission": "meta",
    "note": "other", "editor": "other", "degree": "other",
}
BLOCK_TAGS = {"docTitle", "byline", "div", "keyword", "keywords", "note", "date", "idno", "reference", "email",
              "address", "affiliation", "docAuthor", "titlePart", "page", "publisher", "meeting", "title"}
FUZZY = 90.0


@dataclass
class Example:
    """One first page: its lines, their gold labels (None where unknown) and the gold fields."""

    name: str
    lines: list[HeaderLine]
    labels: list[str]
    title: str | None = None
    first_family: str | None = None
    first_author_text: str | None = None  # GROBID: the first docAuthor's text (its first line, see _first_line_names)
    year: int | None = None
    doi: str | None = None
    extra: dict = field(default_factory=dict)
    tail: list[HeaderLine] = field(default_factory=list)  # page 1's lines past the first MAX_LINES (not labelled)


# ---------------------------------------------------------------- GROBID


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def tei_example(path: Path) -> Example | None:
    """One GROBID header TEI file as lines with labels and its gold fields; None when it has no front."""
    root = ET.parse(path).getroot()
    front = next((e for e in root.iter() if _local(e.tag) == "front"), None)
    if front is None:
        return None
    pieces: list[tuple[str, str]] = []  # (text, label); "\n" text is a line break
    gold: dict[str, list[str]] = {}

    def walk(e: ET.Element, label: str) -> None:
        tag = _local(e.tag)
        if tag == "lb":
            pieces.append(("\n", label))
        else:
            if tag == "div" and e.get("type") == "abstract":
                label = "abstract"
            elif tag in TEI_LABELS:
                label = TEI_LABELS[tag]
            pieces.append((e.text or "", label))
            for child in e:
                walk(child, label)
            if tag in BLOCK_TAGS and tag != "byline":
                gold.setdefault(tag, []).append("".join(e.itertext()))
                pieces.append(("\n", label))
        pieces.append((e.tail or "", "other" if tag != "lb" else label))

    pieces.append((front.text or "", "other"))
    for child in front:
        walk(child, "other")
    lines: list[HeaderLine] = []
    labels: list[str] = []
    text, counts = "", {}
    for piece, label in [*pieces, ("\n", "other")]:
        for part in re.split(r"(\n)", piece):
            if part == "\n":
                t = " ".join(text.split())
                if t:
                    lines.append(HeaderLine(t))
                    labels.append(max(sorted(counts), key=lambda k: counts[k]))
                text, counts = "", {}
            elif part:
                text += part
                counts[label] = counts.get(label, 0) + len(part.replace(" ", "").replace("\t", ""))
    if not lines:
        return None
    title = gold.get("titlePart", [None])[0]
    if title:
        title = _join([HeaderLine(x) for x in title.splitlines() if x.strip()])
    first_byline = next((e for e in front.iter() if _local(e.tag) == "docAuthor"), None)
    authors = _first_line_names(first_byline) if first_byline is not None else None
    dates = [int(m.group(1)) for d in gold.get("date", []) if (m := YEAR.search(d))]
    dois = [m.group(1).rstrip(".,;") for d in gold.get("idno", []) if (m := DOI.search(d))]
    return Example(path.name, lines, labels, title=title, first_author_text=" ".join(authors.split()) if authors else None,
                   year=dates[0] if dates else None, doi=dois[0] if dois else None)


def _first_line_names(author: ET.Element) -> str:
    """The gold byline the first author is read from: a `docAuthor` printed one name a line ("Given Family<lb/>
    Given Family<lb/>") is cut at its first line break (all its lines in one string held no separator between
    the names, so no family name could end the first); a first line of one word (a name wrapped) is kept whole."""
    parts: list[str] = []

    def walk(e: ET.Element) -> None:
        parts.append("\n" if _local(e.tag) == "lb" else (e.text or ""))
        for child in e:
            walk(child)
            parts.append(child.tail or "")

    walk(author)
    lines = [" ".join(x.split()) for x in "".join(parts).split("\n") if x.strip()]
    if not lines:
        return ""
    return lines[0] if len(lines[0].split()) >= 2 else " ".join(" ".join(lines).split())


def grobid_examples(folder: Path) -> list[Example]:
    return [e for p in sorted(Path(folder).glob("*.xml")) if (e := tei_example(p)) is not None]


# ---------------------------------------------------------------- Érudit


def erudit_example(article, layout: str, folder: Path | None = None) -> Example:
    """An Érudit article rendered under a title block, read back with fonts, lines labelled from the XML."""
    from pipeline.evaluation.erudit_pdf import issue_line, render_header_pdf

    with tempfile.TemporaryDirectory() as tmp:
        path = render_header_pdf(Path(folder or tmp) / f"{article.id}-{layout}.pdf", article, layout)
        every = pdf_lines_all(path)
        lines, tail = every[:MAX_LINES], [ln for ln in every[MAX_LINES:] if ln.page == 1]
    names = ", ".join(f"{a.given} {a.family}".strip() for a in article.authors)
    keywords = [f"{label} {', '.join(words)}" for _, label, words in article.keywords]
    fields = [
        ("title", [article.title, article.subtitle or ""]),
        ("author", [names]),
        ("affiliation", list(article.affiliations)),
        ("keyword", keywords),
        ("abstract", [p for _, _, paras in article.abstracts for p in paras]),
        ("meta", [article.journal or "", issue_line(article, "revue"), issue_line(article, "journal"),
                  f"https://doi.org/{article.doi}", f"DOI : {article.doi} © {article.journal or ''}, {article.year}"]),
    ]
    folded = [(label, [fold(t) for t in texts if t]) for label, texts in fields]
    headings = {fold(h) for _, h, _ in article.abstracts}
    labels: list[str] = []
    body = False  # past the title block: two lines of body text after an abstract (a body line may quote it)
    for ln in lines:
        t = fold(ln.text)
        label = "other"
        if t and t not in headings and len(t) >= 3 and not body:
            label = next((lab for lab, texts in folded if any(t in g for g in texts)), "other")
        body = body or (label == labels[-1] == "other" and len(t) > 30 and "abstract" in labels if labels else False)
        labels.append(label)
    for i, ln in enumerate(lines):  # the journal's foot line on page 1 is meta wherever it falls
        if labels[i] == "other" and any(fold(ln.text) in g for g in folded[-1][1] if len(fold(ln.text)) > 8):
            labels[i] = "meta"
    first = (article.authors[0].family or None) if article.authors else None  # an empty name: no gold
    return Example(f"{article.id}:{layout}", lines, labels, title=article.full_title, first_family=first,
                   year=article.year, doi=article.doi, extra={"language": article.language}, tail=tail)


# ---------------------------------------------------------------- scores


def first_author_ok(example: Example, header: Header) -> bool | None:
    """Whether the first author's family name is right (None: no gold). GROBID's gold is the raw author line:
    the family name must end its first name (the text up to the first comma, ';', 'and' or digit, the
    marks printed after it off)."""
    got = fold(header.authors[0].get("family", "")) if header.authors else ""
    if example.first_family is not None:
        return bool(got) and got == fold(example.first_family)
    if example.first_author_text:
        first = re.split(r",|;|\band\b|\bet\b|&|\d", example.first_author_text)[0]
        # the marks a byline prints after a name are not part of it: affiliation letters ("Marie Dupont a"),
        # the ORCID mark ("Marie Dupont ID")
        first = re.sub(r"(?:\s+(?:ID|[a-h]\)?))+\W*$", "", first.strip())
        squeezed, want = got.replace(" ", ""), fold(first).replace(" ", "")
        return len(squeezed) > 1 and want.endswith(squeezed)
    return None


def score(pairs: Iterable[tuple[Example, Header]]) -> dict[str, dict[str, float]]:
    """Field figures over (gold, read) pairs: {field: {"n", "right", "share"}}; each field counts only the
    examples whose gold has it (year and DOI: where printed)."""
    from rapidfuzz import fuzz

    tally: dict[str, list[int]] = {k: [0, 0] for k in ("title_exact", "title_fuzzy", "first_author", "year", "doi")}

    def add(name: str, ok: bool | None) -> None:
        if ok is not None:
            tally[name][0] += 1
            tally[name][1] += int(ok)

    for ex, h in pairs:
        got = fold(h.full_title or "")
        if ex.title:
            gold = fold(ex.title)
            add("title_exact", got == gold)
            add("title_fuzzy", bool(got) and fuzz.ratio(got, gold) >= FUZZY)
        add("first_author", first_author_ok(ex, h))
        if ex.year:
            add("year", h.year == ex.year)
        if ex.doi:
            add("doi", (h.doi or "").lower() == ex.doi.lower())
    return {k: {"n": n, "right": r, "share": round(r / n, 3) if n else 0.0} for k, (n, r) in tally.items()}


def line_accuracy(examples: Sequence[Example], predicted: Sequence[Sequence[str]]) -> float:
    right = total = 0
    for ex, labels in zip(examples, predicted):
        right += sum(a == b for a, b in zip(ex.labels, labels))
        total += len(ex.labels)
    return round(right / max(1, total), 3)


# ---------------------------------------------------------------- the held-out report (eval --devset --headers)


def text_only(example: Example) -> Example:
    """The same page as a plain-text paper gives it: text only, no fonts or places."""
    from dataclasses import replace

    return replace(example, name=example.name + ":text", lines=[HeaderLine(ln.text) for ln in example.lines],
                   tail=[HeaderLine(ln.text) for ln in example.tail])


def erudit_examples(erudit: Path, held: bool) -> list[Example]:
    """One side of the Érudit split (`pipeline/data/erudit_split.json`), each article under both title blocks."""
    from pipeline.evaluation.devset import held_out
    from pipeline.evaluation.erudit import read_article
    from pipeline.evaluation.erudit_pdf import HEADER_LAYOUTS

    out = held_out()
    found = []
    for path in sorted(Path(erudit).glob("*.xml")):
        if (path.stem in out) != held:
            continue
        article = read_article(path)
        if article.title:
            found += [erudit_example(article, layout) for layout in HEADER_LAYOUTS]
    return found


def held_out_sets(devset: Path) -> dict[str, list[Example]]:
    """The pages the header model was never fitted on, by name."""
    grobid = Path(devset) / "grobid" / "header"
    corpus = grobid_examples(grobid / "corpus" / "tei")
    erudit = erudit_examples(Path(devset) / "erudit", held=True)
    return {
        "held out: grobid evaluation": grobid_examples(grobid / "evaluation" / "tei"),
        "held out: grobid corpus (1 of 5)": [e for i, e in enumerate(corpus) if i % 5 == 4],
        "held out: erudit held-out (PDF)": erudit,
        "held out: erudit held-out (text)": [text_only(e) for e in erudit],
    }


def header_report(sets: dict[str, list[Example]], model=None) -> dict[str, dict]:
    """Line accuracy and field figures per set, with the shipped model unless one is given."""
    from pipeline.extract.header import fields_from, label_lines

    report = {}
    for name, examples in sets.items():
        predicted = [label_lines(ex.lines, model) for ex in examples]
        headers = [fields_from(ex.lines, labels, ex.tail) for ex, labels in zip(examples, predicted)]
        report[name] = {"pages": len(examples), "line_accuracy": line_accuracy(examples, predicted),
                        **score(zip(examples, headers))}
    return report


def report_lines(report: dict[str, dict]) -> list[str]:
    lines = []
    for name, figures in report.items():
        parts = [f"{k} {v['share']:.3f} ({v['right']}/{v['n']})" for k, v in figures.items() if isinstance(v, dict)]
        lines.append(f"{name}: {figures['pages']} pages, lines {figures['line_accuracy']:.3f}; " + "; ".join(parts))
    return lines
