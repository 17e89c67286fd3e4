"""Extraction: one source file -> one normalised `Extracted` paper.

    read_pdf / read_text  ->  Source (raw blocks in reading order)
    assemble              ->  Extracted (normalised text, paragraphs, sections, languages)
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from pipeline.extract.clean import join_lines, normalise_chars, paper_vocabulary
from pipeline.extract.language import detect_all
from pipeline.extract.model import Block, Extracted, Paragraph, Section, Source
from pipeline.extract.sections import KEYWORDS_LINE, role_of
from pipeline.extract.superscripts import locate

PARAGRAPH_SEP = "\n\n"
FRONT_ENDS = ("abstract", "keywords", "introduction")  # section roles that end a paper's title block
ENTRY_YEAR = re.compile(r"\b(?:1[5-9]\d\d|20[0-4]\d)[a-z]?\b")  # a reference entry's year: no heading of a list holds one
OPEN_END = re.compile(r"(?:[,;:&]|\b(?:et|and|in|dans))$")
ABSTRACT_MAX = 3000  # characters: an abstract with no heading after it ends before it grows past this


def extract(path: Path, password: str | None = None) -> Extracted:
    """Read a PDF or text source and normalise it."""
    return assemble(read_source(path, password))


def read_source(path: Path, password: str | None = None) -> Source:
    path = Path(path)
    if path.suffix.lower() == ".pdf":
        from pipeline.extract.pdf import read_pdf  # pdfplumber only when there is a PDF

        return read_pdf(path, password)
    from pipeline.extract.text import read_text

    return read_text(path)


def normalise_block(block: Block, vocabulary: frozenset[str] = frozenset()) -> str:
    """A block's normalised text: tables keep one row per line, everything else is one line (line-break
    hyphens decided with the paper's `vocabulary`, see `clean.dehyphenate`)."""
    if block.kind == "table":
        rows = (" ".join(normalise_chars(r.replace("\t", " ")).split()) for r in block.text.split("\n"))  # tabs part cells
        return "\n".join(r for r in rows if r)
    return join_lines(block.text, vocabulary)


def _main_language(pairs: list[tuple[Block, str]], langs: list[str]) -> str:
    """The language of most of the body text."""
    sizes: Counter[str] = Counter()
    for (block, text), lang in zip(pairs, langs):
        if block.kind == "body":
            sizes[lang] += len(text)
    return sizes.most_common(1)[0][0] if sizes else ""


def _after_abstract(
    head: tuple[str, int, int, str], paragraphs: list[Paragraph], text: str, lang: str, main_lang: str, offset: int
) -> str | None:
    """The role of a new section starting at this body paragraph of an abstract or keywords section, if any.

    An abstract ends at its keywords line, and the body starts after the keywords, or at the first
    paragraph in the paper's language after an abstract in another, or once the abstract is long.
    """
    if KEYWORDS_LINE.match(text):
        return None if head[3] == "keywords" else "keywords"
    if head[3] == "keywords":
        return "body"
    inside = [p for p in paragraphs if p.start >= head[1] and p.kind == "body"]
    if not inside:
        return None
    if inside[0].lang != main_lang and lang == main_lang:
        return "body"
    return "body" if offset - head[1] > ABSTRACT_MAX else None


def assemble(source: Source) -> Extracted:
    """Normalise blocks into the paper's text. Footnotes stay where the reader finds them, at the foot
    of their page (kind "note", their page in `Paragraph.page`), in the section they are read in."""
    ordered = list(source.blocks)
    vocabulary = paper_vocabulary(b.text for b in source.blocks if b.kind != "table")
    pairs = [(b, t) for b in ordered if (t := normalise_block(b, vocabulary))]
    langs = detect_all([t for _, t in pairs])
    main_lang = _main_language(pairs, langs)

    pieces: list[str] = []
    paragraphs: list[Paragraph] = []
    heads: list[tuple[str, int, int, str]] = []  # title, start, level, role
    offset = 0
    for (block, text), lang in zip(pairs, langs):
        in_list = heads and heads[-1][3] == "references"
        if block.kind == "heading" and in_list and role_of(text) == "body":
            # Under a reference list's heading an unnamed heading is a part of the list ("Fuentes primarias"),
            # or a line of an entry set alone at a page foot ("19 Institut ... (2017).", "27 Van Os, J., ... et").
            if ENTRY_YEAR.search(text) or OPEN_END.search(text):
                block = replace(block, kind="body", level=0)
        elif block.kind == "heading":
            heads.append((text, offset, block.level or 1, role_of(text)))
        elif block.kind == "body" and heads and heads[-1][3] in ("abstract", "keywords"):
            role = _after_abstract(heads[-1], paragraphs, text, lang, main_lang, offset)
            if role:
                heads.append((text.split(":")[0].strip() if role == "keywords" else "", offset, 1, role))
        paragraphs.append(
            Paragraph(
                start=offset,
                end=offset + len(text),
                kind=block.kind,
                page=block.page,
                lang=lang,
                section=len(heads) - 1 if heads else None,
                bbox=block.bbox,
                level=block.level,
            )
        )
        pieces.append(text)
        offset += len(text) + len(PARAGRAPH_SEP)
    text = PARAGRAPH_SEP.join(pieces)
    if source.superscripts:
        spans = [(p.start, p.end, p.kind == "note") for p in paragraphs]
        # The title block: before the first heading that opens a paper (abstract, keywords, introduction),
        # else before the first heading; its marks are authors' affiliations ("Agyeman-Duah¹*"), not callouts.
        named = [start for _, start, _, role in heads if role in FRONT_ENDS]
        first_heading = next((p.start for p in paragraphs if p.kind == "heading"), 0)
        front = min(named) if named else first_heading
        for i, marks in locate(text, spans, list(source.superscripts)).items():
            if paragraphs[i].start < front:
                marks = [(a, b, "front" if k == "raised" else k) for a, b, k in marks]
            paragraphs[i] = replace(paragraphs[i], superscripts=tuple(marks))
    ends = [start for _, start, _, _ in heads[1:]] + [len(text)]
    sections = tuple(
        Section(title=title, start=start, end=end if end == len(text) else end - len(PARAGRAPH_SEP),
                level=level, role=role)
        for (title, start, level, role), end in zip(heads, ends)
    )
    languages: Counter[str] = Counter()
    for p in paragraphs:
        languages[p.lang] += p.end - p.start
    return Extracted(
        text=text,
        pages=source.pages,
        paragraphs=tuple(paragraphs),
        sections=sections,
        tables=source.tables,
        has_text_layer=source.has_text_layer,
        languages=dict(languages),
        undecoded_pages=source.undecoded_pages,
        ocr_pages=source.ocr_pages,
    )
