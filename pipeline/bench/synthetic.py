"""Synthetic papers for the scale benchmark: French and English text from sentence pools, with citations.

A few are rendered as PDFs with fpdf2, imported lazily: it is a test extra. Every paper is a pure function
of (index, seed, words), so a benchmark's corpus is the same bytes on every machine.
"""

from __future__ import annotations

import random
import shutil
from datetime import datetime, timezone
from pathlib import Path

from pipeline.corpus.add import add_paper

FR = {
    "topics": ["La résilience des coopératives agricoles", "Gouvernance et sociétariat dans les SCOP",
               "L'économie sociale et solidaire face aux crises", "Les réserves impartageables en temps de crise",
               "Mutuelles et territoires : une approche par la proximité"],
    "regions": ["Bretagne", "Occitanie", "Souss-Massa", "Québec", "Wallonie", "Auvergne"],
    "sentences": [
        "La résilience organisationnelle désigne la capacité à absorber un choc tout en conservant ses fonctions.",
        "Les coopératives traversent souvent les crises mieux que les sociétés de capitaux.",
        "La propriété collective et la réserve impartageable limitent la tentation de distribuer les excédents.",
        "Le sociétariat engage les membres dans la gouvernance démocratique de l'entreprise.",
        "Les dirigeants élus rendent compte à l'assemblée générale selon le principe « une personne, une voix ».",
        "L'ancrage territorial renforce la coopération entre acteurs de l'économie sociale et solidaire.",
        "Les réseaux de coopératives mutualisent les ressources et partagent les risques.",
        "La crise sanitaire a mis à l'épreuve la capacité d'adaptation des structures de l'économie sociale.",
        "Les entretiens montrent que la confiance entre membres précède l'engagement financier.",
        "La gouvernance participative favorise l'apprentissage collectif après une crise.",
        "Les salariés associés acceptent parfois une baisse de rémunération pour préserver l'emploi.",
        "Les pouvoirs publics soutiennent les coopératives par des dispositifs de financement dédiés.",
    ],
    "cites": ["(Ostrom, 1990)", "(Desroche, 1976)", "(Draperi, 2012)", "(Mamouni Limnios et Mazzarol, 2011)",
              "(Borzaga et Tortia, 2017)", "(Weick et Sutcliffe, 2007)"],
    "heads": ["Résumé", "1. Introduction", "2. Revue de la littérature", "3. Méthodologie", "4. Résultats",
              "5. Discussion", "Conclusion", "Bibliographie"],
    "study": "Cette étude porte sur {n} coopératives de la région {region} entre {a} et {b} (cas n° {i}).",
}
EN = {
    "topics": ["Organisational resilience of worker cooperatives", "Member ownership and crisis response",
               "The social and solidarity economy after the financial crisis", "Cooperative banks and local finance",
               "Democratic governance in agricultural cooperatives"],
    "regions": ["Emilia-Romagna", "the Basque Country", "Ontario", "Kerala", "Scotland", "Victoria"],
    "sentences": [
        "Organisational resilience is the capacity to absorb a shock while keeping essential functions.",
        "Cooperatives often weather crises better than investor-owned firms.",
        "Collective ownership and indivisible reserves restrain the distribution of surpluses.",
        "Members take part in the democratic governance of the enterprise on a one member, one vote basis.",
        "Elected boards report to the general assembly and to the wider membership.",
        "Local roots strengthen cooperation among actors of the social and solidarity economy.",
        "Networks of cooperatives pool resources and share risks across their members.",
        "The pandemic tested the adaptive capacity of social economy organisations.",
        "Interviews show that trust among members comes before financial commitment.",
        "Participatory governance supports collective learning after a crisis.",
        "Worker-members sometimes accept lower pay to protect employment.",
        "Public policy supports cooperatives through dedicated funding schemes.",
    ],
    "cites": ["(Ostrom, 1990)", "(Birchall and Ketilson, 2009)", "(Borzaga and Tortia, 2017)",
              "(Williams, 2007)", "(Weick and Sutcliffe, 2007)", "(Duchek, 2020)"],
    "heads": ["Abstract", "1. Introduction", "2. Literature review", "3. Method", "4. Findings",
              "5. Discussion", "Conclusion", "References"],
    "study": "This study covers {n} cooperatives in {region} from {a} to {b} (case {i}).",
}
REFERENCES = [
    "Birchall, J. and Ketilson, L. H. (2009). Resilience of the cooperative business model in times of crisis. "
    "Geneva: International Labour Organization.",
    "Borzaga, C. and Tortia, E. (2017). Co-operation as co-ordination mechanism. Journal of Entrepreneurial and "
    "Organizational Diversity, 6(1), 1-20.",
    "Desroche, H. (1976). Le projet coopératif. Paris : Éditions ouvrières.",
    "Draperi, J.-F. (2012). La république coopérative. Bruxelles : Larcier.",
    "Duchek, S. (2020). Organizational resilience: a capability-based conceptualization. Business Research, 13, 215-246.",
    "Mamouni Limnios, E. and Mazzarol, T. (2011). Resilient organisations: offense versus defense. ANZAM Conference.",
    "Ostrom, E. (1990). Governing the Commons. Cambridge: Cambridge University Press.",
    "Weick, K. E. and Sutcliffe, K. M. (2007). Managing the Unexpected. San Francisco: Jossey-Bass.",
    "Williams, R. C. (2007). The Cooperative Movement: Globalization from Below. Aldershot: Ashgate.",
]


def paper_text(index: int, seed: int = 0, words: int = 1500) -> tuple[str, dict]:
    """The text of synthetic paper `index` (about `words` words) and its metadata; a pure function of its arguments."""
    rng = random.Random(f"{seed}:{index}")
    lang = "fr" if index % 2 == 0 else "en"
    pool = FR if lang == "fr" else EN
    region = rng.choice(pool["regions"])
    title = f"{rng.choice(pool['topics'])} ({region}, {index})"
    year = 1990 + rng.randrange(35)
    study = pool["study"].format(n=rng.randrange(5, 400), region=region, a=year - 10, b=year, i=index)
    heads = pool["heads"]
    lines = [title, "", heads[0], "", _paragraph(rng, pool, 4, cite=False), ""]
    if lang == "fr":  # French papers carry an English abstract
        lines += ["Abstract", "", _paragraph(rng, EN, 3, cite=False), ""]
    body_heads = heads[1:-1]
    per_section = max(1, round(words / (len(body_heads) * 13 * 5)))  # ~13 words a sentence, ~5 a paragraph
    for h, head in enumerate(body_heads):
        lines += [head, ""]
        for p in range(per_section):
            para = _paragraph(rng, pool, rng.randrange(4, 7), cite=True)
            lines += [study + " " + para if h == 0 and p == 0 else para, ""]
    lines += [heads[-1], ""]
    lines += [ref for ref in REFERENCES if rng.random() < 0.8 or ref.startswith("Ostrom")] + [""]
    meta = {"title": title, "year": year, "lang": lang, "authors": [f"Auteur{index}, Camille"]}
    return "\n".join(lines), meta


def _paragraph(rng: random.Random, pool: dict, n: int, cite: bool) -> str:
    sentences = [rng.choice(pool["sentences"]) for _ in range(n)]
    if cite:
        k = rng.randrange(n)
        sentences[k] = sentences[k][:-1] + " " + rng.choice(pool["cites"]) + "."
    return " ".join(sentences)


def render_paper_pdf(path: Path, text: str) -> Path:
    """A PDF of `text` (one paragraph per block, headings in bold); bytes fixed (creation date pinned)."""
    from fpdf import FPDF  # fpdf2: a test extra, needed only to make PDF papers

    pdf = FPDF(unit="pt", format="A4")
    pdf.set_creation_date(datetime(2000, 1, 1, tzinfo=timezone.utc))
    pdf.set_margins(60, 72, 60)
    pdf.set_auto_page_break(True, margin=72)
    font = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
    if font.exists() and font.with_name("DejaVuSerif-Bold.ttf").exists():
        pdf.add_font("Body", "", str(font))
        pdf.add_font("Body", "B", str(font.with_name("DejaVuSerif-Bold.ttf")))
        family = "Body"
    else:  # core font: latin-1 only
        family, text = "Times", text.replace("œ", "oe").replace("«", '"').replace("»", '"').replace("’", "'")
    pdf.add_page()
    for block in text.split("\n\n"):
        block = " ".join(block.split())
        if not block:
            continue
        heading = len(block) < 60 and not block.endswith(".")
        pdf.set_font(family, "B" if heading else "", 12 if heading else 10)
        pdf.multi_cell(0, 13, block, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(6)
    pdf.output(str(path))
    return Path(path)


def synthetic_corpus(dest: Path, n: int, seed: int = 0, words: int = 1500, pdf_every: int = 10) -> Path:
    """A corpus of `n` distinct papers in `dest`/corpus, added with `add_paper`; every `pdf_every`-th is a PDF.

    Paper i is the same for the same seed whatever `n`, so a small corpus is the
    start of a bigger one. Without fpdf2 every paper is a .txt.
    """
    dest = Path(dest)
    corpus, staging = dest / "corpus", dest / "sources"
    staging.mkdir(parents=True, exist_ok=True)
    corpus.mkdir(parents=True, exist_ok=True)
    for index in range(n):
        add_synthetic(corpus, staging, index, seed, words, pdf_every)
    shutil.rmtree(staging)
    return corpus


def add_synthetic(corpus: Path, staging: Path, index: int, seed: int = 0, words: int = 1500, pdf_every: int = 10) -> str:
    """Make synthetic paper `index` and add it to `corpus` as `synth-<index>`; return its id."""
    text, meta = paper_text(index, seed, words)
    Path(staging).mkdir(parents=True, exist_ok=True)
    source = Path(staging) / f"paper-{index:05d}.txt"
    if pdf_every and index % pdf_every == pdf_every - 1 and have_fpdf():
        source = render_paper_pdf(source.with_suffix(".pdf"), text)
    else:
        source.write_text(text + "\n", encoding="utf-8")
    result = add_paper(corpus, source, paper_id=f"synth-{index:05d}", title=meta["title"], authors=meta["authors"],
                       year=meta["year"], lang=meta["lang"])
    source.unlink()
    return result.id


def have_fpdf() -> bool:
    try:
        import fpdf  # noqa: F401
    except ImportError:
        return False
    return True
