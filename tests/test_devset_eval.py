"""`rescorpus eval --devset`: reference lists of Érudit articles found and split as the XML marks them,
on a small fast subset of development articles (the full figures are the command's, not a test's)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import REPO

from pipeline.evaluation.erudit import SHAPES, read_article
from pipeline.cli import app
from pipeline.evaluation.devset import held_out, report_rows, score_article

# Development articles of three journals and three styles: numbered (psychiatry), MLA (literature),
# author-year with no final full stops (management).
SUBSET = ("1058611ar", "009256ar", "1058157ar")


def test_devset_eval_split_is_fixed_and_holds_out_a_quarter() -> None:
    out = held_out()
    assert len(out) == 20 and not out & set(SUBSET)


@pytest.mark.parametrize("shape", SHAPES)
def test_devset_eval_reference_lists_of_text_shapes_found_entry_by_entry(erudit: Path, shape: str) -> None:
    scores = [score_article(read_article(erudit / f"{a}.xml"), shape, "development") for a in SUBSET]
    assert not any(s.error for s in scores)
    gold = sum(s.gold for s in scores)
    assert gold > 100
    assert sum(s.fuzzy for s in scores) >= 0.97 * gold
    assert sum(s.predicted for s in scores) <= 1.03 * gold
    assert sum(s.outside for s in scores) == 0
    (row,) = report_rows(scores)
    assert row["form"] == shape and row["fuzzy_r"] >= 0.97


def test_devset_eval_unknown_form_is_refused_saying_which_exist(erudit: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--devset", "--erudit", str(erudit), "--forms", "tabloid"])
    assert result.exit_code == 1
    assert "unknown form 'tabloid'" in result.output and "double-spaced" in result.output


def test_devset_eval_missing_folder_says_what_to_pass(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--devset", "--erudit", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "--erudit DIR" in result.output


def test_devset_eval_callouts_on_the_articles_labelled_by_reading(erudit: Path) -> None:
    # The hand-labelled callouts of six articles of six journals (author-year FR and EN, numeric
    # superscripts, MLA author-page, titles as authors; one held out, labelled last): the issue's
    # thresholds, strict match, on each part.
    from pipeline.evaluation.devset_callouts import callout_rows, score_callout_gold

    scores = score_callout_gold(erudit, REPO / "annotations" / "gold" / "devset")
    assert {s.part for s in scores} == {"development", "held-out"} and all(s.text_matches for s in scores)
    assert len({s.journal for s in scores}) == len(scores) >= 5
    for row in callout_rows(scores):
        if row["article"] == "all":
            assert row["f1"] >= 0.95 and row["link_accuracy"] >= 0.95, row


def test_devset_eval_command_prints_callout_table(erudit: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--devset", "--erudit", str(erudit), "--forms", "paragraph-lines"])
    assert result.exit_code == 0, result.output
    assert "callouts and links on the Érudit articles labelled by reading" in result.output
    assert "erudit-1058611ar" in result.output and "held-out" in result.output


def test_devset_eval_two_column_pdf_with_long_urls_keeps_its_columns_apart(erudit: Path) -> None:
    # 1058611ar's list is full of long URLs: the renderer breaks them as typesetting does (they used to
    # print over the other column), and a numbered list's short last lines beside the other column's
    # numbers are not read as lines across the page: every entry whole.
    pytest.importorskip("fpdf")
    s = score_article(read_article(erudit / "1058611ar.xml"), "two-column", "development")
    assert not s.error and s.gold == 40
    assert s.fuzzy == s.gold and s.predicted == s.gold
