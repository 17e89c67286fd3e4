"""The gold-set commands through the CLI: eval, --min-f1, gold reanchor, export/import, agree."""

from __future__ import annotations

import functools

import hashlib
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import span_at
from pipeline.cli import app
from pipeline.corpus.add import add_paper
from pipeline.evaluation.gold import load_gold, make_gold, save_gold
from pipeline.files import atomic_write_text
from pipeline.spans import Span, read_jsonl, write_jsonl

PAPER = "coop-2021"
TEXT = (
    "La gouvernance démocratique des coopératives agricoles aide à traverser la crise "
    "(Dupont, 2019 ; Martin & Roy, 2020).\n\n"
    "Une coopérative sur deux a survécu ; la résilience tient à la formation des membres.\n\n"
    "Dupont, J. (2019). Les coopératives face aux chocs. Revue X.\n\n"
    "Martin, A., & Roy, B. (2020). Résilience et crises. Éditions Y.\n"
)


at = functools.partial(span_at, TEXT)  # at(sub, label, layer, nth, **attrs)


REF_D = "Dupont, J. (2019). Les coopératives face aux chocs. Revue X."
REF_M = "Martin, A., & Roy, B. (2020). Résilience et crises. Éditions Y."
GOLD = [
    at("gouvernance démocratique", "governance"),
    at("coopératives", "cooperative"),
    at("crise", "crisis"),
    at("coopérative", "cooperative", nth=1),
    at("résilience", "resilience"),
    at("formation", "training"),
    at("Dupont, 2019", "CITATION", "citation", authors=["Dupont"], year="2019", target="r1"),
    at("Martin & Roy, 2020", "CITATION", "citation", authors=["Martin", "Roy"], year="2020", target="r2"),
    at(REF_D, "REFERENCE", "reference", id="r1", authors=["Dupont, J."], year="2019",
       title="Les coopératives face aux chocs", container="Revue X"),
    at(REF_M, "REFERENCE", "reference", id="r2", authors=["Martin, A.", "Roy, B."], year="2020",
       title="Résilience et crises", container="Éditions Y"),
]  # fmt: skip
PRED = [
    GOLD[0],  # correct
    at("coopératives agricoles", "cooperative"),  # boundary
    at("crise", "resistance"),  # wrong label
    # "coopérative", "résilience", "formation" missed
    at("membres", "cooperative"),  # spurious
    Span("citation", "CITATION", GOLD[6].start, GOLD[6].end, GOLD[6].text, {"target": "b1"}),
    Span("citation", "CITATION", GOLD[7].start, GOLD[7].end, GOLD[7].text, {"target": "b1"}),
    Span("reference", "REFERENCE", GOLD[8].start, GOLD[8].end, GOLD[8].text, {"id": "b1", "year": "2019"}),
]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A tmp project: corpus with one text paper, its outputs (text, predictions), and its gold file."""
    src = tmp_path / "coop.txt"
    src.write_text(TEXT, encoding="utf-8")
    add_paper(tmp_path / "corpus", src, paper_id=PAPER, lang="fr")
    atomic_write_text(tmp_path / "outputs" / "text" / f"{PAPER}.txt", TEXT)
    write_jsonl(PRED, tmp_path / "outputs" / "annotations" / f"{PAPER}.jsonl")
    gold = make_gold(PAPER, GOLD, TEXT, "alice", source_sha256=hashlib.sha256(TEXT.encode()).hexdigest())
    save_gold(gold, tmp_path / "gold" / f"{PAPER}.jsonl")
    return tmp_path


def cli(root: Path, *args: str):
    common = ["--corpus", str(root / "corpus"), "--out", str(root / "outputs")]
    needs_gold = args[0] in ("eval", "export", "import") or args[:2] == ("gold", "reanchor")
    result = CliRunner().invoke(app, [*args, *common, *(["--gold", str(root / "gold")] if needs_gold else [])])
    return result


def test_evaluate_cli_eval_prints_the_table_and_writes_the_reports(project):
    result = cli(project, "eval")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    concept = next(line for line in lines if line.startswith("concept "))
    # gold 6, pred 4; strict P 1/4, R 1/6; overlap P 2/4, R 2/6; C B W M S = 1 1 1 3 1
    assert concept.split() == ["concept", "6", "4", "25.0", "16.7", "20.0", "50.0", "33.3", "40.0", "1", "1", "1", "3", "1"]
    assert "citation links: 50.0% (1/2)" in result.output
    assert "year 100.0% (1/1)" in result.output and "title 0.0% (0/1)" in result.output
    assert f"{PAPER}: 10 gold spans, 0 re-anchored, 0 not found" in result.output
    report = json.loads((project / "outputs" / "eval" / "report.json").read_text())
    assert report["micro"]["layers"]["concept"]["outcomes"]["missed"] == 3
    missed = {e["text"] for e in report["errors"] if e["outcome"] == "missed"}
    assert missed == {"coopérative", "résilience", "formation", REF_M}
    md = (project / "outputs" / "eval" / "report.md").read_text()
    assert "**[formation]**" in md and "## Layer reference" in md
    before = {p.name: p.read_bytes() for p in (project / "outputs" / "eval").iterdir()}
    assert cli(project, "eval").exit_code == 0
    assert {p.name: p.read_bytes() for p in (project / "outputs" / "eval").iterdir()} == before


def test_evaluate_cli_min_f1_exits_1_naming_the_layer(project):
    failed = cli(project, "eval", "--min-f1", "concept=0.3", "--min-f1", "citation=0.5")
    assert failed.exit_code == 1
    assert "below threshold: concept: strict F1 0.200 is below --min-f1 concept=0.3" in failed.output
    assert "citation:" not in failed.output.split("below threshold", 1)[1]
    assert cli(project, "eval", "--min-f1", "concept=0.3", "--overlap").exit_code == 0  # overlap F1 is 0.4
    assert cli(project, "eval", "--min-f1", "concept=0.2").exit_code == 0
    bad = cli(project, "eval", "--min-f1", "concepts=0.2")
    assert bad.exit_code == 1 and "LAYER=VALUE" in bad.output


def test_evaluate_cli_eval_without_predictions_says_zero_plainly(project):
    write_jsonl([], project / "outputs" / "annotations" / f"{PAPER}.jsonl")
    result = cli(project, "eval")
    assert result.exit_code == 0
    assert "no predicted spans for layer concept: the tagger for this layer has not run or produced nothing" in result.output


def test_evaluate_cli_eval_before_a_run_and_for_papers_not_in_the_corpus(project):
    save_gold(make_gold("absent-paper", [], "x", "bob"), project / "gold" / "absent-paper.jsonl")
    result = cli(project, "eval")
    assert result.exit_code == 0
    assert "skipped absent-paper: not in the corpus" in result.output
    (project / "outputs" / "text" / f"{PAPER}.txt").unlink()
    result = cli(project, "eval")
    assert result.exit_code == 1 and "run `rescorpus run` first" in result.output


def test_evaluate_cli_gold_reanchor_after_a_text_change(project):
    path = project / "gold" / f"{PAPER}.jsonl"
    new_text = "Résumé\n\n" + TEXT.replace("  ", " ").replace("(Dupont, 2019 ;", "(Dupont,  2019 ;")
    atomic_write_text(project / "outputs" / "text" / f"{PAPER}.txt", new_text)
    result = cli(project, "gold", "reanchor")
    assert result.exit_code == 0, result.output
    assert f"{PAPER}: 10 moved, 0 not found" in result.output
    gold = load_gold(path)
    assert all(new_text[s.start : s.end] == s.text for s in gold.spans)
    assert [s.text for s in gold.spans if s.layer == "citation"] == ["Dupont,  2019", "Martin & Roy, 2020"]
    # a span whose text is gone: refused unless --drop-missing, file untouched
    atomic_write_text(project / "outputs" / "text" / f"{PAPER}.txt", new_text.replace("formation", "préparation"))
    before = path.read_bytes()
    refused = cli(project, "gold", "reanchor", PAPER)
    assert refused.exit_code == 1 and "--drop-missing" in refused.output and path.read_bytes() == before
    dropped = cli(project, "gold", "reanchor", PAPER, "--drop-missing")
    assert dropped.exit_code == 0 and "1 not found, dropped: 'formation'" in dropped.output
    assert len(load_gold(path).spans) == 9


@pytest.mark.parametrize(("fmt", "exported"), [("inception", f"{PAPER}.zip"), ("brat", f"{PAPER}.ann")])
def test_evaluate_cli_export_import_round_trip_gives_identical_spans(project, fmt, exported):
    gold_path = project / "gold" / f"{PAPER}.jsonl"
    original = gold_path.read_bytes()
    dest = project / "exchange" / fmt
    result = cli(project, "export", PAPER, "--format", fmt, "--from-gold", "--dest", str(dest))
    assert result.exit_code == 0 and "10 gold spans written" in result.output
    result = cli(project, "import", str(dest / exported), "--paper", PAPER, "--as-gold")
    assert result.exit_code == 0, result.output
    assert f"replaced {gold_path} with 10 spans" in result.output
    assert gold_path.read_bytes() == original  # same spans, attributes, header

    # predicted spans: export, import for another annotator, same spans back
    assert cli(project, "export", PAPER, "--format", fmt, "--dest", str(dest)).exit_code == 0
    result = cli(project, "import", str(dest / exported), "--paper", PAPER, "--annotator", "bob")
    assert result.exit_code == 0, result.output
    imported = load_gold(project / "outputs" / "exports" / "imported" / f"{PAPER}.bob.jsonl")
    assert list(imported.spans) == read_jsonl(project / "outputs" / "annotations" / f"{PAPER}.jsonl")
    assert [dict(s.attrs) for s in imported.spans] == [dict(s.attrs) for s in sorted(PRED, key=lambda s: (s.start, s.end, s.layer, s.label))]


def test_evaluate_cli_import_onto_a_changed_text_reanchors(project):
    dest = project / "exchange"
    assert cli(project, "export", PAPER, "--format", "brat", "--from-gold", "--dest", str(dest)).exit_code == 0
    atomic_write_text(project / "outputs" / "text" / f"{PAPER}.txt", "Titre\n\n" + TEXT)
    result = cli(project, "import", str(dest / f"{PAPER}.ann"), "--paper", PAPER, "--as-gold")
    assert result.exit_code == 0, result.output
    assert "(10 re-anchored to the current text)" in result.output
    assert [s.start for s in load_gold(project / "gold" / f"{PAPER}.jsonl").spans] == sorted(s.start + 7 for s in GOLD)


def test_evaluate_cli_new_gold_needs_an_annotator(project):
    dest = project / "exchange"
    assert cli(project, "export", PAPER, "--format", "inception", "--dest", str(dest)).exit_code == 0
    (project / "gold" / f"{PAPER}.jsonl").unlink()
    result = cli(project, "import", str(dest / f"{PAPER}.zip"), "--paper", PAPER, "--as-gold")
    assert result.exit_code == 1 and "--annotator NAME" in result.output


def test_evaluate_cli_agree_between_two_annotators(project):
    other = [s for s in GOLD if s.label != "training"] + [at("membres", "cooperative")]
    save_gold(make_gold(PAPER, other, TEXT, "bob"), project / "bob.jsonl")
    result = cli(project, "agree", str(project / "gold" / f"{PAPER}.jsonl"), str(project / "bob.jsonl"))
    assert result.exit_code == 0, result.output
    concept = next(line for line in result.output.splitlines() if line.startswith("concept "))
    assert concept.split()[:5] == ["concept", "6", "6", "83.3", "83.3"]
    assert float(concept.split()[5]) < 1.0
    plain = project / "plain.jsonl"
    write_jsonl(other, plain)
    refused = cli(project, "agree", str(plain), str(plain))
    assert refused.exit_code == 1 and "--text FILE" in refused.output
    text = project / "outputs" / "text" / f"{PAPER}.txt"
    assert cli(project, "agree", str(plain), str(plain), "--text", str(text)).exit_code == 0


@pytest.mark.parametrize("command", [["eval"], ["agree"], ["gold", "reanchor"], ["export"], ["import"], ["gold"]])
def test_evaluate_cli_help_has_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_evaluate_cli_export_of_a_wrong_id_names_the_ids_and_the_closest(project):
    (project / "other.txt").write_text("Une autre coopérative.\n", encoding="utf-8")
    add_paper(project / "corpus", project / "other.txt", paper_id="ostrom-1990", lang="fr")
    result = cli(project, "export", "coop-2012", "--format", "brat")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "'coop-2012': no such paper in" in result.output
    assert "did you mean 'coop-2021'?" in result.output
    assert "coop-2021, ostrom-1990" in result.output and "run `rescorpus run` first" not in result.output
    # an id of the corpus that has no outputs yet: the run is what is missing
    later = cli(project, "export", "ostrom-1990", "--format", "brat")
    assert later.exit_code == 1 and "run `rescorpus run` first" in later.output


def test_evaluate_cli_eval_format_tsv_and_json_give_the_table_rows(project):
    import csv
    import io

    text = cli(project, "eval")
    data = cli(project, "eval", "--format", "json")
    assert data.exit_code == 0, data.output
    rows = json.loads(data.stdout)  # only the rows on stdout: the per-paper lines and the report paths go to stderr
    assert f"{PAPER}: 10 gold spans" in data.stderr and "report:" in data.stderr
    concept = next(r for r in rows if r["layer"] == "concept" and not r["label"] and not r["paragraph_lang"])
    assert concept == {"layer": "concept", "label": "", "paragraph_lang": "", "gold": 6, "predicted": 4,
                       "strict_p": 0.25, "strict_r": 0.1667, "strict_f1": 0.2, "overlap_p": 0.5, "overlap_r": 0.3333,
                       "overlap_f1": 0.4, "correct": 1, "boundary": 1, "wrong_label": 1, "missed": 3, "spurious": 1}
    # one record per row of the text table, in its order
    lines = text.stdout.splitlines()
    head = next(n for n, line in enumerate(lines) if line.startswith("layer/label"))
    table = [line.split()[0] for line in lines[head + 1 : head + 1 + len(rows)]]
    assert lines[head + 1 + len(rows)].startswith("citation links:")
    assert [r["label"] or r["layer"] for r in rows] == table
    tsv = cli(project, "eval", "--format", "tsv")
    parsed = list(csv.DictReader(io.StringIO(tsv.stdout), delimiter="\t"))
    assert [{k: str(v) for k, v in r.items()} for r in rows] == parsed
    refused = cli(project, "eval", "--devset", "--format", "tsv")
    assert refused.exit_code == 1 and "eval --devset` prints text only" in refused.output
