"""Fit the header model (`pipeline.extract.header`) and measure it.

    python -m pipeline.train.header [--devset ../shared/devset] [--check]
    rescorpus train header [--check]

Fitted on: GROBID's header corpus (`grobid/header/corpus/tei`, text with line breaks, no fonts) except every
fifth file by sorted name, and the Érudit development split (`pipeline/data/erudit_split.json`: every file not
held out) rendered under the two journal title blocks of `erudit_pdf.render_header_pdf` and read back with
fonts, once more without them (as a plain-text paper's lines). Measured, never fitted: GROBID's header
`evaluation/` files, the fifth of the corpus held out, and the Érudit held-out split in both title blocks (with
fonts, and without). A multinomial logistic model over the line features, then label transitions counted on
the training sequences (add-one), for the Viterbi pass. Weights rounded: the file is the same for the same data.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

from pipeline.extract.header import FEATURES, LABELS, STACK, Model, features, fold, stacked

MODEL = Path(__file__).resolve().parents[1] / "data" / "header.json"
SEED = 17
C = 1.0


def datasets(devset: Path) -> dict[str, list]:
    """The training and measuring sets, by name (see the module doc)."""
    from pipeline.evaluation.headers import erudit_examples, grobid_examples, held_out_sets, text_only

    corpus = grobid_examples(devset / "grobid" / "header" / "corpus" / "tei")
    fit_erudit = erudit_examples(devset / "erudit", held=False)
    return {
        "fit: grobid corpus (4 of 5)": [e for i, e in enumerate(corpus) if i % 5 != 4],
        "fit: erudit development (PDF)": fit_erudit,
        "fit: erudit development (text)": [text_only(e) for e in fit_erudit],
        **held_out_sets(devset),
    }


def given_names(examples: Sequence) -> list[str]:
    """Folded given names of the training pages' authors: the first word of each name of the author lines."""
    import re

    found = set()
    for ex in examples:
        for ln, lab in zip(ex.lines, ex.labels):
            if lab != "author":
                continue
            for chunk in re.split(r",|;|\band\b|\bet\b|&|\d|\*", ln.text):
                words = chunk.split()
                if len(words) >= 2 and re.fullmatch(r"[A-ZÀ-Þ][a-zà-ÿ’'\-]{1,}", words[0]):
                    found.add(fold(words[0]).replace(" ", ""))
    return sorted(found)


def _lr(xs, ys):
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, max_iter=3000, fit_intercept=False, random_state=SEED)
    model.fit(xs, ys)
    by_class = {int(c): row for c, row in zip(model.classes_, model.coef_)}
    width = len(xs[0])
    return [[round(float(w), 4) for w in by_class[j]] if j in by_class else [0.0] * width for j in range(len(LABELS))]


def _probs(weights, xs):
    import math

    out = []
    for x in xs:
        z = [sum(a * b for a, b in zip(w, x)) for w in weights]
        top = max(z)
        e = [math.exp(v - top) for v in z]
        out.append([v / sum(e) for v in e])
    return out


def fit(examples: Sequence) -> dict:
    """Pass 1 on the line features; pass 2 on them plus pass 1's neighbour probabilities, taken out of fold
    (5 folds by page order) so pass 2 learns from probabilities like those it will see on new pages."""
    names = given_names(examples)
    lexicon = frozenset(names)
    xs_by = [features(ex.lines, lexicon) for ex in examples]
    ys_by = [[LABELS.index(lab) for lab in ex.labels] for ex in examples]
    flat = lambda parts: [v for part in parts for v in part]  # noqa: E731
    weights = _lr(flat(xs_by), flat(ys_by))
    oof: list = [None] * len(examples)
    for fold_n in range(5):
        inside = [i for i in range(len(examples)) if i % 5 != fold_n]
        w = _lr(flat(xs_by[i] for i in inside), flat(ys_by[i] for i in inside))
        for i in range(fold_n, len(examples), 5):
            oof[i] = _probs(w, xs_by[i])
    xs2 = flat(stacked(xs_by[i], oof[i]) for i in range(len(examples)))
    weights2 = _lr(xs2, flat(ys_by))
    counts = [[1.0] * len(LABELS) for _ in range(len(LABELS) + 1)]
    for ys in ys_by:
        prev = 0
        for j in ys:
            counts[prev][j] += 1
            prev = j + 1
    transitions = [[round(math.log(c / sum(row)), 4) for c in row] for row in counts]
    return {"features": list(FEATURES), "labels": list(LABELS), "stack": list(STACK), "weights": weights,
            "weights2": weights2, "transitions": transitions, "given_names": names, "seed": SEED, "C": C,
            "trained_on": "grobid/header/corpus (4 of 5 files) + erudit development split "
            "(two title blocks, with and without fonts)"}


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "devset")
    ap.add_argument("--check", action="store_true", help="refit and fail if the shipped weights differ")
    args = ap.parse_args(argv)
    if not (args.devset / "grobid" / "header").is_dir() or not (args.devset / "erudit").is_dir():
        print(f"no devset at {args.devset}: pass --devset DIR (the folder with grobid/ and erudit/)", file=sys.stderr)
        return 1
    sets = datasets(args.devset)
    data = fit([e for name, exs in sets.items() if name.startswith("fit") for e in exs])
    text = json.dumps(data, indent=None, separators=(",", ":")) + "\n"
    if args.check:
        same = MODEL.exists() and MODEL.read_text(encoding="utf-8") == text
        print("header.json: " + ("same weights" if same else "DIFFERENT weights"))
        if not same:
            return 1
    else:
        MODEL.write_text(text, encoding="utf-8")
        print(f"wrote {MODEL}")
    from pipeline.evaluation.headers import header_report, report_lines

    for line in report_lines(header_report(sets, Model.from_json(data))):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
