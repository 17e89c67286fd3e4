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

from .errors import InputError
from .files import atomic_write_text, sha256_text
from .spans import LAYERS, Span, iter_json_lines, sort_key, span_from_dict, span_to_dict

CONTEXT = 30
GUIDELINES = "annotations/GUIDELINES.md"
ANCHOR_KEYS = ("context_before", "context_after")

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
        "header": True,
        "paper": gold.paper,
        "text_sha256": gold.text_sha256,
        "annotator": gold.annotator,
        "regions": {k: [list(r) for r in v] for k, v in sorted(gold.regions.items())},
        "guidelines": gold.guidelines,
    }
    if gold.text_length is not None:
        header["text_length"] = gold.text_length
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


def _find(span: Span, anchor: tuple[str, str], text: str, expected: float) -> tuple[int, int] | None:
    """Best occurrence of the span's text: closest context first, then nearest to `expected`."""
    pattern = _pattern(span.text)
    if not pattern.pattern:
        return None
    before, after = (_squash(a) for a in anchor)
    best: tuple[tuple[float, float], tuple[int, int]] | None = None
    for m in pattern.finditer(text):
        s, e = m.start(), m.end()
        ctx_b = _squash(text[max(0, s - 3 * CONTEXT) : s])[-len(before) :] if before else ""
        ctx_a = _squash(text[e : e + 3 * CONTEXT])[: len(after)] if after else ""
        sim = (_similarity(before, ctx_b) + _similarity(after, ctx_a)) / 2
        rank = (-round(sim, 2), abs(s - expected))
        if best is None or rank < best[0]:
            best = (rank, (s, e))
    return best[1] if best else None


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
    for span in gold.spans:
        if span.end <= len(text) and text[span.start : span.end] == span.text and (
            same_text or _context_holds(gold, span, text)
        ):
            new = span
        else:
            where = _find(span, gold.anchors.get(span.key, ("", "")), text, span.start * scale)
            if where is None:
                not_found.append(span)
                continue
            new = span.with_offsets(where[0], where[1], text[where[0] : where[1]])
            moved += new.key != span.key or new.text != span.text
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
    """Shift a region's ends like the nearest span inside it moved (whole-text regions stay whole)."""
    a, b = region
    if old_len is not None and b >= old_len:
        new_b = new_len
    else:
        inside = [s for s in shifts if a <= s[0] and s[1] <= b]
        new_b = b + (max(inside, key=lambda s: s[1])[2] if inside else 0)
    inside = [s for s in shifts if a <= s[0] and s[1] <= b]
    new_a = 0 if a == 0 else a + (min(inside)[2] if inside else 0)
    return (max(0, new_a), min(max(new_a, new_b), new_len))


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
