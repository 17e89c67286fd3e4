"""brat standoff (.txt + .ann) for spans, with an exact round trip.

The scheme, stated once:
- `T` lines: the entity type is the span's label (`governance`, `CITATION`, `REFERENCE`).
  The layer follows from the label (CITATION -> citation, REFERENCE -> reference,
  anything else -> concept); a span whose layer differs says so in its note.
- A span whose text holds line breaks is written as brat fragments split at each
  "\\n" run (`T1\\tgovernance 10 15;16 20\\ttext text`), as brat itself does.
- Attributes: one `#` AnnotatorNotes line per span whose value is the JSON object of
  its attributes (lists kept as lists), plus `"layer"` when the layer is not the implied one.
- A citation `target` naming a reference's `id` is a relation
  `R1\\tCites Arg1:T<citation> Arg2:T<reference>` (editable in brat); a target with no
  such reference stays in the note.
Offsets are Python character offsets into the .txt, as brat uses them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pipeline.errors import InputError
from pipeline.evaluation.formats import Annotated
from pipeline.files import atomic_write_text
from pipeline.spans import Span, sort_key

IMPLIED_LAYER = {"CITATION": "citation", "REFERENCE": "reference"}
RELATION = "Cites"


def _layer_of(label: str) -> str:
    return IMPLIED_LAYER.get(label, "concept")


def _fragments(span: Span) -> list[tuple[int, int]]:
    """Runs of the span without "\\n"; zero-length ends keep start and end exact."""
    frags = [(span.start + m.start(), span.start + m.end()) for m in re.finditer(r"[^\n]+", span.text)]
    if not frags or frags[0][0] != span.start:
        frags.insert(0, (span.start, span.start))
    if frags[-1][1] != span.end:
        frags.append((span.end, span.end))
    return frags


def generate_brat(spans: Iterable[Span]) -> Iterator[str]:
    """Yield the .ann lines (with newlines) for `spans`, in the stable span order."""
    spans = sorted(spans, key=sort_key)
    tid = {id(s): f"T{n}" for n, s in enumerate(spans, 1)}
    ref_by_id: dict[Any, Span] = {}
    for s in spans:
        if s.layer == "reference" and "id" in s.attrs:
            ref_by_id.setdefault(s.attrs["id"], s)
    notes, relations = [], []
    for s in spans:
        if not s.label or any(c.isspace() for c in s.label):
            raise InputError(f"span label {s.label!r} cannot be a brat type; labels must be one word")
        frags = _fragments(s)
        offsets = ";".join(f"{a} {b}" for a, b in frags)
        shown = " ".join(s.text[a - s.start : b - s.start] for a, b in frags)
        yield f"{tid[id(s)]}\t{s.label} {offsets}\t{shown}\n"
        note = dict(s.attrs)
        target = note.get("target")
        if s.layer == "citation" and isinstance(target, (str, int)) and target in ref_by_id:
            relations.append((tid[id(s)], tid[id(ref_by_id[target])]))
            del note["target"]
        if s.layer != _layer_of(s.label):
            note["layer"] = s.layer
        if note:
            notes.append((tid[id(s)], json.dumps(_plain(note), ensure_ascii=False, sort_keys=True)))
    for n, (arg1, arg2) in enumerate(relations, 1):
        yield f"R{n}\t{RELATION} Arg1:{arg1} Arg2:{arg2}\n"
    for n, (t, body) in enumerate(notes, 1):
        yield f"#{n}\tAnnotatorNotes {t}\t{body}\n"


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def write_brat(spans: Iterable[Span], text: str, path_or_file: str | Path | IO[str]) -> None:
    """Write `<stem>.txt` and `<stem>.ann` for a path (atomically); for an open file, only the .ann."""
    ann = "".join(generate_brat(spans))
    if isinstance(path_or_file, (str, Path)):
        stem = Path(path_or_file).with_suffix("")
        atomic_write_text(stem.with_suffix(".txt"), text)
        atomic_write_text(stem.with_suffix(".ann"), ann)
    else:
        path_or_file.write(ann)


def brat_config(labels: Iterable[str]) -> str:
    """An annotation.conf declaring the labels as entities and the Cites relation."""
    labels = sorted(set(labels) | set(IMPLIED_LAYER))
    return (
        "[entities]\n" + "".join(f"{lab}\n" for lab in labels)
        + f"\n[relations]\n{RELATION}\tArg1:CITATION, Arg2:REFERENCE\n\n[events]\n\n[attributes]\n"
    )  # fmt: skip


def read_brat(path_or_file: str | Path | IO[str], text: str | None = None) -> Annotated:
    """Read a .ann (its .txt beside it when given a path) back into spans."""
    if isinstance(path_or_file, (str, Path)):
        stem = Path(path_or_file).with_suffix("")
        ann_path, txt_path = stem.with_suffix(".ann"), stem.with_suffix(".txt")
        if not ann_path.exists():
            raise InputError(f"{ann_path}: no such file; a brat document is a .txt and a .ann side by side")
        if text is None and txt_path.exists():
            text = txt_path.read_bytes().decode("utf-8")
        name, content = str(ann_path), ann_path.read_bytes().decode("utf-8")
    else:
        name, content = getattr(path_or_file, "name", "<stream>"), path_or_file.read()
    return Annotated(text, tuple(sorted(_parse(content, text, name), key=sort_key)))


def _parse(content: str, text: str | None, name: str) -> list[Span]:
    entities: dict[str, dict[str, Any]] = {}
    links: list[tuple[str, str]] = []
    for n, line in enumerate(content.split("\n"), 1):
        if not line.strip():
            continue
        where = f"{name}:{n}"
        kind = line[0]
        try:
            if kind == "T":
                tid, head, shown = line.split("\t", 2)
                label, offsets = head.split(" ", 1)
                frags = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
                entities[tid] = {"label": label, "frags": frags, "shown": shown, "attrs": {}, "where": where}
            elif kind == "#":
                _, head, body = line.split("\t", 2)
                tid = head.split(" ", 1)[1]
                entities[tid]["attrs"].update(json.loads(body))
            elif kind == "A":
                _, head = line.split("\t", 1)
                parts = head.split(" ")
                entities[parts[1]]["attrs"][parts[0]] = parts[2] if len(parts) > 2 else True
            elif kind == "R":
                _, head = line.split("\t", 1)
                rel, *args = head.split(" ")
                if rel == RELATION:
                    roles = dict(a.split(":", 1) for a in args)
                    links.append((roles["Arg1"], roles["Arg2"]))
        except (ValueError, KeyError, IndexError, json.JSONDecodeError) as exc:
            raise InputError(f"{where}: cannot read this brat line ({exc}); fix it in the .ann file") from None
    for arg1, arg2 in links:
        if arg1 not in entities or arg2 not in entities:
            raise InputError(f"{name}: relation {RELATION} points to a missing entity ({arg1}, {arg2}); fix the .ann")
        ref = entities[arg2]["attrs"]
        ref.setdefault("id", arg2)  # a reference drawn in brat gets its T id as id
        entities[arg1]["attrs"]["target"] = ref["id"]
    return [_span(e, text) for e in entities.values()]


def _span(e: dict[str, Any], text: str | None) -> Span:
    frags: list[tuple[int, ...]] = e["frags"]
    start, end = frags[0][0], frags[-1][1]
    pieces, pos = [], 0
    for a, b in frags:
        pieces.append(e["shown"][pos : pos + b - a])
        pos += b - a + 1
    rebuilt = "".join(
        piece + ("\n" * (frags[k + 1][0] - b) if k + 1 < len(frags) else "")
        for k, (piece, (_, b)) in enumerate(zip(pieces, frags))
    )
    if text is not None:
        actual = text[start:end]
        if actual.replace("\n", "") != rebuilt.replace("\n", ""):
            raise InputError(
                f"{e['where']}: the .ann says {rebuilt!r} at [{start}, {end}) but the .txt has {actual!r}; "
                "the .txt and .ann do not belong together, or the .txt was edited after annotation"
            )
        rebuilt = actual
    attrs = dict(e["attrs"])
    layer = attrs.pop("layer", _layer_of(e["label"]))
    return Span(layer, e["label"], start, end, rebuilt, attrs)
