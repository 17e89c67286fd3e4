"""Layout classes of real journals and word processors, each on a PDF rendered from text here:
line spacing wider than a paragraph gap, running headers, reference lists over page breaks."""

from __future__ import annotations

import re
from pathlib import Path

from render import Placed, render_lines, text_width, wrap_lines

from pipeline.citations.paper import paper_entries
from pipeline.extract import assemble
from pipeline.extract.pdf import read_pdf

X, TOP, WIDTH = 90.0, 80.0, 415.0
AUTHORS = ["Martin", "Lefebvre", "Dubois", "Moreau", "Laurent", "Girard", "Roux", "Fournier", "Bonnet", "Mercier"]


def sentences(start: int, stop: int) -> str:
    return " ".join(f"Sentence number {i:03d} is about the cooperative movement." for i in range(start, stop))


def entry(n: int) -> str:
    a, b = AUTHORS[n % 10], AUTHORS[(n * 3 + 1) % 10]
    return (f"{a}, Jeanne and {b}, Marc. {1990 + n}. Cooperative governance and organisational resilience "
            f"in the social economy, case {n}. Montréal: Presses de l’Université du Québec.")


def entries_of(extracted) -> list[str]:
    paras = [(p.start, p.end, p.kind) for p in extracted.paragraphs]
    sections = [(s.start, s.end, s.role) for s in extracted.sections]
    found = paper_entries(extracted.text, paras, sections, {a for a, _, k in paras if k == "note"})
    return [extracted.text[e.start : e.end] for e in found]


def test_double_spaced_paragraphs_and_entries_are_whole(tmp_path: Path) -> None:
    """A word-processor document set at 1.6 line spacing (wider than a single-spaced paragraph gap):
    each printed line used to be a paragraph of its own, and a Chicago list without author-year heads
    was split at every line or glued into a few entries."""
    size, leading = 12.0, 1.6
    lines: list[Placed] = []
    y = TOP
    paragraphs = [sentences(0, 7), sentences(7, 13)]
    for text in paragraphs:
        placed = wrap_lines(text, X, y, WIDTH, size=size, leading=leading)
        lines += placed
        y = placed[-1].top + size * leading + size * 0.8
    lines.append(Placed(X, y, "Works Cited", size * 1.1, bold=True))
    y += size * 1.1 * leading + size * 0.3
    for n in range(1, 9):
        placed = wrap_lines(entry(n), X, y, WIDTH, size=size * 0.95, hanging=18, leading=leading)
        lines += placed
        y = placed[-1].top + size * 0.95 * leading + size * 0.35
    extracted = assemble(read_pdf(render_lines(tmp_path / "double.pdf", [lines])))
    texts = [extracted.text[p.start : p.end] for p in extracted.paragraphs]
    assert texts[:3] == paragraphs + ["Works Cited"]
    assert entries_of(extracted) == [entry(n) for n in range(1, 9)]


LEFT, RIGHT, COL, FOOT = 48.0, 309.0, 225.0, 740.0


def chicago(n: int) -> str:
    """An unnumbered Chicago entry: no author-year head, a full stop inside the first line."""
    a = AUTHORS[n % 10]
    return (f"{a}, Paul. A polite and commercial people. England 1727-1783. Oxford: Oxford "
            f"University Press, {1980 + n}.")


def test_two_column_list_entries_whole_across_column_and_page(tmp_path: Path) -> None:
    """A hanging list in two columns, entries set apart by a small gap: an entry whose first line closes
    a sentence used to be cut after it; the last entry's tail, alone on the next page (too few lines to
    show a column), used to be a new entry."""
    size, step = 8.55, 8.55 * 1.25
    for shift in range(0, 36, 3):  # where the right column starts: so that an entry runs over onto page 2
        pages: list[list[Placed]] = [[Placed(LEFT, 100, "References", 9.9, bold=True)], []]
        x, y, page, n = LEFT, 116.0, 0, 0
        while page == 0:
            n += 1
            for line in wrap_lines(chicago(n), 0.0, 0.0, COL - 14, size=size, hanging=13.5):
                if y > FOOT:
                    x, y, page = (RIGHT, 116.0 + shift, 0) if x == LEFT else (LEFT, 100.0, 1)
                pages[page].append(Placed(x + line.x, y, line.text, size))
                y += step
            y += 3.0
        if pages[1][0].x > LEFT:
            break
    assert pages[1][0].x > LEFT, "the fixture must carry an entry's tail over to page 2"
    n_entries = n
    extracted = assemble(read_pdf(render_lines(tmp_path / "twocol.pdf", pages)))
    assert entries_of(extracted) == [chicago(n) for n in range(1, n_entries + 1)]


def _page_break_paper(path: Path, last_line: str, first_line: str) -> tuple[Path, str]:
    """One paragraph filling page 1 down to `last_line` at its foot, going on with `first_line` on
    page 2 (set at the margin, not indented), then a second paragraph."""
    size = 10.0
    lines = wrap_lines(sentences(0, 44), X, TOP, WIDTH, size=size, leading=1.25)
    y = lines[-1].top + size * 1.25
    assert y < 760
    lines.append(Placed(X, y, last_line, size))
    nxt = [Placed(X, TOP, first_line, size)]
    nxt += wrap_lines(sentences(50, 54), X + 20, TOP + 12.5 + 8, WIDTH - 20, size=size)[:1]
    nxt += wrap_lines(sentences(50, 54), X, TOP + 25 + 8, WIDTH, size=size)[1:]
    whole = f"{sentences(0, 44)} {last_line} {first_line}"
    return render_lines(path, [lines, nxt]), whole


def test_paragraph_goes_on_over_a_page_break_inside_a_parenthesis_or_a_sentence(tmp_path: Path) -> None:
    """A page break inside a parenthesis ("(Dupont, 2001 ;" / "Martin, 2003) ...") or after a semicolon with
    the sentence going on in lower case used to cut the paragraph in two (and the callout with it)."""
    for name, last, first in [
        ("paren.pdf", "as the studies show (Dupont, 2001 ; Gagnon et Roy, 2005 ;", "Martin, 2003) for the movement."),
        ("semicolon.pdf", "the members decide together;", "the others follow them."),
    ]:
        path, whole = _page_break_paper(tmp_path / name, last, first)
        extracted = assemble(read_pdf(path))
        texts = [extracted.text[p.start : p.end] for p in extracted.paragraphs]
        assert texts[0] == whole, name
        assert texts[1].startswith("Sentence number 050"), name


def test_line_break_hyphens_decided_by_lexicon_and_the_papers_own_words(tmp_path: Path) -> None:
    """Words broken at line ends in French and English: printer's hyphens joined (names, common words,
    a word the paper prints whole elsewhere), real compounds kept. Before, "Va-léau", "Char-reaux",
    "sur-monter", "with-out", "inter-cultural" kept their hyphen and "hypotheticodeductive" lost it."""
    broken = [
        ("Selon Va-", "léau et Char-", "reaux, les coopératives doivent sur-", "monter la crise socio-",
         "économique avec Jean-", "Pierre et l’avant-", "garde du mouvement."),
        ("The members act with-", "out a manager in an inter-", "cultural setting, by a hypothetico-",
         "deductive method; the intercultural frame holds."),
    ]
    lines, y = [], TOP
    for paragraph in broken:
        for text in paragraph:
            lines.append(Placed(X, y, text, 10.0))
            y += 12.5
        y += 14.0
    extracted = assemble(read_pdf(render_lines(tmp_path / "hyphens.pdf", [lines])))
    assert [extracted.text[p.start : p.end] for p in extracted.paragraphs] == [
        "Selon Valéau et Charreaux, les coopératives doivent surmonter la crise socio-économique avec "
        "Jean-Pierre et l’avant-garde du mouvement.",
        "The members act without a manager in an intercultural setting, by a hypothetico-deductive method; "
        "the intercultural frame holds.",
    ]


def test_running_headers_once_per_page_parity_left_out(tmp_path: Path) -> None:
    """A two-page paper: the short title over page 1 (odd), the author's name over page 2 (even), each
    printed once, and footers that differ too (the journal's name, its volume): they used to stay in the
    text, one glued into the reference list running over the page break."""
    size = 10.0
    title, author = "Coopératives et résilience", "Marie Tremblay et Jean Roy"
    footer, volume = "Revue de l’économie sociale", "Volume douze, numéro trois"
    page1 = [Placed(X, 40, title, 8.0), Placed(X, 800, volume, 8.0)]
    page1 += wrap_lines(sentences(0, 30), X, TOP + 20, WIDTH, size=size)
    y = page1[-1].top + 2 * size
    page1.append(Placed(X, y, "Références", size * 1.1, bold=True))
    y += 18
    page2 = [Placed(X, 40, author, 8.0), Placed(X, 800, footer, 8.0)]
    page, n = page1, 0
    while page is page1 or n < 12:
        n += 1
        for line in wrap_lines(entry(n), X, 0.0, WIDTH, size=9.0, hanging=18, leading=1.25):
            if y > 745 and page is page1:
                page, y = page2, TOP + 20
            page.append(Placed(line.x, y, line.text, 9.0))
            y += 9.0 * 1.25
        y += 3.0
    extracted = assemble(read_pdf(render_lines(tmp_path / "headers.pdf", [page1, page2])))
    for furniture in (title, author, footer, volume):
        assert furniture not in extracted.text
    assert entries_of(extracted) == [entry(k) for k in range(1, n + 1)]


def test_footnote_stays_at_the_foot_of_its_page_with_its_call(tmp_path: Path) -> None:
    """A footnote is read where it is printed, at the foot of its page, between that page's text and the
    next page's; it used to be moved after everything (after the reference list) under a "Notes" heading
    of its own, leaving a paper with a real "Notes" heading two of them."""
    from render import render_pdf

    page1 = ["# 1. Introduction", "Les coopératives sont gouvernées par leurs membres^{1}. " + sentences(0, 3)]
    page2 = [sentences(3, 5), "# Références", entry(1)]
    path = render_pdf(tmp_path / "note.pdf", [page1, page2],
                      footnotes=[["1 Voir l’Alliance coopérative internationale, 1995."]])
    extracted = assemble(read_pdf(path))
    paras = [(extracted.text[p.start : p.end], p.kind, p.page) for p in extracted.paragraphs]
    note = ("1 Voir l’Alliance coopérative internationale, 1995.", "note", 1)
    assert note in paras
    at = paras.index(note)
    assert paras[at - 1][0].startswith("Les coopératives sont gouvernées par leurs membres¹.")  # the call, raised
    assert paras[at - 1][2] == 1 and paras[at + 1] == (sentences(3, 5), "body", 2)
    assert [s.role for s in extracted.sections] == ["introduction", "references"]
    assert entries_of(extracted) == [entry(1)]


def test_parts_of_a_reference_list_and_a_lone_entry_line_stay_in_the_list() -> None:
    """Under "Referencias Bibliográficas": the unnamed headings of its parts ("Fuentes primarias") used to
    end the list (its entries lost), and an entry's first line alone at a page foot, taken for a numbered
    heading ("Institut ... (2017). Population"), cut it."""
    from pipeline.extract.model import Block, Source

    blocks = (
        Block("1. Introduction", 1, "heading", level=1),
        Block(sentences(0, 4), 1),
        Block("Referencias Bibliográficas", 2, "heading", level=1),
        Block("Fuentes primarias", 2, "heading"),
        Block("Archivo Histórico Nacional (AHN), Consejos: leg. 4411.", 2),
        Block("Fuentes secundarias", 2, "heading"),
        Block("Andioc, R. (1995). Epistolario de Leandro Fernández de Moratín. Madrid: Castalia.", 2),
        Block("Institut de la statistique du Québec (2017). Population du Québec", 2, "heading", level=1),
        Block("par groupe d’âge et sexe, 2001 à 2017.", 3),
        Block("Choi, J. S. (2009). Gender difference in the prodromal symptoms. Journal of Science, 24(6), 1083-1088.", 3),
    )
    extracted = assemble(Source(blocks=blocks, pages=3))
    assert [s.role for s in extracted.sections] == ["introduction", "references"]
    assert entries_of(extracted) == [
        "Archivo Histórico Nacional (AHN), Consejos: leg. 4411.",
        "Andioc, R. (1995). Epistolario de Leandro Fernández de Moratín. Madrid: Castalia.",
        "Institut de la statistique du Québec (2017). Population du Québec\n\npar groupe d’âge et sexe, 2001 à 2017.",
        "Choi, J. S. (2009). Gender difference in the prodromal symptoms. Journal of Science, 24(6), 1083-1088.",
    ]


def test_a_lettered_appendix_after_the_references_ends_the_list() -> None:
    """ACL-style papers put "A Appendix A - Baseline Details" after the references, then a numbered
    list ("1. Random ..."): the heading was taken for a part of the list, so every item of the appendix
    became a reference entry and its callouts were lost."""
    from pipeline.extract.model import Block, Source

    blocks = (
        Block("1 Introduction", 1, "heading", level=1),
        Block(sentences(0, 4), 1),
        Block("References", 2, "heading", level=1),
        Block("Quoc Le and Tomas Mikolov. 2014. Distributed Representations of Sentences. In ICML.", 2),
        Block("A Appendix A - Baseline Details", 2, "heading"),
        Block("1. Random Zero-mean vectors were used as representations (Le and Mikolov, 2014).", 2),
        Block("Annexe 2 : Questionnaire", 3, "heading"),
    )
    extracted = assemble(Source(blocks=blocks, pages=3))
    assert [s.role for s in extracted.sections] == ["introduction", "references", "appendix", "appendix"]
    assert entries_of(extracted) == [blocks[3].text]
    from pipeline.extract.sections import role_of

    assert role_of("Appendix A lists the items.") == "body"  # a sentence, not a heading


def numbered(n: int) -> str:
    a, b = AUTHORS[n % 10], AUTHORS[(n * 7 + 3) % 10]
    tail = "Social Psychiatry, 47(4), 533-543." if n % 3 else "Montréal."
    words = " ".join(["la vie de la coop et de ses gens, un cas de plus"] * (1 + n % 2))  # short words fill lines
    return f"{n} {a}, J. et {b}, M. ({1990 + n}). Gouvernance : {words}, cas {n}. {tail}"


def test_two_column_numbered_list_columns_stay_apart_beside_short_last_lines(tmp_path: Path) -> None:
    """A Vancouver list in two columns, each number at the column edge and the entry's lines indented
    after it: the numbers narrow the strip no word covers, and a left column's short last line
    ("Montréal.") beside a right column's "22 Martin, ..." was read as one line across the page, so the
    two columns' entries came out interleaved."""
    size, step = 8.55, 8.55 * 1.25
    left, right, col = 48.0, 308.0, 238.0  # a 22-point gutter, lines filling their column
    pages: list[list[Placed]] = [[Placed(left, 100, "Références", 9.9, bold=True)]]
    x, y, n = left, 116.0, 0
    while True:
        n += 1
        lines = wrap_lines(numbered(n), 0.0, 0.0, col - 13.5, size=size, hanging=13.5)
        if y + step * len(lines) > FOOT:
            if x == right:
                n -= 1
                break
            x, y = right, 116.0
        for line in lines:
            pages[0].append(Placed(x + line.x, y, line.text, size))
            y += step
        y += 2.0
    extracted = assemble(read_pdf(render_lines(tmp_path / "numbered.pdf", pages)))
    assert entries_of(extracted) == [numbered(k) for k in range(1, n + 1)]


# Our own entries of a law list: one line each, no year at the head, ending on ";".
LAWS = [
    "Loi sur les coopératives, RLRQ, c. C-67.2;",
    "Loi sur l’économie sociale, RLRQ, c. E-1.1.1;",
    "Coopérative agricole c. Tremblay, 2009 QCCS 12;",
    "Caisse populaire c. Dubois, [1994] 2 R.C.S. 113;",
    "Loi sur les sociétés d’entraide économique, RLRQ, c. S-25.1.",
]


def _references_page(x: float, y: float, size: float, leading: float, items: list[str], hanging: float) -> list[Placed]:
    out: list[Placed] = []
    for text in items:
        placed = wrap_lines(text, x, y, WIDTH, size=size, hanging=hanging, leading=leading)
        out += placed
        y = placed[-1].top + size * leading
    return out


def test_last_page_of_one_line_entries_and_a_header_printed_once(tmp_path: Path) -> None:
    """A two-page paper: the running header is printed on page 2 only (once, so not by repetition: it sits
    above where page 1's text starts), and page 2 holds only short one-line entries with no space
    between them (each ends early on purpose: the next one's first word would have fitted). The header
    used to run into the list, and the entries were glued into one."""
    page1 = wrap_lines(sentences(0, 30), X, TOP, WIDTH)
    y = page1[-1].top + 30
    page1 += [Placed(X, y, "Références", 11, bold=True)]
    header = Placed(X, TOP - 40, "Revue des études coopératives — La gouvernance démocratique", 8)
    page2 = [header] + _references_page(X, TOP, 10.0, 1.3, LAWS, 18)
    extracted = assemble(read_pdf(render_lines(tmp_path / "laws.pdf", [page1, page2])))
    assert "Revue des études coopératives" not in extracted.text
    assert entries_of(extracted) == LAWS


def test_entry_whose_first_line_ends_a_page_goes_on_indented(tmp_path: Path) -> None:
    """A hanging entry's first line is the last line of page 1, full (the next word did not fit) but
    ending on a full stop; its indented rest opens page 2. On its own the line reads as a whole entry
    (a title ends with a full stop): it used to become an entry, and its rest another."""
    intro = wrap_lines(sentences(0, 12), X, TOP, WIDTH)
    y = intro[-1].top + 30
    page1 = intro + [Placed(X, y, "Bibliographie", 11, bold=True)]
    items = [entry(n) for n in range(1, 4)]
    page1 += _references_page(X, y + 20, 10.0, 1.3, items, 18)
    # the fourth entry: its first line at the foot of page 1, the rest on page 2
    words = "Les coopératives agricoles et la résilience des territoires ruraux du Québec et du Maroc".split()
    for k in range(3, len(words) + 1):  # a title whose full stop ends the first line
        long_entry = f"Mercier, Paul. {' '.join(words[:k])}. Montréal: Presses de l’Université du Québec, 2016."
        lines = wrap_lines(long_entry, X, 0, WIDTH, hanging=18)
        if lines[0].text.endswith("."):
            break
    assert lines[0].text.endswith(".") and len(lines) >= 2
    first, rest = lines[0], lines[1:]
    page1 += [Placed(X, page1[-1].top + 13, first.text, 10.0)]
    page2 = [Placed(r.x, TOP + i * 13, r.text, 10.0) for i, r in enumerate(rest)]
    page2 += _references_page(X, TOP + len(rest) * 13, 10.0, 1.3, [entry(5)], 18)
    extracted = assemble(read_pdf(render_lines(tmp_path / "foot.pdf", [page1, page2])))
    assert entries_of(extracted) == items + [long_entry, entry(5)]


def test_years_inside_lines_make_no_gutter_on_a_one_column_page(tmp_path: Path) -> None:
    """A one-column page of Chicago entries with years and page ranges mid-line ("1758-1834") and short
    continuation lines: numbers were left out of the search for a gutter, so the spaces they filled
    looked empty, a false gutter split the page into columns, and two-line entries into two."""
    items = [
        "Tilly, Charles. Popular Contention in Great Britain 1758-1834. Cambridge, Massachusetts: Harvard UP, 1995.",
        "Whale, John. Imagination Under Pressure 1789-1832: Aesthetics, Politics and Utility. Cambridge: "
        "Cambridge UP, 2000.",
        "Wood, Marcus. Radical Satire and Print Culture 1790-1822. Oxford: Clarendon, 1994.",
        "Wood, Marcus. Blind Memory: Visual Representations of Slavery in Britain and North America "
        "1780-1865. Manchester: Manchester UP, 2000.",
        "Worrall, David. Radical Culture: Discourse, Resistance and Surveillance 1790-1820. Hemel Hempstead: "
        "Harvester Wheatsheaf, 1992.",
    ] * 3
    page1 = wrap_lines(sentences(0, 20), X, TOP, WIDTH)
    y = page1[-1].top + 30
    page1 += [Placed(X, y, "Works Cited", 11, bold=True)]
    page2 = _references_page(X, TOP, 9.5, 1.3, items, 15)
    extracted = assemble(read_pdf(render_lines(tmp_path / "years.pdf", [page1, page2])))
    assert entries_of(extracted) == items


# ---------------------------------------------------------------- two columns: what a column's head and foot hold

COL_W, GUTTER_W, LEFT, TOP2 = 215.0, 20.0, 72.0, 60.0
RIGHT = LEFT + COL_W + GUTTER_W
SIZE, LEAD, HANG = 9.0, 1.2, 12.0


def _column(entries: list[str], x: float, top: float = TOP2) -> tuple[list[Placed], float]:
    """Entries set with a hanging indent from `top` down one column, a little space between them."""
    out: list[Placed] = []
    y = top
    for text in entries:
        lines = wrap_lines(text, x, y, COL_W, size=SIZE, hanging=HANG, leading=LEAD)
        out += lines
        y = lines[-1].top + SIZE * LEAD + 3.0
    return out, y


def _page_number(n: int) -> Placed:
    return Placed(297.0 - 3.0, 800.0, str(n), 9.0)


def _shift(lines: list[Placed], x: float, top: float) -> list[Placed]:
    """Lines moved to start at (x + their indent, top), keeping their leading."""
    base_x, base_top = lines[0].x - (HANG if lines[0].x > LEFT + 1 and lines[0].x < RIGHT - 1 else 0.0), lines[0].top
    return [Placed(x + (ln.x - base_x), top + (ln.top - base_top), ln.text, ln.size) for ln in lines]


def test_two_columns_entry_tails_at_a_column_head_and_a_short_last_column(tmp_path: Path) -> None:
    """Three classes seen on Érudit articles rendered in narrower columns and tighter margins than the devset's:
    an entry's last line alone at the head of the next page ("Paris, Gallimard, 1945." / "1945.") was dropped as a
    page number, and one whose key repeats ("59:675-678.", "12:37-49.") as a running header; an entry's DOI at a
    column's head ("https://doi.org/...") became a footnote (it reads like a licence line); and a last page whose
    right column holds one line ran both columns together, gluing "Bibliographie" to the other column's line."""
    body = [f"{AUTHORS[n % 10]}, Jeanne ({1990 + n}). Cooperative governance and organisational resilience "
            f"in the social economy, case {n}. Montréal : Presses de l’Université du Québec." for n in range(16)]
    year_tail = "Char, René, Seuls demeurent, Paris, Gallimard, 1945."  # wraps so that "1945." is its last line
    journal_tail = ("Lass, Norman (1976) : Speaker sex identification from voiced and filtered isolated vowels. "
                    "Journal of the Acoustical Society of America. 59:675-678.")
    journal_tail2 = ("Shlesinger, Miriam (2003) : Effects of presentation rate on working memory in simultaneous "
                     "interpreting. The Interpreter’s Newsletter. 12:37-49.")
    doi_tail = ("Karsenti, Thierry (2013) : MOOC, révolution ou simple effet de mode ? Revue internationale des "
                "technologies en pédagogie universitaire, 10(2), 6-22. https://doi.org/10.18162/ritpu.2013.227")
    last = "Theis, Laurent (2005). Les tribulations du signe = dans la moulinette de la bonne réponse. Baie-Jolie : Les éditions des Bandes didactiques."
    heading = Placed(LEFT, TOP2, "*Bibliographie*", 10.0)

    # page 1: the list's head; the right column ends on the first lines of `year_tail` and of `journal_tail`
    p1_left, _ = _column(body[:7], LEFT, TOP2 + 16)
    p1_right, y = _column(body[7:12], RIGHT)
    fit = text_width("Char, René, Seuls demeurent, Paris, Gallimard,", SIZE) + 2.0
    tail_lines = wrap_lines(year_tail, RIGHT, y, fit, size=SIZE, hanging=HANG, leading=LEAD)
    assert tail_lines[-1].text == "1945.", [t.text for t in tail_lines]
    page1 = [heading, *p1_left, *p1_right, *tail_lines[:-1], _page_number(1)]
    # page 2: "1945." heads the left column, then entries; the right column opens on a DOI and a repeated key
    p2_left = _shift(tail_lines[-1:], LEFT, TOP2)
    more, y = _column([body[12], body[13], journal_tail], LEFT, TOP2 + SIZE * LEAD + 3.0)
    doi = wrap_lines(doi_tail, LEFT, y, COL_W, size=SIZE, hanging=HANG, leading=LEAD)
    p2_right = _shift(doi[-1:], RIGHT, TOP2)
    rest, _ = _column([body[14], journal_tail2], RIGHT, TOP2 + SIZE * LEAD + 3.0)
    page2 = [*p2_left, *more, *doi[:-1], *p2_right, *rest, _page_number(2)]
    # page 3 (the last): a new list in the left column; the right column holds the tail of its last entry
    last_lines = wrap_lines(last, LEFT, TOP2 + 16, COL_W, size=SIZE, hanging=HANG, leading=LEAD)
    p3_left, y = _column(body[15:16], LEFT, TOP2 + 16)
    p3_left += _shift(last_lines[:-1], LEFT, y)
    page3 = [Placed(LEFT, TOP2, "*Références citées*", 10.0), *p3_left, *_shift(last_lines[-1:], RIGHT, TOP2 + 2),
             _page_number(3)]
    got = assemble(read_pdf(render_lines(tmp_path / "columns.pdf", [page1, page2, page3])))

    entries = [" ".join(e.split()) for e in entries_of(got)]
    for whole in (year_tail, journal_tail, journal_tail2, doi_tail, last, *body):
        assert whole in entries, (whole, [e for e in entries if e[:12] == whole[:12]])
    assert not re.search(r"^\d$", got.text, re.M), "page numbers are still dropped"
    assert "Bibliographie\n" in got.text and "Références citées\n" in got.text


def test_one_column_list_tail_alone_on_the_last_page(tmp_path: Path) -> None:
    """A last page holding one line, the tail of the list's last entry, printed where the text of most pages starts:
    with a page or two that open on a paragraph's last line (apart from the next), that height passed for a running
    header's, and the line was dropped."""
    x, width, size = 60.0, 470.0, 11.0
    header = Placed(x, 35.0, "Revue d’économie sociale Vol. 12", 8.8)
    entries = [f"{AUTHORS[n % 10]}, Jeanne ({1990 + n}). Cooperative governance and organisational resilience in "
               f"the social economy, case {n}. Montréal : Presses de l’Université du Québec." for n in range(20)]
    last = ("Thelot, Claude et Louis-André Vallet (2000), « La réduction des inégalités sociales devant l’école "
            "depuis le début du siècle », Économie et statistique, 334 : 3-32.")
    # pages open on a paragraph's last line, apart from the next paragraph, where the text starts
    prose = [Placed(x, 72.0, "la fin d’un paragraphe.", size), *wrap_lines(sentences(0, 40), x, 98.0, width, size=size)]
    lines, y = [Placed(x, 72.0, "*Bibliographie*", 12.0)], 90.0
    for text in entries:
        got = wrap_lines(text, x, y, width, size=size, hanging=16.0, leading=1.2)
        lines += got
        y = got[-1].top + size * 1.2 + 3.0
    tail = wrap_lines(last, x, y, width, size=size, hanging=16.0, leading=1.2)
    assert len(tail) == 2
    page4 = [header, *lines, *tail[:1], Placed(291.0, 800.0, "4", 9.9)]
    pages = [[header, *prose[:50], Placed(291.0, 800.0, "1", 9.9)]]
    words = "Martin Lefebvre Dubois Moreau Laurent Girard Roux Fournier Bonnet Mercier".split()
    pages += [[header, *wrap_lines(" ".join(f"{words[(i * n) % 10]} writes on the cooperative movement in the "
                                            f"{words[(i + n) % 10]} region." for i in range(40)),
                                   x, 72.0, width, size=size)[:50],
               Placed(291.0, 800.0, str(n + 1), 9.9)] for n in (1, 2)]  # pages that open glued to their text
    page5 = [header, Placed(x + 16.0, 72.0, tail[1].text, size), Placed(291.0, 800.0, "5", 9.9)]
    got = assemble(read_pdf(render_lines(tmp_path / "tail.pdf", [*pages, page4, page5])))

    found = [" ".join(e.split()) for e in entries_of(got)]
    assert last in found, [e for e in found if e.startswith("Thelot")]
    assert "Revue d’économie sociale" not in got.text, "the running header is still dropped"
    assert "la fin d’un paragraphe." in got.text


def test_an_entry_line_opening_on_an_abbreviation_is_no_list_item() -> None:
    """The lines of one entry set apart by space (as Meta's list prints it, one-column): its fourth line opens on
    "ed." and was read as a list item "a. ...", so the entry was cut after its first, short line."""
    from pipeline.extract.layout import Line
    from pipeline.extract.paragraphs import _paragraphs

    rows = [(50, 433, "Jansen, Frank (1978): Hoe krijgt een spreker zijn woorden op een rijtje?"),
            (66, 537, "Taalgebruiksaspekten van de ‘PP over V’ konstruktie [How does a speaker get his words"),
            (66, 535, "in the right order? Aspects of language use for “PP over V” constructions]. In: Jan Kooij,"),
            (66, 536, "ed. Aspekten van de woordvolgorde in het Nederlands [Aspects of word order in Dutch]."),
            (66, 183, "Leiden: Vakg, 70-104.")]
    chunk = [(Line(text, x0, 453.0 + 12.5 * i, x1, 464.0 + 12.5 * i, 10.45, False), "")
             for i, (x0, x1, text) in enumerate(rows)]
    parts = _paragraphs(chunk, {0: (50.0, 537.0, False)}, "", 540.5)
    assert [len(p) for p in parts] == [5]
