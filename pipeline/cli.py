"""The `chitieu` command: thin commands over the library API.

Subcommands live in pipeline/commands/<name>.py and are imported only when used, so that
`chitieu --help` does not pay for loading spaCy and underthesea.
"""
from __future__ import annotations

import importlib
import logging

import click

# command name → "module:attribute" of a click command
COMMANDS = {
    "extract": "pipeline.commands.extract:extract",
    "crawl": "pipeline.commands.crawl:crawl",
    "timeline": "pipeline.commands.timeline:timeline",
    "review": "pipeline.commands.review:review",
    "export": "pipeline.commands.export:export",
    "report": "pipeline.commands.report:report",
    "run": "pipeline.commands.run:run",
    "demo": "pipeline.commands.demo:demo",
    "config": "pipeline.commands.config:config",
    "explain": "pipeline.commands.explain:explain",
}


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module_name, attr = COMMANDS[name].split(":")
            return getattr(importlib.import_module(module_name), attr)
        return super().get_command(ctx, name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, help="More log output on stderr (-vv for debug).")
@click.version_option(package_name="chitieu")
def cli(verbose: int) -> None:
    """chitieu: Vietnamese news → indicator data."""
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


def main() -> None:
    cli(prog_name="chitieu")
