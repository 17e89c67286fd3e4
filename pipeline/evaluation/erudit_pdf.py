"""PDFs of an Érudit article in three page layouts, rendered with fpdf2 (a test extra, imported lazily).

- "one-column": journal page, running header (journal / short title) from page 2, page numbers;
- "two-column": title block over both columns, then two columns a page, page numbers;
- "wordprocessor": one wide-margined column, larger font and leading, no running header.
Lines are placed one by one (left-aligned, each a single text run), so pdfplumber reads each column's
lines in order; bytes are fixed for the same input (creation date pinned).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from pipeline.evaluation.erudit import Article, typed_blocks

LAYOUTS = ("one-column", "two-column", "wordprocessor")
PAGE_W, PAGE_H = 595.28, 841.89  # A4, points
FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))


@dataclass(frozen=True)
class Layout:
    """Page geometry and type sizes of one layout."""

    columns: int
    margin_x: float
    margin_top: float
    margin_bottom: float
    size: float
    leading: float  # times the size
    header: bool
    page_numbers: bool
    gutter: float = 22.0


GEOMETRY = {
    "one-column": Layout(1, 62, 70, 64, 10.0, 1.3, header=True, page_numbers=True),
    "two-column": Layout(2, 48, 60, 60, 9.0, 1.25, header=False, page_numbers=True),
    "wordprocessor": Layout(1, 90, 80, 80, 12.0, 1.6, header=False, page_numbers=False),
}


def font_files() -> dict[str, Path]:
    """A Unicode TTF regular/bold pair: DejaVu Serif or Sans from the system, else matplotlib's DejaVu Sans."""
    for folder in FONT_DIRS:
        for name in ("DejaVuSerif", "DejaVuSans"):
            regular, bold = folder / f"{name}.ttf", folder / f"{name}-Bold.ttf"
            if regular.exists() and bold.exists():
                return {"": regular, "B": bold}
    try:
        import matplotlib

        folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
        if (folder / "DejaVuSans.ttf").exists():
            return {"": folder / "DejaVuSans.ttf", "B": folder / "DejaVuSans-Bold.ttf"}
    except ImportError:
        pass
    raise RuntimeError("no Unicode TTF font found: install fonts-dejavu-core (or matplotlib)")


@functools.cache
def _printable_chars() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(font_files()[""]), lazy=True).getBestCmap())


def printed(text: str) -> str:
    """`text` as the rendered page prints it: characters the body font has no glyph for (CJK, emoji, a
    byte-order mark) are dropped by fpdf2, so a PDF's gold is the text without them."""
    chars = _printable_chars()
    return "".join(c for c in text if c.isspace() or ord(c) in chars)


def short_title(title: str, limit: int = 60) -> str:
    """The title cut at a word before `limit` characters, with an ellipsis when cut."""
    if len(title) <= limit:
        return title
    return title[:limit].rsplit(" ", 1)[0].rstrip(" ,:;") + "…"


class _Pages:
    """Places wrapped lines into the layout's columns, opening pages (with header and number) as needed."""

    def __init__(self, article: Article, layout: Layout, tag: str | None) -> None:
        from fpdf import FPDF  # fpdf2: a test extra

        self.layout, self.article = layout, article
        self.pdf = FPDF(unit="pt", format="A4")
        self.pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=timezone.utc))
        self.pdf.set_auto_page_break(False)
        self.pdf.set_title(article.full_title)
        if tag:
            self.pdf.set_keywords(tag)
        for style, file in font_files().items():
            self.pdf.add_font("Body", style, str(file))
        width = PAGE_W - 2 * layout.margin_x
        col_w = (width - layout.gutter * (layout.columns - 1)) / layout.columns
        self.columns = [layout.margin_x + i * (col_w + layout.gutter) for i in range(layout.columns)]
        self.col_w, self.full_w = col_w, width
        self.column, self.y, self.top = 0, 0.0, layout.margin_top
        self._new_page()

    def _new_page(self) -> None:
        lay, pdf = self.layout, self.pdf
        pdf.add_page()
        number = pdf.page_no()
        if lay.header and number > 1:
            self.font(lay.size * 0.8)
            half = (PAGE_W - 2 * lay.margin_x) / 2 - 12
            left = self._fit(self.article.journal or "", half)
            right = self._fit(short_title(self.article.title), half)
            pdf.text(lay.margin_x, lay.margin_top - 28, left)
            pdf.text(PAGE_W - lay.margin_x - pdf.get_string_width(right), lay.margin_top - 28, right)
        if lay.page_numbers:
            self.font(lay.size * 0.9)
            label = str(number)
            pdf.text((PAGE_W - pdf.get_string_width(label)) / 2, PAGE_H - lay.margin_bottom + 30, label)
        self.column, self.top = 0, lay.margin_top
        self.y = self.top

    def _fit(self, text: str, width: float) -> str:
        """`text` cut at words (with an ellipsis) to fit `width` in the current font."""
        while text and self.pdf.get_string_width(text) > width:
            text = text.rsplit(" ", 1)[0].rstrip(" ,:;…") + "…" if " " in text else ""
        return text

    def font(self, size: float, bold: bool = False) -> None:
        self.pdf.set_font("Body", "B" if bold else "", size)

    def wrap(self, text: str, width: float, rest: float | None = None) -> list[str]:
        """Greedy word wrapping at `width` points in the current font (`rest` for the lines after the
        first: a hanging indent); a word wider than the line (a URL, a DOI) is broken where typesetting
        breaks it, so no line runs over the next column."""
        lines: list[str] = []
        current, used = "", 0.0
        space = self.pdf.get_string_width(" ")
        for word in text.split():
            measure = width if not lines or rest is None else rest
            pieces = self._pieces(word, measure)
            for k, piece in enumerate(pieces):
                w = self.pdf.get_string_width(piece)
                if current and (k > 0 or len(pieces) > 1 or used + space + w > measure):
                    lines.append(current)
                    current, used = piece, w
                elif current:
                    current, used = f"{current} {piece}", used + space + w
                else:
                    current, used = piece, w
        return lines + ([current] if current else [])

    def _pieces(self, word: str, width: float) -> list[str]:
        """`word` in pieces that fit `width`, cut after a "/", ".", "-", "_", "?", "&" or "=" where one
        falls in the latter two thirds of a piece (as LaTeX's url package breaks), else where it must."""
        pieces: list[str] = []
        while self.pdf.get_string_width(word) > width and len(word) > 1:
            fit = 1
            while fit < len(word) and self.pdf.get_string_width(word[: fit + 1]) <= width:
                fit += 1
            cut = max((i + 1 for i, ch in enumerate(word[:fit]) if ch in "/.-_?&=" and i + 1 >= fit / 3), default=fit)
            pieces.append(word[:cut])
            word = word[cut:]
        return pieces + [word]

    def full_width(self, text: str, size: float, bold: bool = False, gap: float = 0.0) -> None:
        """A centred block over the whole text width (title block, page 1)."""
        self.font(size, bold)
        for line in self.wrap(text, self.full_w):
            self.pdf.text((PAGE_W - self.pdf.get_string_width(line)) / 2, self.y + size, line)
            self.y += size * 1.3
        self.y += gap
        self.top = self.y  # the columns start under the title block

    def flow(self, text: str, size: float, bold: bool = False, hanging: float = 0.0, gap: float = 0.0) -> None:
        """A paragraph in the current column, flowing on into the next column or page."""
        self.font(size, bold)
        leading = size * self.layout.leading
        bottom = PAGE_H - self.layout.margin_bottom
        # lines after the first are narrower under a hanging indent (wrapped so from the text itself:
        # rejoining the lines would put spaces into a URL broken over them)
        lines = self.wrap(text, self.col_w, self.col_w - hanging if hanging else None)
        if bold and self.y + leading * 3 > bottom:  # a heading does not end a column
            self._next_column()
            self.font(size, bold)
        for n, line in enumerate(lines):
            if self.y + leading > bottom:
                self._next_column()
                self.font(size, bold)
            self.pdf.text(self.columns[self.column] + (hanging if n else 0.0), self.y + size, line)
            self.y += leading
        self.y += gap

    def _next_column(self) -> None:
        if self.column + 1 < len(self.columns):
            self.column += 1
            self.y = self.top
        else:
            self._new_page()


def render_article_pdf(
    path: Path, article: Article, layout: str, extra_references: Sequence[str] = (), tag: str | None = None
) -> Path:
    """Write `article` as a PDF in `layout` (see LAYOUTS); `tag` goes into the PDF's keywords (varies bytes)."""
    if layout not in GEOMETRY:
        raise ValueError(f"unknown layout {layout!r}: choose one of {', '.join(LAYOUTS)}")
    lay = GEOMETRY[layout]
    pages = _Pages(article, lay, tag)
    size = lay.size
    parts = typed_blocks(article, extra_references)
    while parts and parts[0][0] in ("title", "subtitle", "authors"):
        kind, text = parts.pop(0)
        big = {"title": (size * 1.6, True, size * 0.4), "subtitle": (size * 1.25, False, size * 0.4),
               "authors": (size * 1.1, False, size * 1.5)}[kind]
        pages.full_width(text, *big)
    for kind, text in parts:
        if kind == "heading":
            pages.flow(text, size * 1.1, bold=True, gap=size * 0.3)
        elif kind == "reference":
            pages.flow(text, size * 0.95, hanging=size * 1.5, gap=size * 0.35)
        else:
            pages.flow(text, size, gap=size * (0.8 if lay.columns == 1 else 0.6))
    path = Path(path)
    pages.pdf.output(str(path))
    return path


# ---------------------------------------------------------------- first pages with a journal's title block

HEADER_LAYOUTS = ("revue", "journal")
ISSUE_WORDS = {"fr": ("Volume", "numéro"), "en": ("Volume", "Number")}


def issue_line(article: Article, style: str) -> str:
    """The journal's volume/issue/year line as the two title blocks print it."""
    parts = []
    if style == "revue":
        vol, num = ISSUE_WORDS["en" if article.language == "en" else "fr"]
        if article.volume:
            parts.append(f"{vol} {article.volume}")
        if article.issue:
            parts.append(f"{num} {article.issue}")
        if article.year:
            parts.append(str(article.year))
        if article.pages:
            parts.append("p. " + article.pages.replace("-", "–"))
        return ", ".join(parts)
    text = article.journal or ""
    if article.volume:
        text += f", vol. {article.volume}"
    if article.issue:
        text += f", no {article.issue}"
    if article.year:
        text += f" ({article.year})"
    if article.pages:
        text += f" : {article.pages}"
    return text


def render_header_pdf(path: Path, article: Article, layout: str, body_paragraphs: int = 12) -> Path:
    """The article's first pages under a journal title block, in one of HEADER_LAYOUTS:

    - "revue": journal name, volume/issue/year/pages line and DOI at the top left; centred title, subtitle,
      authors and affiliations; each abstract under its heading ("Résumé", "Abstract") with its keywords line;
      then the body in one column;
    - "journal": a small running line "Journal, vol. 26, no 1 (2018) : 27-59" top right; authors (bold), then
      title and subtitle left-aligned; affiliations; abstracts and keywords in a smaller type; the DOI and
      "©" line at the foot of page 1; then the body in two columns.
    Only the first `body_paragraphs` body paragraphs follow (a first page and a bit).
    """
    if layout not in HEADER_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}: choose one of {', '.join(HEADER_LAYOUTS)}")
    lay = GEOMETRY["one-column" if layout == "revue" else "two-column"]
    lay = Layout(lay.columns, lay.margin_x, lay.margin_top, lay.margin_bottom, lay.size, lay.leading,
                 header=False, page_numbers=True, gutter=lay.gutter)
    pages = _Pages(article, lay, None)
    pdf, size = pages.pdf, lay.size
    names = ", ".join(f"{a.given} {a.family}".strip() for a in article.authors)
    doi_text = f"https://doi.org/{article.doi}" if layout == "revue" else f"DOI : {article.doi}"

    def left(text: str, fsize: float, bold: bool = False, gap: float = 0.0, right: bool = False) -> None:
        pages.font(fsize, bold)
        for line in pages.wrap(text, pages.full_w):
            x = PAGE_W - lay.margin_x - pdf.get_string_width(line) if right else lay.margin_x
            pdf.text(x, pages.y + fsize, line)
            pages.y += fsize * 1.3
        pages.y += gap
        pages.top = pages.y

    if layout == "revue":
        left(article.journal or "", size * 0.9, bold=True)
        left(issue_line(article, "revue"), size * 0.8)
        left(doi_text, size * 0.8, gap=size * 2.0)
        pages.full_width(article.title, size * 1.7, True, size * 0.4)
        if article.subtitle:
            pages.full_width(article.subtitle, size * 1.3, False, size * 0.6)
        if names:
            pages.full_width(names, size * 1.1, False, size * 0.3)
        for aff in article.affiliations:
            pages.full_width(aff, size * 0.85, False, 0.0)
        pages.y += size
    else:
        left(issue_line(article, "journal"), size * 0.8, right=True, gap=size * 2.0)
        if names:
            left(names, size * 1.15, bold=True, gap=size * 0.5)
        left(article.title, size * 1.8, bold=True, gap=size * 0.3)
        if article.subtitle:
            left(article.subtitle, size * 1.35, gap=size * 0.5)
        for aff in article.affiliations:
            left(aff, size * 0.85)
        pages.y += size
    keywords = {lang: (label, words) for lang, label, words in article.keywords}
    small = size * (0.9 if layout == "revue" else 0.85)
    for lang, heading, paras in article.abstracts:
        left(heading, small * 1.05, bold=True, gap=small * 0.2)
        for para in paras:
            left(para, small, gap=small * 0.4)
        if lang in keywords:
            label, words = keywords.pop(lang)
            left(f"{label} {', '.join(words)}", small, gap=small * 0.8)
    for label, words in keywords.values():
        left(f"{label} {', '.join(words)}", small, gap=small * 0.8)
    if layout == "journal":  # the foot of page 1
        pages.font(size * 0.75)
        foot = f"{doi_text}   © {article.journal or ''}, {article.year or ''}".strip(", ")
        pdf.text(lay.margin_x, PAGE_H - lay.margin_bottom + 14, foot)
    pages.y += size
    pages.top = pages.y
    done = 0
    for section in article.sections:
        if done >= body_paragraphs or pdf.page_no() > 2:
            break
        if section.title:
            pages.flow(section.title, size * 1.1, bold=True, gap=size * 0.3)
        for para in section.paragraphs[: body_paragraphs - done]:
            pages.flow(para, size, gap=size * 0.6)
            done += 1
    path = Path(path)
    pdf.output(str(path))
    return path
