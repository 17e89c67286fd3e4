"""One spaCy `Doc` per paper: the normalised text with tokens, lemmas, sentences and layers.

Paragraphs are batched per language through that language's pipeline (loaded
once per process), then the paper's Doc is built from their tokens so that its
text is exactly the normalised text and every character offset agrees with
`outputs/text/<id>.txt`. Layers live in span groups:
    doc.spans["layout"]    one span per paragraph, label = kind (body, heading, note, ...)
    doc.spans["lang"]      one span per paragraph, label = its language
    doc.spans["sections"]  one span per section, label = role (abstract, references, ...)
Later stages add "concepts", "citations" and "references"; a span's scheme
attributes (authors, year, target, ...) are in `span._.attrs`.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from pipeline.annotate.tokenizer_patterns import factored_token_match
from pipeline.config import DEFAULT_MODELS
from pipeline.errors import RescorpusError
from pipeline.extract.model import Extracted
from pipeline.spans import Span as Record

# doc.spans key -> the layer name of the one span shape written to files.
LAYER_GROUPS: Mapping[str, str] = {"concepts": "concept", "citations": "citation", "references": "reference"}

if not Span.has_extension("attrs"):
    Span.set_extension("attrs", default=None)

# Installed models run lean: no parser or NER; the statistical sentence splitter instead.
LEAN_EXCLUDE = ("parser", "ner")
BATCH_SIZE = 64


@Language.factory("rescorpus_lowercase_lemmas", assigns=["token.lemma"], requires=["token.lemma"])
def make_lowercase_lemmas(nlp: Language, name: str) -> "LowercaseLemmas":
    return LowercaseLemmas(nlp)


class LowercaseLemmas:
    """Lookup lemmas for capitalised words: "Cooperatives" -> "cooperative" (tables are lower case)."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp

    def __call__(self, doc: Doc) -> Doc:
        table = self.nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        for token in doc:
            if token.lemma_ == token.text and token.text != token.lower_:
                token.lemma_ = table.get(token.lower_, token.lower_)
        return doc


@lru_cache(maxsize=8)
def load_pipeline(spec: str) -> Language:
    """Load a pipeline by name once per process: an installed model, or "blank:LANG"
    (French exception patterns compiled factored: pipeline/annotate/tokenizer_patterns.py)."""
    with factored_token_match():
        return _load_pipeline(spec)


def _load_pipeline(spec: str) -> Language:
    if spec.startswith("blank:"):
        nlp = spacy.blank(spec.split(":", 1)[1])
        nlp.add_pipe("sentencizer")
        try:  # lookup lemmas where spacy-lookups-data has a table for the language
            nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
            nlp.add_pipe("rescorpus_lowercase_lemmas")
            nlp.initialize()
        except ValueError:
            nlp.remove_pipe("lemmatizer")
            nlp.remove_pipe("rescorpus_lowercase_lemmas")
            nlp.initialize()
        return nlp
    try:
        nlp = spacy.load(spec, exclude=list(LEAN_EXCLUDE))
    except OSError:
        raise RescorpusError(
            f"spaCy model '{spec}' is not installed; pip install it, or name another in rescorpus.toml [models]"
        ) from None
    if "senter" in nlp.disabled:
        nlp.enable_pipe("senter")
    if not nlp.has_pipe("senter") and not nlp.has_pipe("parser"):
        nlp.add_pipe("sentencizer")
    _index_as_sets(nlp)
    return nlp


def _index_as_sets(nlp: Language) -> None:
    """Rule lemmatizers ask `word in lemma_index[pos]`: spaCy's tables hold lists (French: 66,191 verbs),
    scanned for every new word. As sets the lemmas are the same, three times faster on a French paper."""
    if not nlp.has_pipe("lemmatizer"):
        return
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return
    table = lookups.get_table("lemma_index")
    for key, words in list(table.items()):
        if isinstance(words, list):
            table[key] = frozenset(words)


@lru_cache(maxsize=1)
def shared_vocab():
    """The vocab of every paper Doc (language-neutral, so French and English paragraphs share it)."""
    return spacy.blank("xx").vocab


def pipeline_for(lang: str, models: Mapping[str, str]) -> Language:
    """The pipeline of a language ("blank:xx" = tokenizer + lookup lemmas); others are tokenised only."""
    spec = models.get(lang)
    return load_pipeline(spec) if spec else load_pipeline("blank:xx")


def build_doc(extracted: Extracted, models: Mapping[str, str] = DEFAULT_MODELS, paper_id: str = "") -> Doc:
    """The paper's Doc: paragraphs through their language's pipeline, joined by the text's separators."""
    text = extracted.text
    by_lang: dict[str, list[int]] = {}
    for i, para in enumerate(extracted.paragraphs):
        by_lang.setdefault(para.lang if para.lang in models else "", []).append(i)
    parsed: dict[int, Doc] = {}
    for lang, indices in sorted(by_lang.items()):
        nlp = pipeline_for(lang, models)
        texts = (text[extracted.paragraphs[i].start : extracted.paragraphs[i].end] for i in indices)
        for i, pdoc in zip(indices, nlp.pipe(texts, batch_size=BATCH_SIZE)):
            parsed[i] = pdoc

    words: list[str] = []
    spaces: list[bool] = []
    lemmas: list[str] = []
    pos: list[str] = []
    sent_starts: list[bool] = []
    cursor = 0
    for i, para in enumerate(extracted.paragraphs):
        if para.start > cursor:  # the separator between paragraphs, as one whitespace token
            if words:
                spaces[-1] = False
            words.append(text[cursor : para.start])
            spaces.append(False)
            lemmas.append(text[cursor : para.start])
            pos.append("SPACE")
            sent_starts.append(False)
        for token in parsed[i]:
            words.append(token.text)
            spaces.append(bool(token.whitespace_))
            lemmas.append(token.lemma_ or token.text)
            pos.append(token.pos_ or "X")
            sent_starts.append(token.i == 0 or bool(token.is_sent_start))
        cursor = para.end
    doc = Doc(shared_vocab(), words=words, spaces=spaces, lemmas=lemmas, pos=pos, sent_starts=sent_starts)
    if doc.text != text:
        raise AssertionError("the Doc's text differs from the normalised text")  # a bug, never user input
    doc.user_data["paper"] = paper_id
    doc.spans["layout"] = [_span(doc, p.start, p.end, p.kind) for p in extracted.paragraphs]
    doc.spans["lang"] = [_span(doc, p.start, p.end, p.lang) for p in extracted.paragraphs]
    doc.spans["sections"] = [_span(doc, s.start, s.end, s.role) for s in extracted.sections]
    # Raised marks (extract/superscripts.py) by exact offsets: the citation layer tells callouts from note calls.
    doc.user_data["superscripts"] = [m for p in extracted.paragraphs for m in p.superscripts or ()]
    return doc


def _span(doc: Doc, start: int, end: int, label: str) -> Span:
    span = doc.char_span(start, end, label=label, alignment_mode="expand")
    if span is None:
        raise AssertionError(f"no tokens at [{start}, {end})")
    return span


def doc_records(doc: Doc) -> list[Record]:
    """The annotation layers of a Doc in the one span shape, sorted (for files and evaluation)."""
    records = [
        Record(layer, span.label_, span.start_char, span.end_char, span.text, span._.attrs or {})
        for group, layer in LAYER_GROUPS.items()
        if group in doc.spans
        for span in doc.spans[group]
    ]
    return sorted(records, key=lambda r: (r.start, r.end, r.layer, r.label))


def set_attrs(span: Span, attrs: Mapping) -> Span:
    """Attach scheme attributes to a span (stored in the Doc's user data, keyed by offsets)."""
    span._.attrs = dict(attrs)
    return span
