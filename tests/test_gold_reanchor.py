"""Gold files: header + spans, and re-anchoring when the normalised text changes."""

import io
import json

import pytest

from conftest import span_at
from pipeline.errors import InputError
from pipeline.evaluation.gold import load_gold, make_gold, reanchor, reanchor_file, save_gold
from pipeline.files import sha256_text
from pipeline.spans import Span

TEXT = (
    "La coopérative agricole a survécu à la crise.\n\n"
    "Une autre coopérative, plus jeune, a fermé (Ostrom, 1990).\n\n"
    "Ostrom, E. (1990). Governing the commons.\n"
)


at = span_at  # span_at(text, sub, label, layer, nth, **attrs)


def gold_spans(text: str = TEXT) -> list[Span]:
    return [
        at(text, "coopérative", "cooperative"),
        at(text, "crise", "crisis"),
        at(text, "coopérative", "cooperative", nth=1),
        at(text, "Ostrom, 1990", "CITATION", "citation", authors=["Ostrom"], year="1990", target="r1"),
        at(text, "Ostrom, E. (1990). Governing the commons.", "REFERENCE", "reference", id="r1"),
    ]


def test_gold_save_load_round_trip(tmp_path):
    gold = make_gold("p1", gold_spans(), TEXT, "alice", regions={"concept": [[0, 46]], "citation": [[0, len(TEXT)]]})
    path = tmp_path / "gold" / "p1.jsonl"
    save_gold(gold, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0])
    assert header == {
        "header": True, "paper": "p1", "text_sha256": sha256_text(TEXT), "annotator": "alice",
        "regions": {"citation": [[0, len(TEXT)]], "concept": [[0, 46]]},
        "guidelines": "annotations/GUIDELINES.md", "text_length": len(TEXT),
    }  # fmt: skip
    first = json.loads(lines[1])
    assert first["text"] == "coopérative" and first["context_before"] == "La " and first["context_after"].startswith(" agricole")
    assert load_gold(path) == gold
    assert load_gold(path).anchors == gold.anchors


def test_gold_make_refuses_spans_off_their_text():
    bad = Span("concept", "crisis", 0, 5, "crise")
    with pytest.raises(InputError, match="gold reanchor"):
        make_gold("p1", [bad], TEXT, "alice")


def test_gold_load_needs_a_header():
    with pytest.raises(InputError, match="header line"):
        load_gold(io.StringIO('{"layer":"concept","label":"a","start":0,"end":1,"text":"L"}\n'))


def test_gold_unchanged_text_moves_nothing():
    result = reanchor(make_gold("p1", gold_spans(), TEXT, "a"), TEXT)
    assert result.moved == 0 and result.not_found == () and list(result.spans) == gold_spans()


def test_gold_reanchor_after_whitespace_only_change():
    gold = make_gold("p1", gold_spans(), TEXT, "a")
    new_text = TEXT.replace("Ostrom, 1990", "Ostrom,1990").replace("\n\n", "\n \n\n").replace(" ", "  ")
    result = reanchor(gold, new_text)
    assert result.not_found == ()
    assert result.moved == 5  # every span is now further on; the citation also lost its space
    for span in result.spans:
        assert new_text[span.start : span.end] == span.text
    assert [s.text for s in result.spans][3] == "Ostrom,1990"
    assert result.gold.text_sha256 == sha256_text(new_text)
    assert result.gold.regions["concept"] == ((0, len(new_text)),)


def test_gold_reanchor_after_text_inserted_before_spans_picks_the_right_occurrence():
    gold = make_gold("p1", gold_spans(), TEXT, "a")
    prefix = "Résumé : une coopérative sur deux ferme.\n\n"
    new_text = prefix + TEXT
    result = reanchor(gold, new_text)
    assert result.moved == 5 and result.not_found == ()
    assert [s.start for s in result.spans] == [s.start + len(prefix) for s in gold_spans()]


def test_gold_reanchor_uses_context_when_the_same_word_recurs():
    gold = make_gold("p1", gold_spans(), TEXT, "a")
    second = gold_spans()[2]
    # a new front part puts other "coopérative"s where the old offsets (scaled) point
    decoy = "x " * (second.start // 2) + "coopérative x"
    prefix = (decoy + " y" * len(TEXT))[: len(TEXT)] + "\n\n"
    new_text = prefix + TEXT
    result = reanchor(gold, new_text)
    assert [s.start for s in result.spans] == [s.start + len(prefix) for s in gold_spans()]


def test_gold_reanchor_reports_spans_not_found(tmp_path):
    path = tmp_path / "p1.jsonl"
    save_gold(make_gold("p1", gold_spans(), TEXT, "a"), path)
    before = path.read_bytes()
    new_text = TEXT.replace("crise", "tempête")
    with pytest.raises(InputError, match=r"1 span\(s\) were not found.*--drop-missing"):
        reanchor_file(path, new_text)
    assert path.read_bytes() == before
    result = reanchor_file(path, new_text, drop_missing=True)
    assert [s.text for s in result.not_found] == ["crise"]
    reloaded = load_gold(path)
    assert len(reloaded.spans) == 4 and reloaded.text_sha256 == sha256_text(new_text)


def test_gold_reanchor_file_rewrites_offsets(tmp_path):
    path = tmp_path / "p1.jsonl"
    save_gold(make_gold("p1", gold_spans(), TEXT, "a", regions={"concept": [[0, 46]]}), path)
    new_text = "Titre\n\n" + TEXT
    result = reanchor_file(path, new_text)
    assert result.moved == 5
    reloaded = load_gold(path)
    assert [s.start for s in reloaded.spans] == [s.start + 7 for s in gold_spans()]
    assert reloaded.regions["concept"] == ((0, 53),)
    assert reloaded.spans[3].attrs == {"authors": ("Ostrom",), "year": "1990", "target": "r1"}


def test_gold_reanchor_a_lost_occurrence_does_not_shift_its_neighbours():
    # Regression: the span whose occurrence disappeared took the next one's, and so on down the text.
    text = "".join(f"Phrase {n} : la crise numéro {n} arrive.\n\n" for n in range(6))
    spans = [at(text, "crise", "crisis", nth=n) for n in range(6)]
    gold = make_gold("p1", spans, text, "a")
    new_text = "En-tête.\n\n" + text.replace("la crise numéro 1", "la tempête numéro 1")
    result = reanchor(gold, new_text)
    assert [s.start for s in result.not_found] == [spans[1].start]
    shift = len("En-tête.\n\n")
    expected = [spans[0].start + shift] + [s.start + shift + len("tempête") - len("crise") for s in spans[2:]]
    assert [s.start for s in result.spans] == expected


def test_gold_reanchor_moves_a_region_without_spans_inside():
    text = "Résumé sans concept.\n\nLa crise arrive.\n\nFin du texte ici."
    crise = at(text, "crise", "crisis")
    gold = make_gold("p1", [crise], text, "a", regions={"concept": [[0, 20]], "citation": [[22, 38]]})
    prefix = "Titre ajouté\n\n"
    result = reanchor(gold, prefix + text)
    assert result.gold.regions["citation"] == ((22 + len(prefix), 38 + len(prefix)),)
    assert result.gold.regions["concept"] == ((0, 20 + len(prefix)),)


def test_gold_header_keeps_the_source_sha256(tmp_path):
    gold = make_gold("p1", gold_spans(), TEXT, "a", source_sha256="ab" * 32)
    save_gold(gold, tmp_path / "p1.jsonl")
    assert json.loads((tmp_path / "p1.jsonl").read_text().splitlines()[0])["source_sha256"] == "ab" * 32
    assert load_gold(tmp_path / "p1.jsonl").source_sha256 == "ab" * 32


def test_gold_rewrite_keeps_header_keys_it_does_not_know(tmp_path):
    # Regression: `gold reanchor` dropped header keys such as the source file's name.
    path = tmp_path / "p1.jsonl"
    save_gold(make_gold("p1", gold_spans(), TEXT, "a"), path)
    lines = path.read_text(encoding="utf-8").splitlines()
    header = json.loads(lines[0]) | {"source": "paper.pdf"}
    path.write_text("\n".join([json.dumps(header)] + lines[1:]) + "\n", encoding="utf-8")
    reanchor_file(path, "Titre\n\n" + TEXT)
    assert json.loads(path.read_text(encoding="utf-8").splitlines()[0])["source"] == "paper.pdf"
