"""`chitieu review export|import`: the review sheet round trip (CSV or .xlsx)."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.commands.timeline import CORPUS_OPTION, OUT_OPTION
from pipeline.documents import read_documents
from pipeline.errors import PipelineError
from pipeline.factstore import read_facts
from pipeline.review import (
    ALL_KINDS,
    REVIEW_KINDS,
    SHEET_NAME,
    import_sheet,
    load_decisions,
    parse_kinds,
    review_sheet,
    write_sheet,
)


@click.group()
def review() -> None:
    """Review facts in a spreadsheet: export a sheet, fill in verdicts, import it back."""


@review.command("export")
@OUT_OPTION
@CORPUS_OPTION
@click.option("--sheet", type=click.Path(path_type=Path), default=None,
              help=f"Where to write the sheet; a .xlsx name writes an Excel workbook [default: OUT/{SHEET_NAME}].")
@click.option("--all", "include_all", is_flag=True, help="Include facts that already have a verdict.")
@click.option("--kinds", default=",".join(REVIEW_KINDS), show_default=True,
              help=f"Fact kinds to review, comma-separated ({', '.join(ALL_KINDS)}) or 'all'.")
def export_sheet(out_dir: Path, sheet: Path | None, include_all: bool, kinds: str) -> None:
    """Write a review sheet of the facts not reviewed yet (or all of them)."""
    sheet = sheet or out_dir / SHEET_NAME
    try:
        chosen = parse_kinds(kinds)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--kinds") from None
    try:
        facts = read_facts(out_dir)
        table = review_sheet(facts, load_decisions(out_dir), read_documents(out_dir), include_all=include_all,
                             kinds=chosen)
        write_sheet(sheet, table)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"review export: {len(table)} of {len(facts)} facts to review ({', '.join(chosen)}) → {sheet}")


@review.command("import")
@click.argument("sheet", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@OUT_OPTION
@click.option("--reviewer", default=None, help="Name recorded with each decision [default: $USER].")
def import_decisions(sheet: Path, out_dir: Path, reviewer: str | None) -> None:
    """Validate an edited sheet (.csv or .xlsx) and record its verdicts (nothing is applied if any row is bad)."""
    try:
        summary = import_sheet(sheet, out_dir, reviewer)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{out_dir}: cannot record the decisions: {exc.strerror or exc}") from None
    click.echo(f"review import: {len(summary.decisions)} decisions from {summary.rows} rows "
               f"({summary.count('ok')} ok, {summary.count('wrong')} wrong, {summary.count('fix')} fix) "
               f"→ {out_dir}/review_log.jsonl")
