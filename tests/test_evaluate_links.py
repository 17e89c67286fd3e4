"""Citation-link accuracy, reference field accuracy, corpus aggregation, reports, agreement."""

import functools
import json

import krippendorff

from conftest import span_at
from pipeline.evaluation.agreement import agreement
from pipeline.evaluation.evaluate import PaperInput, evaluate, evaluate_corpus, family_name, normalise_field
from pipeline.evaluation.gold import make_gold, save_gold
from pipeline.evaluation.goldset import evaluate_gold_set
from pipeline.evaluation.report import format_table, write_report
from pipeline.files import atomic_write_text
from pipeline.spans import Span, write_jsonl

TEXT = (
    "Les communs (Ostrom, 1990) et l'ESS (Defourny, 2001). Voir aussi (Ostrom, 2005).\n\n"
    "Defourny, J. (2001). From third sector to social enterprise. Routledge.\n"
    "Ostrom, Elinor (1990). Governing the Commons. Cambridge University Press. doi:10.1017/CBO9780511807763\n"
)


at = functools.partial(span_at, TEXT)  # at(sub, label, layer, nth, **attrs)


REF_D = "Defourny, J. (2001). From third sector to social enterprise. Routledge."
REF_O = "Ostrom, Elinor (1990). Governing the Commons. Cambridge University Press. doi:10.1017/CBO9780511807763"
GOLD = [
    at("Ostrom, 1990", "CITATION", "citation", target="o90"),
    at("Defourny, 2001", "CITATION", "citation", target="d01"),
    at("Ostrom, 2005", "CITATION", "citation", target="o90"),
    at(REF_D, "REFERENCE", "reference", id="d01", authors=["Defourny, J."], year="2001",
       title="From third sector to social enterprise", container="Routledge"),
    at(REF_O, "REFERENCE", "reference", id="o90", authors=["Ostrom, Elinor"], year="1990",
       title="Governing the Commons.", container="Cambridge University Press", doi="10.1017/CBO9780511807763"),
]  # fmt: skip
PRED = [
    at("Ostrom, 1990", "CITATION", "citation", target="p7"),  # right reference, other id
    at("Defourny, 2001", "CITATION", "citation", target="p7"),  # wrong reference
    # "Ostrom, 2005" not detected
    at(REF_D, "REFERENCE", "reference", id="p9", authors=["J. Defourny"], year="2002", title="From Third Sector"),
    at(REF_O[:-5], "REFERENCE", "reference", id="p7", authors=["E. Ostrom"], year="1990",
       title="governing the commons", doi="https://doi.org/10.1017/cbo9780511807763"),
]  # fmt: skip


def test_evaluate_link_accuracy_maps_predicted_reference_ids_through_matched_spans():
    links = evaluate(GOLD, PRED, TEXT)["links"]
    assert links == {"accuracy": round(1 / 3, 6), "correct": 1, "total": 3, "detected": 2}


def test_evaluate_field_accuracy_over_matched_references():
    fields = evaluate(GOLD, PRED, TEXT)["fields"]
    assert fields["authors"] == {"accuracy": 1.0, "correct": 2, "total": 2}
    assert fields["year"] == {"accuracy": 0.5, "correct": 1, "total": 2}
    assert fields["title"] == {"accuracy": 0.5, "correct": 1, "total": 2}
    assert fields["container"] == {"accuracy": 0.0, "correct": 0, "total": 2}
    assert fields["doi"] == {"accuracy": 1.0, "correct": 1, "total": 1}


def test_evaluate_family_names_compare_across_name_orders():
    assert family_name("Ostrom, Elinor") == family_name("E. Ostrom") == family_name("Ostrom E.") == "ostrom"
    assert family_name("Élodie Côté") == "cote"


def test_evaluate_et_al_is_no_family_name():
    assert [family_name(n) for n in ("et al.", "et al", "& al.", "et coll.", "and others")] == [""] * 5
    assert normalise_field("authors", ["Lee", "et al."]) == normalise_field("authors", ["Lee"]) == ("lee",)
    assert normalise_field("authors", ["Etal, B."]) == ("etal",)


def test_evaluate_corpus_sums_counts_before_scoring():
    one = PaperInput("a", GOLD, PRED, TEXT)
    two = PaperInput("b", GOLD, [], TEXT)
    result = evaluate_corpus([two, one])
    assert list(result["papers"]) == ["a", "b"]
    cit = result["micro"]["layers"]["citation"]
    assert (cit["n_gold"], cit["n_predicted"], cit["outcomes"]["correct"]) == (6, 2, 2)
    assert cit["strict"]["precision"] == 1.0 and cit["strict"]["recall"] == round(2 / 6, 6)
    assert result["micro"]["links"] == {"accuracy": round(1 / 6, 6), "correct": 1, "total": 6, "detected": 2}
    assert {e["paper"] for e in result["errors"]} == {"a", "b"}
    json.dumps(result)  # plain data


def test_evaluate_write_report_and_table(tmp_path):
    result = evaluate_corpus([PaperInput("a", GOLD + [at("communs", "commons", "concept")], PRED, TEXT)])
    json_path, md_path = write_report(result, tmp_path / "eval")
    assert json.loads(json_path.read_text()) == json.loads(json.dumps(result))
    raw = json_path.read_text()
    assert raw.index('"errors"') < raw.index('"micro"') < raw.index('"papers"')
    md = md_path.read_text()
    assert "no predicted spans for layer concept: the tagger for this layer has not run or produced nothing" in md
    assert "### missed" in md and "**[Ostrom, 2005]**" in md and "| commons |" in md
    table = format_table(result)
    assert "citation" in table and "CITATION" in table and "citation links: 33.3% (1/3)" in table


def test_evaluate_gold_set_reanchors_gold_reads_predictions_and_skips_absent_papers(tmp_path):
    from pipeline.corpus.add import add_paper

    old = TEXT.replace("Les communs", "Les  communs")  # gold labelled on an older extraction
    gold = [s.with_offsets(s.start + 1, s.end + 1, s.text) for s in GOLD]
    save_gold(make_gold("p1", gold, old, "ann"), tmp_path / "gold" / "p1.jsonl")
    save_gold(make_gold("elsewhere", [], "x", "ann"), tmp_path / "gold" / "elsewhere.jsonl")
    src = tmp_path / "p1.txt"
    src.write_text(TEXT, encoding="utf-8")
    add_paper(tmp_path / "corpus", src, paper_id="p1")
    atomic_write_text(tmp_path / "out" / "text" / "p1.txt", TEXT)
    write_jsonl(PRED, tmp_path / "out" / "annotations" / "p1.jsonl")
    result = evaluate_gold_set(tmp_path / "gold", tmp_path / "corpus", tmp_path / "out")
    assert result["gold"]["p1"] == {"reanchored": 5, "not_found": [], "n_gold": 5, "source_matches": True}
    assert list(result["papers"]) == ["p1"] and "not in the corpus" in result["skipped"]["elsewhere"]
    assert result["micro"]["links"]["correct"] == 1


def test_evaluate_agreement_alpha_and_f1():
    text = "la gouvernance et la résilience des coopératives"
    g = Span("concept", "governance", 3, 14, "gouvernance")
    r = Span("concept", "resilience", 21, 31, "résilience")
    c = Span("concept", "cooperative", 36, 48, "coopératives")
    same = agreement([g, r, c], [g, r, c], text)["layers"]["concept"]
    assert same["alpha"] == 1.0 and same["f1"] == {"strict": 1.0, "overlap": 1.0}
    diff = agreement([g, r, c], [g, Span("concept", "adaptation", 21, 31, "résilience")], text)["layers"]["concept"]
    # tokens: la gouvernance et la résilience des coopératives
    a = [0, 2, 0, 0, 3, 0, 1]  # O=0 cooperative=1 governance=2 resilience=3 adaptation=4 (codes only need to be consistent)
    b = [0, 2, 0, 0, 4, 0, 0]
    assert diff["alpha"] == round(krippendorff.alpha(reliability_data=[a, b], level_of_measurement="nominal"), 6)
    assert diff["labels"]["resilience"] == {"n_a": 1, "n_b": 0, "strict": 0.0, "overlap": 0.0}
    empty = agreement([], [], text)["layers"]["citation"]
    assert empty["alpha"] is None and "undefined" in empty["note"]


def test_evaluate_agreement_skips_a_layer_one_file_does_not_label():
    text = "la gouvernance et la résilience des coopératives"
    g = Span("concept", "governance", 3, 14, "gouvernance")
    regions = {"concept": [(0, len(text))], "reference": []}
    result = agreement([g], [g], text, regions)["layers"]
    assert result["concept"]["compared"] and result["concept"]["alpha"] == 1.0
    assert result["reference"]["compared"] is False and "not compared" in result["reference"]["note"]
    assert result["reference"]["f1"] is None
