"""`chitieu explain "sentence" | FILE`: every figure with each attribute and the rule or context
that decided it."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.errors import PipelineError
from pipeline.settings import DEFAULTS


@click.command()
@click.argument("target")
@click.option("--published", help="Publication date for a sentence given on the command line (YYYY-MM-DD or YYYY-MM).")
@click.option("--site", "source", default="", help="The site it comes from (its home area is the last resort for 'where').")
@click.option("--title", default="", help="A headline for the sentence (area and time may come from it).")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULTS.rules_dir,
              help="Rules directory (default: the project's rules/).")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per figure instead of the table.")
def explain(target: str, published: str | None, source: str, title: str, rules_dir: Path, as_json: bool) -> None:
    """Explain what each figure in TARGET means and why: TARGET is a sentence, a corpus document
    (.json), a JSON Lines file or a text file."""
    from pipeline.explain import articles_from, format_explanations
    from pipeline.explain import explain as run
    from pipeline.records import parse_published
    from pipeline.rules.book import load_rulebook

    try:
        if published:
            parse_published(published)
        book = load_rulebook(rules_dir)
        items = run(articles_from(target, published=published, source=source, title=title), book)
    except ValueError as exc:
        click.echo(f"chitieu explain: error: --published {published!r}: {exc}", err=True)
        sys.exit(2)
    except PipelineError as exc:
        click.echo(f"chitieu explain: error: {exc}", err=True)
        sys.exit(2)
    click.echo(format_explanations(items, as_json))
