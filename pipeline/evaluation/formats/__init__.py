"""Span formats, each as generate/write/read: JSON lines (pipeline.spans), brat standoff, UIMA CAS XMI."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.spans import Span


@dataclass(frozen=True)
class Annotated:
    """A text and its spans, as read back from a format that carries both (brat, XMI)."""

    text: str | None  # None when only annotations were read (a brat .ann stream without its .txt)
    spans: tuple[Span, ...]
