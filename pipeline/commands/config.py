"""`chitieu config check`: validate the settings file and every rule file before a run."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.commands.run import CONFIG_OPTION, settings_from


@click.group()
def config() -> None:
    """Settings of the nightly job (chitieu.toml)."""


@config.command("check")
@CONFIG_OPTION
def check(config_file: Path | None) -> None:
    """Load the config, the rules (patterns, cues, subjects, indicators, areas) and the sources.

    Exit status: 0 valid, 2 a problem (each named by file and line).
    """
    from pipeline.config import check_settings

    settings = settings_from(config_file)
    problems, notes = check_settings(settings)
    for note in notes:
        click.echo(note)
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    click.echo(f"config check: {len(problems)} problem(s)" if problems else "config check: ok")
    sys.exit(2 if problems else 0)
