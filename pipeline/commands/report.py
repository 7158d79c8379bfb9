"""`chitieu report`: OUT/report.html (self-contained, interactive) and OUT/charts/*.png."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.timeline import data_options
from pipeline.errors import PipelineError
from pipeline.report import write_report
from pipeline.timeline import load_inputs


@click.command()
@data_options
def report(out_dir: Path, rules_dir: Path) -> None:
    """Write a report page with a chart per indicator and the quoted sources under each."""
    try:
        inputs = load_inputs(out_dir, rules_dir)
        timeline = inputs.timeline()
        result = write_report(out_dir, timeline, documents=inputs.documents)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"report: {len(timeline.observations)} observations, {result.sections} charts "
               f"({result.redrawn} redrawn) → {result.path}")
