"""`rescorpus scheme export|import` (the concept scheme as SKOS) and `rescorpus suggest-terms`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.cli import (
    DEFAULT_CONFIG, DEFAULT_CORPUS, DEFAULT_OUT, ConfigOpt, CorpusOpt, OutOpt, app, handles_errors, progress_display, say,
)
from pipeline.errors import RescorpusError

scheme_app = typer.Typer(
    help="The concept scheme as SKOS: export it for thesaurus tools, import one back as a scheme file.\n\n"
    "\b\nExample:\n  rescorpus scheme export --format skos --dest resilience-coop.ttl",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(scheme_app, name="scheme")

SchemeFileOpt = Annotated[Optional[Path], typer.Option("--scheme", help="Scheme file (default: annotations/concepts/resilience-coop.toml).")]


def _scheme_path(scheme: Path | None) -> Path:
    from pipeline.concepts.tagger import resolve_scheme

    return resolve_scheme(scheme)


@scheme_app.command("export")
@handles_errors
def export_cmd(
    fmt: Annotated[str, typer.Option("--format", help="Output format: skos (Turtle).")] = "skos",
    dest: Annotated[Optional[Path], typer.Option("--dest", help="File to write (default: print to the screen).")] = None,
    scheme: SchemeFileOpt = None,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Write the concept scheme as SKOS (Turtle): concepts, labels per language, definitions, groups.

    \b
    Example:
      rescorpus scheme export --format skos --dest resilience-coop.ttl
    """
    import sys

    from pipeline.concepts.scheme import load_scheme
    from pipeline.concepts.skos import write_skos

    if fmt != "skos":
        raise RescorpusError(f"--format {fmt}: only skos is supported")
    loaded = load_scheme(_scheme_path(scheme))
    if dest is None:
        write_skos(loaded, sys.stdout)
        return
    write_skos(loaded, dest)
    say(f"{len(loaded.concepts)} concepts of {loaded.id} written to {dest}")


@scheme_app.command("import")
@handles_errors
def import_cmd(
    source: Annotated[Path, typer.Argument(help="A SKOS file (.ttl, .rdf, .jsonld).", show_default=False)],
    dest: Annotated[Optional[Path], typer.Option("--dest", help="Scheme file to write (default: annotations/concepts/<id>.toml).")] = None,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
) -> None:
    """Read a SKOS thesaurus and write it as a scheme file the tagger uses (pass it with --scheme).

    \b
    Example:
      rescorpus scheme import thesaurus.ttl --dest annotations/concepts/mine.toml
    """
    from pipeline.concepts.scheme import load_scheme, write_toml
    from pipeline.concepts.skos import read_skos

    scheme = read_skos(source)
    if dest is None:
        dest = Path("annotations/concepts") / f"{scheme.id}.toml"
        if dest.exists():
            raise RescorpusError(f"{dest} already exists; pass --dest FILE to write the imported scheme elsewhere (or to replace it)")
    write_toml(scheme, dest)
    load_scheme(dest)  # what was written must read back
    say(f"{len(scheme.concepts)} concepts written to {dest}; use it with --scheme {dest}")


@app.command("suggest-terms")
@handles_errors
def suggest_cmd(
    lang: Annotated[str, typer.Option("--lang", help="Language of the paragraphs to mine: fr or en.")] = "fr",
    top: Annotated[int, typer.Option("--top", min=1, help="How many candidates to print.")] = 30,
    min_freq: Annotated[int, typer.Option("--min-freq", min=1, help="Leave out candidates seen fewer times.")] = 2,
    scheme: SchemeFileOpt = None,
    corpus: CorpusOpt = DEFAULT_CORPUS,
    out: OutOpt = DEFAULT_OUT,
    config_file: ConfigOpt = DEFAULT_CONFIG,
) -> None:
    """List candidate terms the scheme lacks, mined from the corpus, best first, with two contexts each.

    Ranked by C-value weighted by TF-IDF against the rest of the corpus. Reads the texts `rescorpus run` wrote
    to OUT/text (papers not run yet are extracted) and uses the scheme the run uses.

    \b
    Example:
      rescorpus suggest-terms --lang fr --top 20
    """
    from pipeline.concepts.scheme import load_scheme
    from pipeline.concepts.suggest import corpus_passages, rank_terms
    from pipeline.config import load_config
    from pipeline.corpus.papers import folder_names

    if lang not in ("fr", "en"):
        raise RescorpusError(f"--lang {lang}: use fr or en")
    if not corpus.is_dir():
        raise RescorpusError(f"{corpus}: no corpus folder here; add a paper with `rescorpus add FILE` or pass --corpus")
    config = load_config(config_file, scheme).for_corpus(corpus)  # the scheme `rescorpus run` tags with
    chosen = load_scheme(config.scheme_path())
    papers: list[str] = []
    with progress_display("papers", total=len(folder_names(corpus)), advance_on=("reading", "extracting")) as report:
        found = rank_terms(corpus_passages(corpus, out, config.models, lang, report, papers), papers, chosen, lang,
                           top, min_freq)  # fmt: skip
    if not found:
        say(f"no candidate seen {min_freq} times or more in {lang} paragraphs of {corpus}/")
        return
    for c in found:
        say(f"{c.term}\tscore {c.score:g}\tfreq {c.frequency}\tpapers {', '.join(c.papers)}")
        for ex in c.examples:
            say(f"    … {ex} …")
