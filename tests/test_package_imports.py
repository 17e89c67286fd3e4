"""The package's imports, read from its source (ast, every import, also inside functions and TYPE_CHECKING):
no circle, and no room imports a higher one (ARCHITECTURE.md draws the rooms and their order)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "pipeline"

# The rooms in the data's way, lowest first: a module may import its own room and lower ones only.
# Rooms of the same rank (annotate and its layer rooms) may import each other, but not in a circle.
RANKS = {
    "kernel": 0,  # pipeline/__init__, config, errors, files, spans, workers
    "extract": 1,  # reading a source file: PDF (PDFium, OCR) or text
    "corpus": 2,  # papers on disk: `add` reads a PDF's first page and flags with extract
    "annotate": 3,
    "citations": 3,
    "concepts": 3,
    "corpuslevel": 4,
    "evaluation": 5,
    "run": 6,
    "bench": 7,  # outside the stages: may use them and the run, no stage uses it
    "train": 7,
    "commands": 8,  # the shell
    "cli": 8,
}


def module_name(path: Path, package: Path = PACKAGE) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, modules: set[str], package_dir: Path = PACKAGE) -> set[str]:
    """Every module of the package that `path` imports, wherever the import statement is."""
    name = module_name(path, package_dir)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            # `from a import b` imports the module a.b when there is one, else a name defined in a
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:  # `import a.b.c` of a name: the nearest module
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    paths = sorted(package.rglob("*.py"))
    modules = {module_name(p, package) for p in paths}
    return {module_name(p, package): imported_modules(p, modules, package) for p in paths}


def room(module: str) -> str:
    parts = module.split(".")
    if len(parts) == 1:
        return "kernel"
    top = parts[1]
    if top in RANKS:
        return top
    assert len(parts) == 2, f"{module}: a sub-package with no room in RANKS; add it there and to ARCHITECTURE.md"
    return "kernel"


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component of more than one module (Tarjan), as a path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_package_imports_have_no_circle() -> None:
    found = cycles(import_graph())
    assert found == [], "modules that import each other in a circle: " + "; ".join(" <-> ".join(c) for c in found)


def upward(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a module in a higher room than the importer's."""
    return sorted(
        f"{module} ({room(module)}) imports {target} ({room(target)})"
        for module, targets in graph.items()
        for target in targets
        if RANKS[room(target)] > RANKS[room(module)]
    )


def test_package_imports_never_go_up_the_house() -> None:
    assert upward(import_graph()) == []


def test_package_imports_every_module_has_a_room() -> None:
    assert {room(m) for m in import_graph()} <= set(RANKS)


@pytest.mark.parametrize(
    "files, expected",
    [
        ({"a.py": "from pipeline.b import x\n", "b.py": "def f():\n    from pipeline.a import y\n"}, [["pipeline.a", "pipeline.b"]]),
        ({"a.py": "from pipeline import b\n", "b.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import pipeline.a\n"},
         [["pipeline.a", "pipeline.b"]]),
        ({"s/__init__.py": "", "s/a.py": "from . import b\n", "s/b.py": "from .a import x\n"}, [["pipeline.s.a", "pipeline.s.b"]]),
        ({"a.py": "from pipeline.b import x\n", "b.py": "import json\n"}, []),
    ],
)
def test_package_imports_the_walk_sees_every_kind_of_circle(tmp_path: Path, files: dict[str, str], expected) -> None:
    package = tmp_path / "pipeline"
    for rel, text in {"__init__.py": "", **files}.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    assert cycles(import_graph(package)) == expected


def test_package_imports_a_stage_importing_the_run_or_a_bench_is_upward(tmp_path: Path) -> None:
    package = tmp_path / "pipeline"
    files = {
        "__init__.py": "",
        "files.py": "from pipeline.corpus import add\n",  # the kernel imports no stage
        "corpus/__init__.py": "",
        "corpus/add.py": "from pipeline.files import x\n",
        "corpuslevel/__init__.py": "",
        "corpuslevel/aggregate.py": "def f():\n    from pipeline.run.workers import pool\n",
        "run/__init__.py": "",
        "run/workers.py": "from pipeline.corpuslevel import aggregate\n",
        "extract/__init__.py": "from pipeline.bench import erudit\n",
        "bench/__init__.py": "",
        "bench/erudit.py": "from pipeline.run import workers\n",
    }
    for rel, text in files.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    assert upward(import_graph(package)) == [
        "pipeline.corpuslevel.aggregate (corpuslevel) imports pipeline.run.workers (run)",
        "pipeline.extract (extract) imports pipeline.bench.erudit (bench)",
        "pipeline.files (kernel) imports pipeline.corpus.add (corpus)",
    ]
