"""The corpus-level stage: every paper's outputs -> works, graphs, database and report.

In: only files under `outputs/` (text, annotations) and the papers' metadata,
never the sources. Out: `works.jsonl`, `graph/` (concept and citation graphs in
`graphformats`), `corpus.sqlite` (`store`) and `report/index.html` (`report`),
built by `aggregate.build_corpus_outputs`. Each paper's share of them
(`PaperData` and its digest) is computed once and cached per paper, so adding a
paper computes only that paper's share.
"""
