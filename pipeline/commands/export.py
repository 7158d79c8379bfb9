"""`chitieu export`: typed CSV, Parquet, JSON Lines, SDMX-CSV and datapackage.json (and SQLite) in OUT/export/."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.atomic import replace_directory
from pipeline.commands.timeline import data_options
from pipeline.errors import PipelineError
from pipeline.export import EXPORT_DIR, SQLITE_NAME, export_all, facts_table
from pipeline.jobs.run import is_export_dir
from pipeline.timeline import load_inputs


@click.command()
@data_options
@click.option("--dest", type=click.Path(path_type=Path), default=None,
              help=f"Where to write [default: OUT/{EXPORT_DIR}/].")
@click.option("--sqlite", is_flag=True, help=f"Also write {SQLITE_NAME} and metadata.json for Datasette.")
def export(out_dir: Path, rules_dir: Path, dest: Path | None, sqlite: bool) -> None:
    """Write facts, articles, timeline, changes and latest values for other tools, with a typed data package."""
    dest = dest or out_dir / EXPORT_DIR
    try:
        inputs = load_inputs(out_dir, rules_dir)
        with replace_directory(dest, replaceable=is_export_dir) as staging:  # swapped in whole, never half new
            counts = export_all(staging, facts_table(out_dir), inputs.timeline(), inputs.decisions, inputs.documents,
                                sqlite=sqlite)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    formats = "CSV, Parquet, JSON Lines, SDMX-CSV" + (", SQLite" if sqlite else "")
    click.echo(f"export: {counts['facts']} facts, {counts['timeline']} observations, {counts['changes']} changes, "
               f"{counts['latest']} latest rows, {counts['articles']} articles as {formats} + datapackage.json "
               f"→ {dest}")
