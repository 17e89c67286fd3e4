"""The spaCy component on a paper's Doc: span groups, token alignment, attributes, layers kept."""

from __future__ import annotations

from dataclasses import replace

import spacy

from pipeline.annotate.nlp import build_doc, doc_records
from pipeline.citations.component import CitationTagger
from pipeline.extract import assemble
from pipeline.extract.text import parse_text

PAPER = """Titre de l'article

Introduction

Les coopératives résistent aux crises (Borzaga et al., 2009 ; Defourney, 2001). Un plan d’affaires(Kamdem, s. d.) est utile. Selon Jacques Defourny (2001), l'économie sociale compte ; d'autres (Nations, s. d.)populations le disent.

Références

Borzaga, C., Depedri, S. et Tortia, E. (2009). The role of cooperative and social enterprises. Journal of Co-operative Studies, 42(1), 5-13.

Defourny, Jacques (2001). De la coopération à l’économie sociale. Paris, Economica.

Kamdem, E. (2010). Management et interculturalité en Afrique. Québec : Presses de l’Université Laval.
"""


def tagged():
    extracted = assemble(parse_text(PAPER))
    doc = build_doc(extracted, {}, "paper")
    nlp = spacy.blank("xx")
    nlp.add_pipe("rescorpus_citations")
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return extracted, doc


def test_citations_component_layers() -> None:
    extracted, doc = tagged()
    cites = [(s.text, s._.attrs.get("target")) for s in doc.spans["citations"]]
    assert cites == [
        ("Borzaga et al., 2009", "ref-borzaga-2009"),
        ("Defourney, 2001", "ref-defourny-2001"),
        ("Kamdem, s. d.", None),
        ("Defourny (2001)", "ref-defourny-2001"),
        ("Nations, s. d.", None),
    ]
    refs = doc.spans["references"]
    assert [s._.attrs["id"] for s in refs] == ["ref-borzaga-2009", "ref-defourny-2001", "ref-kamdem-2010"]
    assert all(s.label_ == "REFERENCE" for s in refs) and all(s.label_ == "CITATION" for s in doc.spans["citations"])
    assert refs[1]._.attrs["title"] == "De la coopération à l’économie sociale"
    assert doc.user_data["citations_misaligned"] == 0
    assert doc.text == extracted.text


def test_citations_component_glued_brackets_split_tokens_keep_layers() -> None:
    extracted, doc = tagged()
    assert [(s.start_char, s.end_char) for s in doc.spans["layout"]] == [(p.start, p.end) for p in extracted.paragraphs]
    assert [(s.start_char, s.end_char) for s in doc.spans["sections"]] == [(s.start, s.end) for s in extracted.sections]
    texts = [t.text for t in doc]
    assert "d.)populations" not in texts and "d’affaires(Kamdem" not in texts  # split by the component


def test_citations_component_records_round_trip() -> None:
    _, doc = tagged()
    records = doc_records(doc)
    assert {r.layer for r in records} == {"citation", "reference"}
    for r in records:
        assert doc.text[r.start : r.end] == r.text


NOTES_PAPER = """Titre

Introduction

Les coopératives durent dans les crises12. D'autres y voient une mode13 ; la loi 2016 compte.

Notes

12 Jacques Defourny, De la coopération à l’économie sociale, Paris, Economica, 2001, p. 12.

13 Elinor Ostrom, Governing the Commons, Cambridge, Cambridge University Press, 1990.
"""


def test_citations_component_footnote_references_and_markers() -> None:
    extracted = assemble(parse_text(NOTES_PAPER))
    # the notes of a PDF come out as "note" paragraphs; mark them so in this text fixture
    notes = extracted.text.index("12 Jacques")
    paragraphs = tuple(p if p.start < notes else replace(p, kind="note") for p in extracted.paragraphs)
    doc = build_doc(replace(extracted, paragraphs=paragraphs), {}, "paper")
    doc = CitationTagger()(doc)
    refs = [(s._.attrs["id"], s._.attrs.get("title"), s._.attrs.get("publisher")) for s in doc.spans["references"]]
    assert refs == [
        ("ref-defourny-2001", "De la coopération à l’économie sociale", "Economica"),
        ("ref-ostrom-1990", "Governing the Commons", "Cambridge University Press"),
    ]
    assert [(s.text, s._.attrs.get("target")) for s in doc.spans["citations"]] == [
        ("12", "ref-defourny-2001"),
        ("13", "ref-ostrom-1990"),
    ]
