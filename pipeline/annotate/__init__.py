"""Annotation: an `Extracted` paper -> one spaCy `Doc` carrying every layer -> JSON lines.

In: the `Extracted` paper from `pipeline.extract` and the `Config` (models per
language, concept scheme). Out: the content of `outputs/annotations/<id>.jsonl`
(`layers.annotate`). `nlp` builds the Doc (tokens, sentences, the layout
spans) with the spaCy pipeline of each paragraph's language; `layers` runs the
registered layer components over it: citations and references
(`pipeline.citations`), then concepts (`pipeline.concepts`), which are rooms of
their own beside this one.
"""
