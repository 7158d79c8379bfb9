"""`chitieu export`: typed CSV, Parquet, JSON Lines and datapackage.json (and SQLite) in OUT/export/."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.timeline import CORPUS_OPTION, OUT_OPTION, RULES_OPTION
from pipeline.errors import PipelineError
from pipeline.export import EXPORT_DIR, SQLITE_NAME, export_all
from pipeline.factstore import read_facts
from pipeline.review import load_decisions
from pipeline.timeline import compute


@click.command()
@OUT_OPTION
@CORPUS_OPTION
@RULES_OPTION
@click.option("--dest", type=click.Path(path_type=Path), default=None,
              help=f"Where to write [default: OUT/{EXPORT_DIR}/].")
@click.option("--sqlite", is_flag=True, help=f"Also write {SQLITE_NAME} and metadata.json for Datasette.")
def export(out_dir: Path, corpus_dir: Path, rules_dir: Path, dest: Path | None, sqlite: bool) -> None:
    """Write facts, timeline and latest values for other tools, with a typed data package."""
    dest = dest or out_dir / EXPORT_DIR
    try:
        timeline = compute(out_dir, corpus_dir, rules_dir)
        counts = export_all(dest, read_facts(out_dir), timeline, load_decisions(out_dir), sqlite=sqlite)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    formats = "CSV, Parquet, JSON Lines" + (", SQLite" if sqlite else "")
    click.echo(f"export: {counts['facts']} facts, {counts['timeline']} observations, {counts['latest']} "
               f"latest rows as {formats} + datapackage.json → {dest}")
