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
MAIN = ("fr", "en")  # the corpus's languages; others need stronger evidence
MIN_LETTERS = 25  # below this a paragraph borrows its neighbours' language
MIN_CONFIDENCE = 0.5
OTHER_MIN_CONFIDENCE = 0.8  # a list of names or a URL reads as "German" with 0.5
OTHER_MIN_LETTERS = 80
LETTERS = re.compile(r"[^\W\d_]")
# Section names say their language even when too short to detect.
HEADINGS = {
    # "References" is both English and French without its accents: it takes its neighbours' language
    "fr": r"r[ée]sum[ée]|mots[- ]cl[ée]s|r[ée]f[ée]rences bibliographiques|r(?:éf[ée]|efé)rences|bibliographie"
    r"|remerciements|annexes?",
    "en": r"abstract|key ?words|bibliography|acknowledge?ments?|appendix|works cited",
    "es": r"resumen|palabras clave|referencias|bibliograf[íi]a|agradecimientos",
}
HEADING_RES = {lang: re.compile(rf"^(?:{p})\s*[:.]?$", re.IGNORECASE) for lang, p in HEADINGS.items()}
# A keywords line is a list of terms, too thin to detect: its label says the language.
KEYWORDS = {"fr": r"mots[- ]cl[ée]s", "en": r"key ?words", "es": r"palabras[- ]clave", "pt": r"palavras[- ]chave"}
KEYWORDS_RES = {lang: re.compile(rf"^(?:{p})\s*:", re.IGNORECASE) for lang, p in KEYWORDS.items()}


@lru_cache(maxsize=1)
def _detector():
    languages = [Language.from_iso_code_639_1(getattr(IsoCode639_1, c.upper())) for c in LANGUAGES]
    return LanguageDetectorBuilder.from_languages(*languages).build()


def detect(text: str) -> str | None:
    """ISO 639-1 code of `text`, or None when the evidence is too thin to tell."""
    for lang, pattern in (*HEADING_RES.items(), *KEYWORDS_RES.items()):
        if pattern.match(text.strip()):
            return lang
    letters = len(LETTERS.findall(text))
    if letters < MIN_LETTERS:
        return None
    ranked = _detector().compute_language_confidence_values(text)
    if not ranked or ranked[0].value < MIN_CONFIDENCE:
        return None
    lang = ranked[0].language.iso_code_639_1.name.lower()
    if lang not in MAIN and (ranked[0].value < OTHER_MIN_CONFIDENCE or letters < OTHER_MIN_LETTERS):
        return None
    if lang not in MAIN and (prose := _prose_language(text)) != lang:
        # a list of names ("Wolfgang Macherey, Klaus ...") reads as German, its other words do not
        return prose if prose in MAIN else None
    return lang


def _prose_language(text: str) -> str | None:
    """The language of the text's lower-case words alone: names and initials left out."""
    words = " ".join(w for w in text.split() if w[:1].islower())
    if len(LETTERS.findall(words)) < MIN_LETTERS:
        return None
    ranked = _detector().compute_language_confidence_values(words)
    return ranked[0].language.iso_code_639_1.name.lower() if ranked else None


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
