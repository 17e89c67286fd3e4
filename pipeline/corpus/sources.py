"""Is each paper's source still the file that was added? Its sha256 against the one paper.json records,
hashed again only when the file's size, mtime, ctime or inode changed since the last run looked."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pipeline.corpus.papers import Paper
from pipeline.files import atomic_write_text, dumps_json, sha256_file

SEEN = "_sources.json"  # OUT/.cache/_sources.json: id -> {"stat": [...], "sha256": ...} (ids never start with "_")


def changed_reason(paper: Paper) -> str:
    """What to tell the user about a paper whose source is no longer the file that was added."""
    return (
        f"{paper.source.name} changed since it was added (its sha256 is not the one in paper.json): "
        f"to use the new file, remove {paper.folder}/ and add the file again "
        f"(`rescorpus add FILE --id {paper.id}`), or put the original file back"
    )


class SourceCheck:
    """Sources' sha256, remembered in the cache by their stat so that an unchanged file is not read again."""

    def __init__(self, cache: Path | None = None) -> None:
        self.path = Path(cache) / SEEN if cache is not None else None
        self.seen: dict[str, dict] = {}
        self.dirty = False
        if self.path is not None:
            try:
                loaded = json.loads(self.path.read_text(encoding="utf-8"))
                self.seen = loaded if isinstance(loaded, dict) else {}
            except (OSError, ValueError):
                pass

    def sha256(self, paper: Paper) -> str:
        """The source's sha256 now (raises OSError when it cannot be read)."""
        st = os.stat(paper.source)
        stat = [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]
        known = self.seen.get(paper.id)
        if isinstance(known, dict) and known.get("stat") == stat and isinstance(known.get("sha256"), str):
            return known["sha256"]
        digest = sha256_file(paper.source)
        self.seen[paper.id] = {"sha256": digest, "stat": stat}
        self.dirty = True
        return digest

    def changed(self, paper: Paper) -> bool:
        return self.sha256(paper) != paper.sha256

    def save(self, ids: set[str]) -> None:
        """Keep what was seen of the papers in `ids` (none of those gone from the corpus)."""
        if self.path is None:
            return
        kept = {pid: self.seen[pid] for pid in sorted(self.seen) if pid in ids}
        if self.dirty or kept != self.seen:
            atomic_write_text(self.path, dumps_json(kept))
