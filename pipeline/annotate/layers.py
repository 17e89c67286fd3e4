"""The annotation stage: a paper's Doc, its layers, and the JSON lines written for them.

The layers are written by registered spaCy components run over the paper's
Doc, in order: citations and reference entries first (pipeline/citations), then
concepts (pipeline/concepts), which skip citation and reference spans.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from pipeline.annotate.nlp import build_doc, doc_records, shared_vocab
from pipeline.config import Config
from pipeline.extract.model import Extracted
from pipeline.spans import generate_jsonl


@lru_cache(maxsize=4)
def layers_pipeline(scheme: str | None) -> Language:
    """The layer components, built once per process and scheme file."""
    import pipeline.citations.component  # noqa: F401  (registers rescorpus_citations)
    import pipeline.concepts.tagger  # noqa: F401  (registers rescorpus_concepts)

    nlp = spacy.blank("xx", vocab=shared_vocab())
    nlp.add_pipe("rescorpus_citations")
    nlp.add_pipe("rescorpus_concepts", config={"scheme": scheme})
    return nlp


def layers_for(config: Config) -> Language:
    """The layer components for a configuration's scheme file."""
    scheme = config.scheme_path()
    return layers_pipeline(str(scheme.resolve()) if scheme else None)


def annotate_doc(doc: Doc, config: Config) -> Doc:
    """Add the citation, reference and concept layers to a paper's Doc."""
    for _, component in layers_for(config).pipeline:
        doc = component(doc)
    return doc


def paper_doc(extracted: Extracted, config: Config, paper_id: str) -> Doc:
    """The paper's Doc with every layer."""
    return annotate_doc(build_doc(extracted, config.models, paper_id), config)


def annotate(extracted: Extracted, config: Config, paper_id: str) -> str:
    """The paper's annotation layers as the content of outputs/annotations/<id>.jsonl."""
    return "".join(generate_jsonl(doc_records(paper_doc(extracted, config, paper_id))))
