"""Gold files `annotations/gold/<paper-id>.jsonl`: a header line, then one span per line.

Each span line also stores `context_before`/`context_after` (CONTEXT characters of
the text around it) so that, when extraction changes the normalised text, the
span can be found again by its text and surroundings (`reanchor`).
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from pipeline.errors import InputError
from pipeline.files import atomic_write_text, sha256_text
from pipeline.spans import LAYERS, Span, iter_json_lines, sort_key, span_from_dict, span_to_dict

CONTEXT = 30
GUIDELINES = "annotations/GUIDELINES.md"
ANCHOR_KEYS = ("context_before", "context_after")
HEADER_KEYS = ("header", "paper", "text_sha256", "annotator", "regions", "guidelines", "text_length", "source_sha256")

Regions = Mapping[str, tuple[tuple[int, int], ...]]


@dataclass(frozen=True)
class Gold:
    """One paper's gold annotation: header fields, spans, and the context each span was saved with."""

    paper: str
    text_sha256: str
    annotator: str
    regions: Regions  # layer -> [(start, end)]: where that layer is labelled exhaustively
    spans: tuple[Span, ...]
    guidelines: str = GUIDELINES
    text_length: int | None = None
    source_sha256: str | None = None  # of the paper's source file (PDF or .txt) the text came from
    header_extra: Mapping[str, Any] = field(default_factory=dict, hash=False)  # other header keys, kept as they are
    anchors: Mapping[tuple[str, str, int, int], tuple[str, str]] = field(
        default_factory=dict, hash=False
    )


@dataclass(frozen=True)
class Reanchored:
    """What re-anchoring did: the gold for the new text, spans moved, spans not found."""

    gold: Gold
    moved: int
    not_found: tuple[Span, ...]

    @property
    def spans(self) -> tuple[Span, ...]:
        return self.gold.spans


def whole_text_regions(text: str, layers: Iterable[str] = LAYERS) -> dict[str, tuple[tuple[int, int], ...]]:
    return {layer: ((0, len(text)),) for layer in layers}


def _context(text: str, span: Span) -> tuple[str, str]:
    return text[max(0, span.start - CONTEXT) : span.start], text[span.end : span.end + CONTEXT]


def make_gold(
    paper: str,
    spans: Iterable[Span],
    text: str,
    annotator: str,
    regions: Regions | None = None,
    guidelines: str = GUIDELINES,
    source_sha256: str | None = None,
) -> Gold:
    """A gold record for `text` (regions default to the whole text for every layer)."""
    spans = tuple(sorted(spans, key=sort_key))
    _require_offsets(spans, text, paper)
    return Gold(
        paper=paper,
        text_sha256=sha256_text(text),
        annotator=annotator,
        regions=_norm_regions(regions if regions is not None else whole_text_regions(text), paper),
        spans=spans,
        guidelines=guidelines,
        text_length=len(text),
        source_sha256=source_sha256,
        anchors={s.key: _context(text, s) for s in spans},
    )


def _require_offsets(spans: Iterable[Span], text: str, where: str) -> None:
    bad = [s for s in spans if text[s.start : s.end] != s.text]
    if bad:
        s = bad[0]
        raise InputError(
            f"{where}: {len(bad)} span(s) do not match the text at their offsets, e.g. "
            f"{s.text!r} at [{s.start}, {s.end}) reads {text[s.start:s.end]!r}; "
            "run `rescorpus gold reanchor` or fix the offsets"
        )


def _norm_regions(regions: Mapping[str, Any], where: str) -> dict[str, tuple[tuple[int, int], ...]]:
    out = {}
    for layer, ranges in sorted(regions.items()):
        if layer not in LAYERS:
            raise InputError(f"{where}: regions name an unknown layer {layer!r}; use {', '.join(LAYERS)}")
        try:
            out[layer] = tuple(sorted((int(a), int(b)) for a, b in ranges))
        except (TypeError, ValueError):
            raise InputError(
                f"{where}: regions[{layer!r}] must be a list of [start, end] pairs"
            ) from None
    return out


def generate_gold(gold: Gold) -> Iterable[str]:
    """Yield the header line then one line per span, each with its context."""
    header = {
        **gold.header_extra,
        "header": True,
        "paper": gold.paper,
        "text_sha256": gold.text_sha256,
        "annotator": gold.annotator,
        "regions": {k: [list(r) for r in v] for k, v in sorted(gold.regions.items())},
        "guidelines": gold.guidelines,
    }
    if gold.text_length is not None:
        header["text_length"] = gold.text_length
    if gold.source_sha256:
        header["source_sha256"] = gold.source_sha256
    yield _line(header)
    for span in sorted(gold.spans, key=sort_key):
        before, after = gold.anchors.get(span.key, ("", ""))
        yield _line({**span_to_dict(span), "context_before": before, "context_after": after})


def _line(obj: Mapping[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, sort_keys=True) + "\n"


def save_gold(gold: Gold, path_or_file: str | Path | IO[str]) -> None:
    """Write a gold file; atomically when given a path."""
    content = "".join(generate_gold(gold))
    if isinstance(path_or_file, (str, Path)):
        atomic_write_text(Path(path_or_file), content)
    else:
        path_or_file.write(content)


def load_gold(path_or_file: str | Path | IO[str]) -> Gold:
    """Read a gold file (header line first, then spans)."""
    header: dict[str, Any] | None = None
    spans: list[Span] = []
    anchors: dict[tuple[str, str, int, int], tuple[str, str]] = {}
    for where, obj in iter_json_lines(path_or_file):
        if header is None:
            if not obj.get("header"):
                raise InputError(
                    f"{where}: a gold file starts with a header line "
                    '({"header": true, "paper": ..., "text_sha256": ..., ...}); add it'
                )
            header = obj
            continue
        anchor = (obj.pop("context_before", ""), obj.pop("context_after", ""))
        span = span_from_dict(obj, where)
        spans.append(span)
        anchors.setdefault(span.key, anchor)
    if header is None:
        raise InputError(f"{path_or_file}: the gold file is empty; it needs at least a header line")
    for key in ("paper", "text_sha256"):
        if key not in header:
            raise InputError(f"{path_or_file}: the header has no {key!r}; add it")
    return Gold(
        paper=header["paper"],
        text_sha256=header["text_sha256"],
        annotator=header.get("annotator", ""),
        regions=_norm_regions(header.get("regions", {}), str(path_or_file)),
        spans=tuple(sorted(spans, key=sort_key)),
        guidelines=header.get("guidelines", GUIDELINES),
        text_length=header.get("text_length"),
        source_sha256=header.get("source_sha256"),
        header_extra={k: v for k, v in header.items() if k not in HEADER_KEYS},
        anchors=anchors,
    )


# --- re-anchoring -----------------------------------------------------------

_WS = re.compile(r"\s+")


def _squash(s: str) -> str:
    return _WS.sub("", s)


def _pattern(span_text: str) -> re.Pattern[str]:
    """Match the span's non-space characters with any whitespace (or none) between them."""
    chars = [re.escape(c) for c in span_text if not c.isspace()]
    return re.compile(r"\s*".join(chars))


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


MIN_SIMILARITY = 0.5  # of the stored context, for a span to be placed at another occurrence of its text


def _candidates(span: Span, anchor: tuple[str, str], text: str, expected: float) -> Iterable[tuple[float, float, int, int]]:
    """(context similarity, distance from `expected`, start, end) of every occurrence of the span's text."""
    pattern = _pattern(span.text)
    if not pattern.pattern:
        return
    before, after = (_squash(a) for a in anchor)
    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        ctx_b = _squash(text[max(0, s - 3 * CONTEXT) : s])[-len(before) :] if before else ""
        ctx_a = _squash(text[e : e + 3 * CONTEXT])[: len(after)] if after else ""
        yield (_similarity(before, ctx_b) + _similarity(after, ctx_a)) / 2, abs(s - expected), s, e


def reanchor(gold: Gold, text: str) -> Reanchored:
    """Find every span again in `text` (whitespace-insensitive) and return the gold for that text."""
    old_len = gold.text_length
    scale = len(text) / old_len if old_len else 1.0
    spans: list[Span] = []
    not_found: list[Span] = []
    shifts: list[tuple[int, int, int]] = []  # (old start, old end, shift) of every span placed
    moved = 0
    anchors = {}
    same_text = gold.text_sha256 == sha256_text(text)
    placed: dict[int, Span] = {}
    for n, span in enumerate(gold.spans):  # first the spans still in place: their occurrences are taken
        if span.end <= len(text) and text[span.start : span.end] == span.text and (
            same_text or _context_holds(gold, span, text)
        ):
            placed[n] = span
    # The others: every (span, occurrence) pair, best context first, so that a span whose own
    # occurrence is gone cannot take a neighbour's; each occurrence serves one span per label.
    taken = {s.key for s in placed.values()}
    pairs = []
    for n, span in enumerate(gold.spans):
        if n not in placed:
            for sim, dist, s, e in _candidates(span, gold.anchors.get(span.key, ("", "")), text, span.start * scale):
                pairs.append((-round(sim, 2), dist, n, s, e))
    for neg_sim, _, n, s, e in sorted(pairs):
        span = gold.spans[n]
        if n in placed or (span.layer, span.label, s, e) in taken or -neg_sim < MIN_SIMILARITY:
            continue
        placed[n] = new = span.with_offsets(s, e, text[s:e])
        taken.add(new.key)
        moved += new.key != span.key or new.text != span.text
    not_found = [span for n, span in enumerate(gold.spans) if n not in placed]
    for n, new in sorted(placed.items()):
        span = gold.spans[n]
        shifts.append((span.start, span.end, new.start - span.start))
        spans.append(new)
        anchors[new.key] = _context(text, new)
    regions = {
        layer: tuple(_move_region(r, shifts, old_len, len(text)) for r in ranges)
        for layer, ranges in gold.regions.items()
    }
    new_gold = replace(
        gold,
        text_sha256=sha256_text(text),
        spans=tuple(sorted(spans, key=sort_key)),
        regions=regions,
        text_length=len(text),
        anchors=anchors,
    )
    return Reanchored(new_gold, moved, tuple(not_found))


def _context_holds(gold: Gold, span: Span, text: str) -> bool:
    """True when the stored context (whitespace aside) still surrounds the span at its offsets."""
    before, after = (_squash(a) for a in gold.anchors.get(span.key, ("", "")))
    got_b = _squash(text[max(0, span.start - 3 * CONTEXT) : span.start])
    got_a = _squash(text[span.end : span.end + 3 * CONTEXT])
    return got_b.endswith(before) and got_a.startswith(after)


def _move_region(
    region: tuple[int, int], shifts: list[tuple[int, int, int]], old_len: int | None, new_len: int
) -> tuple[int, int]:
    """Shift each end of a region as the nearest placed span moved (whole-text ends stay whole).

    The start follows the first span starting at or after it (else the last one before it);
    the end follows the last span ending at or before it (else the first one after it).
    """
    a, b = region
    if not shifts:
        return (a, min(b, new_len)) if a < new_len else (new_len, new_len)
    after_a = [s for s in shifts if s[0] >= a]
    shift_a = min(after_a)[2] if after_a else max(shifts)[2]
    before_b = [s for s in shifts if s[1] <= b]
    shift_b = max(before_b, key=lambda s: (s[1], s[0]))[2] if before_b else min(shifts)[2]
    new_a = 0 if a == 0 else max(0, a + shift_a)
    new_b = new_len if old_len is not None and b >= old_len else b + shift_b
    return (min(new_a, new_len), min(max(new_a, new_b), new_len))


def reanchor_file(path: str | Path, text: str, drop_missing: bool = False) -> Reanchored:
    """Re-anchor a gold file to `text` and rewrite it atomically (`rescorpus gold reanchor`).

    When spans cannot be found, the file is left as it was and InputError says which,
    unless `drop_missing` is true (they are then removed from the file).
    """
    result = reanchor(load_gold(path), text)
    if result.not_found and not drop_missing:
        sample = "; ".join(f"{s.label} {s.text!r} at {s.start}" for s in result.not_found[:5])
        raise InputError(
            f"{path}: {len(result.not_found)} span(s) were not found in the new text ({sample}); "
            "fix them by hand in the gold file, or re-run with --drop-missing to remove them; "
            "the file was not changed"
        )
    save_gold(result.gold, path)
    return result


# --- the gold folder ----------------------------------------------------------


def gold_files(gold_dir: str | Path, papers: Iterable[str] | None = None) -> list[Path]:
    """The gold files `gold_dir/<paper-id>.jsonl`, sorted; naming a paper without one is an error."""
    gold_dir = Path(gold_dir)
    files = sorted(gold_dir.glob("*.jsonl")) if gold_dir.is_dir() else []
    if papers:
        wanted = list(dict.fromkeys(papers))
        have = {f.stem: f for f in files}
        missing = [p for p in wanted if p not in have]
        if missing:
            raise InputError(
                f"no gold file for {', '.join(missing)} in {gold_dir}/; "
                f"the gold papers are: {', '.join(have) or 'none'}"
            )
        files = [have[p] for p in sorted(wanted)]
    if not files:
        raise InputError(
            f"{gold_dir}: no gold files (<paper-id>.jsonl); label a paper first "
            f"(see {GUIDELINES}) or pass --gold DIR"
        )
    return files


def load_gold_file(path: str | Path) -> Gold:
    """Load `<paper-id>.jsonl`, checking that the header names the same paper as the file name."""
    gold = load_gold(path)
    if gold.paper != Path(path).stem:
        raise InputError(
            f"{path}: the header names paper {gold.paper!r} but the file is named {Path(path).stem!r}; "
            "rename the file to <paper-id>.jsonl or fix the header"
        )
    return gold


def paper_text(out: str | Path, paper: str) -> str:
    """The normalised text `OUT/text/<paper>.txt` that spans index."""
    path = Path(out) / "text" / f"{paper}.txt"
    if not path.exists():
        raise InputError(f"{path}: no extracted text for paper {paper}; run `rescorpus run` first (or pass --out)")
    return path.read_text(encoding="utf-8")


@dataclass(frozen=True)
class FileOutcome:
    """`rescorpus gold reanchor` for one file: what moved, what was not found, or why it failed."""

    path: Path
    paper: str
    result: Reanchored | None
    error: str | None = None


def reanchor_dir(
    gold_dir: str | Path, out: str | Path, papers: Iterable[str] | None = None, drop_missing: bool = False
) -> list[FileOutcome]:
    """Re-anchor every gold file (or those of `papers`) to OUT/text and rewrite it; one failure does not stop the rest."""
    outcomes = []
    for path in gold_files(gold_dir, papers):
        try:
            text = paper_text(out, load_gold_file(path).paper)
            outcomes.append(FileOutcome(path, path.stem, reanchor_file(path, text, drop_missing)))
        except InputError as exc:
            outcomes.append(FileOutcome(path, path.stem, None, str(exc)))
    return outcomes
