"""`chitieu run`: the nightly job (crawl → extract → timeline → report → export) under one lock."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.config import Settings

CONFIG_OPTION = click.option(
    "--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Settings file [default: ./chitieu.toml when present, else built-in defaults].")


def settings_from(config_file: Path | None, **overrides) -> Settings:
    """The config file's settings (this --config, the group's, or ./chitieu.toml) with command-line
    overrides; a ConfigError (naming file:line) ends the command with exit code 2 (pipeline.cli)."""
    from pipeline.cli import settings_for

    return settings_for(click.get_current_context(), config_file).with_overrides(**overrides)


@click.command()
@CONFIG_OPTION
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Corpus directory (overrides [paths] corpus).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Extracted-data directory (overrides [paths] out).")
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Sources file (overrides [paths] sources).")
@click.option("--max-pages", type=click.IntRange(min=0), default=None, help="Fetch at most N article pages.")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Extraction worker processes.")
@click.option("-q", "--quiet", is_flag=True, default=None, help="No progress bars, no summary lines, only errors on stderr.")
def run(config_file, corpus_dir, out_dir, sources_file, max_pages, workers, quiet) -> None:
    """Run the whole nightly job once and write OUT/runs/<run id>.json.

    Exit status: 0 all good, 1 partial (pages failed or documents skipped), 2 failed (a stage
    could not run, or another run holds the lock).
    """
    from pipeline.jobs.run import run_nightly

    settings = settings_from(config_file, corpus_dir=corpus_dir, out_dir=out_dir, sources_file=sources_file,
                             max_pages=max_pages, workers=workers, quiet=quiet)
    summary = run_nightly(settings)
    if not settings.quiet:
        for line in summary.lines():
            click.echo(line)
    failed = [s for s in summary.stages if s.status == "failed"]
    for stage in failed:
        click.echo(f"chitieu run: {stage.name} failed: {stage.error}", err=True)
    sys.exit(summary.exit_code)
