"""`chitieu demo`: the nightly job on the bundled sample site, offline (see pipeline/demo.py)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.layout import OutDir


@click.command()
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"),
              show_default=True, help="Where the demo's corpus and extracted data go.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars and no summary lines.")
def demo(workdir: Path, quiet: bool) -> None:
    """Crawl a sample news site served on 127.0.0.1, extract, build the timeline, report and export.

    Run it twice: the second run fetches nothing new and finds no new facts.
    """
    from pipeline.jobs.demo import run_demo

    summary = run_demo(workdir, quiet=quiet)
    out = workdir / "extracted"
    if not quiet:
        for line in summary.lines():
            click.echo(line)
        crawl = summary.stage("crawl")
        fetched = crawl.counts.get("fetched", 0) if crawl else 0
        if summary.exit_code == 0 and fetched == 0 and summary.new_facts == 0:
            click.echo("nothing new: every page was known or answered 304 Not Modified, no new facts "
                       "(the run is incremental)")
        where = OutDir(out)
        outputs = [("facts", where.facts_csv, ""), ("timeline", where.timeline_csv(), ""),
                   ("report", where.report, ""),
                   ("export", where.export, "/ (CSV, Parquet, JSON Lines, datapackage.json)"),
                   ("summary", summary.path, "")]
        for label, path, note in outputs:  # only what this run (or an earlier one) actually wrote
            if path is not None and Path(path).exists():
                click.echo(f"{label + ':':<9} {path}{note}")
    for stage in summary.stages:
        if stage.status == "failed":
            click.echo(f"chitieu demo: {stage.name} failed: {stage.error}", err=True)
    sys.exit(summary.exit_code)
