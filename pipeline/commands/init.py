"""`chitieu init DIR`: a new project: an editable copy of the rules and a chitieu.toml using it."""
from __future__ import annotations

import shutil
from pathlib import Path

import click

CONFIG_TEMPLATE = """# chitieu settings for this project (`chitieu … --config {config}`, or run chitieu from here).
# Paths are relative to this file. Every key is optional; see `chitieu config check`.
[paths]
corpus = "corpora"            # crawled articles
out = "extracted"             # facts, timeline, report, export
rules = "rules"               # your copy of the rules: edit them here
sources = "rules/sources.toml"

[crawl]
# max_pages = 500             # article pages fetched per run
# since = 2024-01-01          # skip articles published before
delay = 1.0                   # seconds between two requests to one host

[extract]
workers = 0                   # 0: one worker process per core

[export]
sqlite = false                # also write export/chitieu.sqlite for Datasette

[log]
max_bytes = 5000000
backups = 5
"""


@click.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite chitieu.toml and rule files that already exist.")
def init(directory: Path, force: bool) -> None:
    """Start a project in DIRECTORY: rules/ (a copy of the bundled rules, yours to edit) and a
    chitieu.toml pointing at it. Nothing that exists is overwritten without --force."""
    from pipeline.config import load_settings
    from pipeline.settings import RULES_DIR

    config = directory / "chitieu.toml"
    rules = directory / "rules"
    sources = sorted(p for p in RULES_DIR.iterdir() if p.is_file() and not p.name.startswith("."))
    existing = [p for p in [config] + [rules / p.name for p in sources] if p.exists()]
    if existing and not force:
        raise click.UsageError(f"{existing[0]} already exists (use --force to overwrite)")
    rules.mkdir(parents=True, exist_ok=True)
    for path in sources:
        shutil.copyfile(path, rules / path.name)
    config.write_text(CONFIG_TEMPLATE.format(config=config), encoding="utf-8")
    load_settings(config)  # the file we wrote must be valid
    click.echo(f"init: {len(sources)} rule files → {rules}, settings → {config}; "
               f"next: cd {directory} && chitieu config check")
