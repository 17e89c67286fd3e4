"""refextract against our reference lists, scored on the gold set's reference entries in the same run.

refextract (INSPIRE's reference extractor, PyPI) reads a PDF through poppler's
`pdftotext`. Its `pypdf<7` pin clashes with ours, so it runs in its own Python
(a separate venv, `--refextract-python`), in a child process; when that Python,
refextract or `pdftotext` is missing the result says so instead of failing.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from rapidfuzz import fuzz

REFEXTRACT_PIN = "refextract==1.1.7"
REFEXTRACT_VENV = Path(".venv-refextract")  # default home of its Python, beside the repo's .venv
INSTALL_HINT = (f"python3.11 -m venv {REFEXTRACT_VENV} && {REFEXTRACT_VENV}/bin/pip install {REFEXTRACT_PIN}, "
                "then pass --refextract-python (refextract pins pypdf<7, we pin 7.1.1)")
TITLE_MATCH = 90  # rapidfuzz ratio on normalised titles that counts as the same title

# Runs in refextract's Python: warm up its knowledge bases, then one timed call per PDF; prints JSON.
CHILD = """import json, sys, time
from refextract import extract_references_from_file, extract_references_from_string
extract_references_from_string("Ostrom, E. (1990). Governing the Commons. Cambridge University Press.")
out = {}
for path in sys.argv[1:]:
    start = time.perf_counter()
    found = extract_references_from_file(path)
    seconds = time.perf_counter() - start
    entries, last = [], None
    for item in found:  # one item per parsed element; consecutive items of one raw entry are merged
        raw = " ".join(item.get("raw_ref", []))
        if raw != last:
            entries.append({"text": raw, "authors": [], "year": "", "title": ""})
            last = raw
        entry = entries[-1]
        entry["authors"] += item.get("author", [])
        entry["year"] = entry["year"] or (item.get("year") or [""])[0]
        entry["title"] = entry["title"] or (item.get("title") or [""])[0]
    out[path] = {"seconds": seconds, "entries": entries}
print(json.dumps(out))
"""


@dataclass(frozen=True)
class Entry:
    """A reference entry as a tool parsed it: first author as written, year, title ('' when not given)."""

    first_author: str
    year: str
    title: str
    text: str = ""


@dataclass(frozen=True)
class Score:
    """One tool on one paper's gold reference list."""

    paper: str
    gold: int
    found: int
    matched: int  # gold entries with a found entry of the same first-author surname and year
    titles_gold: int  # matched gold entries that have a title
    titles_matched: int  # of those, the found entry's title is the gold title (fuzzy, normalised)
    seconds: float
    gives_titles: bool

    def to_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class RefextractBench:
    """Both tools on the gold papers found in the PDF folder, or why refextract was skipped."""

    ours: tuple[Score, ...]
    refextract: tuple[Score, ...]
    skipped: str = ""  # why refextract did not run ('' when it did)
    version: str = ""

    def to_json(self) -> dict:
        return {"ours": [s.to_json() for s in self.ours], "refextract": [s.to_json() for s in self.refextract],
                "skipped": self.skipped, "version": self.version}


def gold_papers(
    gold_files: Iterable[Path], pdfs: Iterable[Path], texts: Mapping[Path, str] | None = None
) -> dict[Path, tuple[str, list[Entry]]]:
    """PDF -> (gold paper name, gold reference entries) for every gold file whose source_sha256 is one of the
    PDFs, or whose text_sha256 is the normalised text we extract from one (`texts`: a re-saved PDF, same text)."""
    by_hash = {hashlib.sha256(p.read_bytes()).hexdigest(): p for p in sorted(pdfs)}
    by_text = {hashlib.sha256(t.encode("utf-8")).hexdigest(): p for p, t in sorted((texts or {}).items())}
    found = {}
    for gold in sorted(gold_files):
        lines = [json.loads(line) for line in gold.read_text(encoding="utf-8").splitlines() if line.strip()]
        header = next((r for r in lines if r.get("header")), {})
        pdf = by_hash.get(header.get("source_sha256", "")) or by_text.get(header.get("text_sha256", ""))
        refs = [r for r in lines if r.get("layer") == "reference"]
        if pdf is not None and refs:
            found[pdf] = (header.get("paper", gold.stem), [entry_of(r) for r in refs])
    return found


def entry_of(attrs: Mapping) -> Entry:
    """An entry from span attributes (ours, the gold set): authors[0], year, title, text."""
    authors = attrs.get("authors") or []
    first = authors[0] if authors else ""
    if isinstance(first, Mapping):  # {"family": ..., "given": ...}
        first = first.get("family", "")
    return Entry(str(first), str(attrs.get("year") or ""), str(attrs.get("title") or ""), str(attrs.get("text") or ""))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


def _year(text: str) -> str:
    match = re.search(r"(1[5-9]|20)\d\d", text)
    return match.group(0) if match else ""


def _same_author(gold: Entry, found: Entry) -> bool:
    """The gold first author's surname, as whole words, near the start of the found first author
    (or of the entry's text when the tool parsed no author)."""
    surname = _norm(gold.first_author)
    where = _norm(found.first_author or found.text)[: len(surname) + 25]
    return bool(surname) and re.search(rf"\b{re.escape(surname)}\b", where) is not None


def score(paper: str, gold: Sequence[Entry], found: Sequence[Entry], seconds: float) -> Score:
    """Match each gold entry to one unused found entry of the same first author and year, in order."""
    used: set[int] = set()
    matched = titles_gold = titles_matched = 0
    for g in gold:
        hit = next((i for i, f in enumerate(found) if i not in used and _year(g.year) == _year(f.year)
                    and _year(g.year) and _same_author(g, f)), None)
        if hit is None:
            continue
        used.add(hit)
        matched += 1
        if g.title:
            titles_gold += 1
            titles_matched += fuzz.ratio(_norm(g.title), _norm(found[hit].title)) >= TITLE_MATCH
    return Score(paper, len(gold), len(found), matched, titles_gold, titles_matched, round(seconds, 3),
                 any(f.title for f in found))


def refextract_python(given: Path | None = None) -> Path:
    """The Python that runs refextract: the one given, else .venv-refextract's when it exists, else this one."""
    if given is not None:
        return Path(given)
    venv = REFEXTRACT_VENV / "bin" / "python"
    return venv if venv.exists() else Path(sys.executable)


def why_not(python: Path) -> str:
    """Why refextract cannot run with this Python ('' when it can)."""
    if not Path(python).exists():
        return f"{python}: no such Python; {INSTALL_HINT}"
    if shutil.which("pdftotext") is None:
        return "pdftotext not found: refextract needs poppler (apt-get install poppler-utils)"
    probe = subprocess.run([str(python), "-c", "import refextract"], capture_output=True, text=True)
    if probe.returncode != 0:
        return f"refextract not installed for {python}; {INSTALL_HINT}"
    return ""


def run_refextract(python: Path, pdfs: Sequence[Path]) -> tuple[dict[Path, tuple[list[Entry], float]], str]:
    """refextract's entries and seconds for each PDF, and its version, from one child process."""
    proc = subprocess.run([str(python), "-c", CHILD, *map(str, pdfs)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"refextract failed:\n{proc.stderr[-2000:]}")
    data = json.loads(proc.stdout.strip().splitlines()[-1])
    version = subprocess.run([str(python), "-c", "from importlib.metadata import version; print(version('refextract'))"],
                             capture_output=True, text=True).stdout.strip()
    result = {}
    for path in pdfs:
        item = data[str(path)]
        entries = [Entry((e["authors"] or [""])[0], e["year"], e["title"], e["text"]) for e in item["entries"]]
        result[path] = (entries, item["seconds"])
    return result, version


def bench_refextract(
    gold: Mapping[Path, tuple[str, list[Entry]]],
    ours: Mapping[Path, tuple[list[Entry], float]],
    python: Path | None = None,
) -> RefextractBench:
    """Score our entries (`ours`: PDF -> entries, seconds) and refextract's on the gold papers."""
    pdfs = sorted(p for p in gold if p in ours)
    our_scores = tuple(score(gold[p][0], gold[p][1], *ours[p]) for p in pdfs)
    python = refextract_python(python)
    reason = why_not(python) if pdfs else "no PDF of the folder (by source_sha256 or text_sha256) has a gold reference list"
    if reason:
        return RefextractBench(our_scores, (), reason)
    theirs, version = run_refextract(python, pdfs)
    their_scores = tuple(score(gold[p][0], gold[p][1], *theirs[p]) for p in pdfs)
    return RefextractBench(our_scores, their_scores, "", version)
