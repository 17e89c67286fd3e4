"""Citations: in-text callouts, reference lists parsed into fields, links, and work identities.

Importing the package registers the spaCy factory "rescorpus_citations".
"""

from pipeline.citations.component import CitationTagger
from pipeline.citations.paper import tag_text

__all__ = ["CitationTagger", "tag_text"]
