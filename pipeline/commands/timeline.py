"""`chitieu timeline`: facts → timeline.csv, timeline_wide.csv, latest.csv."""
from __future__ import annotations

from pathlib import Path

import click

from pipeline.errors import PipelineError
from pipeline.settings import DEFAULTS
from pipeline.timeline import load_inputs, write_timeline

OUT_OPTION = click.option("--out", "out_dir", type=click.Path(path_type=Path), default=DEFAULTS.out_dir,
                          show_default=True, help="Extracted-data directory (facts.* are read from here).")
CORPUS_OPTION = click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path),
                             default=DEFAULTS.corpus_dir, show_default=True,
                             help="Corpus directory, for article titles and sources.")
RULES_OPTION = click.option("--rules", "rules_dir", type=click.Path(path_type=Path),
                            default=DEFAULTS.rules_dir, show_default=True,
                            help="Rules directory (indicator labels, home areas of sources).")


def data_options(command):
    """--out, --corpus and --rules: what every command after extraction reads."""
    return OUT_OPTION(CORPUS_OPTION(RULES_OPTION(command)))


@click.command()
@data_options
def timeline(out_dir: Path, corpus_dir: Path, rules_dir: Path) -> None:
    """Line the facts up as observations per indicator, area, period and modality."""
    try:
        result = load_inputs(out_dir, corpus_dir, rules_dir).timeline()
        write_timeline(out_dir, result)
    except PipelineError as exc:
        raise click.ClickException(str(exc)) from None
    obs = result.observations
    skipped = ", ".join(f"{n} {why.replace('_', ' ')}" for why, n in result.skipped.items() if n)
    click.echo(f"timeline: {len(obs)} observations ({int(obs['conflict'].sum())} in conflict, "
               f"{int(obs['reviewed'].sum())} reviewed) for {obs['indicator'].nunique()} indicators"
               f"{f'; skipped {skipped}' if skipped else ''} → {out_dir}/timeline.csv")
