"""The scheme as SKOS (W3C thesaurus standard, via rdflib): generate, write, read.

Concepts become skos:Concept (notation = id, prefLabel/altLabel/definition per
language), groups skos:Collection, the scheme skos:ConceptScheme. What SKOS has
no word for (file order, sense rules) travels in the rescorpus namespace, so an
export read back gives the same scheme; a foreign SKOS file reads without it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import IO

from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from pipeline.concepts.scheme import ID_RE, LANG_RE, SENSE_LISTS, Concept, Scheme, SenseRule
from pipeline.errors import SchemeError

RC = Namespace("https://w3id.org/rescorpus/ns#")
DEFAULT_GROUP = "default"


def generate_skos(scheme: Scheme) -> Graph:
    """The scheme as an RDF graph of SKOS concepts, collections and one concept scheme."""
    g = Graph()
    g.bind("skos", SKOS)
    g.bind("dct", DCTERMS)
    g.bind("rc", RC)
    base = scheme.uri if scheme.uri.endswith(("/", "#")) else scheme.uri + "/"
    root = URIRef(base)
    g.add((root, RDF.type, SKOS.ConceptScheme))
    g.add((root, RC.id, Literal(scheme.id)))
    for lang, text in scheme.title.items():
        g.add((root, DCTERMS.title, Literal(text, lang=lang)))
    if scheme.senses:
        rules = [{k: v for k, v in asdict(r).items() if v not in ((), "")} for r in scheme.senses]
        g.add((root, RC.senseRules, Literal(json.dumps(rules, ensure_ascii=False, sort_keys=True))))
    for pos, (name, labels) in enumerate(scheme.groups.items()):
        coll = URIRef(f"{base}group/{name}")
        g.add((coll, RDF.type, SKOS.Collection))
        g.add((coll, SKOS.notation, Literal(name)))
        g.add((coll, RC.position, Literal(pos)))
        for lang, text in labels.items():
            g.add((coll, SKOS.prefLabel, Literal(text, lang=lang)))
    for pos, c in enumerate(scheme.concepts):
        node = URIRef(base + c.id)
        g.add((node, RDF.type, SKOS.Concept))
        g.add((node, SKOS.inScheme, root))
        g.add((node, SKOS.topConceptOf, root))
        g.add((root, SKOS.hasTopConcept, node))
        g.add((node, SKOS.notation, Literal(c.id)))
        g.add((node, RC.position, Literal(pos)))
        g.add((URIRef(f"{base}group/{c.group}"), SKOS.member, node))
        for lang, text in c.pref.items():
            g.add((node, SKOS.prefLabel, Literal(text, lang=lang)))
        for lang, labels in c.alt.items():
            for text in labels:
                g.add((node, SKOS.altLabel, Literal(text, lang=lang)))
        for lang, text in c.definition.items():
            g.add((node, SKOS.definition, Literal(text, lang=lang)))
    return g


def write_skos(scheme: Scheme, dest: str | Path | IO[str]) -> None:
    """Write the scheme as Turtle to a path (atomically) or an open text file."""
    text = generate_skos(scheme).serialize(format="turtle")
    if isinstance(dest, (str, Path)):
        from pipeline.files import atomic_write_text

        atomic_write_text(Path(dest), text)
    else:
        dest.write(text)


def read_skos(source: str | Path) -> Scheme:
    """Read a SKOS file (Turtle, RDF/XML, ...) into a scheme; the first ConceptScheme is used."""
    path = Path(source)
    if not path.exists():
        raise SchemeError(f"{path}: no such SKOS file; check the path")
    fmt = _format(path)
    data = path.read_bytes()
    if fmt == "xml" and _declares_entities(data):
        raise SchemeError(
            f"{path}: the SKOS file declares XML entities (DOCTYPE): refused (entities can expand without end or "
            "read other files); remove the <!DOCTYPE ...> block or export it again as Turtle"
        )
    g = Graph()
    try:
        g.parse(data=data, format=fmt, publicID=path.resolve().as_uri())
    except Exception as exc:  # rdflib raises many parser-specific types
        raise SchemeError(f"{path}: not a readable RDF file ({type(exc).__name__}: {exc}); export it again as Turtle") from None
    roots = sorted(g.subjects(RDF.type, SKOS.ConceptScheme), key=str)
    if not roots:
        raise SchemeError(f"{path}: no skos:ConceptScheme in the file; is it a SKOS thesaurus?")
    root = roots[0]
    scheme_id = str(g.value(root, RC.id) or _local(root) or "imported")
    title = _by_lang(g, root, DCTERMS.title)

    groups: dict[str, dict[str, str]] = {}
    member_of: dict[URIRef, str] = {}
    for coll in sorted(g.subjects(RDF.type, SKOS.Collection), key=lambda n: (_position(g, n), str(n))):
        name = _ident(str(g.value(coll, SKOS.notation) or _local(coll)))
        groups[name] = _by_lang(g, coll, SKOS.prefLabel) or {"en": name}
        for member in g.objects(coll, SKOS.member):
            member_of.setdefault(member, name)

    nodes = set(g.subjects(SKOS.inScheme, root)) | set(g.objects(root, SKOS.hasTopConcept))
    if not nodes:
        nodes = set(g.subjects(RDF.type, SKOS.Concept))
    concepts: list[Concept] = []
    for node in sorted(nodes, key=lambda n: (_position(g, n), str(n))):
        cid = _ident(str(g.value(node, SKOS.notation) or _local(node)))
        group = member_of.get(node, DEFAULT_GROUP)
        if group not in groups:
            groups[group] = {"en": group}
        pref = _by_lang(g, node, SKOS.prefLabel)
        if not pref:
            raise SchemeError(f"{path}: concept <{node}> has no skos:prefLabel with a language tag; add one")
        alt: dict[str, set[str]] = {}
        for pred in (SKOS.altLabel, SKOS.hiddenLabel):
            for lit in g.objects(node, pred):
                if isinstance(lit, Literal) and lit.language and LANG_RE.match(lit.language.lower()):
                    alt.setdefault(lit.language.lower(), set()).add(str(lit).strip())
        alts = {
            lang: tuple(sorted(labels - {pref.get(lang)}, key=lambda s: (s.casefold(), s)))
            for lang, labels in sorted(alt.items())
        }
        concepts.append(Concept(cid, group, pref, {k: v for k, v in alts.items() if v}, _by_lang(g, node, SKOS.definition)))
    if not concepts:
        raise SchemeError(f"{path}: the concept scheme holds no skos:Concept")
    uri = str(root)
    return Scheme(scheme_id, uri, title, groups, tuple(concepts), _senses(g.value(root, RC.senseRules), path))


def _senses(value, path: Path) -> tuple[SenseRule, ...]:
    if value is None:
        return ()
    try:
        raw = json.loads(str(value))
        return tuple(
            SenseRule(**{k: tuple(v) if k in SENSE_LISTS else v for k, v in r.items()}) for r in raw
        )
    except (ValueError, TypeError) as exc:
        raise SchemeError(f"{path}: rc:senseRules is damaged ({exc}); remove it or export the scheme again") from None


def _by_lang(g: Graph, node, pred) -> dict[str, str]:
    out: dict[str, str] = {}
    for lit in sorted(g.objects(node, pred), key=str):
        if isinstance(lit, Literal) and lit.language and LANG_RE.match(lit.language.lower()):
            out.setdefault(lit.language.lower(), str(lit).strip())
    return dict(sorted(out.items()))


def _position(g: Graph, node) -> int:
    value = g.value(node, RC.position)
    return int(value) if value is not None else 1 << 30


def _local(node) -> str:
    return re.split(r"[/#]", str(node).rstrip("/#"))[-1]


def _ident(text: str) -> str:
    """A usable concept id from a notation or URI: lower case, non-word characters as _."""
    ident = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")
    if not ident or not ID_RE.match(ident):
        ident = "c_" + ident
    return ident


DECLARATION = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


def _declares_entities(data: bytes) -> bool:
    """Whether an XML file holds a DOCTYPE or ENTITY declaration (billion laughs, external entities), in any encoding."""
    # The markup is ASCII whatever the encoding; dropping NULs reads UTF-16/32 markup as ASCII too.
    return DECLARATION.search(data.replace(b"\x00", b"").decode("latin-1")) is not None


def _format(path: Path) -> str:
    return {".ttl": "turtle", ".rdf": "xml", ".xml": "xml", ".owl": "xml", ".nt": "nt", ".jsonld": "json-ld", ".n3": "n3"}.get(
        path.suffix.lower(), "turtle"
    )
