"""Raised marks of PDFs (pipeline/extract/superscripts.py): Vancouver callouts written "crises²,³" and linked to the
numbered reference list, footnote calls written raised too but marked "note" in the structure and never counted
as citations, ordinals ("XIXe", "1er") kept whole.

The fixture is a two-page French paper rendered here (tests/render.py draws "^{...}" raised and smaller, glued to
the word before, as word processors and LaTeX set superscripts).
"""

from __future__ import annotations

import json
from pathlib import Path

from render import render_pdf

from pipeline.config import Config
from pipeline.corpus.add import add_paper
from pipeline.extract import extract
from pipeline.extract.superscripts import find_raised
from pipeline.run.runner import run

PAGE_1 = [
    "# 1. Introduction",
    "Les coopératives agricoles ont mieux résisté aux crises^{2,3} que les sociétés de capitaux, surtout au "
    "Maroc et en Corée^{4-5}. Depuis le XIX^{e} siècle, et encore au 1^{er} janvier 2020, leurs membres "
    "partagent les pertes^{1} plutôt que de vendre les terres.",
]
PAGE_2 = [
    "La confiance entre les membres explique cette résilience^{1}, comme les réseaux d'unions régionales^{6}.",
    "# Références",
    "1. Dupont J, Martin P. La résilience des coopératives agricoles. Revue d'économie sociale. 2019;12(3):45-60.",
    "2. Kim S. Cooperatives in the Korean crisis. Journal of Co-operative Studies. 2015;48(2):10-22.",
    "3. Alami R. Les coopératives marocaines face à la sécheresse. Annales du Maghreb. 2018;7:101-19.",
    "4. Lee H, Park J. Worker cooperatives and employment. Social Economy Review. 2016;5(1):1-15.",
    "5. Benali F. Coopératives féminines au Maroc. Cahiers de l'ESS. 2021;3:33-48.",
    "6. Birchall J. Resilience in a downturn. International Labour Office. 2009;1:1-40.",
]
FOOTNOTE = "1 Les entretiens ont été menés en 2019 auprès de quarante membres."


def render_paper(path: Path) -> Path:
    return render_pdf(path, [PAGE_1, PAGE_2], title="Coopératives et crises", footnotes=[[FOOTNOTE], []])


def test_raised_marks_found_beside_their_words(tmp_path):
    from pipeline.extract.pdf import WORD_Y_TOLERANCE
    from pipeline.extract.layout import WORD_GAP
    from pipeline.extract.pdfchars import read_document
    from pipeline.extract.words import page_words

    page = read_document(render_paper(tmp_path / "p.pdf"))[0]
    raised = find_raised(page_words(page.columns, WORD_GAP, WORD_Y_TOLERANCE))
    assert [(r.before, r.text) for r in raised] == [
        ("crises", "2,3"), ("Corée", "4-5"), ("XIX", "e"), ("1", "er"), ("pertes", "1"),
    ]  # the footnote's own "1" is set at the note's size on its baseline: not raised


def test_superscripts_written_raised_and_marked_in_the_structure(tmp_path):
    paper = extract(render_paper(tmp_path / "p.pdf"))
    text = paper.text
    assert "crises²,³ que" in text and "Corée⁴⁻⁵." in text and "pertes¹ plutôt" in text
    assert "XIXe siècle" in text and "1er janvier" in text  # raised letters stay letters: the word is whole
    marks = {text[a:b] + "@" + text[a - 4 : a]: kind for p in paper.paragraphs for a, b, kind in p.superscripts or ()}
    assert marks == {
        "²,³@ises": "raised", "⁴⁻⁵@orée": "raised", "e@ XIX": "raised", "er@au 1": "raised",
        "¹@rtes": "note",  # its note is printed on the page: a footnote call
        "¹@ence": "raised", "⁶@ales": "raised",  # page 2: no note there, Vancouver callouts
    }
    body = next(p for p in paper.paragraphs if text[p.start : p.end].startswith("Les coopératives"))
    assert all(body.start <= a < b <= body.end for a, b, _ in body.superscripts)


def test_superscript_callouts_link_to_the_numbered_list_and_footnote_calls_are_not_citations(tmp_path):
    corpus, out = tmp_path / "corpus", tmp_path / "out"
    add_paper(corpus, render_paper(tmp_path / "p.pdf"), paper_id="vancouver")
    result = run(corpus, out, Config())
    assert not result.failed
    text = (out / "text" / "vancouver.txt").read_text(encoding="utf-8")
    rows = [json.loads(line) for line in (out / "annotations" / "vancouver.jsonl").read_text(encoding="utf-8").splitlines()]
    references = {r["id"]: r for r in rows if r["layer"] == "reference"}
    assert len(references) == 6
    number_of = {ref_id: int(r["text"].split(".")[0]) for ref_id, r in references.items()}
    cited = [(r["text"], sorted(number_of[t] for t in r.get("targets", [r["target"]])))
             for r in rows if r["layer"] == "citation"]
    assert cited == [("²,³", [2, 3]), ("⁴⁻⁵", [4, 5]), ("¹", [1]), ("⁶", [6])]
    call = text.index("pertes¹") + len("pertes")
    assert not any(r["start"] <= call < r["end"] for r in rows if r["layer"] == "citation")  # the footnote call
    structure = json.loads((out / "text" / "vancouver.json").read_text(encoding="utf-8"))
    kinds = [kind for p in structure["paragraphs"] for _, _, kind in p.get("superscripts", [])]
    assert kinds.count("note") == 1 and kinds.count("raised") == 6
