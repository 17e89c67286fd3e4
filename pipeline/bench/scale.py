"""Scale benchmarks: a big corpus run with --jobs 1 and 2, reruns, one added paper, tagging speed.

Every heavy measurement runs in its own Python process, so its time includes
what a user waits for and its peak memory is that run's alone. The big corpus is
made of real texts from ../shared/devset/erudit when it is there (pipeline.bench.erudit_corpus,
written to a temp folder), else of synthetic papers made here from sentence pools
(pipeline.bench.synthetic). The rerun and add-one corpora stay synthetic.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pipeline.bench.synthetic import have_fpdf, add_synthetic, synthetic_corpus

GROBID_SECONDS_PER_PDF = (0.24, 0.31)  # published figure, 4 CPUs / 8 threads
TARGETS = {"speedup": 1.7, "peak_mb": 1536.0, "rerun_seconds": 2.0, "add_ratio": 1.2}

# ---------------------------------------------------------------- measuring in a child process

CHILD = "import json, sys; from pipeline.bench import scale as b; print(json.dumps(b.{func}(*json.loads(sys.argv[1]))))"


def snapshot_code(dest: Path) -> Path:
    """Copy the package (and annotations/) to `dest`: the children then run one fixed code version.

    The cache key holds a hash of the code, so an edit to the tree during a
    benchmark would otherwise make a "no-change" rerun process every paper.
    """
    import pipeline

    repo = Path(pipeline.__file__).resolve().parents[1]
    shutil.copytree(repo / "pipeline", Path(dest) / "pipeline", ignore=shutil.ignore_patterns("__pycache__"))
    if (repo / "annotations").is_dir():
        shutil.copytree(repo / "annotations", Path(dest) / "annotations")
    return Path(dest)


def _child(func: str, *args: object, code: Path | None = None) -> dict:
    """Call `pipeline.bench.scale.<func>(*args)` in a fresh Python; its dict, plus wall time and peak memory.

    `code`: a snapshot from `snapshot_code`, imported instead of the installed package (it is the child's cwd).
    """
    cmd = [sys.executable, "-c", CHILD.format(func=func), json.dumps([str(a) if isinstance(a, Path) else a for a in args])]
    env = os.environ | ({"PYTHONPATH": str(code)} if code else {})
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=code, env=env)
    sampler = _TreeSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    sampler.stop()
    if proc.returncode != 0:
        raise RuntimeError(f"benchmark child {func} failed:\n{err[-2000:]}")
    result = json.loads(out.strip().splitlines()[-1])
    return result | {"process_seconds": round(wall, 3), "tree_peak_mb": round(sampler.peak_kb / 1024, 1)}


class _TreeSampler(threading.Thread):
    """Polls the memory of a process and all its descendants (Linux /proc): the sum of their proportional
    set sizes, so pages forked workers share with their parent (the models) count once, not once per process.

    Reading smaps_rollup walks a process's page tables (about 15 ms for 400 MB here): polled every 50 ms
    over three processes it took most of a core from the run it measured, and most from `--jobs 2`, whose
    workers had both cores. So the pause after each sample is at least `share`^-1 times what the sample
    cost: the sampler takes at most `share` of one core."""

    def __init__(self, pid: int, every: float = 0.05, share: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.pid, self.every, self.share, self.peak_kb = pid, every, share, 0
        self._done = threading.Event()

    def run(self) -> None:
        while not self._done.is_set():
            started = time.perf_counter()
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(self.pid))
            self._done.wait(max(self.every, (time.perf_counter() - started) / self.share))

    def stop(self) -> None:
        self._done.set()
        self.join()


def _tree_rss_kb(pid: int) -> int:
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            total += _memory_kb(p)
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (OSError, ValueError):
            continue
    return total


def _memory_kb(pid: int) -> int:
    """Pss of one process (VmRSS where the kernel has no smaps_rollup)."""
    try:
        rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        return next(int(line.split()[1]) for line in rollup.splitlines() if line.startswith("Pss:"))
    except (OSError, StopIteration):
        status = Path(f"/proc/{pid}/status").read_text()
        return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:")), 0)


def _maxrss_mb() -> dict:
    """Peak memory of this process and of its largest finished child (ru_maxrss: KiB on Linux), and CPU seconds."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"self_peak_mb": round(own.ru_maxrss / 1024, 1), "largest_child_peak_mb": round(kids.ru_maxrss / 1024, 1),
            "self_cpu_seconds": round(own.ru_utime + own.ru_stime, 2),
            "children_cpu_seconds": round(kids.ru_utime + kids.ru_stime, 2)}


def child_run(corpus: str, out: str, jobs: int) -> dict:
    """One `run` of the corpus (in a child process): its times, counts, memory and whether spaCy was imported."""
    from pipeline.config import Config
    from pipeline.run.runner import run

    started = time.perf_counter()
    result = run(Path(corpus), Path(out), Config(), jobs=int(jobs))
    return {
        "seconds": round(time.perf_counter() - started, 3),
        "papers_seconds": round(result.seconds, 3),
        "processed": len(result.processed),
        "cached": len(result.cached),
        "failed": len(result.failed),
        "spacy_imported": "spacy" in sys.modules,
        "code": str(Path(sys.modules["pipeline"].__file__).parent),
        **_maxrss_mb(),
    }


def child_tagging(corpus: str, limit: int) -> dict:
    """Words per second of the annotation stage on already extracted papers (models loaded beforehand),
    split into the Doc (spaCy) and each layer component (citations, concepts) where they exist."""
    from pipeline.annotate.nlp import build_doc
    from pipeline.config import Config
    from pipeline.corpus.papers import iter_papers
    from pipeline.extract import extract

    config = Config()
    papers = list(iter_papers(Path(corpus)))[: int(limit)]
    extracted = [(p.id, extract(p.source)) for p in papers]
    components = _layer_components(config)
    load_started = time.perf_counter()
    doc = build_doc(extracted[0][1], config.models, extracted[0][0])  # loads the models: timed apart
    for _, component in components:
        component(doc)
    load = time.perf_counter() - load_started
    seconds = {"doc": 0.0} | {name: 0.0 for name, _ in components}
    for paper_id, ex in extracted:
        started = time.perf_counter()
        doc = build_doc(ex, config.models, paper_id)
        seconds["doc"] += time.perf_counter() - started
        for name, component in components:
            started = time.perf_counter()
            doc = component(doc)
            seconds[name] += time.perf_counter() - started
    total = sum(seconds.values())
    words = sum(len(ex.text.split()) for _, ex in extracted)
    return {"papers": len(extracted), "words": words, "seconds": round(total, 3),
            "words_per_second": round(words / total, 1) if total else None,
            "stage_seconds": {k: round(v, 3) for k, v in seconds.items()},
            "stage_seconds_per_paper": {k: round(v / len(extracted), 4) for k, v in seconds.items()},
            "first_paper_seconds_with_model_loading": round(load, 3)}


def _layer_components(config) -> list[tuple[str, object]]:
    """The layer components (citations, concepts) as `annotate` runs them."""
    from pipeline.annotate.layers import layers_for

    return list(layers_for(config).pipeline)


# ---------------------------------------------------------------- the benchmark


def bench_scale(
    n: int = 1000,
    jobs: Sequence[int] = (1, 2),
    rerun_n: int = 100,
    seed: int = 0,
    words: int = 1500,
    work: Path | None = None,
    snapshot: bool = True,
    tagging: bool = True,
    devset: Path | None = None,
) -> dict:
    """Figures for the scale targets of issue 7, each from its own child process; see `rows` for a table.

    `snapshot`: run a copy of the code taken at the start (see `snapshot_code`).
    `tagging`: also time the annotation stage on up to 50 of the papers (`child_tagging`).
    `devset`: the Érudit XML folder (default ../shared/devset/erudit beside the repo); when it exists the
    big corpus is made of its real texts (`pipeline.bench.erudit_corpus`), else of synthetic papers; `corpus` says which.
    """
    own = work is None
    work = Path(tempfile.mkdtemp(prefix="rescorpus-bench-")) if own else Path(work)
    try:
        figures: dict = {"machine": machine(), "n": n, "rerun_n": rerun_n, "words_per_paper": words, "load": {}}
        figures["load"]["start"] = _load()
        code = snapshot_code(work / "code") if snapshot else None
        started = time.perf_counter()
        big, figures["corpus"] = scale_corpus(work / "big", n, seed, words, devset)
        figures["generate_seconds"] = round(time.perf_counter() - started, 2)
        figures["pdf_papers"] = len(list(big.glob("*/source.pdf")))
        runs = figures["runs"] = {}
        for j in jobs:
            runs[str(j)] = _child("child_run", big, work / f"out-big-{j}", j, code=code) | {"load_after": _load()}
            runs[str(j)]["papers_per_second"] = round(n / runs[str(j)]["seconds"], 2)
            _keep(work, figures)
        if "1" in runs and "2" in runs:
            figures["speedup_jobs2"] = round(runs["1"]["seconds"] / runs["2"]["seconds"], 3)
        if tagging:
            figures["tagging"] = _child("child_tagging", big, min(n, 50), code=code)
            _keep(work, figures)
        if rerun_n == n:  # the big corpus, already run: its last run filled the cache
            small, out = big, work / f"out-big-{jobs[-1]}"
            figures["rerun"] = {"again": _child("child_run", small, out, jobs[-1], code=code)}
        else:
            small, out = synthetic_corpus(work / "small", rerun_n, seed, words), work / "out-small"
            figures["rerun"] = _rerun(small, out, max(jobs), code)
        _keep(work, figures)
        figures["add_one"] = _add_one(work, small, out, rerun_n, seed, words, code)
        figures["reference"] = {"name": "GROBID (published)", "seconds_per_pdf": list(GROBID_SECONDS_PER_PDF),
                                "machine": "4 CPUs / 8 threads"}
        figures["load"]["end"] = _load()
        figures["rows"] = rows(figures)
        return figures
    finally:
        if own:
            shutil.rmtree(work, ignore_errors=True)


def scale_corpus(dest: Path, n: int, seed: int = 0, words: int = 1500, devset: Path | None = None) -> tuple[Path, dict]:
    """The big corpus in `dest`/corpus: real texts from the Érudit devset when it is there, else synthetic
    papers; and a dict saying which (source, distinct papers, repeats, a one-line summary)."""
    from pipeline.bench import erudit_corpus as bench_erudit

    folder = Path(devset) if devset else bench_erudit.default_devset()
    if folder.is_dir() and any(folder.glob("*.xml")):
        layouts = () if not have_fpdf() else None
        made = bench_erudit.build_corpus(Path(dest) / "corpus", n, layouts=layouts, seed=seed, devset=folder)
        repeats = sum(1 for g in made if g.repeat)
        return Path(dest) / "corpus", {"source": "erudit", "devset": str(folder), "papers": n,
                                       "distinct": n - repeats, "repeats": repeats,
                                       "summary": bench_erudit.summary(made)}
    corpus = synthetic_corpus(dest, n, seed, words)
    return corpus, {"source": "synthetic", "devset": str(folder), "papers": n, "distinct": n, "repeats": 0,
                    "summary": f"{n} synthetic papers (no Érudit devset at {folder})"}


def _keep(work: Path, figures: dict) -> None:
    """The figures so far, in `work`/figures.json: a benchmark stopped half-way keeps what it measured."""
    (work / "figures.json").write_text(json.dumps(figures, indent=1, sort_keys=True), encoding="utf-8")


def _rerun(corpus: Path, out: Path, jobs: int, code: Path | None) -> dict:
    """A no-change rerun of a corpus, after a first run that filled the cache."""
    first = _child("child_run", corpus, out, jobs, code=code)
    again = _child("child_run", corpus, out, jobs, code=code)
    return {"first": first, "again": again}


def _add_one(work: Path, corpus: Path, out: Path, n: int, seed: int, words: int, code: Path | None) -> dict:
    """Adding paper n to the `n`-paper corpus (already run to `out`), against that paper alone in an empty corpus."""
    add_synthetic(corpus, work / "staging", n, seed, words)
    added = _child("child_run", corpus, out, 1, code=code)
    alone = work / f"alone-{n}"  # a fresh corpus holding only that paper
    add_synthetic(alone / "corpus", alone, n, seed, words)
    single = _child("child_run", alone / "corpus", work / f"out-alone-{n}", 1, code=code)
    ratio = added["process_seconds"] / single["process_seconds"]
    return {"added_to_corpus": added, "alone": single, "ratio": round(ratio, 3),
            "ratio_in_run": round(added["seconds"] / single["seconds"], 3)}


def machine() -> dict:
    return {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
            "processor": platform.processor() or platform.machine()}


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def rows(f: dict) -> list[dict]:
    """The figures as table rows: what, value, unit, target and whether it is met (None: no target)."""
    out: list[dict] = []

    def row(what: str, value: float | None, unit: str, target: str = "", met: bool | None = None) -> None:
        out.append({"figure": what, "value": value, "unit": unit, "target": target, "met": met})

    if "corpus" in f:
        c = f["corpus"]
        where = "Érudit devset, real texts" if c["source"] == "erudit" else "synthetic: no Érudit devset found"
        row(f"scale corpus ({where}): distinct papers", c["distinct"], "papers")
        row(f"scale corpus ({where}): repeats", c["repeats"], "papers")
    for j, r in sorted(f.get("runs", {}).items()):
        row(f"run {f['n']} papers --jobs {j}", r["seconds"], "s")
        row(f"run {f['n']} papers --jobs {j}", r["papers_per_second"], "papers/s")
        row(f"peak memory --jobs {j} (process tree)", r["tree_peak_mb"], "MB",
            f"< {TARGETS['peak_mb']:.0f} MB", r["tree_peak_mb"] < TARGETS["peak_mb"])
    if "speedup_jobs2" in f:
        s = f["speedup_jobs2"]
        row("speed-up --jobs 2 / --jobs 1", s, "x", f">= {TARGETS['speedup']}", s >= TARGETS["speedup"])
    if "rerun" in f:
        again = f["rerun"]["again"]
        row(f"no-change rerun, {f['rerun_n']} papers (whole command)", again["process_seconds"], "s",
            f"< {TARGETS['rerun_seconds']} s", again["process_seconds"] < TARGETS["rerun_seconds"])
        row(f"no-change rerun, {f['rerun_n']} papers (inside run())", again["seconds"], "s")
    if "add_one" in f:
        a = f["add_one"]
        row(f"add 1 paper to {f['rerun_n']} / that paper alone", a["ratio"], "x",
            f"<= {TARGETS['add_ratio']}", a["ratio"] <= TARGETS["add_ratio"])
    if "tagging" in f:
        row("tagging (annotation stage)", f["tagging"]["words_per_second"], "words/s")
    for name, value in f.get("tagging", {}).get("stage_seconds_per_paper", {}).items():
        row(f"annotation: {name.removeprefix('rescorpus_')}", value, "s/paper")
    if "reference" in f:
        lo, hi = f["reference"]["seconds_per_pdf"]
        row(f"GROBID, published ({f['reference']['machine']})", hi, f"s/PDF ({lo}-{hi})")
    return out
