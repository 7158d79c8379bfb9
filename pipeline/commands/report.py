"""`chitieu report`: OUT/report.html (self-contained) and OUT/charts/*.png."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.timeline import CORPUS_OPTION, OUT_OPTION, RULES_OPTION
from pipeline.errors import PipelineError
from pipeline.factstore import read_facts
from pipeline.report import write_report
from pipeline.timeline import compute, load_articles


@click.command()
@OUT_OPTION
@CORPUS_OPTION
@RULES_OPTION
def report(out_dir: Path, corpus_dir: Path, rules_dir: Path) -> None:
    """Write a report page with a chart per indicator and the quoted sources under each."""
    try:
        timeline = compute(out_dir, corpus_dir, rules_dir)
        facts = read_facts(out_dir)
        articles = load_articles(corpus_dir, facts["doc_id"].dropna().unique())
        result = write_report(out_dir, timeline, facts, articles)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"report: {len(timeline.observations)} observations, {result.sections} charts → {result.path}")
