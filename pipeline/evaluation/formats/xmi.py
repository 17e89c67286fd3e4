"""UIMA CAS XMI and its type system, for INCEpTION, via dkpro-cassis; exact round trip.

Types (all subtypes of uima.tcas.Annotation; the sofa is the normalised text):
- `rescorpus.Concept`: label
- `rescorpus.Citation`: authors[], year, years[], suffix, target (a Reference id)
- `rescorpus.Reference`: id, authors[], year, title, container, doi
Every type also has `label` (written when not the layer's usual label) and `extra`:
a JSON object for attributes that have no feature or whose value is not a
non-empty string (or list of strings), so every attribute comes back as it went in.
XMI offsets are UTF-16 code units; cassis converts them to and from Python offsets.
In INCEpTION, import TypeSystem.xml as layers (Project settings > Layers > Import).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from cassis import Cas, TypeSystem, load_cas_from_xmi, load_typesystem

from pipeline.errors import InputError
from pipeline.evaluation.formats import Annotated
from pipeline.files import atomic_write_bytes, atomic_write_text
from pipeline.spans import Span, sort_key

TYPESYSTEM_FILE = "TypeSystem.xml"
TYPES = {"concept": "rescorpus.Concept", "citation": "rescorpus.Citation", "reference": "rescorpus.Reference"}
DEFAULT_LABEL = {"citation": "CITATION", "reference": "REFERENCE"}
STRING, ARRAY = "uima.cas.String", "uima.cas.StringArray"
FEATURES: dict[str, dict[str, str]] = {
    "concept": {},
    "citation": {"authors": ARRAY, "year": STRING, "years": ARRAY, "suffix": STRING, "target": STRING},
    "reference": {"id": STRING, "authors": ARRAY, "year": STRING, "title": STRING, "container": STRING, "doi": STRING},
}


def typesystem() -> TypeSystem:
    """The rescorpus type system (a new object each call: callers may extend it)."""
    ts = TypeSystem()
    for layer, name in TYPES.items():
        t = ts.create_type(name, description=f"rescorpus {layer} span (see ANNOTATION_SCHEME.md)")
        ts.create_feature(t, "label", STRING)
        for feat, rng in FEATURES[layer].items():
            ts.create_feature(t, feat, rng, elementType=STRING if rng == ARRAY else None)
        ts.create_feature(t, "extra", STRING, description="JSON object of other attributes")
    return ts


def _fits(rng: str, value: Any) -> bool:
    if rng == STRING:
        return isinstance(value, str) and value != ""
    return isinstance(value, tuple) and len(value) > 0 and all(isinstance(v, str) for v in value)


def _plain(value: Any) -> Any:
    return [_plain(v) for v in value] if isinstance(value, tuple) else value


def to_cas(spans: Iterable[Span], text: str, ts: TypeSystem | None = None) -> Cas:
    """A CAS whose sofa is `text`, with one annotation per span."""
    ts = ts or typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    cas.sofa_mime = "text/plain"
    string_array = ts.get_type(ARRAY)
    for span in sorted(spans, key=sort_key):
        if span.end > len(text):
            raise InputError(f"span {span.text!r} ends at {span.end}, past the text ({len(text)} chars); check the text")
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in span.attrs.items():
            rng = FEATURES[span.layer].get(key)
            if rng is None or not _fits(rng, value):
                extra[key] = _plain(value)
            elif rng == ARRAY:
                values[key] = string_array(elements=list(value))
            else:
                values[key] = value
        if span.label != DEFAULT_LABEL.get(span.layer):
            values["label"] = span.label
        if extra:
            values["extra"] = json.dumps(extra, ensure_ascii=False, sort_keys=True)
        cas.add(ts.get_type(TYPES[span.layer])(begin=span.start, end=span.end, **values))
    return cas


def generate_xmi(spans: Iterable[Span], text: str) -> Iterator[str]:
    """Yield the XMI document (one chunk: cassis serialises the CAS whole)."""
    yield to_cas(spans, text).to_xmi()


def write_xmi(spans: Iterable[Span], text: str, path_or_file: str | Path | IO[str]) -> None:
    """Write `<name>.xmi` and `TypeSystem.xml` beside it for a path (atomically); for an open file, the XMI only."""
    xmi = "".join(generate_xmi(spans, text))
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        atomic_write_text(path, xmi)
        write_typesystem(path.parent / TYPESYSTEM_FILE)
    else:
        path_or_file.write(xmi)


def write_typesystem(path_or_file: str | Path | IO[str]) -> None:
    xml = typesystem().to_xml()
    if isinstance(path_or_file, (str, Path)):
        atomic_write_text(Path(path_or_file), xml)
    else:
        path_or_file.write(xml)


def write_xmi_zip(spans: Iterable[Span], text: str, path: str | Path, name: str) -> None:
    """A zip of `<name>.xmi` and TypeSystem.xml, as INCEpTION exports a document in UIMA CAS XMI (fixed dates)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for member, content in ((f"{name}.xmi", "".join(generate_xmi(spans, text))), (TYPESYSTEM_FILE, typesystem().to_xml())):
            zf.writestr(zipfile.ZipInfo(member, date_time=(1980, 1, 1, 0, 0, 0)), content.encode("utf-8"))
    atomic_write_bytes(Path(path), buf.getvalue())


def read_xmi_zip(path: str | Path) -> Annotated:
    """Read the one .xmi of a zip (INCEpTION's export), with the zip's TypeSystem.xml when it holds one."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            xmis = [n for n in names if n.lower().endswith(".xmi")]
            if len(xmis) != 1:
                raise InputError(
                    f"{path}: the zip holds {len(xmis)} .xmi files ({', '.join(xmis) or 'none'}); "
                    "export one document (UIMA CAS XMI) from INCEpTION, or unzip and import its .xmi"
                )
            ts_names = [n for n in names if Path(n).name.lower() == TYPESYSTEM_FILE.lower()]
            ts = load_typesystem(io.BytesIO(zf.read(ts_names[0]))) if ts_names else None
            source = zf.read(xmis[0]).decode("utf-8")
    except zipfile.BadZipFile:
        raise InputError(f"{path}: not a readable zip; export the document again from INCEpTION") from None
    return read_xmi(io.StringIO(source), ts=ts)


def read_xmi(path_or_file: str | Path | IO[str], ts: TypeSystem | None = None) -> Annotated:
    """Read an XMI back into its text and spans; a path uses the TypeSystem.xml beside it when present."""
    if isinstance(path_or_file, (str, Path)):
        path = Path(path_or_file)
        if not path.exists():
            raise InputError(f"{path}: no such file; check the path")
        beside = path.parent / TYPESYSTEM_FILE
        if ts is None and beside.exists():
            with beside.open("rb") as fh:
                ts = load_typesystem(fh)
        source: Any = path.read_text(encoding="utf-8")
        name = str(path)
    else:
        source, name = path_or_file.read(), getattr(path_or_file, "name", "<stream>")
        if isinstance(source, bytes):
            source = source.decode("utf-8")
    ts = ts or typesystem()
    if not any(True for _ in _layer_types(ts)):
        raise InputError(
            f"{name}: its type system has none of {', '.join(TYPES.values())}; in INCEpTION, import "
            f"{TYPESYSTEM_FILE} from `rescorpus export --format inception` as the project's layers"
        )
    if "http://www.omg.org/XMI" not in source[:4096]:
        raise InputError(f"{name}: not a readable UIMA XMI (no XMI root element); export it again as UIMA CAS XMI")
    try:
        cas = load_cas_from_xmi(source, typesystem=ts, lenient=True)
    except Exception as exc:  # cassis raises plain Exceptions and lxml errors
        raise InputError(
            f"{name}: not a readable UIMA XMI ({exc}); export it again, with its TypeSystem.xml beside it"
        ) from None
    text = cas.sofa_string
    if text is None:
        raise InputError(f"{name}: the XMI has no document text (sofa); export it again with its text")
    return Annotated(text, tuple(sorted(_spans(cas, ts, text, name), key=sort_key)))


def _layer_types(ts: TypeSystem) -> Iterator[tuple[str, str]]:
    """(layer, type name) for our types and for INCEpTION layers made by hand (`webanno.custom.Concept`)."""
    for layer, type_name in TYPES.items():
        if ts.contains_type(type_name):
            yield layer, type_name
        custom = f"webanno.custom.{type_name.split('.')[-1]}"
        if ts.contains_type(custom):
            yield layer, custom


def _spans(cas: Cas, ts: TypeSystem, text: str, name: str) -> Iterator[Span]:
    for layer, type_name in _layer_types(ts):
        for fs in cas.select(type_name):
            attrs: dict[str, Any] = {}
            for feat in FEATURES[layer]:
                value = fs.get(feat) if fs.type.get_feature(feat) else None
                if value is None or value == "":  # INCEpTION clears a feature to ""
                    continue
                attrs[feat] = list(value.elements) if hasattr(value, "elements") else value
            extra = fs.get("extra") if fs.type.get_feature("extra") else None
            if extra:
                try:
                    attrs.update(json.loads(extra))
                except json.JSONDecodeError:
                    raise InputError(f"{name}: the 'extra' feature at {fs.begin} is not JSON; fix or clear it") from None
            label = (fs.get("label") if fs.type.get_feature("label") else None) or DEFAULT_LABEL.get(layer)
            if not label:
                raise InputError(
                    f"{name}: the {layer} annotation at [{fs.begin}, {fs.end}) has no label; set it in INCEpTION"
                )
            yield Span(layer, label, fs.begin, fs.end, text[fs.begin : fs.end], attrs)
