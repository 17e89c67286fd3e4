"""Commands of the gold set: eval, agree, gold reanchor, export, import."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli import (
    DEFAULT_CONFIG, DEFAULT_CORPUS, DEFAULT_OUT, ConfigOpt, CorpusOpt, FormatOpt, OutOpt, app, handles_errors,
    listing_format, note, print_rows, progress_display, say,
)
from pipeline.errors import RescorpusError

DEFAULT_GOLD = Path("annotations/gold")
GoldOpt = Annotated[Path, typer.Option("--gold", help="Folder of gold files <paper-id>.jsonl.")]

gold_app = typer.Typer(
    help="Maintain the gold set (annotations/gold/<paper-id>.jsonl).\n\n\b\nExample:\n  rescorpus gold reanchor",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(gold_app, name="gold")


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


@app.command("eval")
@handles_errors
def eval_cmd(
    gold: Annotated[
        Optional[Path], typer.Option("--gold", help="Folder of gold files <paper-id>.jsonl [default: annotations/gold "
                                     "beside the corpus or here, else the gold set shipped with rescorpus].",
                                     show_default=False)
    ] = None,
    min_f1: Annotated[
        Optional[list[str]],
        typer.Option("--min-f1", help="LAYER=VALUE: exit 1 when the layer's micro F1 is below VALUE (0-1); repeat."),
    ] = None,
    strict: Annotated[
        bool, typer.Option("--strict/--overlap", help="Which F1 --min-f1 checks: strict (default) or overlap matching.")
    ] = True,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
    devset: Annotated[
        bool, typer.Option("--devset", help="Instead: score reference-list finding and splitting on the Érudit "
                           "development data, per text shape / PDF layout, development and held-out parts.")
    ] = False,
    erudit: Annotated[
        Optional[Path], typer.Option("--erudit", help="Folder of Érudit article XML (default ../shared/devset/erudit).")
    ] = None,
    forms: Annotated[
        str, typer.Option("--forms", help="With --devset: comma-separated text shapes and PDF layouts, or 'all' "
                          "(PDF layouts need fpdf2, the test extra, and take minutes).")
    ] = "paragraph-lines,wrapped,double-spaced",
    jobs: Annotated[int, typer.Option("--jobs", min=1, help="With --devset: worker processes.")] = 1,
    by_journal: Annotated[bool, typer.Option("--by-journal", help="With --devset: also one row per journal.")] = False,
    headers: Annotated[bool, typer.Option("--headers", help="With --devset: score the header model (title, first "
                       "author, year, DOI) on GROBID's header evaluation and the Érudit held-out first pages.")] = False,
    fmt: FormatOpt = "text",
    config_file: ConfigOpt = DEFAULT_CONFIG,
) -> None:
    """Score OUT/annotations against the gold set: P/R/F1 per layer and label, outcomes, links, fields.

    Gold spans are re-anchored to the current text first. Writes OUT/eval/report.json and report.md.
    With --devset, scores reference lists on the Érudit XML instead (nothing is written).

    \b
    Examples:
      rescorpus eval --min-f1 citation=0.8 --min-f1 concept=0.6
      rescorpus eval --format tsv > scores.tsv
      rescorpus eval --devset --forms all --jobs 2
      rescorpus eval --devset --headers
    """
    fmt = listing_format(fmt)
    if devset:
        if fmt != "text":
            raise RescorpusError("--format tsv|json is for the gold-set table; `eval --devset` prints text only")
        if headers:
            _eval_headers(erudit)
            return
        _eval_devset(erudit, forms, jobs, by_journal)
        return
    from pipeline.evaluation.goldset import below_thresholds, evaluate_gold_set, parse_thresholds
    from pipeline.evaluation.report import TABLE_COLUMNS, format_table, table_rows, write_report

    from pipeline.config import load_config

    thresholds = parse_thresholds(min_f1 or [])
    result = evaluate_gold_set(load_config(config_file, gold=gold).for_corpus(corpus).gold_dir(), corpus, out)
    json_path, md_path = write_report(result, out / "eval")
    for paper, why in result["skipped"].items():
        note(f"skipped {paper}: {why}", fmt)
    for paper, info in result["gold"].items():
        lost = info["not_found"]
        line = f"{paper}: {info['n_gold']} gold spans, {info['reanchored']} re-anchored, {len(lost)} not found"
        note(line + (" (not scored: " + "; ".join(f"{s['label']} {s['text']!r}" for s in lost[:3]) + ")" if lost else ""), fmt)
        if not info["source_matches"]:
            note(f"{paper}: note: the corpus source differs from the one the gold was labelled on", fmt)
    if fmt == "text":
        say(format_table(result))
    else:
        print_rows(table_rows(result), TABLE_COLUMNS, fmt)
    note(f"report: {json_path} and {md_path}", fmt)
    failures = below_thresholds(result, thresholds, "strict" if strict else "overlap")
    for failure in failures:
        say(f"below threshold: {failure}", err=True)
    if failures:
        raise typer.Exit(1)


def _eval_headers(erudit: Path | None) -> None:
    """The header model's figures on the pages it was never fitted on (GROBID header evaluation, the held-out
    fifth of GROBID's header corpus, the Érudit held-out split under two title blocks, with and without fonts)."""
    from pipeline.evaluation.erudit import default_devset
    from pipeline.evaluation.headers import header_report, held_out_sets, report_lines

    devset = (erudit or default_devset()).parent
    if not (devset / "grobid" / "header").is_dir() or not (devset / "erudit").is_dir():
        raise RescorpusError(f"no header devset at {devset}: pass --erudit DIR/erudit (beside grobid/header)")
    say("header fields, pages never fitted: title exact and fuzzy (ratio >= 90), first author's family name, "
        "year and DOI where printed")
    for line in report_lines(header_report(held_out_sets(devset))):
        say(line)


def _eval_devset(erudit: Path | None, forms: str, jobs: int, by_journal: bool) -> None:
    from pipeline.evaluation.devset import report_rows, score_devset, summarise
    from pipeline.evaluation.erudit import SHAPES, default_devset
    from pipeline.errors import RescorpusError

    folder = erudit or default_devset()
    if not folder.is_dir():
        raise RescorpusError(f"no Érudit devset at {folder}: pass --erudit DIR (a folder of Érudit article XML)")
    layouts = ("one-column", "two-column", "wordprocessor")
    chosen = [*SHAPES, *layouts] if forms.strip() == "all" else [f.strip() for f in forms.split(",") if f.strip()]
    unknown = [f for f in chosen if f not in SHAPES and f not in layouts]
    if unknown:
        raise RescorpusError(f"unknown form {unknown[0]!r}: choose from {', '.join((*SHAPES, *layouts))} or 'all'")
    if any(f in layouts for f in chosen):
        try:
            import fpdf  # noqa: F401
        except ImportError:
            raise RescorpusError("PDF layouts are rendered with fpdf2: pip install -e '.[test]', or pass text "
                                 "shapes only with --forms") from None
    import sys

    with progress_display("papers", advance_on=()) as report:
        # a terminal gets a bar that names each paper scored; a log a line every 20 papers
        scores = score_devset(folder, chosen, jobs, note=None if sys.stderr.isatty() else lambda m: say(m, err=True),
                              progress=report if sys.stderr.isatty() else None)  # fmt: skip
    say(f"reference entries of {folder}, strict (same normalised text) and fuzzy (ratio >= 90), one to one")
    say(f"{'form':<16} {'part':<12} {'papers':>6} {'gold':>5} {'pred':>5}  {'strict P/R/F1':<17}  "
        f"{'fuzzy P/R/F1':<17}  outside errors")
    for r in report_rows(scores):
        say(f"{r['form']:<16} {r['part']:<12} {r['papers']:>6} {r['gold']:>5} {r['predicted']:>5}  "
            f"{r['strict_p']:.3f} {r['strict_r']:.3f} {r['strict_f1']:.3f}  {r['fuzzy_p']:.3f} {r['fuzzy_r']:.3f} "
            f"{r['fuzzy_f1']:.3f}  {r['outside']:>7} {r['errors']:>6}")
    if by_journal:
        say("")
        for (journal, form), t in summarise(scores, lambda s: (s.journal, s.form)).items():
            _, rec, f1 = t.prf(t.fuzzy)
            say(f"{journal[:40]:<40} {form:<16} {t.papers:>3} papers  fuzzy R {rec:.3f} F1 {f1:.3f}")
    for (form, _part), t in summarise(scores, lambda s: (s.form, s.part)).items():
        for e in t.errors:
            say(f"error ({form}): {e}", err=True)
    _eval_devset_callouts(folder)


def _eval_devset_callouts(folder: Path) -> None:
    """Callouts and links on the Érudit articles labelled by reading (annotations/gold/devset)."""
    from pipeline.evaluation.devset_callouts import callout_rows, score_callout_gold, shipped_callout_gold

    gold = Path("annotations/gold/devset") if Path("annotations/gold/devset").is_dir() else shipped_callout_gold()
    if not gold.is_dir() or not any(gold.glob("erudit-*.jsonl")):
        say(f"no callout gold at {gold}: callouts not scored", err=True)
        return
    say("")
    say(f"callouts and links on the Érudit articles labelled by reading ({gold}), strict match")
    say(f"{'article':<18} {'part':<12} {'journal':<30} {'gold':>4} {'pred':>4}  {'P/R/F1':<17}  links")
    for r in callout_rows(score_callout_gold(folder, gold)):
        say(f"{r['article']:<18} {r['part']:<12} {r['journal'][:30]:<30} {r['gold']:>4} {r['predicted']:>4}  "
            f"{r['p']:.3f} {r['r']:.3f} {r['f1']:.3f}  {r['links_correct']}/{r['links_total']} {r['link_accuracy']:.3f}")


@app.command("agree")
@handles_errors
def agree_cmd(
    a: Annotated[Path, typer.Argument(help="The first annotator's file (gold file or span JSON lines).")],
    b: Annotated[Path, typer.Argument(help="The second annotator's file, same paper.")],
    text: Annotated[
        Optional[Path], typer.Option("--text", help="The paper's normalised text (default: OUT/text/<paper>.txt).")
    ] = None,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Agreement between two annotators of one paper: pairwise F1 per label and Krippendorff's alpha on tokens.

    \b
    Example:
      rescorpus agree outputs/exports/imported/p1.alice.jsonl outputs/exports/imported/p1.bob.jsonl
    """
    from pipeline.evaluation.agreement import agreement_of_files
    from pipeline.evaluation.report import format_agreement

    result = agreement_of_files(a, b, out, text)
    for name, lost in sorted(result["not_found"].items()):
        if lost:
            say(f"{result[name]}: {_plural(lost, 'span')} not found in the current text (left out)")
    say(format_agreement(result))


@gold_app.command("reanchor")
@handles_errors
def gold_reanchor_cmd(
    papers: Annotated[Optional[list[str]], typer.Argument(help="Paper ids (default: every gold file).")] = None,
    drop_missing: Annotated[
        bool, typer.Option("--drop-missing", help="Remove spans that cannot be found (otherwise the file is left as it was).")
    ] = False,
    gold: GoldOpt = DEFAULT_GOLD,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Rewrite gold files anchored to the current normalised text (OUT/text/<paper>.txt).

    \b
    Example:
      rescorpus gold reanchor resilience-cooperatives-coree-maroc
    """
    from pipeline.evaluation.gold import reanchor_dir

    outcomes = reanchor_dir(gold, out, papers, drop_missing)
    for o in outcomes:
        if o.error:
            say(f"{o.paper}: error: {o.error}", err=True)
            continue
        r = o.result
        dropped = f", dropped: {'; '.join(repr(s.text) for s in r.not_found)}" if r.not_found else ""
        say(f"{o.paper}: {r.moved} moved, {len(r.not_found)} not found{dropped}: {o.path}")
    if any(o.error for o in outcomes):
        raise typer.Exit(1)


@app.command("export")
@handles_errors
def export_cmd(
    paper: Annotated[str, typer.Argument(help="The paper id.")],
    fmt: Annotated[str, typer.Option("--format", help="inception (UIMA CAS XMI + TypeSystem.xml, zipped) or brat.")],
    dest: Annotated[Optional[Path], typer.Option("--dest", help="Folder to write into (default: OUT/exports/FORMAT).")] = None,
    use_gold: Annotated[
        bool, typer.Option("--from-gold", help="Export the gold spans instead of the predicted ones.")
    ] = False,
    gold: GoldOpt = DEFAULT_GOLD,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Write a paper's text and its predicted (or gold) spans for correction in INCEpTION or brat.

    \b
    Example:
      rescorpus export resilience-cooperatives-coree-maroc --format inception
    """
    from pipeline.evaluation.formats.exchange import export_paper

    result = export_paper(paper, fmt, out, dest, gold if use_gold else None, corpus=corpus)
    say(f"{paper}: {_plural(result.spans, result.source + ' span')} written to {', '.join(map(str, result.files))}")
    if result.not_found:
        say(f"{paper}: {_plural(len(result.not_found), 'gold span')} not found in the current text and left out; "
            "see `rescorpus gold reanchor`")  # fmt: skip


@app.command("import")
@handles_errors
def import_cmd(
    file: Annotated[Path, typer.Argument(help="INCEpTION export (.zip or .xmi) or brat .ann (its .txt beside it).")],
    paper: Annotated[str, typer.Option("--paper", help="The paper id the file annotates.")],
    as_gold: Annotated[
        bool, typer.Option("--as-gold", help="Write it as the paper's gold file (GOLD/<paper>.jsonl), replacing it.")
    ] = False,
    annotator: Annotated[Optional[str], typer.Option("--annotator", help="Who corrected the annotations.")] = None,
    dest: Annotated[
        Optional[Path], typer.Option("--dest", help="Without --as-gold: file to write (default OUT/exports/imported/PAPER.ANNOTATOR.jsonl).")
    ] = None,
    gold: GoldOpt = DEFAULT_GOLD,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Read corrected annotations back from INCEpTION or brat, as the paper's gold file or for `rescorpus agree`.

    \b
    Example:
      rescorpus import p1.zip --paper resilience-cooperatives-coree-maroc --as-gold --annotator alice
    """
    from pipeline.corpus.papers import load_paper
    from pipeline.errors import RescorpusError
    from pipeline.evaluation.formats.exchange import import_annotations

    try:
        source_sha = load_paper(corpus, paper).sha256
    except RescorpusError:
        source_sha = None
    result = import_annotations(file, paper, out, gold, as_gold, annotator, dest, source_sha)
    what = "replaced" if result.replaced else "wrote"
    moved = f" ({result.moved} re-anchored to the current text)" if result.moved else ""
    say(f"{paper}: {what} {result.path} with {_plural(len(result.gold.spans), 'span')}{moved}")
