"""Polite HTTP: robots.txt, per-host pacing, retries with backoff, capped and checked bodies.

Scrapy's downloader is the model: one slot per host that spaces requests by the larger of our
delay and the site's Crawl-delay and lets only `per_host` requests run at once, while a thread
pool (the runner's) keeps several hosts busy at the same time. Redirects are followed by hand so
that every hop is checked against robots.txt and the allowed domains and the chain is recorded.
"""
from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import requests
import urllib3
from requests.adapters import HTTPAdapter

from pipeline.crawl.charset import decode_body
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
ROBOTS_MAX_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class FetchConfig:
    """Politeness and safety limits; tests shrink the delays, the CLI keeps these defaults."""

    user_agent: str = USER_AGENT
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    total_timeout: float = 60.0   # a server dribbling bytes cannot hold a worker forever
    max_bytes: int = 10 * 1024 * 1024
    max_redirects: int = 5
    retries: int = 3
    backoff: float = 2.0          # first retry after this many seconds, then doubling
    backoff_max: float = 60.0
    max_retry_after: float = 300.0
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
    """Per-host pacing state, shared by every worker thread."""

    gate: threading.Semaphore
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_time: float = 0.0
    delay: float = 0.0
    robots: RobotFileParser | None = None
    robots_error: FetchError | None = None
    robots_loaded: bool = False


def crawl_delay(robots_txt: str, token: str) -> float | None:
    """Crawl-delay for `token` (or for *) from robots.txt text. urllib.robotparser only reads
    whole seconds, and real sites write "Crawl-delay: 0.5" too."""
    delays: dict[str, float] = {}
    agents: list[str] = []
    in_rules = False
    for raw in robots_txt.splitlines():
        line = raw.split("#", 1)[0].strip()
        if ":" not in line:
            continue
        key, value = (part.strip() for part in line.split(":", 1))
        key = key.lower()
        if key == "user-agent":
            if in_rules:
                agents, in_rules = [], False
            agents.append(value.lower())
        else:
            in_rules = True
            if key == "crawl-delay":
                try:
                    seconds = float(value)
                except ValueError:
                    continue
                for agent in agents:
                    delays.setdefault(agent, seconds)
    token = token.lower()
    for agent, seconds in delays.items():
        if agent != "*" and agent in token:
            return seconds
    return delays.get("*")


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
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

    # -- sessions and slots -------------------------------------------------------------
    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.mount("http://", HTTPAdapter(pool_maxsize=4, max_retries=0))
            session.mount("https://", HTTPAdapter(pool_maxsize=4, max_retries=0))
            session.headers.update({
                "User-Agent": self.config.user_agent,
                "Accept-Language": "vi,en;q=0.5",
            })
            session.max_redirects = self.config.max_redirects
            self._local.session = session
            with self._slots_lock:
                self._sessions.append(session)
        return session

    def close(self) -> None:
        with self._slots_lock:
            for session in self._sessions:
                session.close()
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

    def _push_back(self, slot: _Slot, seconds: float) -> None:
        with slot.lock:
            slot.next_time = max(slot.next_time, time.monotonic() + seconds)

    # -- robots.txt ---------------------------------------------------------------------
    def _robots(self, key: str, slot: _Slot) -> None:
        """Load robots.txt once per host (RFC 9309: 4xx allows all, 5xx or no answer forbids all)."""
        with slot.lock:
            if slot.robots_loaded:
                return
        url = key + "/robots.txt"
        parser = RobotFileParser(url)
        error, delay = None, None
        try:
            self._wait_turn(slot)
            response = self._session().get(url, timeout=(self.config.connect_timeout, self.config.read_timeout),
                                           stream=True, allow_redirects=True)
            try:
                status = response.status_code
                body = self._read_capped(response, url, ROBOTS_MAX_BYTES, time.monotonic() + self.config.total_timeout)
            finally:
                response.close()
            if status in (401, 403):
                parser.disallow_all = True
            elif 400 <= status < 500:
                parser.allow_all = True
            elif status >= 500:
                error = FetchError(url, "robots_unavailable", f"HTTP {status}")
            else:
                text = decode_body(body, response.headers.get("content-type"))[0]
                parser.parse(text.splitlines())
                delay = crawl_delay(text, self._robots_token)
        except FetchError as exc:
            error = FetchError(url, "robots_unavailable", exc.reason)
        except requests.RequestException as exc:
            error = FetchError(url, "robots_unavailable", type(exc).__name__)
        with slot.lock:
            slot.robots, slot.robots_error, slot.robots_loaded = parser, error, True
            if delay:
                slot.delay = max(slot.delay, min(delay, self.config.max_crawl_delay))

    def allowed_by_robots(self, url: str) -> bool:
        """True when robots.txt lets us fetch `url`; FetchError when robots.txt is unavailable."""
        if not self.config.obey_robots:
            return True
        key, slot = self._slot(url)
        self._robots(key, slot)
        if slot.robots_error is not None:
            raise FetchError(url, slot.robots_error.reason, slot.robots_error.detail)
        return slot.robots.can_fetch(self._robots_token, url)

    # -- requests -----------------------------------------------------------------------
    def _read_capped(self, response: requests.Response, url: str, limit: int, deadline: float) -> bytes:
        """Stream the body, stopping (and dropping the connection) past `limit` bytes or past
        the deadline. read1() returns whatever one socket read gives, so a server dribbling a
        few bytes at a time is still checked against the deadline."""
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchError(url, "too_large", f"Content-Length {declared} > {limit} bytes")
        chunks, total = [], 0
        try:
            while chunk := response.raw.read1(64 * 1024, decode_content=True):
                total += len(chunk)
                if total > limit:
                    raise FetchError(url, "too_large", f"more than {limit} bytes")
                if time.monotonic() > deadline:
                    raise FetchError(url, "timeout", f"body not complete after {self.config.total_timeout:g}s")
                chunks.append(chunk)
        except urllib3.exceptions.ReadTimeoutError:
            raise requests.Timeout("read timeout in body") from None
        except (urllib3.exceptions.ProtocolError, urllib3.exceptions.SSLError) as exc:
            raise requests.ConnectionError(str(exc)) from None
        except urllib3.exceptions.DecodeError as exc:
            raise requests.exceptions.ContentDecodingError(str(exc)) from None
        return b"".join(chunks)

    def _get_once(self, url: str, headers: dict[str, str], accept: frozenset[str]) -> tuple[int, Mapping[str, str], bytes]:
        cfg = self.config
        deadline = time.monotonic() + cfg.total_timeout
        response = self._session().get(url, headers=headers, timeout=(cfg.connect_timeout, cfg.read_timeout),
                                       stream=True, allow_redirects=False)
        try:
            status = response.status_code
            if status != 200:
                return status, response.headers, b""
            ctype = (response.headers.get("content-type") or "").split(";")[0].strip().lower()
            if ctype and accept and ctype not in accept:
                raise FetchError(url, "content_type", ctype)
            return status, response.headers, self._read_capped(response, url, cfg.max_bytes, deadline)
        finally:
            response.close()

    def _get_with_retries(self, url: str, slot: _Slot, headers: dict[str, str],
                          accept: frozenset[str]) -> tuple[int, Mapping[str, str], bytes]:
        cfg = self.config
        for attempt in range(cfg.retries + 1):
            self._wait_turn(slot)
            retry_after = None
            try:
                status, response_headers, body = self._get_once(url, headers, accept)
            except requests.Timeout as exc:
                error = FetchError(url, "timeout", type(exc).__name__)
            except (requests.ConnectionError, requests.exceptions.ChunkedEncodingError) as exc:
                error = FetchError(url, "connection", type(exc).__name__)
            except requests.exceptions.ContentDecodingError as exc:
                raise FetchError(url, "bad_encoding", str(exc)[:200]) from None
            except requests.RequestException as exc:
                raise FetchError(url, "request_error", f"{type(exc).__name__}: {exc}"[:300]) from None
            else:
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
                raise FetchError(url, error.reason, f"Retry-After {retry_after:.0f}s is over the limit")
            wait = retry_after if retry_after is not None else min(cfg.backoff * 2 ** attempt, cfg.backoff_max)
            self._push_back(slot, wait)
        raise AssertionError("unreachable")

    def fetch(self, url: str, *, accept: frozenset[str] = HTML_TYPES, etag: str | None = None,
              last_modified: str | None = None, allow: Callable[[str], bool] | None = None) -> Page:
        """GET `url` politely. Raises FetchError (reason 'robots' when robots.txt forbids it)."""
        allow = allow or (lambda target: same_site(target, url))
        headers = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [url]
        current = url
        for _ in range(self.config.max_redirects + 1):
            if not self.allowed_by_robots(current):
                raise FetchError(url, "robots", f"disallowed: {current}" if current != url else "")
            _, slot = self._slot(current)
            with slot.gate:
                status, response_headers, body = self._get_with_retries(current, slot, headers, accept)
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
