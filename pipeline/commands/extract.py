"""`chitieu extract`: corpus (or JSON Lines) → extracted/facts.csv, .parquet, .jsonl."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from pipeline.layout import OutDir
from pipeline.settings import DEFAULTS


@click.command()
@click.option("--corpus", "corpus_dir", type=click.Path(path_type=Path), default=DEFAULTS.corpus_dir,
              show_default=True, help="Corpus directory of <source>/<year>/<id>.json documents.")
@click.option("--input", "input_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A JSON Lines file of article records instead of the corpus directory.")
@click.option("--out", "out_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULTS.out_dir,
              show_default=True, help="Where facts.csv, facts.parquet and facts.jsonl are written.")
@click.option("--rules", "rules_dir", type=click.Path(path_type=Path, file_okay=False), default=DEFAULTS.rules_dir,
              help="Rules directory (default: the project's rules/).")
@click.option("--workers", type=int, default=None,
              help="Worker processes (default: one per core); with --executor dask, of the LocalCluster.")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local", show_default=True,
              help="local: processes on this machine; dask: a Dask cluster (pip install 'chitieu[dask]').")
@click.option("--scheduler", metavar="ADDRESS",
              help="Dask scheduler address (tcp://host:8786); default: a LocalCluster on this machine.")
@click.option("--partitions", type=int, default=None,
              help="Dask: input partitions (default: ~250 documents each, at least 4 per worker).")
@click.option("--full", is_flag=True, help="Re-extract every document, not only new and changed ones.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary line.")
def extract(corpus_dir: Path, input_path: Path | None, out_dir: Path, rules_dir: Path, workers: int | None,
            executor: str, scheduler: str | None, partitions: int | None, full: bool, quiet: bool) -> None:
    """Extract fractions, percentages, dates and periods as fact records."""
    from pipeline.extract.executors import run_extraction

    summary = run_extraction(corpus_dir=None if input_path else corpus_dir, input_path=input_path,
                             out_dir=out_dir, rules_dir=rules_dir, workers=workers,
                             incremental=not full, progress=False if quiet else None,
                             executor=executor, scheduler=scheduler, partitions=partitions)
    for message in summary.errors:
        click.echo(f"skipped: {message}", err=True)
    if not quiet:
        click.echo(summary.line())
        if summary.written:
            out = OutDir(out_dir)
            click.echo(f"facts written to {out.facts_csv}, {out.facts_parquet}, {out.facts_jsonl}")
            if executor == "dask":
                click.echo(f"partitioned Parquet in {OutDir(out_dir).partitions}")
        else:
            click.echo(f"nothing written: no document could be read; {out_dir} left as it was")
    sys.exit(summary.exit_code)
