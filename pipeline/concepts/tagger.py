"""The concept tagger: a registered spaCy component writing `doc.spans["concepts"]`.

It matches the scheme's labels on lemmas and written forms (see match.py) in French
and English paragraphs only, never inside citations, reference entries or the
reference list, then reads for sense: the scheme's [[sense]] rules, and proper
names ("Office du Développement de la Coopération") are not concepts. Where
labels overlap, the longest wins (spacy.util.filter_spans).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from pipeline.concepts.match import (
    SKIPPABLE, Hit, Phrase, TokenKeys, Trie, fold, label_keys, stem, token_keys,
)
from pipeline.annotate.tokenizer_patterns import factored_token_match
from pipeline.concepts.scheme import Scheme, SenseRule, load_scheme, write_toml
from pipeline.config import DEFAULT_SCHEME, Config

GROUP = "concepts"
SKIP_SECTIONS = frozenset({"references", "bibliography"})
CITATION_IN_PARENS = re.compile(r"\(([^()]{0,300})\)")
YEARISH = re.compile(r"\b(?:1[5-9]|20)\d\d[a-z]?\b|\bs\.\s?d\.|\bn\.\s?d\.")
NAME_CONNECTORS = frozenset("de du des d' la le l' les of the and for on et en in pour sur a au aux - & '".split())
HEADING_CAPS = 0.6  # share of capitalised words above which a paragraph reads as a title


@dataclass(frozen=True)
class _Rule:
    """A sense rule compiled against one language's tokenizer."""

    rule: SenseRule
    labels: frozenset[tuple[str, ...]]
    words: frozenset[str]
    reject_next: tuple[Phrase, ...]
    reject_prev: tuple[Phrase, ...]
    require_next: tuple[Phrase, ...]
    require_context: tuple[Phrase, ...]
    reject_context: tuple[Phrase, ...]
    reject_forms: tuple[Phrase, ...]

    def applies(self, label: tuple[str, ...], first: TokenKeys, single: bool) -> bool:
        return label in self.labels or (single and bool(self.words & first.keys))


@dataclass(frozen=True)
class _Language:
    trie: Trie
    rules: dict[str, tuple[_Rule, ...]]  # concept id -> rules
    label_keys: dict[str, tuple[str, ...]]


@Language.factory(
    "rescorpus_concepts",
    default_config={"scheme": None},
    assigns=["doc.spans"],
    requires=["token.lemma", "token.pos"],
)
def make_concept_tagger(nlp: Language, name: str, scheme: str | None) -> "ConceptTagger":
    return ConceptTagger(nlp, name, scheme)


def resolve_scheme(path: str | Path | None) -> Path:
    """The scheme file: as given, else the default (in the working folder, else the one shipped with the package)."""
    return Path(path) if path else Config().scheme_path() or DEFAULT_SCHEME  # one rule for the default: config.py's


class ConceptTagger:
    """Tags concept spans by the labels and sense rules of a scheme file."""

    def __init__(self, nlp: Language, name: str = "rescorpus_concepts", scheme: str | Path | None = None) -> None:
        self.name = name
        self.path = resolve_scheme(scheme)
        self.set_scheme(load_scheme(self.path))

    def set_scheme(self, scheme: Scheme) -> None:
        self.scheme = scheme
        self.langs: dict[str, _Language] = {lang: _compile(scheme, lang) for lang in scheme.languages()}

    def __call__(self, doc: Doc) -> Doc:
        blocked = _blocked_tokens(doc)
        spans: list[Span] = []
        for para in _paragraphs(doc, self.langs):
            spans.extend(self._tag(doc, para, blocked))
        doc.spans[GROUP] = sorted(filter_spans(spans), key=lambda s: (s.start, s.end, s.label_))
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 64) -> Iterable[Doc]:
        for doc in docs:
            yield self(doc)

    def _tag(self, doc: Doc, para: Span, blocked: Sequence[bool]) -> list[Span]:
        lang = self.langs[para.label_]
        tokens = list(para)
        keys = [token_keys(t, para.label_) for t in tokens]
        dead = [blocked[t.i] or t.is_space for t in tokens]
        stops = [d or (t.is_sent_start and t.i > para.start) for d, t in zip(dead, tokens)]
        names = _name_runs(tokens, para, doc)
        out: dict[tuple[int, int, str], Span] = {}
        for hit in lang.trie.find(keys, stops, dead):
            if not self._sense_ok(hit, keys, tokens, lang):
                continue
            if any(_in_name(hit, run) for run in names):
                continue
            start, end = tokens[hit.start].i, tokens[hit.end - 1].i + 1
            out.setdefault((start, end, hit.concept), Span(doc, start, end, label=hit.concept))
        return list(out.values())

    def _sense_ok(self, hit: Hit, keys: Sequence[TokenKeys], tokens: Sequence, lang: _Language) -> bool:
        single = hit.end - hit.start == 1
        label = lang.label_keys[hit.label]
        for rule in lang.rules.get(hit.concept, ()):
            if not rule.applies(label, keys[hit.start], single):
                continue
            pos = tokens[hit.start].pos_
            if rule.rule.pos and pos not in ("", "X") and pos not in rule.rule.pos:
                return False
            if rule.reject_forms and _written_as(rule.reject_forms, tokens[hit.start:hit.end]):
                return False
            if any(p.matches_at(keys, hit.end) for p in rule.reject_next):
                return False
            if any(p.matches_at(keys, hit.start - 1, -1) for p in rule.reject_prev):
                return False
            if rule.require_next and not any(p.matches_at(keys, hit.end) for p in rule.require_next):
                return False
            window = range(max(0, hit.start - rule.rule.window), min(len(keys), hit.end + rule.rule.window))
            near = [j for j in window if not hit.start <= j < hit.end]
            if rule.require_context and not any(p.matches_at(keys, j) for p in rule.require_context for j in near):
                return False
            if any(p.matches_at(keys, j) for p in rule.reject_context for j in near):
                return False
        return True

    def to_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        write_toml(self.scheme, path / "scheme.toml")

    def from_disk(self, path: str | Path, exclude: Iterable[str] = ()) -> "ConceptTagger":
        self.path = Path(path) / "scheme.toml"
        self.set_scheme(load_scheme(self.path))
        return self


def _written_as(phrases: Sequence[Phrase], tokens: Sequence) -> bool:
    """Whether the matched tokens, as written (not lemmatised), read as one of the phrases."""
    forms = [TokenKeys(frozenset({fold(t.text), stem(fold(t.text))}), frozenset({fold(t.text)}), False, False) for t in tokens]
    return any(len(p.words) == len(forms) and p.matches_at(forms, 0) for p in phrases)


def _tokenizer(lang: str):
    try:
        with factored_token_match():  # importing spaCy's French compiles its exception pattern
            return spacy.blank(lang).tokenizer
    except (ImportError, KeyError, ValueError):
        return spacy.blank("xx").tokenizer


def _compile(scheme: Scheme, lang: str) -> _Language:
    """The trie of a language's labels and its sense rules, tokenised like the paragraphs."""
    tokenize = _tokenizer(lang)
    drop = {stem(fold(w)) for w in SKIPPABLE.get(lang, ())}
    trie = Trie(lang)
    keys_of: dict[str, tuple[str, ...]] = {}
    for concept, label in scheme.iter_labels(lang):
        words = [t.text for t in tokenize(label.replace("…", " … "))]
        keys = label_keys(words)
        keys = tuple(k for k in keys if k not in drop) or keys
        keys_of[label] = keys
        trie.add(keys, concept, label)
    rules: dict[str, list[_Rule]] = {}
    for rule in scheme.senses:
        if rule.lang != lang:
            continue
        labels = {tuple(k for k in label_keys([t.text for t in tokenize(term)]) if k not in drop) for term in rule.terms}
        phrases = {
            key: tuple(Phrase.parse(text, tokenize, lang) for text in getattr(rule, key))
            for key in ("reject_next", "reject_prev", "require_next", "require_context", "reject_context", "reject_forms")
        }
        words = frozenset(k[0] for k in labels if len(k) == 1)
        rules.setdefault(rule.concept, []).append(_Rule(rule, frozenset(labels), words, **phrases))
    return _Language(trie, {k: tuple(v) for k, v in rules.items()}, keys_of)


def _paragraphs(doc: Doc, langs: dict) -> list[Span]:
    """Paragraphs in a language of the scheme (doc.spans["lang"]; else the whole Doc in doc.lang_)."""
    if "lang" in doc.spans:
        return [s for s in doc.spans["lang"] if s.label_ in langs]
    if doc.lang_ in langs and len(doc):
        return [Span(doc, 0, len(doc), label=doc.lang_)]
    return []


def _blocked_tokens(doc: Doc) -> list[bool]:
    """Tokens no concept may touch: citations, reference entries, the reference list."""
    blocked = [False] * len(doc)
    zones: list[Span] = []
    for key in ("citations", "references"):
        if key in doc.spans:
            zones.extend(doc.spans[key])
    if "sections" in doc.spans:
        zones.extend(s for s in doc.spans["sections"] if s.label_ in SKIP_SECTIONS)
    if "citations" not in doc.spans:  # no citation layer ran: parentheses holding a year
        for m in CITATION_IN_PARENS.finditer(doc.text):
            if YEARISH.search(m.group(1)):
                span = doc.char_span(m.start(1), m.end(1), alignment_mode="expand")
                if span is not None:
                    zones.append(span)
    for span in zones:
        for i in range(span.start, span.end):
            blocked[i] = True
    return blocked


def _name_runs(tokens: Sequence, para: Span, doc: Doc) -> list[tuple[int, int, list[bool]]]:
    """Proper names: runs of two or more capitalised words (outside titles and headings).

    Each run is (start, end, capitalised-or-not per token), in positions of `tokens`.
    """
    if "layout" in doc.spans:
        for span in doc.spans["layout"]:
            if span.start == para.start and span.label_ == "heading":
                return []
    words = [t for t in tokens if t.is_alpha and len(t) > 3]
    if words and sum(t.text[0].isupper() for t in words) / len(words) >= HEADING_CAPS:
        return []
    runs: list[tuple[int, int, list[bool]]] = []
    i = 0
    while i < len(tokens):
        if not _capital(tokens[i]):
            i += 1
            continue
        j, last = i + 1, i
        while j < len(tokens) and j - last <= 3:
            prev = tokens[j - 1]
            if _capital(tokens[j]) or (prev.text == "-" and not tokens[j - 2].whitespace_ and not prev.whitespace_):
                last = j
            elif fold(tokens[j].text) not in NAME_CONNECTORS:
                break
            j += 1
        caps = [_capital(t) for t in tokens[i:last + 1]]
        if sum(caps) >= 2:
            runs.append((i, last + 1, caps))
        i = last + 1
    return runs


def _in_name(hit: Hit, run: tuple[int, int, list[bool]]) -> bool:
    """A hit inside a proper name: it overlaps a run that has a capitalised word besides it."""
    start, end, caps = run
    if not (start < hit.end and hit.start < end):
        return False
    return any(cap for k, cap in enumerate(caps, start) if not hit.start <= k < hit.end)


def _capital(token) -> bool:
    return token.text[:1].isupper() and any(ch.isalpha() for ch in token.text)
