"""Candidate terms the scheme lacks, mined from the corpus for a scholar to judge.

Noun phrases are taken from paragraph tokens (French: POS patterns NOUN (ADJ|de NOUN)*;
English, which has no POS here: runs of non-stopwords between stopword boundaries),
ranked by C-value (Frantzi et al. 2000: frequency, length, nesting) weighted by
TF-IDF specificity against the rest of the corpus (scikit-learn), and returned with
frequency, papers and two example contexts. Phrases the scheme already matches are left out.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from pipeline.concepts.match import fold, stem
from pipeline.concepts.scheme import Scheme

MAX_WORDS = 5
CONTEXT = 60
FR_LINKS = frozenset({"de", "d'", "du", "des", "à", "au", "aux", "en"})
FR_ARTICLES = frozenset({"la", "le", "l'", "les"})


@dataclass(frozen=True)
class Candidate:
    """A candidate term: its commonest written form, counts and where it occurs."""

    term: str
    lang: str
    score: float
    frequency: int
    papers: tuple[str, ...]
    examples: tuple[str, ...] = field(default=())


def _key(words: Sequence[str]) -> str:
    return " ".join(stem(fold(w)) for w in words)


def phrases_fr(tokens: Sequence) -> Iterable[tuple[int, int]]:
    """French noun phrases: NOUN, then ADJ or "de (la) NOUN" complements, at most MAX_WORDS words."""
    n = len(tokens)
    for i, t in enumerate(tokens):
        if t.pos_ != "NOUN" or not t.is_alpha or len(t) < 3:
            continue
        j = i + 1
        ends = []
        while j < n and j - i < MAX_WORDS + 2:
            tj = tokens[j]
            if tj.pos_ == "ADJ" and tj.is_alpha:
                j += 1
                ends.append(j)
                continue
            low = fold(tj.text)
            if low in FR_LINKS:
                k = j + 1
                if k < n and fold(tokens[k].text) in FR_ARTICLES:
                    k += 1
                if k < n and tokens[k].pos_ == "NOUN" and tokens[k].is_alpha:
                    j = k + 1
                    ends.append(j)
                    continue
            break
        for end in ends:
            if sum(1 for t in tokens[i:end] if t.is_alpha and fold(t.text) not in FR_LINKS | FR_ARTICLES) <= MAX_WORDS:
                yield i, end


def phrases_en(tokens: Sequence, stopwords: frozenset[str]) -> Iterable[tuple[int, int]]:
    """English candidates without POS: every 2..MAX_WORDS-word run of lower-case-able non-stopwords."""
    run: list[int] = []
    for idx, t in enumerate(list(tokens) + [None]):
        ok = t is not None and t.is_alpha and len(t) > 2 and t.lower_ not in stopwords
        if ok:
            run.append(idx)
            continue
        for a in range(len(run)):
            for b in range(a + 2, min(len(run), a + MAX_WORDS) + 1):
                yield run[a], run[b - 1] + 1
        run = []


@dataclass(frozen=True)
class Passage:
    """One paragraph of a paper to mine: its tokens, and the text their `idx` offsets index."""

    paper: str
    tokens: Sequence  # spaCy tokens: text, idx, pos_, is_alpha, lower_
    text: str
    start: int  # the paragraph's place in `text` (examples stop at its edges)
    end: int


def doc_passages(docs: Iterable[Doc], lang: str) -> Iterator[Passage]:
    """The paragraphs of paper Docs in `lang`, outside their reference sections."""
    for doc in docs:
        paper = doc.user_data.get("paper", "")
        refs = [s for s in doc.spans.get("sections", []) if s.label_ == "references"]
        for para in doc.spans.get("lang", []):
            if para.label_ != lang or any(r.start <= para.start < r.end for r in refs):
                continue
            yield Passage(paper, list(para), doc.text, para.start_char, para.end_char)


def collect(passages: Iterable[Passage], lang: str, covered: set[str]) -> tuple[dict[str, Counter], dict[str, Counter], dict[str, list[str]]]:
    """Per candidate key: frequency per paper, written forms, example contexts."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN_STOP

    stop = frozenset(EN_STOP)
    freq: dict[str, Counter] = defaultdict(Counter)
    forms: dict[str, Counter] = defaultdict(Counter)
    examples: dict[str, list[str]] = defaultdict(list)
    for passage in passages:
        tokens, text, paper = passage.tokens, passage.text, passage.paper
        spans = phrases_fr(tokens) if lang == "fr" else phrases_en(tokens, stop)
        for a, b in spans:
            words = [t.text for t in tokens[a:b]]
            key = _key(words)
            if key in covered or any(part in covered for part in key.split()):
                continue
            freq[key][paper] += 1
            start, end = tokens[a].idx, tokens[b - 1].idx + len(tokens[b - 1])
            written = text[start:end]
            forms[key][written.lower() if lang == "en" else written] += 1
            if len(examples[key]) < 2:
                left = text[max(passage.start, start - CONTEXT) : start]
                right = text[end : min(passage.end, end + CONTEXT)]
                examples[key].append(" ".join(f"{left}[{written}]{right}".split()))
    return freq, forms, examples


def c_values(freq: Mapping[str, int]) -> dict[str, float]:
    """C-value: log2(length) × (frequency − mean frequency of the longer terms that contain it)."""
    by_len = sorted(freq, key=lambda k: -len(k.split()))
    nested_in: dict[str, list[int]] = defaultdict(list)
    for longer in by_len:
        words = longer.split()
        for a in range(len(words)):
            for b in range(a + 1, len(words) + 1):
                sub = " ".join(words[a:b])
                if sub != longer and sub in freq:
                    nested_in[sub].append(freq[longer])
    out = {}
    for key, f in freq.items():
        length = max(2, len(key.split()))
        holders = nested_in.get(key)
        out[key] = math.log2(length) * (f - (sum(holders) / len(holders) if holders else 0))
    return out


def specificity(freq: Mapping[str, Counter], papers: Sequence[str]) -> dict[str, float]:
    """Each term's highest TF-IDF over the corpus's papers (scikit-learn), so terms every paper uses sink."""
    from sklearn.feature_extraction.text import TfidfTransformer
    from scipy.sparse import lil_matrix

    keys = sorted(freq)
    if not keys or not papers:
        return {}
    index = {p: i for i, p in enumerate(papers)}
    counts = lil_matrix((len(papers), len(keys)))
    for j, key in enumerate(keys):
        for paper, n in freq[key].items():
            counts[index[paper], j] = n
    tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts.tocsr())
    best = tfidf.max(axis=0).toarray().ravel()
    return {key: float(best[j]) for j, key in enumerate(keys)}


def covered_keys(scheme: Scheme, lang: str) -> set[str]:
    """The folded keys of the scheme's labels in a language (single words and phrases)."""
    keys = set()
    for _, label in scheme.iter_labels(lang):
        words = [w for w in label.replace("'", "' ").replace("’", "’ ").split() if w != "…"]
        keys.add(_key(words))
    return keys


def suggest_terms(
    docs: Iterable[Doc], scheme: Scheme, lang: str = "fr", top: int = 30, min_freq: int = 2
) -> list[Candidate]:
    """The `top` candidate terms of a language that the scheme does not cover, best first (from paper Docs)."""
    docs = list(docs)
    return rank_terms(doc_passages(docs, lang), [d.user_data.get("paper", "") for d in docs], scheme, lang, top, min_freq)


def rank_terms(
    passages: Iterable[Passage], papers: Iterable[str], scheme: Scheme, lang: str = "fr", top: int = 30, min_freq: int = 2
) -> list[Candidate]:
    """The `top` candidate terms in `passages` that the scheme does not cover, best first; `papers` are all the
    corpus's papers (those without a passage in the language count in the TF-IDF contrast too)."""
    freq, forms, examples = collect(passages, lang, covered_keys(scheme, lang))
    totals = {k: sum(c.values()) for k, c in freq.items() if sum(c.values()) >= min_freq}
    cval = c_values(totals)
    papers = sorted(set(papers))
    spec = specificity({k: freq[k] for k in totals}, papers)
    # one paper alone gives no contrast: C-value decides
    scored = {k: cval[k] * (spec.get(k, 1.0) if len(papers) > 1 else 1.0) for k in totals}
    ranked = sorted((k for k in scored if scored[k] > 0), key=lambda k: (-scored[k], -totals[k], k))[:top]
    return [
        Candidate(
            term=forms[k].most_common(1)[0][0] if len(forms[k]) == 1 else sorted(forms[k].items(), key=lambda kv: (-kv[1], kv[0]))[0][0],
            lang=lang,
            score=round(scored[k], 4),
            frequency=totals[k],
            papers=tuple(sorted(freq[k])),
            examples=tuple(examples[k]),
        )
        for k in ranked
    ]


def corpus_passages(
    corpus, out, models: Mapping[str, str], lang: str, progress: Callable[[str, str], None] | None = None,
    papers: list[str] | None = None,
) -> Iterator[Passage]:
    """The paragraphs in `lang` of the corpus's papers, outside their reference sections, tokenised (and, in
    French, POS-tagged) by the run's pipeline for the language: the text and structure are read from
    OUT/text/<id>.txt|.json where `rescorpus run` wrote them (else the paper is extracted), and only these
    paragraphs are parsed, with only the components POS needs (no sentence splitter, no lemmatizer: the tags
    are the run's). `progress(paper id, status)` hears of each paper; `papers` receives every paper's id."""
    import json
    from pathlib import Path

    from pipeline.annotate.nlp import BATCH_SIZE, pipeline_for
    from pipeline.corpus.papers import iter_papers
    from pipeline.extract import extract

    nlp = pipeline_for(lang, models)
    lean = [name for name in ("senter", "parser", "lemmatizer", "rescorpus_lowercase_lemmas", "sentencizer", "ner")
            if name in nlp.pipe_names]  # fmt: skip
    for paper in iter_papers(Path(corpus)):
        if papers is not None:
            papers.append(paper.id)
        txt, meta = Path(out) / "text" / f"{paper.id}.txt", Path(out) / "text" / f"{paper.id}.json"
        if txt.exists() and meta.exists():
            if progress:
                progress(paper.id, "reading")
            data = json.loads(meta.read_text(encoding="utf-8"))
            text = txt.read_text(encoding="utf-8")
            paragraphs = [(p["start"], p["end"], p["lang"]) for p in data.get("paragraphs", [])]
            sections = [(s["start"], s["end"], s["role"]) for s in data.get("sections", [])]
        else:
            if progress:
                progress(paper.id, "extracting")
            extracted = extract(paper.source)
            text = extracted.text
            paragraphs = [(p.start, p.end, p.lang) for p in extracted.paragraphs]
            sections = [(s.start, s.end, s.role) for s in extracted.sections]
        refs = [(a, b) for a, b, role in sections if role == "references"]
        chosen = [(a, b) for a, b, plang in paragraphs if plang == lang and not any(r <= a < e for r, e in refs)]
        if progress:
            progress(paper.id, f"tagging {len(chosen)} paragraph{'' if len(chosen) == 1 else 's'}")
        with nlp.select_pipes(disable=lean):
            for (a, b), pdoc in zip(chosen, nlp.pipe((text[a:b] for a, b in chosen), batch_size=BATCH_SIZE)):
                yield Passage(paper.id, list(pdoc), text[a:b], 0, b - a)
