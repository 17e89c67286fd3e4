"""Fuzz: truncated and corrupted fixture PDFs and random text never give a traceback.

Every case ends in a clear error from `add` (a RescorpusError, corpus untouched) or in a paper that
`run` processes or records as failed with a reason, never as an internal error.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import tree_state
from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.errors import RescorpusError
from pipeline.run.runner import run

FUZZ = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _mutate(data: bytes, how: str, at: float, junk: bytes) -> bytes:
    pos = int(at * len(data))
    if how == "truncate":
        return data[:pos]
    if how == "overwrite":
        return data[:pos] + junk + data[pos + len(junk):]
    return data[:pos] + junk + data[pos:]  # insert


def _add_then_run(source: Path) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        good = Path(tmp) / "good.txt"
        good.write_text("La coopérative résiste à la crise grâce à la solidarité de ses membres.\n", encoding="utf-8")
        add_paper(corpus, good, paper_id="good", lang="fr")
        before = tree_state(corpus)
        try:
            added = add_paper(corpus, source)
        except RescorpusError as exc:
            assert str(exc) and "\n" not in str(exc)
            assert tree_state(corpus) == before, "a refused file changed the corpus"
            return
        after = tree_state(corpus)
        assert {k: v for k, v in after.items() if not k.startswith(added.id)} == before
        result = run(corpus, Path(tmp) / "out", Config())
        assert "good" in result.processed
        if added.id in result.failed:
            assert "internal error" not in result.failed[added.id], result.failed[added.id]
        else:
            assert added.id in result.processed


@pytest.mark.slow
@FUZZ
@given(
    which=st.sampled_from(["plain", "with_meta", "scanned", "owner_pw"]),
    how=st.sampled_from(["truncate", "overwrite", "insert"]),
    at=st.floats(min_value=0.0, max_value=1.0),
    junk=st.binary(min_size=1, max_size=64),
)
def test_fuzz_corrupted_pdfs_end_in_a_clear_error_or_a_processed_paper(
    pdfs, tmp_path: Path, which: str, how: str, at: float, junk: bytes
) -> None:
    source = tmp_path / f"{which}-{how}.pdf"
    source.write_bytes(_mutate(getattr(pdfs, which).read_bytes(), how, at, junk))
    _add_then_run(source)


@pytest.mark.slow
@FUZZ
@given(data=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(lambda t: t.encode("utf-8"))))
def test_fuzz_random_text_files_end_in_a_clear_error_or_a_processed_paper(tmp_path: Path, data: bytes) -> None:
    source = tmp_path / "random.txt"
    source.write_bytes(data)
    _add_then_run(source)
