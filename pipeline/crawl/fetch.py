"""Polite HTTP: robots.txt, per-host pacing, retries with backoff, budgets, capped and checked bodies.

Scrapy's downloader is the model: one slot per host that spaces requests by the larger of our
delay and the site's Crawl-delay and lets only `per_host` requests run at once, while a thread
pool (the runner's) keeps several hosts busy at the same time. Redirects are followed by hand so
that every hop is checked against robots.txt and the allowed domains, capped, and recorded.

robots.txt is fetched like any page (same hop-by-hop redirect checks, retries and caps) and
parsed by Protego, Scrapy's RFC 9309 parser (wildcards `*` and `$`, longest match wins).

A host that cannot be crawled tonight is given up for the rest of the run instead of costing
every one of its pages the same wait: robots.txt unreachable, a few total-deadline timeouts in
a row, or Retry-After / backoff waits beyond the host's (or the run's) wait budget.
"""
from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import requests
from protego import Protego

from pipeline.crawl.charset import decode_body
from pipeline.crawl.http import Deadline, discard_body, read_body, session
from pipeline.crawl.urls import clean_url, same_site
from pipeline.errors import FetchError
from pipeline.settings import USER_AGENT

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
XML_TYPES = frozenset({
    "application/xml", "text/xml", "application/rss+xml", "application/atom+xml", "application/rdf+xml",
    "application/x-gzip", "application/gzip", "application/octet-stream", "text/plain",
})
ANY_TYPES = HTML_TYPES | XML_TYPES
REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309: parse at least 500 KiB; the rest is ignored
# Failures that say nothing about the page itself: the page stays pending for the next run.
HOST_REASONS = frozenset({"robots_unavailable", "host_given_up"})


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Politeness and safety limits; tests shrink the delays, the CLI keeps these defaults."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0    # silence between two socket reads
    total_timeout: float = 60.0   # one exchange, connect to last body byte, headers included
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 2.0          # first retry after this many seconds, then doubling
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
    host_wait_budget: float = 600.0   # seconds of Retry-After/backoff waits one host may cost a run
    run_wait_budget: float = 1800.0   # ... and all hosts together
    host_timeouts: int = 3        # total-deadline timeouts in a row that give a host up for the run
    delay: float = 1.0            # minimum gap between two requests to one host
    max_crawl_delay: float = 30.0
    obey_robots: bool = True
    per_host: int = 1
    concurrency: int = 8          # hosts crawled at once (the runner's pool size)


@dataclass(frozen=True, slots=True)
class Page:
    """One HTTP response after redirects; `body` is empty for 304 Not Modified."""

    url: str
    final_url: str
    status: int
    headers: Mapping[str, str]
    body: bytes = b""
    redirects: tuple[str, ...] = ()

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str:
        return (self.headers.get("content-type") or "").split(";")[0].strip().lower()

    def text(self) -> str:
        return decode_body(self.body, self.headers.get("content-type"))[0]


@dataclass
class _Slot:
    """Per-host pacing, robots and give-up state, shared by every worker thread."""

    gate: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    next_time: float = 0.0
    delay: float = 0.0
    robots: Protego | None = None
    robots_rule: str | None = None   # "allow" / "disallow": every path, whatever the parser says
    robots_error: FetchError | None = None
    robots_loaded: bool = False
    waited: float = 0.0
    timeouts: int = 0
    given_up: str | None = None


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return max(0.0, when.timestamp() - time.time())


class Fetcher:
    """Thread-safe fetcher; one instance per crawl run."""

    def __init__(self, config: FetchConfig = FetchConfig(), host_delays: Mapping[str, float] | None = None):
        self.config = config
        self._host_delays = dict(host_delays or {})
        self._slots: dict[str, _Slot] = {}
        self._slots_lock = threading.Lock()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._robots_token = config.user_agent.split("/")[0].strip() or "*"
        self._run_waited = 0.0

    # -- sessions and slots -------------------------------------------------------------
    def _session(self) -> requests.Session:
        s = getattr(self._local, "session", None)
        if s is None:
            s = self._local.session = session(self.config.user_agent, pool_size=max(4, self.config.per_host))
            with self._slots_lock:
                self._sessions.append(s)
        return s

    def close(self) -> None:
        with self._slots_lock:
            for s in self._sessions:
                s.close()
            self._sessions.clear()

    def _slot(self, url: str) -> tuple[str, _Slot]:
        parts = urlsplit(url)
        key = f"{parts.scheme}://{parts.netloc}"
        with self._slots_lock:
            slot = self._slots.get(key)
            if slot is None:
                delay = self._host_delays.get(parts.hostname or "", self.config.delay)
                slot = _Slot(gate=threading.Semaphore(self.config.per_host), delay=delay)
                self._slots[key] = slot
        return key, slot

    def _wait_turn(self, slot: _Slot) -> None:
        """Reserve the host's next free time and sleep until it comes."""
        with slot.lock:
            now = time.monotonic()
            start = max(now, slot.next_time)
            slot.next_time = start + slot.delay
        if start > now:
            time.sleep(start - now)

    def _turn_done(self, slot: _Slot) -> None:
        """The next request to the host waits `delay` after this one ended, not only after it
        began: the server then never sees two requests closer than the delay, whatever the
        network's jitter or a new connection's set-up cost."""
        if slot.delay:
            with slot.lock:
                slot.next_time = max(slot.next_time, time.monotonic() + slot.delay)

    def _give_up(self, slot: _Slot, why: str) -> None:
        with slot.lock:
            slot.given_up = slot.given_up or why

    def _check_host(self, slot: _Slot, url: str) -> None:
        if slot.given_up:
            raise FetchError(url, "host_given_up", slot.given_up)

    def _spend_wait(self, slot: _Slot, seconds: float) -> str | None:
        """Book `seconds` of waiting on the host's and the run's budgets; None when they allow
        it, otherwise why not (and the host is given up for the run)."""
        cfg = self.config
        with self._slots_lock, slot.lock:
            if slot.waited + seconds > cfg.host_wait_budget:
                why = f"retry waits for this host would pass its budget of {cfg.host_wait_budget:g}s this run"
            elif self._run_waited + seconds > cfg.run_wait_budget:
                why = f"retry waits would pass the run's budget of {cfg.run_wait_budget:g}s"
            else:
                slot.waited += seconds
                self._run_waited += seconds
                slot.next_time = max(slot.next_time, time.monotonic() + seconds)
                return None
        self._give_up(slot, why)
        return why

    # -- robots.txt ---------------------------------------------------------------------
    def _load_robots(self, key: str, slot: _Slot, allow: Callable[[str], bool]) -> None:
        """robots.txt once per host (RFC 9309: 4xx allows all, unreachable forbids all), fetched
        like any page: redirects checked hop by hop, connection errors retried, body capped."""
        url = key + "/robots.txt"
        parser, rule, error = None, None, None
        try:
            page = self._follow(url, None, {"Accept": "text/plain,*/*;q=0.5"}, allow, robots=False,
                                limit=ROBOTS_MAX_BYTES, truncate=True)
            text = page.text()
            parser = Protego.parse(text)
            delay = parser.crawl_delay(self._robots_token)
            if delay:
                with slot.lock:
                    slot.delay = max(slot.delay, min(float(delay), self.config.max_crawl_delay))
        except FetchError as exc:
            status = int(exc.reason[5:]) if exc.reason.startswith("http_") and exc.reason[5:].isdigit() else 0
            if status in (401, 403):
                rule = "disallow"
            elif 400 <= status < 500 and status != 429:
                rule = "allow"
            else:
                detail = exc.reason + (f": {exc.detail}" if exc.detail else "")
                error = FetchError(url, "robots_unavailable", f"{url}: {detail}")
        except Exception as exc:  # a parser bug must not stop the crawl: treat as unreachable
            error = FetchError(url, "robots_unavailable", f"{url}: cannot parse ({type(exc).__name__}: {exc})"[:300])
        with slot.lock:
            slot.robots, slot.robots_rule, slot.robots_error, slot.robots_loaded = parser, rule, error, True

    def allowed_by_robots(self, url: str, allow: Callable[[str], bool] | None = None) -> bool:
        """True when robots.txt lets us fetch `url`; FetchError when robots.txt is unavailable."""
        if not self.config.obey_robots:
            return True
        key, slot = self._slot(url)
        if not slot.robots_loaded:
            with slot.robots_lock:  # one fetch of robots.txt per host, however many workers ask
                if not slot.robots_loaded:
                    self._load_robots(key, slot, allow or (lambda target: same_site(target, url)))
        if slot.robots_error is not None:
            raise FetchError(url, slot.robots_error.reason, slot.robots_error.detail)
        if slot.robots_rule is not None:
            return slot.robots_rule == "allow"
        return slot.robots.can_fetch(url, self._robots_token)

    # -- requests -----------------------------------------------------------------------
    def _exchange(self, url: str, headers: dict[str, str], accept: frozenset[str] | None,
                  limit: int, truncate: bool) -> tuple[int, Mapping[str, str], bytes]:
        """One request and its response under one total deadline; only a 200 body is read."""
        cfg = self.config
        with Deadline(cfg.total_timeout) as deadline:
            try:
                response = self._session().get(url, headers=headers, stream=True, allow_redirects=False,
                                               timeout=(cfg.connect_timeout, cfg.read_timeout))
            except requests.RequestException:
                if deadline.expired:
                    raise FetchError(url, "timeout", f"no response within the total deadline of {cfg.total_timeout:g}s") from None
                raise
            if deadline.expired:  # the watchdog's shutdown can look like the end of the headers
                response.close()
                raise FetchError(url, "timeout", f"no response within the total deadline of {cfg.total_timeout:g}s")
            status = response.status_code
            if status != 200:
                discard_body(response, deadline)
                return status, response.headers, b""
            ctype = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            if ctype and accept and ctype not in accept:
                response.close()
                raise FetchError(url, "content_type", ctype)
            return status, response.headers, read_body(response, url, limit, deadline, truncate)

    def _get_with_retries(self, url: str, slot: _Slot, headers: dict[str, str], accept: frozenset[str] | None,
                          limit: int, truncate: bool) -> tuple[int, Mapping[str, str], bytes]:
        cfg = self.config
        for attempt in range(cfg.retries + 1):
            self._check_host(slot, url)
            self._wait_turn(slot)
            retry_after = None
            try:
                try:
                    status, response_headers, body = self._exchange(url, headers, accept, limit, truncate)
                finally:
                    self._turn_done(slot)
            except FetchError as exc:
                if exc.reason == "timeout":  # the total deadline: retrying would cost as much again
                    with slot.lock:
                        slot.timeouts += 1
                        many = slot.timeouts >= cfg.host_timeouts
                    if many:
                        self._give_up(slot, f"{cfg.host_timeouts} requests in a row hit the total deadline of {cfg.total_timeout:g}s")
                raise
            except requests.Timeout as exc:
                error = FetchError(url, "timeout", type(exc).__name__)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                error = FetchError(url, "connection", type(exc).__name__)
            except requests.exceptions.ContentDecodingError as exc:
                raise FetchError(url, "bad_encoding", str(exc)[:200]) from None
            except requests.RequestException as exc:
                raise FetchError(url, "request_error", f"{type(exc).__name__}: {exc}"[:300]) from None
            else:
                with slot.lock:
                    slot.timeouts = 0
                if status == 429 or status >= 500:
                    error = FetchError(url, f"http_{status}")
                    retry_after = parse_retry_after(response_headers.get("retry-after"))
                elif status >= 400:
                    raise FetchError(url, f"http_{status}")
                else:
                    return status, response_headers, body
            if attempt == cfg.retries:
                raise error
            if retry_after is not None and retry_after > cfg.max_retry_after:
                raise FetchError(url, error.reason, f"Retry-After {retry_after:.0f}s is over the limit of {cfg.max_retry_after:g}s")
            wait = retry_after if retry_after is not None else min(cfg.backoff * 2 ** attempt, cfg.backoff_max)
            why = self._spend_wait(slot, wait)
            if why is not None:
                raise FetchError(url, error.reason, f"not retried after {wait:.0f}s: {why}; host given up for this run")
        raise AssertionError("unreachable")

    def _follow(self, url: str, accept: frozenset[str] | None, headers: dict[str, str],
                allow: Callable[[str], bool], robots: bool, limit: int, truncate: bool = False) -> Page:
        """GET `url`, following redirects by hand: every hop allowed, robots-checked, paced, capped."""
        chain = [url]
        current = url
        for _ in range(self.config.max_redirects + 1):
            if robots and not self.allowed_by_robots(current, allow):
                raise FetchError(url, "robots", f"disallowed: {current}" if current != url else "")
            _, slot = self._slot(current)
            self._check_host(slot, current)
            with slot.gate:
                status, response_headers, body = self._get_with_retries(current, slot, headers, accept, limit, truncate)
            if status not in REDIRECT_CODES:
                return Page(url=url, final_url=current, status=status,
                            headers={k.lower(): v for k, v in response_headers.items()},
                            body=body, redirects=tuple(chain[1:]))
            location = response_headers.get("location", "")
            target = clean_url(location, current)
            if target is None:
                raise FetchError(url, "bad_redirect", location[:200])
            if not allow(target):
                raise FetchError(url, "offsite_redirect", target)
            if target in chain:
                raise FetchError(url, "redirect_loop", " -> ".join(chain + [target]))
            chain.append(target)
            current = target
        raise FetchError(url, "too_many_redirects", f"more than {self.config.max_redirects}")

    def fetch(self, url: str, *, accept: frozenset[str] = HTML_TYPES, etag: str | None = None,
              last_modified: str | None = None, allow: Callable[[str], bool] | None = None) -> Page:
        """GET `url` politely. Raises FetchError (reason 'robots' when robots.txt forbids it)."""
        allow = allow or (lambda target: same_site(target, url))
        headers = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(url, accept, headers, allow, robots=True, limit=self.config.max_bytes)
