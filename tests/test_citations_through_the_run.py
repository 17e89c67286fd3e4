"""Property: a callout broken by a paragraph, line or page break, in a paper read as `rescorpus run`
reads it, is found whole, linked, and its offsets give back its text in `outputs/text/<id>.txt`."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.annotate.layers import annotate
from pipeline.config import Config
from pipeline.extract import extract
from pipeline.run.jobs import paper_outputs

CALLOUTS = ["Jennings et al., 2005", "Jones et Spicer, 2009", "Tedmanson et al., 2012"]
REFS = (
    "Bibliographie\n\n"
    "Jennings, P. D., Greenwood, R. et Lounsbury, M. (2005). Institutions, entrepreneurs, and communities. "
    "Journal of Business Venturing, 20(3), 311-317.\n\n"
    "Jones, C. et Spicer, A. (2009). Unmasking the entrepreneur. Cheltenham : Edward Elgar.\n\n"
    "Tedmanson, D., Verduyn, K., Essers, C. et Gartner, W. B. (2012). Critical perspectives in "
    "entrepreneurship research. Organization, 19(5), 531-541.\n"
)
# a paragraph break, a hard line wrap, a page break with its page number
BREAKS = ["\n\n", "\n", "\n\f12\n"]


@given(cut=st.integers(min_value=0, max_value=10_000), kind=st.sampled_from(BREAKS), order=st.permutations(range(3)))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_callout_broken_anywhere_is_found_whole_at_valid_offsets(tmp_path: Path, cut: int, kind: str, order) -> None:
    inner = " ; ".join(CALLOUTS[i] for i in order)
    spaces = [i for i, ch in enumerate(inner) if ch == " "]
    at = spaces[cut % len(spaces)]
    body = ("Introduction\n\nL’entrepreneuriat est une pratique sociale ancrée dans les communautés locales "
            "(" + inner[:at] + kind + inner[at + 1 :] + ") qui engage des communautés entières.\n\n")
    path = tmp_path / "paper.txt"
    path.write_text(body + REFS, encoding="utf-8")
    extracted = extract(path)
    text = paper_outputs("paper", extracted)["text/paper.txt"]  # what the run writes
    spans = [json.loads(line) for line in annotate(extracted, Config(), "paper").splitlines()]
    for s in spans:
        assert text[s["start"] : s["end"]] == s["text"]
    citations = [s for s in spans if s["layer"] == "citation"]
    refs = {s["id"]: s["text"] for s in spans if s["layer"] == "reference"}
    assert sorted(" ".join(s["text"].split()) for s in citations) == sorted(CALLOUTS)
    assert all(refs[s["target"]].startswith(s["text"].split()[0]) for s in citations)
