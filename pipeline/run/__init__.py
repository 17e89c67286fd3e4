"""The run: `rescorpus run` drives every stage, from `corpus/` to a complete `outputs/`.

In: the corpus folder, the configuration, passwords and how to execute (local
processes or a Dask cluster). Out: the per-paper outputs, the corpus-level
outputs, the evaluation, `papers.json`, `manifest.json` and `run.log`, written
atomically under a lock, with a per-paper cache keyed on source, settings and
code so only what changed is done again; `manifest.verify` recomputes it all in
a scratch folder and names what differs. The only room that imports every stage.
"""
