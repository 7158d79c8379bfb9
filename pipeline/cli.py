"""The `chitieu` command: thin commands over the library API.

Subcommands live in pipeline/commands/<name>.py and are imported only when used, so that
`chitieu --help` does not pay for loading spaCy and underthesea.

What every command shares is added here, once, so the command modules stay about their work:
- `--config FILE` (default ./chitieu.toml when present): its settings become the defaults of the
  command's options (`--out`, `--corpus`, `--rules`, `--sources`, `--workers` …); flags override;
- `-v` / `-vv`, before or after the subcommand;
- one exit-code rule: 0 all good, 1 partial, 2 nothing could be done. A PipelineError or an
  OSError (disk full, read-only directory) ends any command with a one-line message naming the
  file, and exit code 2, never a traceback.
"""
from __future__ import annotations

import importlib
import logging
import sys
from pathlib import Path

import click

from pipeline.errors import PipelineError

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
    "init": "pipeline.commands.init:init",
}
# option name of a command → the Settings field that gives its default
SETTING_OF_OPTION = {"corpus_dir": "corpus_dir", "out_dir": "out_dir", "rules_dir": "rules_dir",
                     "sources_file": "sources_file", "workers": "workers", "max_pages": "max_pages",
                     "since": "since", "refresh": "refresh", "sqlite": "sqlite"}
SETTINGS_KEY = "chitieu.settings"
VERBOSE_KEY = "chitieu.verbose"


def configure_logging(verbose: int) -> None:
    """Logs on stderr: warnings, -v info, -vv debug."""
    level = logging.WARNING - 10 * min(verbose, 2)
    root = logging.getLogger()
    if not root.handlers:
        logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    root.setLevel(level)


def _verbose(ctx: click.Context, param: click.Parameter, value: int) -> None:
    if value:
        ctx.meta[VERBOSE_KEY] = ctx.meta.get(VERBOSE_KEY, 0) + value
        configure_logging(ctx.meta[VERBOSE_KEY])


def settings_for(ctx: click.Context, config_file: Path | None = None):
    """The settings of `config_file`, of the group's --config, or of ./chitieu.toml (built-in
    defaults when there is none), loaded once per command line."""
    from pipeline.config import default_config_path, load_settings

    if config_file is not None or SETTINGS_KEY not in ctx.meta:
        path = config_file or ctx.meta.get("chitieu.config_file") or default_config_path()
        ctx.meta[SETTINGS_KEY] = load_settings(path)
    return ctx.meta[SETTINGS_KEY]


def _group_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    if value is not None:
        ctx.meta["chitieu.config_file"] = value


def _command_config(ctx: click.Context, param: click.Parameter, value: Path | None) -> None:
    """Eager: read the settings and make them the defaults of this command's options."""
    settings = settings_for(ctx, value)
    if settings.origin == "built-in defaults":
        return
    defaults = {}
    for option in ctx.command.params:
        if not option.expose_value:  # e.g. an accepted-and-ignored --corpus
            continue
        field = SETTING_OF_OPTION.get(option.name or "")
        value = getattr(settings, field) if field else None
        if value is not None:
            defaults[option.name] = value.isoformat() if hasattr(value, "isoformat") else value
    ctx.default_map = {**defaults, **(ctx.default_map or {})}


VERBOSE = click.Option(["-v", "--verbose"], count=True, expose_value=False, callback=_verbose,
                       help="More log output on stderr (-vv for debug).")
CONFIG = click.Option(["--config", "config_file"], type=click.Path(dir_okay=False, path_type=Path),
                      expose_value=False, is_eager=True, callback=_command_config,
                      help="Settings file [default: ./chitieu.toml when present]; flags override it.")


def _add_shared_options(command: click.Command) -> click.Command:
    """-v everywhere; --config wherever the command does not read the settings itself."""
    names = {p.name for p in command.params}
    if "verbose" not in names:
        command.params.append(VERBOSE)
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            _add_shared_options(sub)
    elif "config_file" not in names and names & set(SETTING_OF_OPTION):
        command.params.insert(0, CONFIG)
    return command


def _failure(ctx: click.Context, message: str) -> None:
    name = " ".join(filter(None, ["chitieu", ctx.invoked_subcommand]))
    click.echo(f"{name}: error: {message}", err=True)
    ctx.exit(2)


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMANDS))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in COMMANDS:
            module_name, attr = COMMANDS[name].split(":")
            return _add_shared_options(getattr(importlib.import_module(module_name), attr))
        return super().get_command(ctx, name)

    def invoke(self, ctx: click.Context):
        from pipeline.atomic import os_error_text

        try:
            return super().invoke(ctx)
        except PipelineError as exc:
            _failure(ctx, str(exc))
        except OSError as exc:  # disk full, read-only, permission: name the file, no traceback
            _failure(ctx, os_error_text(exc, Path.cwd()))
        except MemoryError:
            _failure(ctx, "out of memory")
        except click.ClickException as exc:  # one rule: a command that could do nothing exits 2
            if exc.exit_code == 1:
                exc.exit_code = 2
            raise


def _version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from pipeline.commands.version import version_report
    from pipeline.config import default_config_path, load_settings

    rules_dir = None
    try:  # the rules this directory's chitieu.toml uses, when there is one
        path = default_config_path()
        rules_dir = load_settings(path).rules_dir if path else None
    except PipelineError:
        pass
    click.echo(version_report(rules_dir))
    ctx.exit(0)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", count=True, expose_value=False, callback=_verbose,
              help="More log output on stderr (-vv for debug).")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), expose_value=False,
              callback=_group_config, help="Settings file for the command [default: ./chitieu.toml].")
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Versions of chitieu, its rules and its main libraries.")
def cli() -> None:
    """chitieu: Vietnamese news → indicator data."""
    configure_logging(click.get_current_context().meta.get(VERBOSE_KEY, 0))


def main() -> None:
    try:
        cli(prog_name="chitieu")
    except KeyboardInterrupt:
        print("chitieu: interrupted", file=sys.stderr)
        sys.exit(130)
