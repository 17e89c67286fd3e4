"""The language of every paragraph (lingua, restricted to the languages papers here use).

lingua is deterministic and accurate on short texts; restricting it to a few
languages makes it fast and keeps a Spanish abstract from being read as French.
A paragraph too short to judge takes the language of its neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from lingua import IsoCode639_1, Language, LanguageDetectorBuilder

LANGUAGES = ("fr", "en", "es", "de", "it", "pt")
MIN_LETTERS = 25  # below this a paragraph borrows its neighbours' language
LETTERS = re.compile(r"[^\W\d_]")


@lru_cache(maxsize=1)
def _detector():
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when it has too few letters to tell."""
    if len(LETTERS.findall(text)) < MIN_LETTERS:
        return None
    found = _detector().detect_language_of(text)
    return found.iso_code_639_1.name.lower() if found else None


def detect_all(texts: Sequence[str], default: str = "und") -> list[str]:
    """Languages of consecutive paragraphs; short ones (headings, labels) take the next paragraph's.

    A heading is read in the language of what it introduces; at the end of the
    text, a short paragraph takes the previous one's.
    """
    found = [detect(t) for t in texts]
    known = [lang for lang in found if lang]
    fallback = max(set(known), key=known.count) if known else default
    out: list[str] = []
    for i, lang in enumerate(found):
        if lang is None:
            lang = next((f for f in found[i + 1 :] if f), out[-1] if out else fallback)
        out.append(lang)
    return out
