"""A page's words from its chars: pdfplumber's `extract_words`, computed on arrays of the char columns.

pdfplumber's word builder walks Python dicts char by char (groups, clusters,
sorts, one comparison per pair); here each step is one numpy pass over the
page's columns (pdfchars.py), and the words come out as the same dicts, in the
same order, with the same float values (tests/test_extract_words.py checks them
against pdfplumber's on every page of the realworld PDFs and of the fixtures).

What `extract_words(chars, x_tolerance_ratio=r, y_tolerance=y, keep_blank_chars=False,
use_text_flow=False, extra_attrs=["fontname", "size"], expand_ligatures=False)` does,
and this module with it:
1. runs of consecutive chars with the same (upright, fontname, size);
2. in each run, lines: the chars' `top`s sorted, a new line where one is more than
   `y` below the one before; lines in that order, a line's chars by `x0`, ties in
   reading order;
3. in each line, a new word at a blank char (dropped), or where a char starts left
   of the one before, more than `r` x its size right of its end, or more than `y`
   above or below it;
4. a word: its chars' text joined, the box around them, the first char's font and size
   (and, beyond pdfplumber's keys, its first char's `baseline`).
Runs of rotated chars (not upright) are left to pdfplumber's own builder, in their place.
"""

from __future__ import annotations

import numpy as np
from pdfplumber.utils import extract_words as plumber_words


def page_words(columns: dict[str, list], x_ratio: float, y_tolerance: float) -> list[dict]:
    """The words of a page's chars (see the module doc); `columns` as pdfchars.PageChars.columns."""
    texts = columns["text"]
    n = len(texts)
    if not n:
        return []
    upright = np.array(columns["upright"], dtype=bool)
    size = np.array(columns["size"], dtype=np.float64)
    font = np.array(columns["fontname"], dtype=object)
    change = np.empty(n, dtype=bool)
    change[0] = True
    change[1:] = (upright[1:] != upright[:-1]) | (font[1:] != font[:-1]) | (size[1:] != size[:-1])
    run = np.cumsum(change) - 1
    x0 = np.array(columns["x0"], dtype=np.float64)
    x1 = np.array(columns["x1"], dtype=np.float64)
    top = np.array(columns["top"], dtype=np.float64)
    bottom = np.array(columns["bottom"], dtype=np.float64)
    length = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    index = np.arange(n)

    # 2. lines: per run, tops sorted and chained while each is within y_tolerance of the one before
    by_top = np.lexsort((top, run))
    sorted_top, sorted_run = top[by_top], run[by_top]
    new_line = np.empty(n, dtype=bool)
    new_line[0] = True
    new_line[1:] = (sorted_run[1:] != sorted_run[:-1]) | (sorted_top[1:] > sorted_top[:-1] + y_tolerance)
    line = np.empty(n, dtype=np.int64)
    line[by_top] = np.cumsum(new_line)
    order = np.lexsort((index, x0, line))  # lines in run order, then top; chars by x0, ties as read

    # 3. words along that order
    o_line, o_x0, o_x1, o_top, o_size = line[order], x0[order], x1[order], top[order], size[order]
    blank = np.fromiter(map(str.isspace, texts), dtype=bool, count=n)[order]
    empty = (length == 0)[order]  # an empty char: a word of its own
    start = np.empty(n, dtype=bool)
    start[0] = True
    start[1:] = (
        (o_line[1:] != o_line[:-1])
        | blank[:-1]
        | empty[:-1]
        | empty[1:]
        | (o_x0[1:] < o_x0[:-1])
        | (o_x0[1:] > o_x1[:-1] + x_ratio * o_size[:-1])
        | (np.abs(o_top[1:] - o_top[:-1]) > y_tolerance)
    )
    keep = ~blank
    if not keep.any():
        return []
    kept = order[keep]
    word = np.cumsum(start[keep]) - 1  # (a blank char's successor always starts a word)
    firsts = np.flatnonzero(np.diff(word, prepend=-1))
    w_x0 = np.minimum.reduceat(x0[kept], firsts).tolist()
    w_x1 = np.maximum.reduceat(x1[kept], firsts).tolist()
    w_top = np.minimum.reduceat(top[kept], firsts).tolist()
    w_bottom = np.maximum.reduceat(bottom[kept], firsts).tolist()
    kept_list = kept.tolist()
    joined = "".join([texts[i] for i in kept_list])
    offsets = np.concatenate(([0], np.cumsum(length[kept])))
    starts = offsets[firsts].tolist()
    ends = starts[1:] + [len(joined)]
    first_char = kept[firsts].tolist()
    rotated = not upright.all()
    names, sizes, ups, bases = columns["fontname"], columns["size"], columns["upright"], columns["baseline"]
    run_list = run.tolist()
    words: list[tuple[int, dict]] = []
    for c, a, e, l, r, t, b in zip(first_char, starts, ends, w_x0, w_x1, w_top, w_bottom):
        if rotated and not ups[c]:
            continue
        words.append(
            (
                run_list[c],
                {
                    "text": joined[a:e],
                    "x0": l,
                    "x1": r,
                    "top": t,
                    "doctop": t,  # one page: doctop is top (pdfchars.py)
                    "bottom": b,
                    "upright": ups[c],
                    "height": b - t,
                    "width": r - l,
                    "direction": "ltr",
                    "fontname": names[c],
                    "size": sizes[c],
                    "baseline": bases[c],  # the first char's (not pdfplumber's: superscripts.py reads it)
                },
            )
        )
    if rotated:
        words.extend(_rotated_runs(columns, run_list, upright, x_ratio, y_tolerance))
        words.sort(key=lambda pair: pair[0])  # stable: each run's words stay in their order
    return [w for _, w in words]


def _rotated_runs(columns, run_list, upright, x_ratio, y_tolerance) -> list[tuple[int, dict]]:
    """Words of the runs of rotated chars, by pdfplumber's builder (rare: axis labels, margin notes)."""
    out: list[tuple[int, dict]] = []
    keys = ("text", "x0", "x1", "top", "bottom", "upright", "fontname", "size")
    rows = [i for i in np.flatnonzero(~upright).tolist()]
    groups: dict[int, list[int]] = {}
    for i in rows:
        groups.setdefault(run_list[i], []).append(i)
    for r, idx in groups.items():
        chars = [dict({k: columns[k][i] for k in keys}, doctop=columns["top"][i]) for i in idx]
        got = plumber_words(chars, x_tolerance_ratio=x_ratio, y_tolerance=y_tolerance, keep_blank_chars=False,
                            use_text_flow=False, extra_attrs=["fontname", "size"], expand_ligatures=False)
        out.extend((r, dict(w, baseline=columns["baseline"][idx[0]])) for w in got)
    return out
