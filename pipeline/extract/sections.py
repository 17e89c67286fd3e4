"""Headings: recognising them in plain lines, and naming the role of each section."""

from __future__ import annotations

import re
import unicodedata

# Numbered headings: "1.", "1.1", "2.3.1", "2-", "I.", "IV -" followed by a capitalised title.
NUMBERED = re.compile(
    r"^(?P<num>(?:\d{1,2}(?:[.\-]\d{1,2}){0,3}|[IVX]{1,5})[.\-)]?)\s+(?P<title>[A-ZÀ-ÖØ-Þ«\"'‘’].{1,150})$"
)
# Section names, in the languages of the corpus, mapped to their role.
ROLES = {
    "abstract": r"r[ée]sum[ée]|abstract|resumen|summary|resumo|zusammenfassung",
    "keywords": r"mots[- ]cl[ée]s|keywords|key words|palabras clave|palavras-chave",
    "introduction": r"introduction|introducci[óo]n",
    "conclusion": r"conclusions?|discussion(s)? (et|and) conclusions?|conclusion g[ée]n[ée]rale|en guise de conclusion",
    "references": r"r[ée]f[ée]rences( bibliographiques| cit[ée]es)?|liste des r[ée]f[ée]rences|bibliograph(ie|y)( s[ée]lective| sommaire)?"
                  r"|works cited|literature cited|sources( et bibliographie)?|ouvrages cit[ée]s|bibliograf[íi]a"
                  r"|referencias( bibliogr[áa]ficas)?|obras citadas|refer[êe]ncias( bibliogr[áa]ficas)?|literatur(verzeichnis)?"
                  r"|riferimenti bibliografici",
    "notes": r"notes?( de fin)?|endnotes|footnotes",
    "acknowledgements": r"remerciements|acknowledge?ments?",
    # "Annexe", "Appendix B", "Annexe 2 : Questionnaire", "Appendix A - Baseline Details"
    "appendix": r"(?:annexes?|appendix|appendices)(?:\s+(?:[A-Z]|\d{1,2}|[IVX]{1,4})\b)?"
                r"(?:\s*[-–—:.]\s*[^.]{1,100}|\s+(?-i:[A-ZÀ-Þ])[^.]{0,100})?",
    "methods": r"m[ée]thod(e|ologie|s|ology)|materials and methods|m[ée]thodes",
    "results": r"r[ée]sultats( et discussion)?|results( and discussion)?",
}
ROLE_RES = {role: re.compile(rf"^(?:{pat})\s*[:.]?$", re.IGNORECASE) for role, pat in ROLES.items()}
KEYWORDS_LINE = re.compile(r"^(mots[- ]cl[ée]s|keywords|key words|palabras clave|palavras-chave)\s*:", re.IGNORECASE)
NUMBER_PREFIX = re.compile(  # "2.1", "IV -", "a)", and the letter of an appendix section ("A Appendix A - ...")
    r"^(?:(?:\d{1,2}(?:[.\-]\d{1,2}){0,3}|[IVX]{1,5})[.\-)]?|[a-zA-Z][.)]|[A-Z](?=\s+(?i:annex|appendi)))\s+"
)


def role_of(title: str) -> str:
    """The role of a section from its heading ("Références" -> "references"), else "body"."""
    bare = NUMBER_PREFIX.sub("", title.strip()).strip(" :.")
    for role, pattern in ROLE_RES.items():
        if pattern.match(bare):
            if role == "appendix" and len(bare.split()) > 2 and title.rstrip().endswith("."):
                return "body"  # "Appendix A lists the items." is a sentence, not a heading
            return role
    return "body"


def heading_level(line: str) -> int:
    """Depth of a heading line ("2" -> 1, "1.1" -> 2, a named section -> 1), 0 if not a heading.

    Only for lines standing alone: the caller decides they are separate lines.
    """
    line = line.strip()
    if not line or len(line) > 160:
        return 0
    if role_of(line) != "body":
        return 1
    m = NUMBERED.match(line)
    if not m or line.endswith((",", ";")) or _looks_like_sentence(m.group("title")):
        return 0
    return len(re.findall(r"\d+|[IVX]+", m.group("num")))


def unnumbered_heading(line: str) -> bool:
    """A short line that may be a heading with no number ("Cadre théorique", "Results and discussion"):
    a capital first, at most ten words, no end punctuation of a sentence or clause, no year, bracket,
    dash between words or address. Only for lines standing alone between paragraphs: the caller knows."""
    words = line.split()
    if not words or len(words) > 10 or len(line) > 90 or not line[:1].isupper():
        return False
    if line.rstrip()[-1] in ".,;:" or KEYWORDS_LINE.match(line):
        return False
    return not re.search(r"\b(?:1[5-9]|20)\d\d\b|[()\[\]=|•]|\s[-–—]\s|https?:|www\.|@", line)


def _looks_like_sentence(title: str) -> bool:
    """A numbered list item is a sentence; a heading is short and does not end with a full stop."""
    words = title.split()
    return len(words) > 14 or (title.rstrip().endswith(".") and len(words) > 6)


def fold(text: str) -> str:
    """Lowercase without accents, for comparing headings and names."""
    decomposed = unicodedata.normalize("NFD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))
