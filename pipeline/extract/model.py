"""The shapes extraction produces: raw blocks from a source, and the normalised paper.

A reader (pdf.py, text.py) turns a source into `Block`s in reading order, with
their raw text (line breaks, hyphens and ligatures still in). `assemble` then
normalises them into one `Extracted` paper whose paragraphs carry character
offsets into the normalised text: the text every annotation indexes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# Block kinds. "heading" starts a section; "note" is a footnote or endnote, kept
# apart from the body; "caption" is a figure/table caption; "table" is the text
# of a table region (its cells also come out as CSV).
KINDS = ("body", "heading", "note", "caption", "table")

BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Block:
    """One paragraph-sized piece of a source, in reading order, before normalisation."""

    text: str  # raw: lines joined with "\n", hyphens and ligatures as printed
    page: int  # 1-based page number (text sources: the page the block starts on)
    kind: str = "body"
    bbox: BBox | None = None  # (x0, top, x1, bottom) in PDF points, None for text sources
    level: int = 0  # heading depth ("1.1" -> 2), 0 when unknown or not a heading
    column: int = 0  # 0 single column / full width, 1 left, 2 right


@dataclass(frozen=True)
class Table:
    """A table found on a page: rows of cell strings (None where a cell is empty)."""

    page: int
    bbox: BBox
    rows: tuple[tuple[str | None, ...], ...]


@dataclass(frozen=True)
class Source:
    """Everything a reader got out of one source file."""

    blocks: tuple[Block, ...]
    pages: int
    tables: tuple[Table, ...] = ()
    has_text_layer: bool = True
    undecoded_pages: tuple[int, ...] = ()  # pages with glyphs no font mapping could decode (left out)
    ocr_pages: tuple[tuple[int, float], ...] = ()  # pages read by OCR: (page, Tesseract's mean word confidence)
    superscripts: tuple = ()  # raised marks as written, in reading order (superscripts.Mark)


@dataclass(frozen=True)
class Paragraph:
    """A normalised paragraph: its place in the text, where it came from, what it is."""

    start: int
    end: int  # exclusive
    kind: str
    page: int
    lang: str
    section: int | None = None  # index into Extracted.sections
    bbox: BBox | None = None
    level: int = 0
    # Raised marks (superscripts.py): [start, end, kind] in text offsets, kind "note" (a footnote call),
    # "label" (a note's number), "front" (an affiliation mark), "raised" (a callout, an ordinal, ...).
    superscripts: tuple[tuple[int, int, str], ...] | None = None


@dataclass(frozen=True)
class Section:
    """A heading and the span of text it governs (heading included)."""

    title: str
    start: int
    end: int
    level: int
    role: str  # abstract | keywords | introduction | body | conclusion | references | notes | ...


@dataclass(frozen=True)
class Extracted:
    """One paper's normalised text and its structure, offsets into `text`."""

    text: str
    pages: int
    paragraphs: tuple[Paragraph, ...]
    sections: tuple[Section, ...]
    tables: tuple[Table, ...] = ()
    has_text_layer: bool = True
    languages: dict[str, int] = field(default_factory=dict)  # language -> characters
    undecoded_pages: tuple[int, ...] = ()  # pages with glyphs left out: no font mapping decodes them
    ocr_pages: tuple[tuple[int, float], ...] = ()  # pages read by OCR: (page, mean word confidence 0-100)

    @property
    def flags(self) -> tuple[str, ...]:
        """What a reader of this paper should know about how its text was got ("ocr", "undecoded_glyphs:p2,p3")."""
        flags = ["ocr"] if self.ocr_pages else []
        if self.undecoded_pages:
            flags.append("undecoded_glyphs:" + ",".join(f"p{n}" for n in self.undecoded_pages))
        return tuple(flags)

    def to_json(self) -> dict:
        """The structure as written to outputs/text/<id>.json (text itself goes to .txt)."""
        flags = {"flags": list(self.flags)} if self.flags else {}
        if self.ocr_pages:
            flags["ocr"] = [{"page": page, "confidence": conf} for page, conf in self.ocr_pages]
        return {
            "pages": self.pages,
            "has_text_layer": self.has_text_layer,
            **flags,
            "chars": len(self.text),
            "languages": dict(sorted(self.languages.items())),
            "sections": [asdict(s) for s in self.sections],
            "paragraphs": [
                {k: v for k, v in asdict(p).items() if v is not None} for p in self.paragraphs
            ],
            "tables": [
                {"n": i + 1, "page": t.page, "bbox": list(t.bbox), "rows": len(t.rows)}
                for i, t in enumerate(self.tables)
            ],
        }
