"""Benchmarks: time and score the stages on the gold papers, on a synthetic corpus and on the Érudit devset.

Outside the stages: nothing under corpus/, extract/, annotate/, citations/,
concepts/, corpuslevel/, evaluation/ or run/ imports this package; only
`rescorpus bench` (pipeline.commands.bench) and pipeline.train do. In: the
library functions of the stages and `run`. Out: `bench.json` and the tables
`rescorpus bench` prints (`report`).
"""
