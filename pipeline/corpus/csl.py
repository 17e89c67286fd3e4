"""CSL-JSON metadata as paper.json holds it: names, years, languages and DOIs, checked and made safe to read."""

from __future__ import annotations

import re
from typing import Any

from pipeline import errors

LANG_RE = re.compile(r"[a-z]{2,3}(-[a-z0-9]{2,8})*")
DOI_PREFIX = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
NAME_PARTS = ("family", "given", "literal", "non-dropping-particle", "dropping-particle", "suffix")


def set_metadata(csl: dict[str, Any], **given: Any) -> None:
    """Validate the caller's metadata and write it into `csl` in CSL-JSON names."""
    if given["title"] is not None and given["title"].strip():
        csl["title"] = " ".join(given["title"].split())
    if given["authors"]:
        csl["author"] = [parse_name(a) if isinstance(a, str) else dict(a) for a in given["authors"]]
    if given["year"] is not None:
        csl["issued"] = {"date-parts": [[parse_year(given["year"])]]}
    if given["lang"] is not None:
        lang = str(given["lang"]).strip().lower().replace("_", "-")
        if not LANG_RE.fullmatch(lang):
            raise errors.bad_language(given["lang"])
        csl["language"] = lang
    if given["doi"]:
        csl["DOI"] = DOI_PREFIX.sub("", given["doi"].strip())
    if given["url"]:
        csl["URL"] = given["url"].strip()
    csl["type"] = given["csl_type"] or csl.get("type") or "article"


def parse_year(value: int | str) -> int:
    """A publication year from 1000 to 2999, given as a number or a string that holds one."""
    m = re.search(r"(?<!\d)([12]\d{3})(?!\d)", str(value))
    if not m or (isinstance(value, int) and str(value) != m.group(1)):
        raise errors.bad_year(value)
    return int(m.group(1))


def parse_name(name: str) -> dict[str, str]:
    """'Family, Given' or 'Given Family' as CSL {family, given}; one word is a family name."""
    name = " ".join(name.split())
    if "," in name:
        family, given = (p.strip() for p in name.split(",", 1))
    else:
        given, _, family = name.rpartition(" ")
    return {"family": family, "given": given} if given else {"family": family}


def csl_names(value: Any) -> list[dict[str, str]]:
    """A CSL name list as read from a (maybe hand-edited) paper.json, made safe to read.

    One name or a list; a string is parsed as 'Family, Given' ("Doe, John; Roe, Ann" splits on ';'),
    a dict keeps its CSL name parts as strings; anything else is dropped. Every reader of
    paper.json's authors goes through here, so a hand edit cannot abort a stage.
    """
    items = value if isinstance(value, list) else [value] if value else []
    names = []
    for item in items:
        if isinstance(item, str):
            names += [parse_name(n) for n in item.split(";") if n.strip()]
        elif isinstance(item, dict):
            name = {k: _name_part(item[k]) for k in NAME_PARTS if item.get(k) not in (None, "")}
            if any(name.values()):
                names.append({k: v for k, v in name.items() if v})
    return names


def _name_part(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(_name_part(v) for v in value).strip()
    if isinstance(value, dict):
        return " ".join(_name_part(v) for _, v in sorted(value.items())).strip()
    return " ".join(str(value).split())
