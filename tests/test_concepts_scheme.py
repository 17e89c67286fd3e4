"""The concept scheme as data: loading, errors that name the line, SKOS export and import."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pipeline.cli import app
from pipeline.concepts.scheme import Concept, Scheme, SenseRule, generate_toml, load_scheme, parse_scheme
from pipeline.concepts.skos import generate_skos, read_skos, write_skos
from pipeline.errors import SchemeError

REPO = Path(__file__).resolve().parents[1]
SCHEME = REPO / "annotations" / "concepts" / "resilience-coop.toml"
CONTRACT_IDS = (
    "resilience anticipation resistance adaptation recovery crisis survival performance governance autonomy audit "
    "technology diversification networking training finance_access public_support community cooperative_values "
    "innovation cooperative social_economy social_enterprise entrepreneurship"
).split()

MINIMAL = """\
[scheme]
id = "tiny"

[groups]
g = { en = "group" }

[[concept]]
id = "one"
group = "g"
pref = { fr = "un", en = "one" }
alt.en = ["single"]
"""


def test_concepts_scheme_default_has_every_contract_concept():
    scheme = load_scheme(SCHEME)
    assert [c.id for c in scheme.concepts] == CONTRACT_IDS
    for c in scheme.concepts:
        assert c.pref.keys() == {"fr", "en"} and c.definition.keys() == {"fr", "en"}
    assert "économie sociale et solidaire" in scheme.concept("social_economy").labels("fr")
    assert "ESS" in scheme.concept("social_economy").labels("fr")


@pytest.mark.parametrize(
    "edit, line, words",
    [
        (lambda t: t.replace('group = "g"', 'group = "nope"'), 9, "group 'nope' is not in [groups]"),
        (lambda t: t.replace('alt.en = ["single"]', 'alt.en = "single"'), 11, "alt.en must be a list"),
        (lambda t: t.replace('id = "one"', 'id = "One!"'), 8, "concept id 'One!'"),
        (lambda t: t.replace('alt.en', 'alts.en'), 11, "unknown key 'alts'"),
        (lambda t: t.replace('pref = { fr = "un", en = "one" }', 'pref = "one"'), 10, "pref must map languages"),
        (lambda t: t + '\n[[concept]]\nid = "one"\ngroup = "g"\npref = { en = "x" }\n', 14, "already used at line 8"),
        (lambda t: t + '\n[[sense]]\nconcept = "two"\nlang = "en"\nterms = ["x"]\n', 14, "unknown concept 'two'"),
        (lambda t: t + '\n[[sense]]\nconcept = "one"\nlang = "en"\nterms = ["one"]\nwindow = 0\n', 17, "window must be"),
        (lambda t: t.replace('alt.en = ["single"]', 'alt.en = ["single"'), 11, "fix the TOML syntax"),
    ],
)
def test_concepts_scheme_invalid_file_names_line_and_problem(tmp_path, edit, line, words):
    path = tmp_path / "bad.toml"
    path.write_text(edit(MINIMAL), encoding="utf-8")
    with pytest.raises(SchemeError) as err:
        load_scheme(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line {line}"), message
    assert words in message


def test_concepts_scheme_missing_file():
    with pytest.raises(SchemeError, match="no such scheme file"):
        load_scheme(Path("/nonexistent/scheme.toml"))


def test_concepts_scheme_toml_round_trip():
    scheme = load_scheme(SCHEME)
    assert parse_scheme("\n".join(generate_toml(scheme))) == scheme


def test_concepts_skos_export_import_gives_same_scheme(tmp_path):
    scheme = load_scheme(SCHEME)
    write_skos(scheme, tmp_path / "s.ttl")
    back = read_skos(tmp_path / "s.ttl")
    assert back == scheme
    assert generate_skos(scheme).serialize(format="turtle") == (tmp_path / "s.ttl").read_text(encoding="utf-8")


def test_concepts_skos_cli_round_trip(tmp_path):
    runner = CliRunner()
    ttl, toml = tmp_path / "s.ttl", tmp_path / "s.toml"
    result = runner.invoke(app, ["scheme", "export", "--format", "skos", "--dest", str(ttl), "--scheme", str(SCHEME)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["scheme", "import", str(ttl), "--dest", str(toml)])
    assert result.exit_code == 0, result.output
    assert load_scheme(toml) == load_scheme(SCHEME)
    bad = runner.invoke(app, ["scheme", "export", "--format", "csv"])
    assert bad.exit_code == 1 and "only skos" in bad.output


def test_concepts_skos_foreign_file_without_extensions(tmp_path):
    path = tmp_path / "foreign.ttl"
    path.write_text(
        """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
<http://ex.org/s> a skos:ConceptScheme .
<http://ex.org/c/Mutual-Aid> a skos:Concept ; skos:inScheme <http://ex.org/s> ;
    skos:prefLabel "entraide"@fr, "mutual aid"@en ; skos:altLabel "self-help"@en .
""",
        encoding="utf-8",
    )
    scheme = read_skos(path)
    assert [(c.id, c.group, c.alt) for c in scheme.concepts] == [("mutual_aid", "default", {"en": ("self-help",)})]
    assert parse_scheme("\n".join(generate_toml(scheme))) == scheme


def test_concepts_skos_unreadable_file(tmp_path):
    path = tmp_path / "broken.ttl"
    path.write_text("this is not turtle <<<", encoding="utf-8")
    with pytest.raises(SchemeError, match="not a readable RDF file"):
        read_skos(path)


label = st.text(alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs", "Pd", "Po")), min_size=1, max_size=20).map(str.strip).filter(bool)


@settings(max_examples=30, deadline=None)
@given(pref=label, alts=st.lists(label, max_size=4), note=st.text(max_size=20))
def test_concepts_skos_round_trip_any_labels(tmp_path_factory, pref, alts, note):
    alt = tuple(sorted(set(alts) - {pref}, key=lambda s: (s.casefold(), s)))
    scheme = Scheme(
        "x", "https://example.org/x/", {"en": "X"}, {"g": {"en": "G"}},
        (Concept("c", "g", {"en": pref}, {"en": alt} if alt else {}, {}),),
        (SenseRule("c", "en", (pref,), reject_next=tuple(alts), note=note.strip()),),
    )
    path = tmp_path_factory.mktemp("skos") / "s.ttl"
    write_skos(scheme, path)
    assert read_skos(path) == scheme
    assert parse_scheme("\n".join(generate_toml(scheme))) == scheme


@pytest.mark.parametrize("command", [["scheme", "export"], ["scheme", "import"], ["suggest-terms"]])
def test_concepts_commands_have_help_with_an_example(command):
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert "--corpus" in result.output and "--out" in result.output


SKOS_XML = """<?xml version="1.0"?>
{doctype}<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:skos="http://www.w3.org/2004/02/skos/core#">
  <skos:ConceptScheme rdf:about="http://ex.org/s"/>
  <skos:Concept rdf:about="http://ex.org/c/aid">
    <skos:inScheme rdf:resource="http://ex.org/s"/><skos:prefLabel xml:lang="en">{label}</skos:prefLabel>
  </skos:Concept>
</rdf:RDF>
"""
LAUGHS = "<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n' for i in range(1, 10)
) + "]>\n"


@pytest.mark.parametrize(
    "doctype, label, encoding",
    [
        (LAUGHS, "&lol9;", "utf-8"),  # billion laughs: 10^9 "lol"s, rdflib's expat would try to build them
        ('<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n', "&xxe;", "utf-8"),  # external entity
        (LAUGHS, "&lol9;", "utf-16"),
    ],
)
def test_concepts_skos_refuses_entity_declarations(tmp_path, doctype, label, encoding):
    path = tmp_path / "bomb.rdf"
    text = SKOS_XML.format(doctype=doctype, label=label)
    path.write_bytes(text.replace('<?xml version="1.0"?>', f'<?xml version="1.0" encoding="{encoding}"?>').encode(encoding))
    with pytest.raises(SchemeError, match=r"declares XML entities \(DOCTYPE\): refused"):
        read_skos(path)
    result = CliRunner().invoke(app, ["scheme", "import", str(path), "--dest", str(tmp_path / "out.toml")])
    assert result.exit_code == 1 and "declares XML entities" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out.toml").exists()


def test_concepts_skos_rdf_xml_without_doctype_reads(tmp_path):
    path = tmp_path / "plain.rdf"
    path.write_text(SKOS_XML.format(doctype="", label="mutual aid"), encoding="utf-8")
    assert read_skos(path).concepts[0].pref == {"en": "mutual aid"}
