"""Citations: in-text callouts, reference lists parsed into fields, links, and work identities.

`pipeline.citations.component` registers the spaCy factory "rescorpus_citations";
the corpus-level stage imports only `works`, so spaCy is not loaded for it.
"""
