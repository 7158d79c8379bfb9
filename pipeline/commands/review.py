"""`chitieu review export|import`: the review sheet round trip."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.timeline import CORPUS_OPTION, OUT_OPTION
from pipeline.errors import PipelineError
from pipeline.factstore import read_facts
from pipeline.review import SHEET_NAME, import_sheet, load_decisions, review_sheet, write_sheet
from pipeline.timeline import load_articles


@click.group()
def review() -> None:
    """Review facts in a spreadsheet: export a sheet, fill in verdicts, import it back."""


@review.command("export")
@OUT_OPTION
@CORPUS_OPTION
@click.option("--sheet", type=click.Path(path_type=Path), default=None,
              help=f"Where to write the sheet [default: OUT/{SHEET_NAME}].")
@click.option("--all", "include_all", is_flag=True, help="Include facts that already have a verdict.")
def export_sheet(out_dir: Path, corpus_dir: Path, sheet: Path | None, include_all: bool) -> None:
    """Write a review sheet of the facts not reviewed yet (or all of them)."""
    sheet = sheet or out_dir / SHEET_NAME
    try:
        facts = read_facts(out_dir)
        decisions = load_decisions(out_dir)
        articles = load_articles(corpus_dir, facts["doc_id"].dropna().unique())
        table = review_sheet(facts, decisions, articles, include_all=include_all)
        write_sheet(sheet, table)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"review export: {len(table)} of {len(facts)} facts to review → {sheet}")


@review.command("import")
@click.argument("sheet", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@OUT_OPTION
@click.option("--reviewer", default=None, help="Name recorded with each decision [default: $USER].")
def import_decisions(sheet: Path, out_dir: Path, reviewer: str | None) -> None:
    """Validate an edited sheet and record its verdicts (nothing is applied if any row is bad)."""
    try:
        summary = import_sheet(sheet, out_dir, reviewer)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"review import: {len(summary.decisions)} decisions from {summary.rows} rows "
               f"({summary.count('ok')} ok, {summary.count('wrong')} wrong, {summary.count('fix')} fix) "
               f"→ {out_dir}/review_log.jsonl")
