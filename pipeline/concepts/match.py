"""Label matching over tokens: folded keys, a trie of labels, phrases for sense rules.

A token offers several keys (its lemma and its written form, folded: lower case,
no accents, singular, no final e), so "Coopératives", "coopérative" and a lemma
"coopératif" each meet the labels written with them. Between the words of a label,
articles and possessives may be skipped; "…" in a label skips up to three words.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

GAP = "…"
GAP_WIDTH = 3
MAX_SKIPS = 2
APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'", "ʼ": "'", "‐": "-", "‑": "-", "–": "-"})
ELISIONS = {"d'": "de", "l'": "le", "s'": "se", "qu'": "que", "n'": "ne", "j'": "je", "m'": "me", "t'": "te", "c'": "ce"}
CONTRACTIONS = {"du": "de", "des": "de", "au": "a", "aux": "a"}  # "à" folds to "a"
SKIPPABLE = {
    "fr": frozenset("le la les l' un une son sa ses leur leurs ce cet cette ces notre nos votre vos".split()),
    "en": frozenset("the a an its their our his her this these those".split()),
}
CONJUNCTIONS = frozenset({"et", "and", "ou", "or"})


@lru_cache(maxsize=65536)
def fold(text: str) -> str:
    """Lower case, no accents, one apostrophe and one hyphen: the matching form of a string."""
    text = unicodedata.normalize("NFKD", text.translate(APOSTROPHES))
    return "".join(ch for ch in text if not unicodedata.combining(ch)).lower()


def stem(word: str) -> str:
    """A folded word's matching key: elisions and contractions resolved, singular, no final e."""
    word = ELISIONS.get(word, word)
    word = CONTRACTIONS.get(word, word)
    if len(word) > 2 and "-" in word.strip("-"):
        word = word.replace("-", "")
    if len(word) > 3:
        if word.endswith(("aux", "eux", "eaux")) and not word.endswith("ieux"):
            word = word[:-1] if word.endswith(("eaux", "eux")) else word[:-3] + "al"
        elif word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        if word.endswith("e") and len(word) > 3 and not word.endswith("ee"):
            word = word[:-1]
        elif word.endswith("ee"):
            word = word[:-1]
    return word


def is_acronym(word: str) -> bool:
    """A label word in capitals (ESS, TIC, COVID-19) is matched only as written."""
    letters = [ch for ch in word if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


@dataclass(frozen=True)
class TokenKeys:
    """What a token offers to matching."""

    keys: frozenset[str]
    raw: frozenset[str]  # folded text and lemma, unstemmed (for rule wildcards)
    skippable: bool
    comma: bool


def token_keys(token: Token, lang: str) -> TokenKeys:
    return _keys(token.text, token.lemma_ or token.text, lang)


@lru_cache(maxsize=65536)
def _keys(written: str, lemma_: str, lang: str) -> TokenKeys:
    """Keys of a (written form, lemma) pair; cached, as a paper repeats its words."""
    text, lemma = fold(written), fold(lemma_)
    keys = {stem(text), stem(lemma)}
    if is_acronym(written):
        keys.add("=" + written)
    raw = frozenset({text, lemma, ELISIONS.get(text, text), ELISIONS.get(lemma, lemma)})
    return TokenKeys(frozenset(keys), raw, text in SKIPPABLE.get(lang, ()), written == ",")


def label_keys(words: Sequence[str]) -> tuple[str, ...]:
    """The keys of a label's words (articles dropped; acronyms kept as written)."""
    keys = []
    for w in words:
        if w == GAP:
            keys.append(GAP)
        elif is_acronym(w):
            keys.append("=" + w)
        elif w.strip():
            keys.append(stem(fold(w)))
    return tuple(keys)


@dataclass
class _Node:
    children: dict[str, "_Node"] = field(default_factory=dict)
    ends: list[tuple[str, str]] = field(default_factory=list)  # (concept id, label)


@dataclass(frozen=True)
class Hit:
    """A label found at tokens [start, end) of a token list."""

    start: int
    end: int
    concept: str
    label: str


class Trie:
    """Labels of one language, keyed word by word."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.root = _Node()

    def add(self, keys: Sequence[str], concept: str, label: str, skippable: Iterable[str] = ()) -> None:
        node = self.root
        drop = set(skippable)
        kept = [k for k in keys if k not in drop] or list(keys)
        for k in kept:
            node = node.children.setdefault(k, _Node())
        if (concept, label) not in node.ends:
            node.ends.append((concept, label))

    def find(self, toks: Sequence[TokenKeys], stops: Sequence[bool], dead: Sequence[bool]) -> list[Hit]:
        """Every label occurrence: no label starts on a `dead` token or runs on into a `stops` one."""
        hits: list[Hit] = []
        for i, tk in enumerate(toks):
            if dead[i] or tk.skippable or tk.comma:
                continue
            for key in tk.keys:
                node = self.root.children.get(key)
                if node is not None:
                    self._walk(toks, stops, i, i + 1, node, hits)
        return hits

    def _walk(self, toks, stops, start: int, j: int, node: _Node, hits: list[Hit], skips: int = 0,
              skipped: bool = False) -> None:
        if not skipped:  # a label never ends on a skipped article or comma
            for concept, label in node.ends:
                hits.append(Hit(start, j, concept, label))
        if not node.children or j >= len(toks) or stops[j]:
            return
        tk = toks[j]
        for key in tk.keys:
            child = node.children.get(key)
            if child is not None:
                self._walk(toks, stops, start, j + 1, child, hits)
        gap = node.children.get(GAP)
        if gap is not None:
            for width in range(1, GAP_WIDTH + 1):
                k = j + width
                if k > len(toks) or any(stops[j:k]) or any(t.comma for t in toks[j:k]):
                    break
                self._walk(toks, stops, start, k, gap, hits)
        if skips < MAX_SKIPS and (tk.skippable or (tk.comma and CONJUNCTIONS & node.children.keys())):
            self._walk(toks, stops, start, j + 1, node, hits, skips + 1, skipped=True)


@dataclass(frozen=True)
class Phrase:
    """A sense-rule phrase: folded words, each a key or a prefix ending in '*'."""

    words: tuple[str, ...]

    @classmethod
    def parse(cls, text: str, tokenize, lang: str) -> "Phrase":
        chunks = text.split()
        words: list[str] = []
        for chunk in chunks:
            if chunk.endswith("*"):
                words.append(fold(chunk))
                continue
            for w in tokenize(chunk):
                folded = fold(w.text)
                if folded in SKIPPABLE.get(lang, ()) and len(chunks) > 1:
                    continue
                words.append("=" + w.text if is_acronym(w.text) else stem(folded))
        return cls(tuple(words))

    def matches_at(self, toks: Sequence[TokenKeys], j: int, step: int = 1) -> bool:
        """Whether the phrase reads from token j onwards (step 1) or backwards from j (step -1)."""
        words = self.words if step == 1 else tuple(reversed(self.words))
        i, skips = 0, 0
        while i < len(words):
            if not 0 <= j < len(toks):
                return False
            tk = toks[j]
            if _word_matches(words[i], tk):
                i += 1
            elif tk.skippable and skips < MAX_SKIPS:
                skips += 1
            else:
                return False
            j += step
        return True


def _word_matches(word: str, tk: TokenKeys) -> bool:
    if word.endswith("*") and len(word) > 1:
        prefix = word[:-1]
        return any(r.startswith(prefix) for r in tk.raw)
    return word in tk.keys
