"""Shared fixtures: the real-world PDFs (skipped when absent), a tmp corpus, rendered fixture PDFs."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Callable
from typing import ClassVar
from dataclasses import dataclass
from pathlib import Path

import pytest
from render import render_encrypted, render_pdf, render_scanned, render_with_metadata

from pipeline.spans import Span

REPO = Path(__file__).resolve().parents[1]
REALWORLD = REPO.parent / "shared" / "realworld"
ERUDIT = REPO.parent / "shared" / "devset" / "erudit"
USER_PASSWORD = "s3cret"

BODY = (
    "Les coopératives traversent les crises mieux que les sociétés de capitaux : "
    "la résilience organisationnelle tient à la propriété collective et à la réserve impartageable."
)


def span_at(text: str, sub: str, label: str, layer: str = "concept", nth: int = 0, **attrs) -> Span:
    """The span of the `nth` occurrence of `sub` in `text` (tests build spans by their text, not by offsets)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return Span(layer, label, start, start + len(sub), sub, attrs)


def tree_state(root: Path) -> dict[str, str]:
    """Every path under `root` (hidden ones too) with the sha256 of its bytes, 'dir' for folders."""
    if not root.exists():
        return {}
    state = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        state[rel] = "dir" if path.is_dir() else hashlib.sha256(path.read_bytes()).hexdigest()
    return state


@pytest.fixture
def tree() -> Callable[[Path], dict[str, str]]:
    """`tree(path)`: a snapshot to compare before/after, byte for byte."""
    return tree_state


@pytest.fixture
def tesseract() -> None:
    """Tesseract with its French and English models, or skip (fail under CI, where the README's command installs it)."""
    from pipeline.extract import ocr

    if not ocr.available():
        why = f"Tesseract (fra, eng) is not installed: {ocr.INSTALL}"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)


@pytest.fixture
def chromium() -> str:
    """Debian's Chromium (the report's browser test), or skip (fail under CI, where the README's command installs it)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        why = "Debian's chromium is not installed (apt-get install chromium)"
        if os.environ.get("CI") == "true":
            pytest.fail(why)
        pytest.skip(why)
    return found


@pytest.fixture
def realworld() -> Path:
    """../shared/realworld next to the repo, or skip: the third-party PDFs are never copied into the repo."""
    if not (REALWORLD / "pdfs").is_dir():
        pytest.skip(f"real-world PDFs not found at {REALWORLD}")
    return REALWORLD


@pytest.fixture
def erudit() -> Path:
    """../shared/devset/erudit next to the repo, or skip: the third-party XML is never copied into the repo."""
    if not ERUDIT.is_dir() or not any(ERUDIT.glob("*.xml")):
        pytest.skip(f"Érudit devset XML not found at {ERUDIT}")
    return ERUDIT


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty corpus folder in tmp."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@dataclass(frozen=True)
class Fixtures:
    """Fixture sources rendered into tmp: good, protected, scanned and broken ones."""

    plain: Path  # a text PDF, no metadata
    with_meta: Path  # Title / Author / DOI in its document info
    user_pw: Path  # needs USER_PASSWORD to open
    owner_pw: Path  # owner restrictions only: opens without a password
    scanned: Path  # image only, no text layer
    damaged: Path  # a truncated copy of `plain`
    rtf: Path  # an RTF document named .pdf
    empty: Path  # 0 bytes
    text: Path  # a UTF-8 .txt
    password: ClassVar[str] = USER_PASSWORD  # of `user_pw`


@pytest.fixture(scope="session")
def _rendered(tmp_path_factory: pytest.TempPathFactory) -> Fixtures:
    d = tmp_path_factory.mktemp("fixtures")
    plain = render_pdf(d / "plain.pdf", [[BODY, BODY]])
    damaged = d / "damaged.pdf"
    damaged.write_bytes(plain.read_bytes()[: plain.stat().st_size // 3])
    rtf = d / "memoire.pdf"
    rtf.write_bytes(b"{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} Un m\\'e9moire.}\n")
    empty = d / "empty.pdf"
    empty.write_bytes(b"")
    text = d / "notes.txt"
    text.write_text("Résumé\n\n" + BODY + "\n", encoding="utf-8")
    return Fixtures(
        plain=plain,
        with_meta=render_with_metadata(
            d / "meta.pdf",
            BODY,
            title="Économie sociale et résilience des coopératives",
            author="Élinor Ostrom; Jean Dupont",
            subject="doi:10.1234/ess.2020.5",
        ),
        user_pw=render_encrypted(d / "locked.pdf", BODY, USER_PASSWORD),
        owner_pw=render_encrypted(d / "restricted.pdf", BODY, None),
        scanned=render_scanned(d / "scan.pdf"),
        damaged=damaged,
        rtf=rtf,
        empty=empty,
        text=text,
    )


@pytest.fixture
def pdfs(_rendered: Fixtures, tmp_path: Path) -> Fixtures:
    """The rendered fixtures copied into this test's tmp folder (tests may rename or damage them)."""
    d = tmp_path / "in"
    d.mkdir()
    copies = {}
    for name, path in vars(_rendered).items():
        copy = d / path.name
        copy.write_bytes(path.read_bytes())
        copies[name] = copy
    return Fixtures(**copies)
