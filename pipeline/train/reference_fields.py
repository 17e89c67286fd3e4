"""Fit the reference-field CRF (`pipeline.citations.labeller`) and measure it.

    python -m pipeline.train.reference_fields [--devset ../shared/devset] [--check]
    rescorpus train references [--check]

Training strings: every labelled `<bibl>` of GROBID's citation corpus (`grobid/citation/corpus`, read by
`pipeline.evaluation.reffields.read_tei_folder`), in file-name order, then the `<refbiblio>` entries of the
DEVELOPMENT side of the Érudit split whose fields its typography fixes (`pipeline.train.erudit_entries`: small
capitals, quotes, italics and the cue words of each entry's class; French and humanities styles GROBID's corpus
lacks), in file-name order; each token labelled with the tag around it (O between fields). Measured, never
fitted: GROBID's `citation/evaluation` (the corpus folder's copies of those two files, and any string equal to
one of theirs, are left out) and the held-out Érudit files. python-crfsuite's L-BFGS has no random step: the
same strings in the same order give the same model bytes.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

MODEL = Path(__file__).resolve().parents[1] / "data" / "reference_fields.crfsuite"
# Chosen on development data only: a fifth of GROBID's corpus files (by crc32 of the name) held out of fitting, and
# half the Érudit development articles (by crc32) fitted on the other half. 2026-12-04, code 7d9719d, c2=0.01 and
# 300 iterations: field micro-F1 on the GROBID fifth / parse_entry accuracy on the Érudit half with c1=0.05 0.899 /
# -, 0.15 0.900 / 0.919, 0.3 0.903 / 0.916, 0.5 0.903 / 0.919, 1.0 0.902 / 0.923 (models of 1.5 MB down to 0.45 MB).
PARAMS = {"c1": 0.5, "c2": 0.01, "max_iterations": 300, "feature.possible_transitions": True, "feature.minfreq": 2}


def sequences(items) -> tuple[list, list]:
    from pipeline.citations.labeller import features, tokens

    xs, ys = [], []
    for item in items:
        spans = tokens(item.text)
        labels = []
        for a, _b in spans:
            lab = next((l for s, e, l in item.spans if s <= a < e), "O")
            labels.append(lab)
        xs.append(features(item.text, spans))
        ys.append(labels)
    return xs, ys


def training_strings(grobid: Path) -> list:
    """GROBID's corpus less its evaluation: the corpus folder holds copies of the two evaluation files (same
    names), and a few of their strings sit in other files too; both are left out."""
    from pipeline.evaluation.reffields import normalise, read_tei_folder

    held = read_tei_folder(grobid / "evaluation") if (grobid / "evaluation").is_dir() else []
    names = {i.source for i in held}
    texts = {normalise(i.text) for i in held}
    return [i for i in read_tei_folder(grobid / "corpus") if i.source not in names and normalise(i.text) not in texts]


def fit(items, path: Path) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    xs, ys = sequences(items)
    for x, y in zip(xs, ys):
        trainer.append(x, y)
    trainer.set_params(PARAMS)
    trainer.train(str(path))


def main(argv: Sequence[str] | None = None) -> int:
    from pipeline.evaluation.reffields import read_tei_folder

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--devset", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "devset")
    ap.add_argument("--check", action="store_true", help="refit and fail if the shipped model differs")
    args = ap.parse_args(argv)
    grobid = args.devset / "grobid" / "citation"
    if not (grobid / "corpus").is_dir():
        print(f"no devset at {args.devset}: pass --devset DIR (the folder with grobid/citation/corpus)", file=sys.stderr)
        return 1
    if not (args.devset / "erudit").is_dir():
        print(f"no Érudit devset at {args.devset / 'erudit'}: pass --devset DIR (the folder with erudit/)", file=sys.stderr)
        return 1
    from pipeline.train.erudit_entries import training_entries

    train = training_strings(grobid) + training_entries(args.devset / "erudit")
    start = time.process_time()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / MODEL.name
        fit(train, out)
        data = out.read_bytes()
    took = time.process_time() - start
    if args.check:
        same = MODEL.is_file() and MODEL.read_bytes() == data
        print(f"{MODEL.name}: " + ("same model" if same else "DIFFERENT model"))
        if not same:
            return 1
    else:
        MODEL.write_bytes(data)
        print(f"wrote {MODEL} ({len(data)} bytes, {len(train)} training strings, {took:.0f} CPU-s)")
    if (grobid / "evaluation").is_dir() and not args.check:
        from pipeline.citations import labeller
        from pipeline.evaluation.reffields import score

        labeller._tagger.cache_clear()
        result = score(read_tei_folder(grobid / "evaluation"))
        for name, r in result.items():
            print(f"held out, grobid evaluation, {name}: micro-F1 {r['all']['micro_f1']:.3f} "
                  + json.dumps({k: v["f1"] for k, v in r["all"]["fields"].items()}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
