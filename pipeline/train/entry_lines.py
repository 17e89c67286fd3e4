"""Fit the entry-start line model (`pipeline.extract.entrylines`) and measure it.

    python -m pipeline.train.entry_lines [--devset ../shared/devset] [--check]

Training lists: every reference list of GROBID's citation corpus (`grobid/citation/corpus`, many
styles, mostly English) and of the Érudit development split (`pipeline/data/erudit_split.json`:
every file not held out). Each list is wrapped at a width drawn from 60-100 characters (seeded),
and each line is labelled "opens an entry" or not. Measured, never fitted: GROBID's
`citation/evaluation` files and the Érudit held-out split, wrapped the same way: the share of
entries whose lines come out as exactly one entry.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import textwrap
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from pathlib import Path

from pipeline.extract.entrylines import FEATURES, ListShape, entry_starts, expand, line_features

MODEL = Path(__file__).resolve().parents[1] / "data" / "entry_lines.json"
SEED = 13
TEI = "{http://www.tei-c.org/ns/1.0}"


def grobid_lists(folder: Path) -> Iterator[list[str]]:
    """One list of entry strings per TEI file, in file-name order."""
    for path in sorted(folder.glob("*.xml")):
        root = ET.parse(path).getroot()
        entries = [" ".join("".join(b.itertext()).split()) for b in root.iter() if b.tag in ("bibl", TEI + "bibl")]
        entries = [e for e in entries if len(e) > 15]
        if len(entries) >= 3:
            yield entries


def erudit_lists(folder: Path, held: bool) -> Iterator[list[str]]:
    """The reference entries of each Érudit article of one side of the split (exact entries only)."""
    from pipeline.evaluation.devset import held_out
    from pipeline.evaluation.erudit import read_article

    out = held_out()
    for path in sorted(folder.glob("*.xml")):
        if (path.stem in out) != held:
            continue
        article = read_article(path)
        if article.exact_references and len(article.reference_entries) >= 3:
            yield [" ".join(e.split()) for e in article.reference_entries]


def wrap_list(entries: Sequence[str], rng: random.Random) -> tuple[list[str], list[int], float]:
    """The list's lines at one width, the index of each entry's first line, and the width."""
    width = rng.randint(60, 100)
    hyphens = rng.random() < 0.5
    lines, firsts = [], []
    for e in entries:
        firsts.append(len(lines))
        lines.extend(textwrap.wrap(e, width, break_long_words=False, break_on_hyphens=hyphens) or [e])
    return lines, firsts, float(width)


def examples(lists: Sequence[Sequence[str]], seed: int) -> tuple[list[list[float]], list[int]]:
    """Teacher-forced features and labels of every line break of every list."""
    rng = random.Random(seed)
    xs, ys = [], []
    for entries in lists:
        lines, firsts, width = wrap_list(entries, rng)
        shape, starts = ListShape.of(lines), set(firsts)
        entry = [lines[0]]
        for i in range(1, len(lines)):
            xs.append(expand(line_features(lines, i, width, entry, shape)))
            ys.append(int(i in starts))
            entry = [lines[i]] if i in starts else entry + [lines[i]]
    return xs, ys


def fit(lists: Sequence[Sequence[str]], seed: int = SEED) -> list[float]:
    from sklearn.linear_model import LogisticRegression

    xs, ys = examples(lists, seed)
    model = LogisticRegression(C=1.0, max_iter=5000, fit_intercept=False, random_state=seed)
    model.fit(xs, ys)
    return [round(float(w), 6) for w in model.coef_[0]]


def entry_recall(lists: Sequence[Sequence[str]], weights: Sequence[float], seed: int) -> tuple[int, int]:
    """How many entries come out whole (their lines exactly one predicted entry), of how many."""
    rng = random.Random(seed)
    whole = total = 0
    for entries in lists:
        lines, firsts, width = wrap_list(entries, rng)
        predicted = {0} | entry_starts(lines, width, weights)
        bounds = firsts + [len(lines)]
        for a, b in zip(bounds, bounds[1:]):
            total += 1
            whole += a in predicted and b in predicted | {len(lines)} and not any(a < i < b for i in predicted)
    return whole, total


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "devset")
    ap.add_argument("--check", action="store_true", help="refit and fail if the shipped weights differ")
    args = ap.parse_args(argv)
    grobid, erudit = args.devset / "grobid" / "citation", args.devset / "erudit"
    if not grobid.is_dir() or not erudit.is_dir():
        print(f"no devset at {args.devset}: pass --devset DIR (the folder with grobid/ and erudit/)", file=sys.stderr)
        return 1
    train = [*grobid_lists(grobid / "corpus"), *erudit_lists(erudit, held=False)]
    weights = fit(train)
    text = json.dumps({"features": list(FEATURES), "weights": weights, "seed": SEED,
                       "trained_on": "grobid/citation/corpus + erudit development split"}, indent=1) + "\n"
    if args.check:
        same = MODEL.read_text(encoding="utf-8") == text
        print("entry_lines.json: " + ("same weights" if same else "DIFFERENT weights"))
        if not same:
            return 1
    else:
        MODEL.write_text(text, encoding="utf-8")
        print(f"wrote {MODEL} ({len(train)} training lists)")
    for name, lists in (("fitted: grobid corpus + erudit development", train),
                        ("held out: grobid evaluation", list(grobid_lists(grobid / "evaluation"))),
                        ("held out: erudit held-out split", list(erudit_lists(erudit, held=True)))):
        whole, total = entry_recall(lists, weights, SEED + 1)
        print(f"{name}: {whole}/{total} entries whole = {whole / max(1, total):.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
