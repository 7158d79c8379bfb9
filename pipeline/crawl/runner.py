"""The crawl loop: discover → de-duplicate → fetch → parse → store, with a run record.

Workers (a thread pool) fetch, parse and store each page (atomic writes, one writer per
document id); the main thread owns the SQLite state and records every page's outcome in one
transaction after its document is on disk. Per host at most `per_host` requests are in flight,
so one slow site never ties up the pool while the others wait.

Memory does not grow with what a site offers: discovered articles go to the crawl state, and
the articles to fetch are read back from it a batch at a time (the state is the queue); a run
adds at most `max_queued` new URLs and reads at most `max_sitemaps` sitemap files per source;
each sitemap file stops at the protocol's 50,000 entries.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import logging
import secrets
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path

from pipeline.corpus import safe_name
from pipeline.crawl.discover import Discovery
from pipeline.crawl.fetch import HOST_REASONS, FetchConfig, Fetcher
from pipeline.crawl.record import NOTHING_FOUND, RunReport, nothing_stored_advice, write_run_record  # noqa: F401
from pipeline.crawl.state import CrawlState, now_iso
from pipeline.crawl.store import Storer
from pipeline.crawl.urls import canonical_url, host_of, in_domains
from pipeline.crawl.worker import Outcome, Task, is_article_for, work
from pipeline.errors import CorpusError, FetchError
from pipeline.layout import CorpusDir
from pipeline.records import parse_published
from pipeline.rules.sources import SEED_LISTING_PAGES, Source
from pipeline.settings import CORPUS_DIR

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 100   # children read from one sitemap index
MAX_SITEMAP_DEPTH = 3      # an index of indexes of sitemaps, no deeper
BATCH = 256                # articles read from the state at a time
LOW_WATER = 64             # per source: read the next batch when fewer are waiting
SAMPLES = 200              # links kept to explain a crawl that stored nothing


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    corpus_dir: Path = CORPUS_DIR
    since: dt.date | None = None
    max_pages: int | None = None      # article fetches this run; the rest stays pending
    refresh: bool = False             # revisit stored articles (conditional GET)
    fetch: FetchConfig = FetchConfig()
    max_attempts: int = 3             # a failing article is retried on later runs up to this
    max_queued: int = 100_000         # new URLs one run may add to the queue (the crawl state)
    max_sitemaps: int = 500           # sitemap files one run reads per source


class CrawlRun:
    """One crawl over some sources; call run() once."""

    def __init__(self, sources: list[Source], options: CrawlOptions, progress: Callable[[int, int], None] | None = None):
        self.sources = sources
        self.options = options
        self.progress = progress
        self.corpus_dir = Path(options.corpus_dir)
        self.run_id = secrets.token_hex(6)
        self.report = RunReport(started=now_iso(), sources=[s.name for s in sources], options={
            "corpus_dir": str(self.corpus_dir), "since": options.since.isoformat() if options.since else None,
            "max_pages": options.max_pages, "refresh": options.refresh})
        self.queues: dict[str, deque[Task]] = {}
        self.inflight: Counter = Counter()
        self.seen: set[str] = set()           # discovery pages this run (bounded by listings and sitemaps)
        self.cursor: Counter = Counter()      # per source: rowid of the last article read from the state
        self.buffered: Counter = Counter()    # per source: articles read from the state, not yet done
        self.exhausted: dict[str, bool] = {}
        self.sitemaps: Counter = Counter()    # per source: sitemap files queued this run
        self.added = 0                        # new URLs this run put in the state
        self.warned: set[tuple[str, str]] = set()
        self.hosts_down: set[str] = set()
        self.candidates: list[str] = []       # pages fetched that were no articles (samples)
        self.rejected: list[str] = []         # same-site links the article patterns turned down (samples)
        self.article_budget = options.max_pages
        self.done = 0

    # -- queueing ------------------------------------------------------------------------
    def _push(self, task: Task) -> None:
        self.queues.setdefault(host_of(task.url), deque()).append(task)

    def _queued(self) -> int:
        return sum(len(q) for q in self.queues.values())

    def _before_since(self, value: str | None) -> bool:
        if self.options.since is None or not value:
            return False
        try:
            day = parse_published(value)
        except ValueError:
            return False
        return day is not None and day < self.options.since

    def _start(self, state: CrawlState) -> None:
        for source in self.sources:
            starts = [Task("listing", item.url, canonical_url(item.url), source, 1, item) for item in source.listings]
            starts += [Task("feed", url, canonical_url(url), source) for url in source.feeds]
            starts += [Task("sitemap", url, canonical_url(url), source) for url in source.sitemaps]
            starts += [Task("seed", url, canonical_url(url), source, 1) for url in source.seeds]
            for task in starts:
                self._push_discovery(state, task)
            if not source.checks_pages:
                # pages judged no article while links were only candidates: the patterns decide now
                is_article = is_article_for(source)
                state.requeue_skipped(source.name, "not_article", lambda page: is_article(page.fetch_url))

    def _refill(self, state: CrawlState) -> None:
        """Read the next articles to fetch from the state for each source that runs low."""
        if self.article_budget is not None and self.article_budget <= 0:
            return
        for source in self.sources:
            name = source.name
            if self.exhausted.get(name) or self.buffered[name] >= LOW_WATER:
                continue
            rows = state.queued_after(name, self.cursor[name], self.options.max_attempts, self.options.refresh, BATCH)
            self.exhausted[name] = len(rows) < BATCH
            for rowid, page in rows:
                self.cursor[name] = rowid
                if self._before_since(page.hint):
                    continue
                stored = page.status == "stored"
                self._push(Task("article", page.fetch_url, page.url, source, etag=page.etag if stored else None,
                                last_modified=page.last_modified if stored else None))
                self.buffered[name] += 1

    def _push_discovery(self, state: CrawlState, task: Task) -> None:
        if task.key in self.seen:
            return
        self.seen.add(task.key)
        known = state.get(task.key)
        if known and known.kind == task.kind:
            task = replace(task, etag=known.etag, last_modified=known.last_modified)
        self._push(task)

    # -- outcomes ------------------------------------------------------------------------
    def _failure(self, task: Task, reason: str, detail: str, url: str | None = None) -> None:
        url = url or task.url
        self.report.failures.append({"url": url, "reason": reason, "detail": detail, "kind": task.kind,
                                     "source": task.source.name})
        log.warning("%s: %s%s", url, reason, f" ({detail})" if detail else "")

    def _fail(self, state: CrawlState, task: Task, error: FetchError) -> None:
        if error.reason == "robots":
            self.report.counts["skipped_robots"] += 1
            log.info("%s: skipped, disallowed by robots.txt", task.url)
            state.update(task.key, status="skipped", reason="robots")
            return
        if error.reason == "not_article":
            self.report.ok_responses += 1
            self.report.counts["not_article"] += 1
            if len(self.candidates) < SAMPLES:
                self.candidates.append(task.url)
            log.info("%s: not an article (%s)", task.url, error.detail)
            state.update(task.key, status="skipped", reason="not_article", fetched=True)
            return
        if error.reason in HOST_REASONS:
            # the host, not the page: one failure per host, its pages stay pending for the next run
            host = host_of(task.url)
            if host not in self.hosts_down:
                self.hosts_down.add(host)
                self._failure(task, error.reason, f"{error.detail}; the host's other pages wait for the next run")
            return
        self._failure(task, error.reason, error.detail)
        state.update(task.key, status="failed", reason=error.reason, fetched=True)

    def _warn_once(self, task: Task, what: str, message: str, url: str | None = None) -> None:
        if (task.source.name, what) not in self.warned:
            self.warned.add((task.source.name, what))
            self._failure(task, what, message, url)

    def _discovered(self, state: CrawlState, outcome: Outcome) -> bool:
        """Take in what a discovery page lists; False when the queue cap left some of it out."""
        task, found = outcome.task, outcome.discovery
        complete = True
        source = task.source
        if found.truncated:
            self._failure(task, "too_many_urls", found.truncated, outcome.page.final_url)
        is_article = is_article_for(source)
        for item in found.articles:
            if not is_article(item.url):
                if len(self.rejected) < SAMPLES and in_domains(item.url, source.domains):
                    self.rejected.append(item.url)
                continue
            key = canonical_url(item.url)
            known = state.get(key)
            if known is not None and known.seen_run == self.run_id:
                continue  # already found this run
            if self._before_since(item.published):
                self.report.counts["skipped_since"] += 1
                continue
            if known is None:
                if self.added >= self.options.max_queued:
                    complete = False
                    self.report.counts["over_cap"] += 1
                    self._warn_once(task, "queue_full", f"this run has queued {self.options.max_queued:,} new URLs, its cap:"
                                    " the rest of what the site lists waits for later runs", outcome.page.final_url)
                    continue
                self.added += 1
                self.exhausted[source.name] = False
            page = state.see(key, item.url, source.name, "article", item.published, run=self.run_id)
            self.report.counts["discovered"] += 1
            if page.status in ("stored", "skipped") and not self.options.refresh:
                self.report.counts["known"] += 1
        for url in self._follow(task, found, outcome.page.final_url):
            kind = "listing" if found.kind == "listing" else "sitemap"
            self._push_discovery(state, Task(kind, url, canonical_url(url), source, task.page + 1, task.listing))
        return complete

    def _follow(self, task: Task, found: Discovery | None, where: str = "") -> list[str]:
        """Next discovery pages: the listing's {page} template, a rel=next link, child sitemaps."""
        if task.kind in ("listing", "seed") and (found is None or found.kind == "listing"):
            limit = task.listing.pages if task.listing else SEED_LISTING_PAGES
            if task.page >= limit:
                return []
            if task.listing and task.listing.next:
                return [task.listing.page_url(task.page + 1)]
            return list(found.follow[:1]) if found else []
        if found is None or found.kind != "sitemapindex":
            return []
        if task.page >= MAX_SITEMAP_DEPTH:
            self._warn_once(task, "sitemap_too_deep", f"sitemap indexes nested deeper than {MAX_SITEMAP_DEPTH}: not followed", where)
            return []
        children = [u for u in found.follow if in_domains(u, task.source.domains)]
        if len(children) > MAX_CHILD_SITEMAPS:
            self._warn_once(task, "too_many_sitemaps", f"the index lists {len(children):,} sitemaps: the first "
                            f"{MAX_CHILD_SITEMAPS} are read", where)
        result = []
        for url in children[:MAX_CHILD_SITEMAPS]:
            if self.sitemaps[task.source.name] >= self.options.max_sitemaps:
                self._warn_once(task, "too_many_sitemaps", f"{self.options.max_sitemaps} sitemap files read this run,"
                                " the cap: the rest waits for later runs", where)
                break
            if canonical_url(url) not in self.seen:
                self.sitemaps[task.source.name] += 1
                result.append(url)
        return result

    def _handle(self, state: CrawlState, outcome: Outcome) -> None:
        task = outcome.task
        if outcome.write_error is not None:
            raise outcome.write_error  # as from any stage that cannot write: the caller names the path
        with state.transaction():
            if task.kind != "article":
                state.see(task.key, task.url, task.source.name, task.kind)
            if outcome.error is not None:
                self._fail(state, task, outcome.error)
                return
            page = outcome.page
            self.report.ok_responses += 1
            fields = dict(final_url=page.final_url, etag=page.headers.get("etag"),
                          last_modified=page.headers.get("last-modified"), fetched=True, reason=None)
            if task.kind != "article":
                if page.not_modified:
                    self.report.counts["not_modified"] += 1
                    fields.update(etag=task.etag, last_modified=task.last_modified)
                    for url in self._follow(task, None):
                        self._push_discovery(state, Task(task.kind, url, canonical_url(url), task.source, task.page + 1, task.listing))
                elif not self._discovered(state, outcome):
                    fields.update(etag=None, last_modified=None)  # read it whole next time, not a 304
                state.update(task.key, status="seen", **fields)
                return
            self.report.counts["fetched"] += 1
            if page.not_modified:
                self.report.counts["unchanged"] += 1
                fields.update(etag=task.etag, last_modified=task.last_modified)
                state.update(task.key, status="stored", **fields)
                return
            result = outcome.stored
            if result is None:
                self.report.counts["skipped_since"] += 1
                state.update(task.key, status="skipped", reason="before_since", **{k: v for k, v in fields.items() if k != "reason"})
                return
            self.report.counts[result.change] += 1
            state.update(task.key, status="stored", canonical_url=result.canonical, content_hash=result.content_hash,
                         doc_id=result.doc_id, doc_path=str(result.path), published=outcome.parsed.published, **fields)

    # -- the loop ------------------------------------------------------------------------
    def _dispatch(self, pool: ThreadPoolExecutor, fetcher: Fetcher, storer: Storer, running: dict[Future, Task]) -> None:
        # One task more than the host's request limit: the fetcher's per-host gate keeps the
        # requests sequential, and the extra worker parses one page while the next downloads.
        limit = self.options.fetch.per_host + 1
        for host, queue in self.queues.items():
            while queue and self.inflight[host] < limit and len(running) < 2 * self.options.fetch.concurrency:
                task = queue.popleft()
                if task.kind == "article" and self.article_budget is not None:
                    if self.article_budget <= 0:
                        self.buffered[task.source.name] -= 1
                        continue  # stays 'pending' in the state for the next run
                    self.article_budget -= 1
                self.inflight[host] += 1
                running[pool.submit(work, fetcher, task, storer, self._before_since)] = task

    def _remove_stale_temp_files(self) -> None:
        """Temporary files of a crawl that was killed mid-write (never complete documents)."""
        for source in self.sources:
            folder = self.corpus_dir / safe_name(source.name)
            for leftover in folder.glob("*/.*.tmp") if folder.is_dir() else ():
                log.info("%s: removing a temporary file left by an interrupted run", leftover)
                leftover.unlink(missing_ok=True)

    def _finish(self, state: CrawlState) -> None:
        """Articles left for later runs, and why a crawl that stored nothing did so."""
        names = [s.name for s in self.sources]
        self.report.counts["deferred"] = state.count(names, "pending")
        counts = self.report.counts
        if any(counts[k] for k in ("new", "updated", "unchanged", "known", "deferred", "skipped_since", "skipped_robots")):
            return
        if any(f["kind"] == "article" for f in self.report.failures):
            return  # articles were found but failed: the failures say why
        if state.count(names, "stored") or self.report.ok_responses == 0:
            return  # an earlier run stored articles; or nothing answered, which the failures say
        starts = [t for s in self.sources for t in [i.url for i in s.listings] + list(s.feeds) + list(s.sitemaps) + list(s.seeds)]
        patterns = [p.pattern for s in self.sources for p in s.article_patterns]
        advice = nothing_stored_advice(starts, self.candidates, self.rejected, patterns)
        self.report.advice.append(advice)
        source = self.sources[0]
        self._failure(Task("seed", starts[0] if starts else "", "", source), NOTHING_FOUND, advice)

    def run(self) -> RunReport:
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        with _corpus_lock(self.corpus_dir):
            self._remove_stale_temp_files()
            state = CrawlState(CorpusDir(self.corpus_dir).state)
            fetcher = Fetcher(self.options.fetch, {
                host_of(u): s.delay for s in self.sources if s.delay is not None
                for u in [i.url for i in s.listings] + list(s.feeds) + list(s.sitemaps) + list(s.seeds)})
            try:
                with state.transaction():
                    self._start(state)
                running: dict[Future, Task] = {}
                storer = Storer(self.corpus_dir)
                with ThreadPoolExecutor(max_workers=self.options.fetch.concurrency, thread_name_prefix="crawl") as pool:
                    self._refill(state)
                    self._dispatch(pool, fetcher, storer, running)
                    while running:
                        finished, _ = wait(running, return_when=FIRST_COMPLETED)
                        for future in finished:
                            task = running.pop(future)
                            self.inflight[host_of(task.url)] -= 1
                            if task.kind == "article":
                                self.buffered[task.source.name] -= 1
                            self._handle(state, future.result())
                            self.done += 1
                        self._refill(state)
                        if self.progress:
                            self.progress(self.done, self.done + self._queued() + len(running))
                        self._dispatch(pool, fetcher, storer, running)
                self._finish(state)
            finally:
                fetcher.close()
                state.close()
        self.report.finished = now_iso()
        self.report.record_path = write_run_record(self.corpus_dir, self.report)
        return self.report


class _corpus_lock:
    """One crawler per corpus directory at a time (released by the OS even after SIGKILL)."""

    def __init__(self, corpus_dir: Path):
        self.path = Path(corpus_dir) / ".crawl.lock"

    def __enter__(self):
        self.handle = open(self.path, "a+")
        try:
            fcntl.flock(self.handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self.handle.close()
            raise CorpusError(f"{self.path.parent}: another crawl is running on this corpus") from None
        return self

    def __exit__(self, *exc):
        fcntl.flock(self.handle, fcntl.LOCK_UN)
        self.handle.close()


def crawl(sources: list[Source], options: CrawlOptions = CrawlOptions(),
          progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Crawl `sources` (only the enabled ones) into `options.corpus_dir`; never raises for a page."""
    started = time.monotonic()
    report = CrawlRun([s for s in sources if s.enabled], options, progress).run()
    log.info("crawl finished in %.1fs: %s", time.monotonic() - started, report.summary())
    return report

