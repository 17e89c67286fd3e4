"""The annotation stage: a paper's Doc, its layers, and the JSON lines written for them."""

from __future__ import annotations

from pipeline.config import Config
from pipeline.extract.model import Extracted
from pipeline.nlp import build_doc, doc_records
from pipeline.spans import generate_jsonl


def annotate(extracted: Extracted, config: Config, paper_id: str) -> str:
    """The paper's annotation layers as the content of outputs/annotations/<id>.jsonl."""
    doc = build_doc(extracted, config.models, paper_id)
    return "".join(generate_jsonl(doc_records(doc)))
