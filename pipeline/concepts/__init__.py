"""Concepts: the scheme as data (scheme.py, skos.py), the tagger (tagger.py), term mining (suggest.py)."""
