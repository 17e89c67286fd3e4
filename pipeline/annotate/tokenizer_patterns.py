"""spaCy's French `token_match`, the same regular language compiled in a tenth of a second instead of five.

spaCy keeps French hyphenated words ("aide-mémoire", "anti-crise") whole with one
1.45 MB regular expression: 266 alternatives `^HEAD[big class][big class]*$`
that repeat the same few character classes of several thousand characters, 805
times, under IGNORECASE. Python compiles every copy anew (`re` folds case for
each character of each range): five seconds each time a process loads French,
which is every `rescorpus run`.

`factor_alternatives` writes the alternatives that end alike as one group,
`(?:HEAD1|HEAD2|...)TAIL`: concatenation distributes over alternation, so the
language matched is the same, and spaCy only asks whether the whole token
matches. `factored_token_match` applies it while spaCy loads a pipeline.
tests/test_tokenizer_patterns.py checks the two patterns agree on every
token of the fixtures plus strings generated from each alternative, and that
French tokenisation is unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

BIG_PATTERN = 100_000  # characters: only spaCy's big exception patterns are rewritten
BIG_CLASS = 100  # characters of a character class worth sharing between alternatives
FLAGS = re.compile(r"^\(\?[aiLmsux]+\)")


def _pieces(pattern: str) -> list[tuple[int, str]]:
    """The pattern as (depth, piece): a character class, an escape, or one character; depth of groups."""
    out: list[tuple[int, str]] = []
    depth, i = 0, 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            out.append((depth, pattern[i : i + 2]))
            i += 2
        elif ch == "[":
            j = i + 1
            j += pattern[j] == "^"
            j += pattern[j] == "]"
            while pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            out.append((depth, pattern[i : j + 1]))
            i = j + 1
        else:
            if ch == ")":
                depth -= 1
            out.append((depth, ch))
            if ch == "(":
                depth += 1
            i += 1
    return out


def _alternatives(pieces: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """The top-level alternatives of a piece list."""
    alts: list[list[tuple[int, str]]] = [[]]
    for depth, piece in pieces:
        if depth == 0 and piece == "|":
            alts.append([])
        else:
            alts[-1].append((depth, piece))
    return alts


def _split(alt: str) -> tuple[str, str] | None:
    """(head, tail) of one alternative `(?:...)` at its first big class outside any group, else None."""
    if not (alt.startswith("(?:") and alt.endswith(")")):
        return None
    pieces = _pieces(alt[3:-1])
    if len(_alternatives(pieces)) != 1 or any(depth < 0 for depth, _ in pieces):
        return None
    for k, (depth, piece) in enumerate(pieces):
        if depth == 0 and piece.startswith("[") and len(piece) > BIG_CLASS:
            if k == 0:
                return None
            return "".join(p for _, p in pieces[:k]), "".join(p for _, p in pieces[k:])
    return None


def factor_alternatives(pattern: str) -> str:
    """The same language with alternatives that share their tail grouped: `(?:(?:H1|H2)T)`.

    Patterns it cannot read as a flat alternation come back unchanged.
    """
    flags = FLAGS.match(pattern)
    prefix = flags.group(0) if flags else ""
    try:
        alts = ["".join(p for _, p in alt) for alt in _alternatives(_pieces(pattern[len(prefix) :]))]
    except IndexError:  # an unclosed class: not a pattern we know
        return pattern
    kept: list[str] = []
    tails: dict[str, list[str]] = {}
    for alt in alts:
        parts = _split(alt)
        if parts is None:
            kept.append(alt)
        else:
            tails.setdefault(parts[1], []).append(parts[0])
    if not tails:
        return pattern
    grouped = [f"(?:(?:{'|'.join(heads)}){tail})" for tail, heads in tails.items()]
    return prefix + "|".join(kept + grouped)


@contextmanager
def factored_token_match() -> Iterator[None]:
    """While spaCy loads (importing a language compiles its exception pattern; the tokenizer compiles
    its own copy), big patterns are compiled factored. `re.compile` is restored on leaving."""
    real = re.compile

    def compile(pattern, flags=0):
        if isinstance(pattern, str) and len(pattern) > BIG_PATTERN:
            pattern = factor_alternatives(pattern)
        return real(pattern, flags)

    re.compile = compile
    try:
        yield
    finally:
        re.compile = real
