"""Normalisation of the scheme's "Offsets": NFC, ligatures, line-break hyphens, whitespace.

These functions are pure: they take raw strings or blocks and return new ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

from wordfreq import zipf_frequency

from pipeline.extract.model import Block

LIGATURES = {
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    "\u0132": "IJ",
    "\u0133": "ij",
}
# Characters that carry no text: soft hyphen, zero-width marks, byte-order mark.
INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
CHAR_MAP = str.maketrans(LIGATURES | INVISIBLE)
CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # Unicode category Cc, except the line feed
# All kinds of space, including the non-breaking ones French typography puts before ":;?!".
SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
HYPHENS = "-\u2010\u2011"  # hyphen-minus, hyphen, non-breaking hyphen
WORD_END = re.compile(r"(\w+)[" + HYPHENS + r"]$")
WORD_START = re.compile(r"^(\w+)")
# Zipf frequencies (log10 per billion words, max of French and English) for `dehyphenate`.
COMMON_WORD = 3.0  # a joined form this common is a word broken by the printer ("surmonter" 3.8, "without" 5.7)
KNOWN_WORD = 1.0  # under it, a capitalised joined form is a name, not a word of the lexicon
KNOWN_PART = 2.5  # a part after the hyphen this common is a word of its own ("économique", "garde", "deductive")
VOCABULARY_WORD = re.compile(r"[^\W\d_]+(?:[" + HYPHENS + r"][^\W\d_]+)*")
SENTENCE_END = re.compile(r"[.!?:;»”\")\]]\s*$")


def normalise_chars(text: str) -> str:
    """NFC, ligatures expanded, invisible characters dropped, spaces unified."""
    text = unicodedata.normalize("NFC", text).translate(CHAR_MAP)
    return SPACES.sub(" ", CONTROLS.sub("", text))


# The line ends inside a URL (at a break typesetting allows, or anywhere); the next line may carry on with its rest.
URL_BROKEN = re.compile(r"(?:https?://|www\.)\S*$")
_URL_CHARS = r"[\w%~+#/.?=&:@!$*,;-]"
URL_REST = re.compile(rf"^(?=\S*(?:[/?=&%_+]|\.\w|\d)){_URL_CHARS}+?(?=[>)\]]?[.,;]?(?:\s|$))")
URL_PIECE = re.compile(rf"^{_URL_CHARS}+?(?=[>)\]]?[.,;]?(?:\s|$))")


def url_goes_on(url: str, line: str) -> bool:
    """Whether `line` opens with the rest of `url`, broken at the line's end. At a break typesetting
    allows: a path-like piece ("/x", "?a=1", "2016.pdf"); after a "_", "=", "&", "?", ":" or "-", which no URL
    ends on (nor on "+"), any piece of URL characters ("..._different_" / "estimates"); after a "." or "/", a piece in
    lower case that ends the paragraph ("2008." / "pdf"). Cut anywhere else (mid-word: "...%20onse" /
    "t%20of%20..."), only a piece with a URL's own marks in it (%, =, &, /, _, + for a space)."""
    piece = URL_PIECE.match(line)
    if not piece:
        return False
    if url[-1].isalnum():
        return bool(re.search(r"[%=&/_+]", piece.group(0)))
    if URL_REST.match(line) and not (url.endswith(".") and line[:1].isupper()):
        return True
    if url[-1] in "_=&?:-+":
        return True
    # after a "." or "/" (where a URL may end), only a last piece: "2008." / "pdf", not "www.coop.ca/" / "and more"
    return (line[:1].islower() or line[:1].isdigit()) and len(line.split()) == 1


def join_lines(raw: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """One paragraph's lines as one line: line-break hyphens joined, real hyphens kept (see `dehyphenate`;
    `vocabulary`: the paper's own words, from `paper_vocabulary`)."""
    lines = [line.strip() for line in normalise_chars(raw).split("\n")]
    out = ""
    for line in lines:
        if not line:
            continue
        if not out:
            out = line
        elif (m := URL_BROKEN.search(out)) and url_goes_on(m.group(0), line):
            out += line  # a URL broken after "/", ".", "-", "_", "?", "=" or "&" goes on without a space
        elif (m := WORD_END.search(out)) and (n := WORD_START.match(line)):
            joined = dehyphenate(m.group(1), n.group(1), vocabulary)
            out = out[: m.start()] + joined + line[n.end() :]
        else:
            out = f"{out} {line}"
    return SPACES.sub(" ", out).strip()


def paper_vocabulary(raw_texts: Iterable[str]) -> frozenset[str]:
    """The words a paper prints inside its lines (lower case; hyphenated compounds whole), for telling a
    printer's line-break hyphen from a word's own: a line's last word, broken there, is left out."""
    words: set[str] = set()
    for raw in raw_texts:
        for line in normalise_chars(raw).split("\n"):
            line = line.strip()
            if WORD_END.search(line):
                line = line[: WORD_END.search(line).start()]
            words.update(w.lower() for w in VOCABULARY_WORD.findall(line))
    return frozenset(words)


def dehyphenate(left: str, right: str, vocabulary: frozenset[str] = frozenset()) -> str:
    """Join "organisa" + "tion" into one word, keep "socio-économique" and "Borda-Rodriguez".

    A hyphen at a line end is either the printer's (a word split in two) or the word's own. In order:
    - digits keep it ("2014-2016");
    - the paper's own words decide first: the joined word printed elsewhere in the paper joins
      ("with-out", "inter-cultural" where the paper writes "intercultural"), the hyphenated form printed
      elsewhere keeps the hyphen;
    - a capital after the hyphen is a compound name ("Jean-Pierre", "Borda-Rodriguez"); a capitalised
      name otherwise joins ("Va-léau", "Char-reaux": names are not in the lexicon);
    - word frequencies in French and English: a common joined word joins ("sur-monter", "organisa-tion");
      a rarer or unknown one joins unless the part after the hyphen is a word of its own, as in
      compounds ("socio-économique", "avant-garde", "hypothetico-deductive", "self-organization");
      a rare word broken at a line end ("démutua-lisation") does not leave one.
    """
    if left[-1:].isdigit() or right[:1].isdigit():
        return f"{left}-{right}"
    joined, hyphenated = (left + right).lower(), f"{left}-{right}".lower()
    if joined in vocabulary and hyphenated not in vocabulary:
        return left + right
    if hyphenated in vocabulary:
        return f"{left}-{right}"
    if right[:1].isupper():
        return f"{left}-{right}"
    common = _zipf(joined)
    if left[:1].isupper() and common < KNOWN_WORD:
        return left + right  # a name
    if common >= COMMON_WORD or _zipf(right) < KNOWN_PART:
        return left + right
    return f"{left}-{right}"


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    word = word.lower()
    return max(zipf_frequency(word, "fr"), zipf_frequency(word, "en"))


def ends_sentence(text: str) -> bool:
    """Whether a paragraph's last line closes a sentence (so a page break after it ends it)."""
    return bool(SENTENCE_END.search(text))


def merge_continuations(blocks: list[Block]) -> list[Block]:
    """Join body paragraphs that a page or column break cut in two.

    A body block whose text does not end a sentence, followed (after any notes,
    captions or tables, which stay where they are) by a body block starting in
    lower case, is one paragraph.
    """
    out: list[Block] = []
    pending: list[Block] = []  # non-body blocks seen since the last body block
    for block in blocks:
        if block.kind != "body":
            pending.append(block)
            continue
        last = _last_body(out)
        if (
            last is not None
            and not pending_has_heading(pending)
            and not ends_sentence(out[last].text)
            and _starts_lower(block.text)
        ):
            out[last] = replace(out[last], text=out[last].text.rstrip() + "\n" + block.text.lstrip())
            out.extend(pending)
        else:
            out.extend(pending)
            out.append(block)
        pending = []
    out.extend(pending)
    return out


def pending_has_heading(blocks: list[Block]) -> bool:
    return any(b.kind == "heading" for b in blocks)


def _last_body(blocks: list[Block]) -> int | None:
    for i in range(len(blocks) - 1, -1, -1):
        if blocks[i].kind == "body":
            return i
        if blocks[i].kind == "heading":
            return None
    return None


def _starts_lower(text: str) -> bool:
    stripped = text.lstrip(" \"'«“(")
    return bool(stripped) and stripped[0].islower()
