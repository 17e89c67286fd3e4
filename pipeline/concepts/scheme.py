"""The concept scheme as data: load and validate a TOML scheme file, write one back.

A scheme names concepts (id, group, preferred and alternative labels in each
language, a definition) and sense rules that keep a label in one of its senses.
Errors name the file, the line and the problem, so a scholar can fix the file.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.errors import SchemeError

ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LANG_RE = re.compile(r"^[a-z]{2,3}$")
CONCEPT_KEYS = {"id", "group", "pref", "alt", "definition"}
SENSE_LISTS = ("terms", "reject_next", "reject_prev", "require_next", "require_context", "reject_context", "reject_forms", "pos")
SENSE_KEYS = {"concept", "lang", "window", "note", *SENSE_LISTS}
TOP_KEYS = {"scheme", "groups", "concept", "sense"}
DEFAULT_WINDOW = 8


@dataclass(frozen=True)
class Concept:
    """One concept: its id (the span label), group, labels per language and definition."""

    id: str
    group: str
    pref: Mapping[str, str]
    alt: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    definition: Mapping[str, str] = field(default_factory=dict)

    def labels(self, lang: str) -> tuple[str, ...]:
        """The preferred label then the alternatives in one language."""
        pref = (self.pref[lang],) if lang in self.pref else ()
        return pref + tuple(self.alt.get(lang, ()))


@dataclass(frozen=True)
class SenseRule:
    """Keep a concept's labels (`terms`) in one language only where their context allows it."""

    concept: str
    lang: str
    terms: tuple[str, ...]
    reject_next: tuple[str, ...] = ()
    reject_prev: tuple[str, ...] = ()
    require_next: tuple[str, ...] = ()
    require_context: tuple[str, ...] = ()
    reject_context: tuple[str, ...] = ()
    reject_forms: tuple[str, ...] = ()
    pos: tuple[str, ...] = ()
    window: int = DEFAULT_WINDOW
    note: str = ""


@dataclass(frozen=True)
class Scheme:
    """A concept scheme: concepts in file order, groups, sense rules."""

    id: str
    uri: str
    title: Mapping[str, str]
    groups: Mapping[str, Mapping[str, str]]
    concepts: tuple[Concept, ...]
    senses: tuple[SenseRule, ...] = ()

    def concept(self, concept_id: str) -> Concept:
        for c in self.concepts:
            if c.id == concept_id:
                return c
        raise KeyError(concept_id)

    def languages(self) -> tuple[str, ...]:
        return tuple(sorted({lang for c in self.concepts for lang in (*c.pref, *c.alt)}))

    def iter_labels(self, lang: str) -> Iterator[tuple[str, str]]:
        """(concept id, label) for every label of a language."""
        for c in self.concepts:
            for label in c.labels(lang):
                yield c.id, label


class _Lines:
    """Finds the line of a table or key in the raw TOML, for error messages."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def table(self, name: str, index: int | None = None) -> int:
        header = re.compile(rf"^\s*\[\[\s*{name}\s*\]\]" if index is not None else rf"^\s*\[\s*{name}\s*\]")
        seen = -1
        for n, line in enumerate(self.lines, 1):
            if header.match(line):
                seen += 1
                if index is None or seen == index:
                    return n
        return 1

    def key(self, table: str, index: int | None, key: str) -> int:
        start = self.table(table, index)
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*[.=]")
        for n in range(start + 1, len(self.lines) + 1):
            line = self.lines[n - 1]
            if re.match(r"^\s*\[", line):
                break
            if pattern.match(line):
                return n
        return start


def load_scheme(path: Path) -> Scheme:
    """Read and validate a scheme file; a SchemeError names the line and the problem."""
    path = Path(path)
    if not path.exists():
        raise SchemeError(f"{path}: no such scheme file; check the path or pass --scheme FILE")
    text = path.read_text(encoding="utf-8")
    return parse_scheme(text, str(path))


def parse_scheme(text: str, name: str = "<scheme>") -> Scheme:
    """Validate the TOML text of a scheme (`name` is used in messages)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        where = re.search(r"\(at line (\d+), column (\d+)\)", msg)
        problem = re.sub(r"\s*\(at (line|end of document).*\)$", "", msg)
        last = max(1, len(text.splitlines()))
        loc = f"line {where.group(1)}, column {where.group(2)}" if where else f"line {last} (end of file)"
        raise SchemeError(f"{name}: {loc}: {problem}; fix the TOML syntax there") from None
    lines = _Lines(text)

    def fail(line: int, problem: str) -> SchemeError:
        return SchemeError(f"{name}: line {line}: {problem}")

    unknown = sorted(set(data) - TOP_KEYS)
    if unknown:
        raise fail(lines.table(unknown[0]), f"unknown table [{unknown[0]}]; known: scheme, groups, concept, sense")
    head = data.get("scheme")
    if not isinstance(head, dict) or not isinstance(head.get("id"), str):
        raise fail(lines.table("scheme"), "the [scheme] table needs an id, e.g. id = \"my-scheme\"")
    uri = head.get("uri", f"https://w3id.org/rescorpus/scheme/{head['id']}/")
    title = _lang_map(head.get("title", {}), lambda: fail(lines.key("scheme", None, "title"), "title must map languages to text, e.g. title = { fr = \"…\", en = \"…\" }"))

    groups_raw = data.get("groups", {})
    if not isinstance(groups_raw, dict):
        raise fail(lines.table("groups"), "[groups] must map group names to labels")
    groups: dict[str, dict[str, str]] = {}
    for gname, glabels in groups_raw.items():
        if not ID_RE.match(gname):
            raise fail(lines.key("groups", None, gname), f"group name {gname!r} must be lower case letters, digits or _")
        groups[gname] = _lang_map(glabels, lambda: fail(lines.key("groups", None, gname), f"group {gname!r} must map languages to labels, e.g. {{ fr = \"…\", en = \"…\" }}"))

    raw_concepts = data.get("concept", [])
    if not isinstance(raw_concepts, list) or not raw_concepts:
        raise fail(1, "no [[concept]] blocks; add at least one concept with id, group and pref")
    concepts: list[Concept] = []
    seen: dict[str, int] = {}
    for i, raw in enumerate(raw_concepts):
        concepts.append(_concept(raw, i, groups, seen, lines, fail))

    senses = tuple(_sense(raw, i, seen, lines, fail) for i, raw in enumerate(data.get("sense", [])))
    return Scheme(id=head["id"], uri=str(uri), title=title, groups=groups, concepts=tuple(concepts), senses=senses)


def _lang_map(value: Any, error) -> dict[str, str]:
    if not isinstance(value, dict) or not all(
        LANG_RE.match(k) and isinstance(v, str) and v.strip() for k, v in value.items()
    ):
        raise error()
    return {k: value[k].strip() for k in sorted(value)}


def _concept(raw: Any, i: int, groups: Mapping, seen: dict[str, int], lines: _Lines, fail) -> Concept:
    at = lines.table("concept", i)
    if not isinstance(raw, dict):
        raise fail(at, "a [[concept]] must be a table")
    unknown = sorted(set(raw) - CONCEPT_KEYS)
    if unknown:
        raise fail(lines.key("concept", i, unknown[0]), f"unknown key {unknown[0]!r} in a concept; known: {', '.join(sorted(CONCEPT_KEYS))}")
    cid = raw.get("id")
    if not isinstance(cid, str) or not ID_RE.match(cid):
        raise fail(lines.key("concept", i, "id"), f"concept id {cid!r} must be lower case letters, digits or _ (e.g. id = \"finance_access\")")
    if cid in seen:
        raise fail(lines.key("concept", i, "id"), f"concept id {cid!r} is already used at line {seen[cid]}; give each concept its own id")
    seen[cid] = lines.key("concept", i, "id")
    group = raw.get("group")
    if group not in groups:
        known = ", ".join(groups) or "none: add a [groups] table"
        raise fail(lines.key("concept", i, "group"), f"concept {cid!r}: group {group!r} is not in [groups] (known: {known})")
    pref = _lang_map(raw.get("pref"), lambda: fail(lines.key("concept", i, "pref"), f"concept {cid!r}: pref must map languages to one label, e.g. pref = {{ fr = \"…\", en = \"…\" }}"))
    if not pref:
        raise fail(lines.key("concept", i, "pref"), f"concept {cid!r} needs a preferred label in at least one language")
    definition = _lang_map(raw.get("definition", {}), lambda: fail(lines.key("concept", i, "definition"), f"concept {cid!r}: definition must map languages to text"))
    alt_raw = raw.get("alt", {})
    if not isinstance(alt_raw, dict):
        raise fail(lines.key("concept", i, "alt"), f"concept {cid!r}: write alternative labels as alt.fr = [\"…\"] and alt.en = [\"…\"]")
    alt: dict[str, tuple[str, ...]] = {}
    for lang, labels in sorted(alt_raw.items()):
        bad = not LANG_RE.match(lang) or not isinstance(labels, list) or not all(isinstance(x, str) and x.strip() for x in labels)
        if bad:
            raise fail(lines.key("concept", i, f"alt.{lang}") if LANG_RE.match(lang) else lines.key("concept", i, "alt"),
                       f"concept {cid!r}: alt.{lang} must be a list of non-empty labels, e.g. alt.{lang} = [\"…\", \"…\"]")
        clean = {x.strip() for x in labels} - {pref.get(lang)}
        alt[lang] = tuple(sorted(clean, key=lambda s: (s.casefold(), s)))
    return Concept(id=cid, group=group, pref=pref, alt=alt, definition=definition)


def _sense(raw: Any, i: int, concepts: Mapping[str, int], lines: _Lines, fail) -> SenseRule:
    at = lines.table("sense", i)
    if not isinstance(raw, dict):
        raise fail(at, "a [[sense]] must be a table")
    unknown = sorted(set(raw) - SENSE_KEYS)
    if unknown:
        raise fail(lines.key("sense", i, unknown[0]), f"unknown key {unknown[0]!r} in a sense rule; known: {', '.join(sorted(SENSE_KEYS))}")
    concept = raw.get("concept")
    if concept not in concepts:
        raise fail(lines.key("sense", i, "concept"), f"sense rule for unknown concept {concept!r}; use the id of a [[concept]]")
    lang = raw.get("lang")
    if not isinstance(lang, str) or not LANG_RE.match(lang):
        raise fail(lines.key("sense", i, "lang"), "a sense rule needs lang = \"fr\" (or another language code)")
    lists: dict[str, tuple[str, ...]] = {}
    for key in SENSE_LISTS:
        value = raw.get(key, [])
        if not isinstance(value, list) or not all(isinstance(x, str) and x.strip() for x in value):
            raise fail(lines.key("sense", i, key), f"{key} must be a list of words or phrases, e.g. {key} = [\"…\"]")
        lists[key] = tuple(x.strip() for x in value)
    if not lists["terms"]:
        raise fail(lines.key("sense", i, "terms") if "terms" in raw else at, "a sense rule needs terms = [\"…\"]: the labels it applies to")
    window = raw.get("window", DEFAULT_WINDOW)
    if not isinstance(window, int) or isinstance(window, bool) or window < 1:
        raise fail(lines.key("sense", i, "window"), "window must be a whole number of words, at least 1")
    note = raw.get("note", "")
    if not isinstance(note, str):
        raise fail(lines.key("sense", i, "note"), "note must be text")
    return SenseRule(concept=concept, lang=lang, window=window, note=note, **lists)


def _s(text: str) -> str:
    """A TOML basic string: JSON escapes (valid TOML), plus DEL, which TOML forbids raw."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _inline(mapping: Mapping[str, str]) -> str:
    return "{ " + ", ".join(f"{k} = {_s(v)}" for k, v in mapping.items()) + " }"


def _list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(_s(x) for x in items) + "]"


def generate_toml(scheme: Scheme) -> Iterator[str]:
    """Yield the lines of a scheme file (what `load_scheme` reads back as the same scheme)."""
    yield f"# Concept scheme {scheme.id!s}: edit the labels and rerun `rescorpus run`."
    yield ""
    yield "[scheme]"
    yield f"id = {_s(scheme.id)}"
    yield f"uri = {_s(scheme.uri)}"
    if scheme.title:
        yield f"title = {_inline(scheme.title)}"
    yield ""
    yield "[groups]"
    for name, labels in scheme.groups.items():
        yield f"{name} = {_inline(labels)}"
    for c in scheme.concepts:
        yield ""
        yield "[[concept]]"
        yield f"id = {_s(c.id)}"
        yield f"group = {_s(c.group)}"
        yield f"pref = {_inline(c.pref)}"
        if c.definition:
            yield f"definition = {_inline(c.definition)}"
        for lang, labels in c.alt.items():
            yield f"alt.{lang} = {_list(labels)}"
    for rule in scheme.senses:
        yield ""
        yield "[[sense]]"
        yield f"concept = {_s(rule.concept)}"
        yield f"lang = {_s(rule.lang)}"
        for key in SENSE_LISTS:
            if getattr(rule, key):
                yield f"{key} = {_list(getattr(rule, key))}"
        if rule.window != DEFAULT_WINDOW:
            yield f"window = {rule.window}"
        if rule.note:
            yield f"note = {_s(rule.note)}"


def write_toml(scheme: Scheme, path: Path) -> None:
    """Write a scheme file atomically."""
    from pipeline.files import atomic_write_text

    atomic_write_text(Path(path), "\n".join(generate_toml(scheme)) + "\n")
