"""One crawl task in a worker thread: fetch, parse, store; the outcome goes back to the runner.

Workers touch neither the crawl state nor the run's bookkeeping: the runner's main thread owns
those and records each outcome. A page over HEAVY_PAGE bytes is parsed while holding a lock, so
at most one big tree is in memory at a time however many workers there are.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass

from pipeline.crawl.discover import Discovery, looks_like_xml, parse_feed_or_sitemap, parse_listing
from pipeline.crawl.fetch import ANY_TYPES, HTML_TYPES, XML_TYPES, Fetcher, Page
from pipeline.crawl.parse import ParsedArticle, parse_article
from pipeline.crawl.store import Storer, StoreResult
from pipeline.crawl.urls import canonical_url, in_domains, looks_like_page, path_and_query
from pipeline.errors import FetchError
from pipeline.rules.sources import Listing, Source

log = logging.getLogger("pipeline.crawl.runner")
HEAVY_PAGE = 2 * 1024 * 1024   # pages this large are parsed one at a time (their trees are big)
_HEAVY = threading.Lock()


@dataclass(frozen=True, slots=True)
class Task:
    kind: str        # article | listing | feed | sitemap | seed
    url: str         # what to fetch
    key: str         # canonical URL, the state's primary key
    source: Source
    page: int = 1    # listing page number; sitemap depth
    listing: Listing | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Outcome:
    task: Task
    page: Page | None = None
    discovery: Discovery | None = None
    parsed: ParsedArticle | None = None
    stored: StoreResult | None = None   # None with `parsed`: published before --since, not stored
    error: FetchError | None = None
    write_error: OSError | None = None   # the corpus could not be written: the crawl stops


def _accept_for(kind: str) -> frozenset[str]:
    return {"article": HTML_TYPES, "listing": HTML_TYPES, "feed": XML_TYPES, "sitemap": XML_TYPES}.get(kind, ANY_TYPES)


def is_article_for(source: Source) -> Callable[[str], bool]:
    """Which discovered links become article tasks: pattern matches, or every page link of the
    source's domains when the source has no patterns (the page decides later)."""
    if source.checks_pages:  # every page link of the site is a candidate; the page decides
        return lambda url: in_domains(url, source.domains) and looks_like_page(url)
    return lambda url: in_domains(url, source.domains) and source.is_article(path_and_query(canonical_url(url)))


def work(fetcher: Fetcher, task: Task, storer: Storer, too_old: Callable[[str | None], bool]) -> Outcome:
    """Fetch, parse and store one task (runs in a worker thread; touches neither the crawl
    state nor the run's bookkeeping). `too_old(published)`: before --since, not stored."""
    source = task.source
    try:
        page = fetcher.fetch(task.url, accept=_accept_for(task.kind), etag=task.etag,
                             last_modified=task.last_modified, allow=lambda u: in_domains(u, source.domains))
        if page.not_modified:
            return Outcome(task, page)
        with _HEAVY if len(page.body) > HEAVY_PAGE else nullcontext():
            return _parsed(task, page, storer, too_old)
    except FetchError as exc:
        return Outcome(task, error=exc)
    except Exception as exc:  # a parser bug must cost one page, not the night's run
        log.exception("%s: unexpected error", task.url)
        return Outcome(task, error=FetchError(task.url, "internal_error", f"{type(exc).__name__}: {exc}"[:300]))


def _parsed(task: Task, page: Page, storer: Storer, too_old: Callable[[str | None], bool]) -> Outcome:
    """Parse a fetched page: an article (stored unless too old) or a discovery page."""
    source = task.source
    if task.kind == "article":
        parsed = parse_article(page.text(), page.final_url, source.profile, require_article=source.checks_pages)
        if too_old(parsed.published):
            return Outcome(task, page, parsed=parsed)
        try:
            stored = storer.store(task, page, parsed)
        except OSError as exc:  # disk full, read-only corpus: not this page's fault
            return Outcome(task, page, parsed=parsed, write_error=exc)
        return Outcome(task, page, parsed=parsed, stored=stored)
    xml = task.kind in ("feed", "sitemap") or (task.kind == "seed" and (
        looks_like_xml(page.body) or page.body[:2] == b"\x1f\x8b" or "xml" in page.content_type))
    if xml:
        return Outcome(task, page, discovery=parse_feed_or_sitemap(page.body, page.final_url))
    return Outcome(task, page, discovery=parse_listing(page.text(), page.final_url, is_article_for(source), source.profile))
