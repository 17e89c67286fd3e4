"""The spaCy component: reference entries and callouts of a paper's Doc, linked.

    nlp.add_pipe("rescorpus_citations")
writes doc.spans["references"] (label REFERENCE, attrs id/authors/year/title/...) and
doc.spans["citations"] (label CITATION, attrs authors/year/years/suffix/target).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc
from spacy.tokens import Span as DocSpan

from pipeline.annotate.nlp import set_attrs
from pipeline.citations.paper import tag_text


@Language.factory("rescorpus_citations", assigns=["doc.spans"])
def make_citations(nlp: Language, name: str) -> CitationTagger:
    return CitationTagger()


class CitationTagger:
    """Finds the reference list(s), parses entries, finds callouts and links them."""

    def __call__(self, doc: Doc) -> Doc:
        paragraphs = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get("layout", [])]
        sections = [(s.start_char, s.end_char, s.label_) for s in doc.spans.get("sections", [])]
        not_callouts = [(a, b) for a, b, kind in doc.user_data.get("superscripts", ()) if kind != "raised"]
        found = tag_text(doc.text, paragraphs, sections, not_callouts)
        cuts = {x for e, _ in found.references for x in (e.start, e.end)}
        cuts |= {x for c, _ in found.callouts for x in (c.start, c.end)}
        doc = ensure_boundaries(doc, cuts)
        misaligned = 0
        refs, cites = [], []
        for entry, attrs in found.references:
            span, exact = _doc_span(doc, entry.start, entry.end, "REFERENCE")
            misaligned += not exact
            refs.append(set_attrs(span, attrs))
        for callout, attrs in found.callouts:
            span, exact = _doc_span(doc, callout.start, callout.end, "CITATION")
            misaligned += not exact
            cites.append(set_attrs(span, attrs))
        doc.spans["references"] = refs
        doc.spans["citations"] = cites
        doc.user_data["citations_misaligned"] = misaligned
        return doc

    def to_disk(self, path, exclude=()) -> None:  # no state: rules are compiled in the modules
        pass

    def from_disk(self, path, exclude=()) -> CitationTagger:
        return self


def ensure_boundaries(doc: Doc, offsets: set[int]) -> Doc:
    """Split tokens so that every offset is a token boundary ("plan d’affaires(Kamdem" ->
    "affaires", "(", "Kamdem"); span groups are rebuilt from their character offsets."""
    starts = {t.idx: t for t in doc}
    inside: dict[int, list[int]] = {}
    for off in sorted(offsets):
        if off in starts or off >= len(doc.text):
            continue
        token = _token_at(doc, off)
        if token is not None and token.idx < off < token.idx + len(token.text):
            inside.setdefault(token.i, []).append(off - token.idx)
    if not inside:
        return doc
    groups = {
        name: [(s.start_char, s.end_char, s.label_) for s in group] for name, group in doc.spans.items()
    }
    with doc.retokenize() as retokenizer:
        for i, cut_points in inside.items():
            token = doc[i]
            bounds = [0, *sorted(set(cut_points)), len(token.text)]
            orths = [token.text[a:b] for a, b in zip(bounds, bounds[1:])]
            retokenizer.split(token, orths, heads=[(token, k) for k in range(len(orths))],
                              attrs={"LEMMA": orths})
    for name, spans in groups.items():
        doc.spans[name] = [doc.char_span(a, b, label=label, alignment_mode="expand") for a, b, label in spans]
    return doc


def _token_at(doc: Doc, offset: int):
    """The token whose characters include `offset` (None in whitespace)."""
    lo, hi = 0, len(doc) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        t = doc[mid]
        if offset < t.idx:
            hi = mid - 1
        elif offset >= t.idx + len(t.text):
            lo = mid + 1
        else:
            return t
    return None


def _doc_span(doc: Doc, start: int, end: int, label: str) -> tuple[DocSpan, bool]:
    span = doc.char_span(start, end, label=label)
    if span is not None:
        return span, True
    return doc.char_span(start, end, label=label, alignment_mode="expand"), False
