"""rescorpus: an annotated corpus and text-mining pipeline for cooperative and resilience studies."""

__version__ = "0.1.0"
