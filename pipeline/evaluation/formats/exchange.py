"""Round trips with the tools scholars correct annotations in: INCEpTION (UIMA CAS XMI) and brat.

`export_paper` writes a paper's text with its predicted (or gold) spans; `import_annotations`
reads the corrected file back as a gold-format file (header + spans), re-anchored to the
current normalised text when the file's text differs. Export then import gives the same spans.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline import errors
from pipeline.corpus.papers import folder_names
from pipeline.errors import InputError
from pipeline.evaluation.gold import (
    Gold,
    gold_files,
    load_gold_file,
    make_gold,
    paper_text,
    reanchor,
    save_gold,
    whole_text_regions,
)
from pipeline.evaluation.formats import Annotated
from pipeline.evaluation.formats.brat import brat_config, read_brat, write_brat
from pipeline.evaluation.formats.xmi import TYPESYSTEM_FILE, read_xmi, read_xmi_zip, write_xmi, write_xmi_zip
from pipeline.files import atomic_write_text
from pipeline.files import EXPORTS
from pipeline.spans import Span, read_jsonl

FORMATS = ("inception", "brat")


@dataclass(frozen=True)
class Exported:
    """What `export_paper` wrote, from which spans, and the gold spans it could not place."""

    files: tuple[Path, ...]
    spans: int
    source: str  # "predicted" or "gold"
    not_found: tuple[Span, ...] = ()


@dataclass(frozen=True)
class Imported:
    """What `import_annotations` wrote: the gold-format file, its spans, and how many it re-anchored."""

    path: Path
    gold: Gold
    moved: int
    replaced: bool


def export_paper(
    paper: str,
    fmt: str,
    out: str | Path,
    dest: str | Path | None = None,
    gold_dir: str | Path | None = None,
    corpus: str | Path | None = None,
) -> Exported:
    """Write `paper`'s text and spans for INCEpTION or brat into `dest` (default OUT/export/<fmt>).

    With `gold_dir`, the gold spans (re-anchored to the current text) are exported instead of
    the predicted ones of OUT/annotations. An id that is no paper of `corpus` (or, without it, of
    OUT/text) is refused naming the ids there, the closest first.
    """
    if fmt not in FORMATS:
        raise InputError(f"format {fmt!r}: use one of {', '.join(FORMATS)}")
    out = Path(out)
    check_paper_id(paper, out, corpus)
    text = paper_text(out, paper)
    not_found: tuple[Span, ...] = ()
    if gold_dir is not None:
        anchored = reanchor(load_gold_file(gold_files(gold_dir, [paper])[0]), text)
        spans, not_found, source = list(anchored.spans), anchored.not_found, "gold"
    else:
        pred = out / "annotations" / f"{paper}.jsonl"
        if not pred.exists():
            raise InputError(f"{pred}: no annotations for paper {paper}; run `rescorpus run` first (or pass --out)")
        spans, source = read_jsonl(pred), "predicted"
    dest = Path(dest) if dest is not None else out / EXPORTS / fmt
    if fmt == "inception":
        write_xmi(spans, text, dest / f"{paper}.xmi")
        write_xmi_zip(spans, text, dest / f"{paper}.zip", paper)
        files = (dest / f"{paper}.zip", dest / f"{paper}.xmi", dest / TYPESYSTEM_FILE)
    else:
        write_brat(spans, text, dest / f"{paper}.ann")
        atomic_write_text(dest / "annotation.conf", brat_config(s.label for s in spans))
        files = (dest / f"{paper}.txt", dest / f"{paper}.ann", dest / "annotation.conf")
    return Exported(files, len(spans), source, tuple(not_found))


def check_paper_id(paper: str, out: Path, corpus: str | Path | None = None) -> None:
    """Refuse an id that names no paper: of the corpus when there is one, else of OUT/text (what a run wrote).

    An id of the corpus without outputs yet passes: `paper_text` then says to run first."""
    if (out / "text" / f"{paper}.txt").is_file():
        return
    if corpus is not None and Path(corpus).is_dir():
        known, where = sorted(folder_names(Path(corpus))), Path(corpus)
    else:
        known, where = sorted(p.stem for p in (out / "text").glob("*.txt")), out / "text"
    if known and paper not in known:
        raise errors.unknown_paper(paper, known, where)


# An INCEpTION export of a 100-page paper is a few MB of XMI (its text ~1 MB, spans a few each);
# 256 MB unpacked is far past any paper, well short of what a zip bomb asks of the machine.
MAX_IMPORT_BYTES = 256 * 2**20
CHUNK = 2**20


def check_zip(path: Path, limit: int | None = None) -> None:
    """Refuse a zip whose entries unpack to more than `limit` bytes in all, counting what is inflated, not the headers."""
    limit = MAX_IMPORT_BYTES if limit is None else limit
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limit:
                raise _zip_too_big(path, limit, "its entries declare")
            total = 0
            for info in infos:
                with zf.open(info) as fh:  # headers may lie: count the bytes as they come
                    while chunk := fh.read(CHUNK):
                        total += len(chunk)
                        if total > limit:
                            raise _zip_too_big(path, limit, "it unpacks to")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, zlib.error, ValueError):
        raise InputError(f"{path}: not a readable zip; export the document again from INCEpTION") from None


def _zip_too_big(path: Path, limit: int, how: str) -> InputError:
    return InputError(
        f"{path}: {how} more than {limit // 2**20} MB (an INCEpTION export of one paper is a few MB; "
        "a zip bomb?): refused; export the document again from INCEpTION"
    )


def _check_size(path: Path) -> None:
    """Refuse an .xmi, .ann or .txt past the same bound (or that is not a regular file) before reading it."""
    st = path.stat()
    if not stat.S_ISREG(st.st_mode):
        raise InputError(f"{path}: not a regular file: refused; give the exported file itself")
    if st.st_size > MAX_IMPORT_BYTES:
        raise InputError(
            f"{path}: larger than {MAX_IMPORT_BYTES // 2**20} MB (one paper's annotations are a few MB): refused"
        )


def read_annotated(path: str | Path, text: str | None = None) -> Annotated:
    """Read an INCEpTION export (.zip or .xmi) or a brat document (.ann, .txt beside it) by its suffix.

    `text` is the text a brat .ann indexes when no .txt lies beside it.
    """
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file; check the path")
    suffix = path.suffix.lower()
    if suffix == ".zip":
        check_zip(path)
        return read_xmi_zip(path)
    _check_size(path)
    if suffix == ".xmi":
        return read_xmi(path)
    if suffix in (".ann", ".txt"):
        beside = path.with_suffix(".txt").exists()
        if beside:
            _check_size(path.with_suffix(".txt"))
        return read_brat(path, text=None if beside else text)
    raise InputError(
        f"{path}: '{path.suffix}' files cannot be imported; give an INCEpTION export (.zip or .xmi) "
        "or a brat .ann (with its .txt beside it)"
    )


def import_annotations(
    path: str | Path,
    paper: str,
    out: str | Path,
    gold_dir: str | Path,
    as_gold: bool = False,
    annotator: str | None = None,
    dest: str | Path | None = None,
    source_sha256: str | None = None,
) -> Imported:
    """Read a corrected INCEpTION or brat file and write it as a gold-format file for `paper`.

    With `as_gold` it becomes (or replaces) GOLD/<paper>.jsonl, keeping the regions and
    annotator of the gold file it replaces; otherwise it goes to `dest`
    (default OUT/imported/<paper>.<annotator>.jsonl), e.g. for `rescorpus agree`.
    """
    path, gold_dir = Path(path), Path(gold_dir)
    text = paper_text(out, paper)
    doc = read_annotated(path, text)
    doc_text = text if doc.text is None else doc.text
    target = gold_dir / f"{paper}.jsonl"
    previous = reanchor(load_gold_file(target), text).gold if as_gold and target.exists() else None
    who = annotator or (previous.annotator if previous else None)
    if not who:
        if as_gold:
            raise InputError(f"{target} is new: say who corrected the annotations with --annotator NAME")
        who = path.stem
    who = re.sub(r"[^\w.-]+", "_", who).strip("._") or "annotator"
    gold = make_gold(paper, doc.spans, doc_text, who, regions=whole_text_regions(doc_text))
    moved = 0
    if doc_text != text:
        anchored = reanchor(gold, text)
        if anchored.not_found:
            sample = "; ".join(f"{s.label} {s.text!r}" for s in anchored.not_found[:5])
            raise InputError(
                f"{path}: its text differs from {Path(out) / 'text' / (paper + '.txt')} and "
                f"{len(anchored.not_found)} span(s) cannot be found in the current text ({sample}); "
                "export the paper again, carry the corrections over, and import that"
            )
        gold, moved = anchored.gold, anchored.moved
    gold = replace(
        gold,
        regions=previous.regions if previous else whole_text_regions(text),
        guidelines=previous.guidelines if previous else gold.guidelines,
        header_extra=previous.header_extra if previous else {},
        source_sha256=(previous.source_sha256 if previous else None) or source_sha256,
    )
    written = target if as_gold else Path(dest) if dest else Path(out) / EXPORTS / "imported" / f"{paper}.{who}.jsonl"
    replaced = written.exists()
    save_gold(gold, written)
    return Imported(written, gold, moved, replaced)
