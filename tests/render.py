"""Render small test PDFs from text with fpdf2, laid out the way papers are.

`render_pdf` places every word itself (no space characters between words, as
LaTeX does), so the reader under test has to find word gaps from geometry.

Markup inside a paragraph string:
- a paragraph starting with "# " is a heading (bold, bigger);
- "\\u00ad" (soft hyphen) marks where a word may be broken at a line end; a
  word broken there is printed "organisa-" / "tion";
- "^{1}" prints "1" as a raised, smaller footnote callout glued to the word before;
- "\\n" forces a line break.

Fonts: DejaVu Serif from the system (/usr/share/fonts/truetype/dejavu) when
present, so French accents and "œ" render; else fpdf2's core Times (latin-1 only).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 60.0, 72.0, 72.0
GUTTER = 24.0
SOFT_HYPHEN = "\u00ad"
CALLOUT = re.compile(r"\^\{([^}]*)\}")


def _font_files() -> dict[str, Path] | None:
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSerif.ttf", folder / "DejaVuSerif-Bold.ttf"
        if regular.exists() and bold.exists():
            return {"": regular, "B": bold}
    return None


class _Doc(FPDF):
    def __init__(self) -> None:
        super().__init__(unit="pt", format="A4")
        self.set_auto_page_break(False)
        self.set_compression(True)
        files = _font_files()
        if files:
            for style, file in files.items():
                self.add_font("Body", style, str(file))
            self.family = "Body"
        else:
            self.family = "Times"

    def use(self, size: float, bold: bool = False) -> None:
        self.set_font(self.family, "B" if bold else "", size)


def _tokens(paragraph: str) -> list[str]:
    return [t for t in re.split(r"( |\n)", paragraph) if t not in ("", " ")]


def _wrap(doc: _Doc, paragraph: str, width: float) -> list[list[str]]:
    """Greedy line breaking; a word too long for the line is broken at a soft hyphen."""
    lines: list[list[str]] = [[]]

    def line_width(words: list[str]) -> float:
        return sum(_word_width(doc, w) for w in words) + doc.get_string_width(" ") * max(len(words) - 1, 0)

    for token in _tokens(paragraph):
        if token == "\n":
            lines.append([])
            continue
        word = token
        while True:
            if line_width(lines[-1] + [word]) <= width or not lines[-1]:
                lines[-1].append(word)
                break
            parts = word.split(SOFT_HYPHEN)
            placed = False
            for cut in range(len(parts) - 1, 0, -1):
                head = "".join(parts[:cut]) + "-"
                if line_width(lines[-1] + [head]) <= width:
                    lines[-1].append(head)
                    lines.append([])
                    word = SOFT_HYPHEN.join(parts[cut:])
                    placed = True
                    break
            if not placed:
                lines.append([])
    return [[w.replace(SOFT_HYPHEN, "") for w in line] for line in lines if line]


def _word_width(doc: _Doc, word: str) -> float:
    plain = CALLOUT.sub("", word).replace(SOFT_HYPHEN, "")
    width = doc.get_string_width(plain)
    size = doc.font_size_pt
    for callout in CALLOUT.findall(word):
        doc.set_font_size(size * 0.6)
        width += doc.get_string_width(callout)
        doc.set_font_size(size)
    return width


def _draw_word(doc: _Doc, x: float, baseline: float, word: str) -> float:
    """Draw one word at (x, baseline); return the x after it."""
    size = doc.font_size_pt
    pos = 0
    for m in CALLOUT.finditer(word):
        x = _draw_run(doc, x, baseline, word[pos : m.start()])
        doc.set_font_size(size * 0.6)
        x = _draw_run(doc, x, baseline - size * 0.35, m.group(1))
        doc.set_font_size(size)
        pos = m.end()
    return _draw_run(doc, x, baseline, word[pos:])


def _draw_run(doc: _Doc, x: float, baseline: float, text: str) -> float:
    if text:
        doc.text(x, baseline, text)
    return x + doc.get_string_width(text)


def _draw_lines(
    doc: _Doc,
    lines: list[list[str]],
    x: float,
    top: float,
    width: float,
    leading: float,
    justify: bool,
    ends: bool = True,
) -> float:
    """Draw wrapped lines from `top`; justified except the last when the paragraph `ends` there; return the y below."""
    space = doc.get_string_width(" ")
    y = top
    for i, words in enumerate(lines):
        baseline = y + doc.font_size_pt
        gap = space
        if justify and (i < len(lines) - 1 or not ends) and len(words) > 1:
            natural = sum(_word_width(doc, w) for w in words)
            gap = max(space, (width - natural) / (len(words) - 1))
        cx = x
        for word in words:
            cx = _draw_word(doc, cx, baseline, word) + gap
        y += leading
    return y


def render_pdf(
    path: Path,
    pages: Sequence[Sequence[str]],
    *,
    columns: int = 1,
    title: str | None = None,
    header: str | None = None,
    page_numbers: bool = False,
    footnotes: Sequence[Sequence[str]] = (),
    font_size: float = 10.0,
    justify: bool = True,
    indent: float = 0.0,
) -> Path:
    """Write a PDF to `path`: one entry of `pages` per page, its paragraphs in reading order.

    `columns` 1 or 2: a page's paragraphs fill the left column, then the right (a
    paragraph cut at the foot of the left column goes on at the top of the right one).
    `title` (page 1, full width, above the columns). `header`: a running header
    on every page. `page_numbers`: centred at the foot. `footnotes[i]`: notes at
    the bottom of page i+1 in a smaller size, under a short rule. `indent`:
    first-line indent of body paragraphs (0: paragraphs separated by a blank gap).
    Raises ValueError when a page's text does not fit, so fixtures stay exact.
    """
    if columns not in (1, 2):
        raise ValueError("columns must be 1 or 2")
    doc = _Doc()
    leading = font_size * 1.25
    note_size = font_size * 0.8
    text_w = PAGE_W - 2 * MARGIN_X
    col_w = text_w if columns == 1 else (text_w - GUTTER) / 2
    for number, paragraphs in enumerate(pages, start=1):
        doc.add_page()
        if header:
            doc.use(font_size * 0.8)
            doc.text(MARGIN_X, MARGIN_TOP - 30, header)
        if page_numbers:
            doc.use(font_size * 0.9)
            label = str(number)
            doc.text((PAGE_W - doc.get_string_width(label)) / 2, PAGE_H - MARGIN_BOTTOM + 36, label)
        top = MARGIN_TOP
        if title and number == 1:
            doc.use(font_size * 1.6, bold=True)
            for words in _wrap(doc, title, text_w):
                line = " ".join(words)
                doc.text((PAGE_W - doc.get_string_width(line)) / 2, top + font_size * 1.6, line)
                top += font_size * 2.0
            top += leading
        bottom = PAGE_H - MARGIN_BOTTOM
        notes = footnotes[number - 1] if number - 1 < len(footnotes) else ()
        if notes:
            doc.use(note_size)
            wrapped = [_wrap(doc, n, text_w) for n in notes]
            height = sum(len(w) for w in wrapped) * note_size * 1.2
            y = bottom - height
            bottom = y - 14
            doc.set_line_width(0.4)
            doc.line(MARGIN_X, y - 6, MARGIN_X + 120, y - 6)
            for lines in wrapped:
                y = _draw_lines(doc, lines, MARGIN_X, y, text_w, note_size * 1.2, justify)
        column, y = 0, top
        for paragraph in paragraphs:
            heading = paragraph.startswith("# ")
            text = paragraph[2:] if heading else paragraph
            size = font_size * 1.2 if heading else font_size
            doc.use(size, bold=heading)
            first_indent = indent if not heading else 0.0
            lines = _wrap(doc, text, col_w - first_indent) if first_indent else _wrap(doc, text, col_w)
            needed = len(lines) * (size * 1.25)
            if y + needed > bottom and columns == 2 and column == 0:
                # the paragraph flows on at the top of the right column, as LaTeX does
                room = 0 if heading or first_indent else int((bottom - y) // (size * 1.25))
                if room:
                    _draw_lines(doc, lines[:room], MARGIN_X, y, col_w, size * 1.25, justify, ends=False)
                    lines, needed = lines[room:], needed - room * size * 1.25
                column, y = 1, top
            if y + needed > bottom:
                raise ValueError(f"page {number}: the text does not fit; split it over more pages")
            x = MARGIN_X + column * (col_w + GUTTER)
            if first_indent and lines:
                _draw_lines(doc, lines[:1], x + first_indent, y, col_w - first_indent, size * 1.25, justify and len(lines) > 1)
                y = _draw_lines(doc, lines[1:], x, y + size * 1.25, col_w, size * 1.25, justify)
            else:
                y = _draw_lines(doc, lines, x, y, col_w, size * 1.25, justify and not heading)
            if not indent or heading:
                y += size * 0.8
    path = Path(path)
    doc.output(str(path))
    return path


# ---------------------------------------------------------------- free layouts: placed lines, tables


@dataclass(frozen=True)
class Placed:
    """One line of text at (x, top) in points; "*" toggles bold inside it, words are placed one by one."""

    x: float
    top: float
    text: str
    size: float = 10.0
    bold: bool = False


def wrap_lines(
    text: str, x: float, top: float, width: float, *, size: float = 10.0, hanging: float = 0.0, leading: float = 1.2
) -> list[Placed]:
    """A paragraph wrapped to `width` from (x, top), lines after the first indented by `hanging`."""
    doc = _Doc()
    doc.add_page()
    doc.use(size)
    first = _wrap(doc, text.replace("*", ""), width)
    # wrap again on the marked-up words, line by line, with the same breaks
    words = _tokens(text)
    out, y, i = [], top, 0
    for n, line in enumerate(first):
        marked = " ".join(words[i : i + len(line)])
        i += len(line)
        out.append(Placed(x + (hanging if n else 0.0), y, marked, size))
        y += size * leading
    return out


def text_width(text: str, size: float = 10.0, bold: bool = False) -> float:
    """Printed width of `text` in the fixtures' font, to place lines and marks beside each other."""
    doc = _Doc()
    doc.add_page()
    doc.use(size, bold)
    return doc.get_string_width(text)


def render_lines(path: Path, pages: Sequence[Sequence[Placed]]) -> Path:
    """Write a PDF whose pages hold exactly the given lines (no spaces printed between words)."""
    doc = _Doc()
    for lines in pages:
        doc.add_page()
        for line in lines:
            bold = line.bold
            x = line.x
            for n, word in enumerate(line.text.split(" ")):
                if n:
                    doc.use(line.size, bold)
                    x += doc.get_string_width(" ")
                for k, run in enumerate(word.split("*")):
                    if k:
                        bold = not bold
                    doc.use(line.size, bold)
                    x = _draw_run(doc, x, line.top + line.size, run)
    doc.output(str(path))
    return Path(path)


def render_table_page(
    path: Path, before: str, rows: Sequence[Sequence[str]], after: str, *, font_size: float = 10.0
) -> Path:
    """One page: a paragraph, a ruled table (a grid of lines, one cell string each), another paragraph."""
    doc = _Doc()
    doc.add_page()
    doc.use(font_size)
    width = PAGE_W - 2 * MARGIN_X
    leading = font_size * 1.25
    y = _draw_lines(doc, _wrap(doc, before, width), MARGIN_X, MARGIN_TOP, width, leading, True) + leading
    cols = max(len(r) for r in rows)
    cell_w, cell_h = width / cols, font_size * 2
    doc.set_line_width(0.5)
    for r in range(len(rows) + 1):
        doc.line(MARGIN_X, y + r * cell_h, MARGIN_X + width, y + r * cell_h)
    for c in range(cols + 1):
        doc.line(MARGIN_X + c * cell_w, y, MARGIN_X + c * cell_w, y + len(rows) * cell_h)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            x = MARGIN_X + c * cell_w + 4
            for word in cell.split():
                x = _draw_run(doc, x, y + r * cell_h + cell_h * 0.7, word) + doc.get_string_width(" ")
    y += len(rows) * cell_h + leading
    _draw_lines(doc, _wrap(doc, after, width), MARGIN_X, y, width, leading, True)
    doc.output(str(path))
    return Path(path)


# ---------------------------------------------------------------- corpus fixtures (test_corpus_*)


def _one_page(doc: _Doc, text: str) -> None:
    doc.add_page()
    doc.use(11)
    y = MARGIN_TOP
    for words in _wrap(doc, text, PAGE_W - 2 * MARGIN_X):
        doc.text(MARGIN_X, y, " ".join(words))
        y += 14


def render_with_metadata(
    path: Path, text: str, *, title: str | None = None, author: str | None = None, subject: str | None = None
) -> Path:
    """A one-page PDF of `text` whose document info carries the given Title, Author and Subject."""
    doc = _Doc()
    if title:
        doc.set_title(title)
    if author:
        doc.set_author(author)
    if subject:
        doc.set_subject(subject)
    _one_page(doc, text)
    doc.output(str(path))
    return Path(path)


def render_encrypted(path: Path, text: str, password: str | None, *, owner_password: str = "owner-secret") -> Path:
    """A one-page PDF of `text`, RC4-encrypted: with a user `password`, or owner restrictions only when None."""
    doc = _Doc()
    doc.set_encryption(owner_password=owner_password, user_password=password or "")
    _one_page(doc, text)
    doc.output(str(path))
    return Path(path)


def render_scanned(path: Path, text: str = "A scanned page") -> Path:
    """A one-page PDF holding only an image of text (no fonts, no text layer), like a scan."""
    from PIL import Image, ImageDraw

    image = Image.new("L", (1240, 1754), 255)  # A4 at 150 dpi
    draw = ImageDraw.Draw(image)
    for i in range(20):
        draw.text((120, 150 + i * 40), f"{text} - line {i + 1}", fill=0)
    doc = _Doc()
    doc.add_page()
    doc.image(image, x=0, y=0, w=PAGE_W, h=PAGE_H)
    doc.output(str(path))
    return Path(path)


def _scan_image(paragraphs: Sequence[str], angle: float, dpi: int, title: str = "", byline: str = ""):
    """The paragraphs wrapped in one column (DejaVu Serif, 11 pt) on a white A4 page image at `dpi`, turned by `angle`;
    above them, when given, a title in 16 pt bold and a byline in 11 pt, centred."""
    from PIL import Image, ImageDraw, ImageFont

    files = _font_files()
    px = dpi / 72
    font = ImageFont.truetype(str(files[""]), round(11 * px)) if files else ImageFont.load_default()
    image = Image.new("L", (round(PAGE_W * px), round(PAGE_H * px)), 255)
    draw = ImageDraw.Draw(image)
    left, width = MARGIN_X * px, (PAGE_W - 2 * MARGIN_X) * px
    y, leading = MARGIN_TOP * px, 11 * 1.45 * px
    big = ImageFont.truetype(str(files["B"]), round(16 * px)) if files else font
    for line, face, after in ((title, big, 2.2), (byline, font, 2.5)):
        if line:
            draw.text((left + (width - draw.textlength(line, font=face)) / 2, y), line, font=face, fill=0)
            y += leading * after
    for paragraph in paragraphs:
        line = ""
        for word in paragraph.split():
            if line and draw.textlength(f"{line} {word}", font=font) > width:
                draw.text((left, y), line, font=font, fill=0)
                y, line = y + leading, word
            else:
                line = f"{line} {word}".strip()
        draw.text((left, y), line, font=font, fill=0)
        y += leading * 1.8
    return image.rotate(angle, resample=Image.BICUBIC, fillcolor=255)


def _image_pdf(path: Path, image) -> Path:
    doc = _Doc()
    doc.add_page()
    doc.image(image, x=0, y=0, w=PAGE_W, h=PAGE_H)
    doc.output(str(path))
    return Path(path)


def render_scan(path: Path, paragraphs: Sequence[str], angle: float = 1.5, dpi: int = 300, title: str = "",
                byline: str = "") -> Path:
    """An image-only PDF of text printed and scanned slightly askew: the paragraphs, wrapped in one column
    (DejaVu Serif, 11 pt), under a title and byline when given, drawn on an A4 page at `dpi`, turned by `angle`
    degrees, embedded as the page's only image."""
    return _image_pdf(path, _scan_image(paragraphs, angle, dpi, title, byline))


def render_shaded_scan(
    path: Path,
    paragraphs: Sequence[str],
    side: str = "right",
    band: float = 0.3,
    floor: float = 0.3,
    angle: float = 1.0,
    seed: int = 0,
    dpi: int = 300,
) -> Path:
    """An image-only PDF of a page scanned open in a book, to black and white: `render_scan`'s page, blurred by
    the scanner's optics, darkened towards one edge (`side`: "right", "left", "top" or "bottom") over the last
    `band` of the page down to `floor` of white (the shadow of the spine), with sensor noise, then thresholded
    to one bit at mid-grey. In the shadow the paper turns to speckle and the strokes thicken, as on real scans."""
    import numpy as np
    from PIL import Image, ImageFilter

    image = _scan_image(paragraphs, angle, dpi).filter(ImageFilter.GaussianBlur(1.0))
    grey = np.asarray(image, dtype=np.float64)
    h, w = grey.shape
    across = {"right": np.linspace(0, 1, w), "left": np.linspace(1, 0, w)}.get(side)
    down = {"bottom": np.linspace(0, 1, h), "top": np.linspace(1, 0, h)}.get(side)
    ramp = (across[None, :] if across is not None else down[:, None]) - (1 - band)  # > 0 inside the band
    light = 1 - (1 - floor) * np.clip(ramp / band, 0, 1)
    noisy = grey * light + np.random.default_rng(seed).normal(0, 24, grey.shape)
    return _image_pdf(path, Image.fromarray(np.where(noisy < 128, 0, 255).astype(np.uint8)).convert("1"))
