"""The crawl loop: discover → de-duplicate → fetch → parse → store, with a run record.

Workers (a thread pool) only fetch and parse; the main thread owns the SQLite state and the
corpus writes, so every page's outcome is recorded in one transaction after its document is
on disk. Per host at most `per_host` requests are in flight, so one slow site never ties up the
pool while the others wait.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.corpus import atomic_write_text, safe_name
from pipeline.crawl.discover import Discovery, looks_like_xml, parse_feed_or_sitemap, parse_listing
from pipeline.crawl.fetch import ANY_TYPES, HTML_TYPES, XML_TYPES, Fetcher, FetchConfig, Page
from pipeline.crawl.parse import ParsedArticle, parse_article
from pipeline.crawl.sources import SEED_LISTING_PAGES, Listing, Source
from pipeline.crawl.state import CrawlState, PageState, now_iso
from pipeline.crawl.store import store_article
from pipeline.crawl.urls import canonical_url, host_of, in_domains, path_and_query
from pipeline.errors import CorpusError, FetchError
from pipeline.records import parse_published
from pipeline.settings import CORPUS_DIR

log = logging.getLogger(__name__)
MAX_CHILD_SITEMAPS = 100
COUNT_KEYS = ("discovered", "fetched", "new", "updated", "unchanged", "known", "not_modified", "skipped_robots",
              "skipped_since", "deferred", "failed")


@dataclass(frozen=True, slots=True)
class CrawlOptions:
    corpus_dir: Path = CORPUS_DIR
    since: dt.date | None = None
    max_pages: int | None = None      # article fetches this run; the rest stays pending
    refresh: bool = False             # revisit stored articles (conditional GET)
    fetch: FetchConfig = FetchConfig()
    max_attempts: int = 3             # a failing article is retried on later runs up to this


@dataclass(frozen=True, slots=True)
class Task:
    kind: str        # article | listing | feed | sitemap | seed
    url: str         # what to fetch
    key: str         # canonical URL, the state's primary key
    source: Source
    page: int = 1
    listing: Listing | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class Outcome:
    task: Task
    page: Page | None = None
    discovery: Discovery | None = None
    parsed: ParsedArticle | None = None
    error: FetchError | None = None


@dataclass
class RunReport:
    started: str
    sources: list[str]
    options: dict
    counts: Counter = field(default_factory=Counter)
    failures: list[dict] = field(default_factory=list)
    ok_responses: int = 0
    finished: str | None = None
    record_path: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 all good, 1 some failures, 2 nothing worked (trafilatura's convention plus one)."""
        if not self.failures:
            return 0
        return 2 if self.ok_responses == 0 else 1

    def failed_by_reason(self) -> Counter:
        return Counter(f["reason"] for f in self.failures)

    def summary(self) -> str:
        parts = [f"{key} {self.counts.get(key, 0)}" for key in COUNT_KEYS if key != "failed"]
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed_by_reason().items()))
        return "crawl: " + ", ".join(parts) + f", failed {len(self.failures)}" + (f" ({reasons})" if reasons else "")

    def as_dict(self) -> dict:
        return {
            "started": self.started, "finished": self.finished, "sources": self.sources,
            "options": self.options, "counts": {k: self.counts.get(k, 0) for k in COUNT_KEYS} | dict(self.counts),
            "failed_by_reason": dict(self.failed_by_reason()), "failures": self.failures,
            "exit_code": self.exit_code,
        }


def _accept_for(kind: str) -> frozenset[str]:
    return {"article": HTML_TYPES, "listing": HTML_TYPES, "feed": XML_TYPES, "sitemap": XML_TYPES}.get(kind, ANY_TYPES)


def _is_article_for(source: Source) -> Callable[[str], bool]:
    return lambda url: in_domains(url, source.domains) and source.is_article(path_and_query(canonical_url(url)))


def work(fetcher: Fetcher, task: Task) -> Outcome:
    """Fetch and parse one task (runs in a worker thread; touches no shared state)."""
    source = task.source
    try:
        page = fetcher.fetch(task.url, accept=_accept_for(task.kind), etag=task.etag,
                             last_modified=task.last_modified, allow=lambda u: in_domains(u, source.domains))
        if page.not_modified:
            return Outcome(task, page)
        if task.kind == "article":
            return Outcome(task, page, parsed=parse_article(page.text(), page.final_url, source.profile))
        xml = task.kind in ("feed", "sitemap") or (task.kind == "seed" and (
            looks_like_xml(page.body) or page.body[:2] == b"\x1f\x8b" or "xml" in page.content_type))
        if xml:
            return Outcome(task, page, discovery=parse_feed_or_sitemap(page.body, page.final_url))
        return Outcome(task, page, discovery=parse_listing(page.text(), page.final_url, _is_article_for(source), source.profile))
    except FetchError as exc:
        return Outcome(task, error=exc)
    except Exception as exc:  # a parser bug must cost one page, not the night's run
        log.exception("%s: unexpected error", task.url)
        return Outcome(task, error=FetchError(task.url, "internal_error", f"{type(exc).__name__}: {exc}"[:300]))


class CrawlRun:
    """One crawl over some sources; call run() once."""

    def __init__(self, sources: list[Source], options: CrawlOptions, progress: Callable[[int, int], None] | None = None):
        self.sources = sources
        self.options = options
        self.progress = progress
        self.corpus_dir = Path(options.corpus_dir)
        self.report = RunReport(started=now_iso(), sources=[s.name for s in sources], options={
            "corpus_dir": str(self.corpus_dir), "since": options.since.isoformat() if options.since else None,
            "max_pages": options.max_pages, "refresh": options.refresh})
        self.queues: dict[str, deque[Task]] = {}
        self.inflight: Counter = Counter()
        self.seen: set[str] = set()
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

    def _enqueue_article(self, key: str, state: PageState, source: Source) -> None:
        etag = state.etag if state.status == "stored" else None
        modified = state.last_modified if state.status == "stored" else None
        self._push(Task("article", state.fetch_url, key, source, etag=etag, last_modified=modified))

    def _start(self, state: CrawlState) -> None:
        for source in self.sources:
            starts = [Task("listing", item.url, canonical_url(item.url), source, 1, item) for item in source.listings]
            starts += [Task("feed", url, canonical_url(url), source) for url in source.feeds]
            starts += [Task("sitemap", url, canonical_url(url), source) for url in source.sitemaps]
            starts += [Task("seed", url, canonical_url(url), source, 1) for url in source.seeds]
            for task in starts:
                self._push_discovery(state, task)
            leftovers = state.unfinished(source.name, self.options.max_attempts)
            if self.options.refresh:
                leftovers += state.stored(source.name)
            for page in leftovers:
                if page.url not in self.seen and not self._before_since(page.hint):
                    self.seen.add(page.url)
                    self._enqueue_article(page.url, page, source)

    def _push_discovery(self, state: CrawlState, task: Task) -> None:
        if task.key in self.seen:
            return
        self.seen.add(task.key)
        known = state.get(task.key)
        if known and known.kind == task.kind:
            task = replace(task, etag=known.etag, last_modified=known.last_modified)
        self._push(task)

    # -- outcomes ------------------------------------------------------------------------
    def _fail(self, state: CrawlState, task: Task, error: FetchError) -> None:
        if error.reason == "robots":
            self.report.counts["skipped_robots"] += 1
            log.info("%s: skipped, disallowed by robots.txt", task.url)
            state.update(task.key, status="skipped", reason="robots")
            return
        self.report.failures.append({"url": task.url, "reason": error.reason, "detail": error.detail,
                                     "kind": task.kind, "source": task.source.name})
        log.warning("%s: %s%s", task.url, error.reason, f" ({error.detail})" if error.detail else "")
        state.update(task.key, status="failed", reason=error.reason, fetched=True)

    def _discovered(self, state: CrawlState, outcome: Outcome) -> None:
        task, found = outcome.task, outcome.discovery
        source = task.source
        is_article = _is_article_for(source)
        for item in found.articles:
            if not is_article(item.url):
                continue
            key = canonical_url(item.url)
            if key in self.seen:
                continue
            self.seen.add(key)
            if self._before_since(item.published):
                self.report.counts["skipped_since"] += 1
                continue
            self.report.counts["discovered"] += 1
            page = state.see(key, item.url, source.name, "article", item.published)
            if page.status in ("stored", "skipped") and not self.options.refresh:
                self.report.counts["known"] += 1
            else:
                self._enqueue_article(key, page, source)
        for url in self._follow(task, found):
            kind = "listing" if found.kind == "listing" else "sitemap"
            self._push_discovery(state, Task(kind, url, canonical_url(url), source, task.page + 1, task.listing))

    def _follow(self, task: Task, found: Discovery | None) -> list[str]:
        """Next discovery pages: the listing's {page} template, a rel=next link, child sitemaps."""
        if task.kind in ("listing", "seed") and (found is None or found.kind == "listing"):
            limit = task.listing.pages if task.listing else SEED_LISTING_PAGES
            if task.page >= limit:
                return []
            if task.listing and task.listing.next:
                return [task.listing.page_url(task.page + 1)]
            return list(found.follow[:1]) if found else []
        if found is not None and found.kind == "sitemapindex":
            return [u for u in found.follow[:MAX_CHILD_SITEMAPS] if in_domains(u, task.source.domains)]
        return []

    def _handle(self, state: CrawlState, outcome: Outcome) -> None:
        task = outcome.task
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
                else:
                    self._discovered(state, outcome)
                state.update(task.key, status="seen", **fields)
                return
            self.report.counts["fetched"] += 1
            if page.not_modified:
                self.report.counts["unchanged"] += 1
                fields.update(etag=task.etag, last_modified=task.last_modified)
                state.update(task.key, status="stored", **fields)
                return
            if self._before_since(outcome.parsed.published):
                self.report.counts["skipped_since"] += 1
                state.update(task.key, status="skipped", reason="before_since", **{k: v for k, v in fields.items() if k != "reason"})
                return
            result = store_article(self.corpus_dir, state, task, page, outcome.parsed)
            self.report.counts[result.change] += 1
            state.update(task.key, status="stored", canonical_url=result.canonical, content_hash=result.content_hash,
                         doc_id=result.doc_id, doc_path=str(result.path), published=outcome.parsed.published, **fields)

    # -- the loop ------------------------------------------------------------------------
    def _dispatch(self, pool: ThreadPoolExecutor, fetcher: Fetcher, running: dict[Future, Task], state: CrawlState) -> None:
        # One task more than the host's request limit: the fetcher's per-host gate keeps the
        # requests sequential, and the extra worker parses one page while the next downloads.
        limit = self.options.fetch.per_host + 1
        for host, queue in self.queues.items():
            while queue and self.inflight[host] < limit and len(running) < 2 * self.options.fetch.concurrency:
                task = queue.popleft()
                if task.kind == "article" and self.article_budget is not None:
                    if self.article_budget <= 0:
                        self.report.counts["deferred"] += 1
                        continue  # stays 'pending' in the state for the next run
                    self.article_budget -= 1
                self.inflight[host] += 1
                running[pool.submit(work, fetcher, task)] = task

    def _remove_stale_temp_files(self) -> None:
        """Temporary files of a crawl that was killed mid-write (never complete documents)."""
        for source in self.sources:
            folder = self.corpus_dir / safe_name(source.name)
            for leftover in folder.glob("*/.*.tmp") if folder.is_dir() else ():
                log.info("%s: removing a temporary file left by an interrupted run", leftover)
                leftover.unlink(missing_ok=True)

    def run(self) -> RunReport:
        self.corpus_dir.mkdir(parents=True, exist_ok=True)
        with _corpus_lock(self.corpus_dir):
            self._remove_stale_temp_files()
            state = CrawlState(self.corpus_dir / "state.sqlite")
            fetcher = Fetcher(self.options.fetch, {
                host_of(u): s.delay for s in self.sources if s.delay is not None
                for u in [i.url for i in s.listings] + list(s.feeds) + list(s.sitemaps) + list(s.seeds)})
            try:
                with state.transaction():
                    self._start(state)
                running: dict[Future, Task] = {}
                with ThreadPoolExecutor(max_workers=self.options.fetch.concurrency, thread_name_prefix="crawl") as pool:
                    self._dispatch(pool, fetcher, running, state)
                    while running:
                        finished, _ = wait(running, return_when=FIRST_COMPLETED)
                        for future in finished:
                            task = running.pop(future)
                            self.inflight[host_of(task.url)] -= 1
                            self._handle(state, future.result())
                            self.done += 1
                        if self.progress:
                            self.progress(self.done, self.done + self._queued() + len(running))
                        self._dispatch(pool, fetcher, running, state)
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


def write_run_record(corpus_dir: Path, report: RunReport) -> Path:
    """corpora/runs/<UTC timestamp>.json, written atomically."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    path = Path(corpus_dir) / "runs" / f"{stamp}.json"
    atomic_write_text(path, json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
    return path


def crawl(sources: list[Source], options: CrawlOptions = CrawlOptions(),
          progress: Callable[[int, int], None] | None = None) -> RunReport:
    """Crawl `sources` (only the enabled ones) into `options.corpus_dir`; never raises for a page."""
    started = time.monotonic()
    report = CrawlRun([s for s in sources if s.enabled], options, progress).run()
    log.info("crawl finished in %.1fs: %s", time.monotonic() - started, report.summary())
    return report
