"""The one span shape: `Span(layer, label, start, end, text, attrs)` and its JSON-lines form.

Offsets are character offsets (Python str indices) into the paper's normalised
text, end exclusive. The tagger writes spans, the gold set stores them, the
evaluator and every export read them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from pipeline.errors import InputError
from pipeline.files import atomic_write_text

LAYERS = ("concept", "citation", "reference")
CORE_KEYS = ("layer", "label", "start", "end", "text")

PathOrFile = str | Path | IO[str]


def _freeze(value: Any) -> Any:
    """Lists become tuples (recursively) so equal attributes compare equal after a round trip."""
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(v) for v in value)
    if isinstance(value, Mapping):
        return {k: _freeze(value[k]) for k in sorted(value)}
    return value


def _thaw(value: Any) -> Any:
    """Tuples back to lists for JSON."""
    if isinstance(value, tuple):
        return [_thaw(v) for v in value]
    if isinstance(value, Mapping):
        return {k: _thaw(value[k]) for k in sorted(value)}
    return value


@dataclass(frozen=True)
class Span:
    """A labelled `[start, end)` of the normalised text; `attrs` hold the scheme's attributes.

    `attrs` is copied at construction (lists become tuples); treat it as read-only.
    """

    layer: str
    label: str
    start: int
    end: int
    text: str
    attrs: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if self.layer not in LAYERS:
            raise InputError(
                f"span layer {self.layer!r} is unknown; use one of {', '.join(LAYERS)}"
            )
        if not (isinstance(self.start, int) and isinstance(self.end, int)) or not (
            0 <= self.start <= self.end
        ):
            raise InputError(
                f"span {self.label!r} has offsets [{self.start}, {self.end}); "
                "they must be integers with 0 <= start <= end (end exclusive)"
            )
        clash = sorted(set(self.attrs) & set(CORE_KEYS))
        if clash:
            raise InputError(
                f"span attribute(s) {', '.join(clash)} clash with the span's own fields; rename them"
            )
        object.__setattr__(self, "attrs", _freeze(dict(self.attrs)))

    @property
    def key(self) -> tuple[str, str, int, int]:
        """(layer, label, start, end): what strict matching compares."""
        return (self.layer, self.label, self.start, self.end)

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def with_offsets(self, start: int, end: int, text: str) -> Span:
        """A copy at new offsets (derived views never mutate)."""
        return Span(self.layer, self.label, start, end, text, self.attrs)


def sort_key(span: Span) -> tuple[int, int, str, str]:
    """The stable order of every span list written: (start, end, layer, label)."""
    return (span.start, span.end, span.layer, span.label)


def span_to_dict(span: Span) -> dict[str, Any]:
    """The flat JSON form: core fields and attributes side by side, keys sorted."""
    out: dict[str, Any] = {k: _thaw(v) for k, v in span.attrs.items()}
    out.update(layer=span.layer, label=span.label, start=span.start, end=span.end, text=span.text)
    return dict(sorted(out.items()))


def span_from_dict(obj: Mapping[str, Any], where: str = "span") -> Span:
    """Build a span from its flat JSON form; every key that is not a core field is an attribute."""
    missing = [k for k in CORE_KEYS if k not in obj]
    if missing:
        raise InputError(
            f"{where}: missing {', '.join(missing)}; every span line needs "
            "layer, label, start, end and text"
        )
    attrs = {k: v for k, v in obj.items() if k not in CORE_KEYS}
    return Span(obj["layer"], obj["label"], obj["start"], obj["end"], obj["text"], attrs)


def span_line(span: Span) -> str:
    return json.dumps(span_to_dict(span), ensure_ascii=False, sort_keys=True)


def generate_jsonl(spans: Iterable[Span]) -> Iterator[str]:
    """Yield one JSON line (with its newline) per span, in the stable order."""
    for span in sorted(spans, key=sort_key):
        yield span_line(span) + "\n"


def write_jsonl(spans: Iterable[Span], path_or_file: PathOrFile) -> None:
    """Write spans as JSON lines; atomically when given a path."""
    content = "".join(generate_jsonl(spans))
    if isinstance(path_or_file, (str, Path)):
        atomic_write_text(Path(path_or_file), content)
    else:
        path_or_file.write(content)


def iter_json_lines(path_or_file: PathOrFile) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (where, object) for each non-blank line; `where` is "file:line" for messages."""
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        if not path.exists():
            raise InputError(f"{path}: no such file; check the path")
        name, fh = str(path), io.StringIO(path.read_text(encoding="utf-8"))
    else:
        name, fh = getattr(path_or_file, "name", "<stream>"), path_or_file
    for n, line in enumerate(fh, 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not valid JSON ({exc.msg}); fix or remove that line") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object per line")
        yield where, obj


def read_jsonl(path_or_file: PathOrFile) -> list[Span]:
    """Read spans from JSON lines (a path or an open text file)."""
    spans = []
    for where, obj in iter_json_lines(path_or_file):
        if obj.get("header"):
            raise InputError(
                f"{where}: this is a gold file (it has a header line); "
                "load it with pipeline.evaluation.gold.load_gold"
            )
        spans.append(span_from_dict(obj, where))
    return spans


def check_offsets(spans: Iterable[Span], text: str) -> list[Span]:
    """The spans whose `text` is not what the normalised text holds at their offsets."""
    return [s for s in spans if s.end > len(text) or text[s.start : s.end] != s.text]
