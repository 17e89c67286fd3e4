"""Evaluation: gold annotation files and the run's outputs -> scores, outcomes and reports.

In: gold files (`annotations/gold/*.jsonl`, `gold`), the corpus and the
annotation layers in `outputs/`. Out: precision/recall/F1 per layer and label
with every outcome (correct, boundary, wrong label, missed, spurious) and where
it happened (`evaluate`), `outputs/eval/report.{json,md}` and terminal tables
(`report`), and agreement between two annotators. `formats` carries spans to
and from INCEpTION (XMI) and brat, the tools gold is corrected in.
"""
