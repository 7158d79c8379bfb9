"""`chitieu timeline`: facts → timeline.csv, timeline_wide.csv, latest.csv, changes.csv."""
from __future__ import annotations

import logging
from pathlib import Path

import click

from pipeline.errors import PipelineError
from pipeline.settings import DEFAULTS
from pipeline.timeline import load_inputs, write_timeline

log = logging.getLogger(__name__)


def _corpus_ignored(ctx, param, value):
    if value is not None:
        log.warning("--corpus is no longer read: titles, sources and home areas come from "
                    "OUT/documents.parquet, written by `chitieu extract`")
    return value


OUT_OPTION = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULTS.out_dir,
                          show_default=True, help="Extracted-data directory (everything is read from here).")
CORPUS_OPTION = click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=None, hidden=True,
                             expose_value=False, callback=_corpus_ignored,
                             help="Ignored (kept so that older scripts keep working).")
RULES_OPTION = click.option("--rules", "rules_dir", type=click.Path(path_type=Path),
                            default=DEFAULTS.rules_dir, show_default=True,
                            help="Rules directory (indicator labels from indicators.toml).")


def data_options(command):
    """--out and --rules: what every command after extraction reads (--corpus is accepted, ignored)."""
    return OUT_OPTION(CORPUS_OPTION(RULES_OPTION(command)))


@click.command()
@data_options
def timeline(out_dir: Path, rules_dir: Path) -> None:
    """Line the facts up as observations per indicator, area, period and modality."""
    try:
        result = load_inputs(out_dir, rules_dir).timeline()
        write_timeline(out_dir, result)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    obs = result.observations
    skipped = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in result.skipped.items() if n)
    review = int((obs["status"] == "needs_review").sum())
    click.echo(f"timeline: {len(obs)} observations ({int(obs['conflict'].sum())} in conflict, "
               f"{int(obs['reviewed'].sum())} reviewed{f', {review} need review' if review else ''}) for "
               f"{obs['indicator'].nunique()} indicators, {len(result.changes)} changes"
               f"{f'; skipped {skipped}' if skipped else ''} → {out_dir}/timeline.csv")
