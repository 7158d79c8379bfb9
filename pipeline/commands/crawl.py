"""`chitieu crawl`: arguments → pipeline.crawl.runner.crawl(); nothing else lives here."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import sys
from pathlib import Path

import click

from pipeline.settings import CORPUS_DIR


def _parse_patterns(ctx, param, values: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    patterns = []
    for value in values:
        try:
            patterns.append(re.compile(value))
        except re.error as exc:
            raise click.BadParameter(f"invalid regex {value!r} ({exc})") from None
    return tuple(patterns)


def _parse_since(ctx, param, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected YYYY-MM-DD, got {value!r}") from None


@click.command()
@click.option("--sources", "sources_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Sources file (default rules/sources.toml).")
@click.option("--seed", metavar="URL", default=None,
              help="Crawl ad hoc from one listing page, feed or sitemap (its host only), no sources entry needed.")
@click.option("--corpus", "corpus_dir", type=click.Path(file_okay=False, path_type=Path), default=CORPUS_DIR,
              show_default=True, help="Corpus directory (state.sqlite and runs/ live here too).")
@click.option("--since", callback=_parse_since, metavar="YYYY-MM-DD", help="Skip articles published before this date.")
@click.option("--max-pages", type=click.IntRange(min=0), default=None, help="Fetch at most N article pages this run.")
@click.option("--max-queued", type=click.IntRange(min=1), default=None,
              help="Queue at most N new URLs this run (default 100,000); the rest is found again later.")
@click.option("--refresh", is_flag=True, help="Re-fetch stored articles too (conditional GET).")
@click.option("--article-pattern", "article_patterns", metavar="REGEX", multiple=True, callback=_parse_patterns,
              help="A link whose path (+ ?query) matches is an article (repeatable); replaces the sources' "
                   "article_patterns for this run. Without any, every link of a --seed is a candidate the page decides.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bar and no summary line.")
def crawl(sources_file, seed, corpus_dir, since, max_pages, max_queued, refresh, article_patterns, quiet) -> None:
    """Discover, fetch and parse news articles into the corpus.

    Exit status: 0 all good, 1 some pages failed, 2 nothing worked or no article was found.
    """
    from pipeline.cli import settings_for
    from pipeline.crawl.fetch import FetchConfig
    from pipeline.crawl.runner import CrawlOptions
    from pipeline.crawl.runner import crawl as run_crawl
    from pipeline.errors import PipelineError
    from pipeline.progress import bar_logging, progress_bar
    from pipeline.rules.sources import SOURCES_FILE, load_sources, seed_source

    try:
        path = sources_file or SOURCES_FILE
        configured = load_sources(path) if (sources_file or not seed or path.exists()) else []
        sources = [seed_source(seed, configured)] if seed else [s for s in configured if s.enabled]
        if not sources:
            raise click.UsageError(f"{path}: no enabled source (use --seed URL for an ad hoc crawl)")
        if article_patterns:
            sources = [dataclasses.replace(s, article_patterns=article_patterns) for s in sources]
        s = settings_for(click.get_current_context())  # [crawl] delay, concurrency … of chitieu.toml
        fetch = {k: v for k, v in dict(delay=s.delay, concurrency=s.concurrency, per_host=s.per_host,
                                       read_timeout=s.timeout, retries=s.retries).items() if v is not None}
        options = CrawlOptions(corpus_dir=corpus_dir, since=since, max_pages=max_pages, refresh=refresh,
                               fetch=FetchConfig(**fetch), **({"max_queued": max_queued} if max_queued else {}))
        bar = progress_bar("crawl", "page", False if quiet else None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            with bar_logging(not bar.disable):  # log lines above the bar, not through it
                report = run_crawl(sources, options, progress=progress)
        finally:
            bar.close()
    except PipelineError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    if not quiet:
        click.echo(report.summary() + f" [run record: {report.record_path}]")  # on stdout, like every summary
        for advice in report.advice:
            click.echo(advice)
    sys.exit(report.exit_code)
