"""HTTP transport for the fetcher: one total deadline per exchange, capped bodies, no hidden reads.

urllib3's timeouts bound each socket operation, not a request: a server that sends one header
byte every few seconds never trips a read timeout and holds the request for ever. Here every
exchange (one request and its response, headers and body) runs under a `Deadline`; a single
watchdog thread shuts the exchange's socket down when the deadline passes, which wakes the
blocked read at once with an error that the fetcher reports as a timeout.

requests reads the whole body of a redirect response to release its connection, even with
`allow_redirects=False` and `stream=True` (Session.send computes `Response.next`): a 302 with
a gzip bomb or an endless body would be read into memory. `session()` builds a Session that
never resolves redirects; the fetcher follows them hop by hop and every body, redirect or not,
is streamed and capped by `read_body` or discarded by `discard_body`.
"""
from __future__ import annotations

import heapq
import itertools
import socket
import threading
import time
from http.cookiejar import DefaultCookiePolicy

import requests
import urllib3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from pipeline.errors import FetchError

READ_CHUNK = 64 * 1024
DRAIN_MAX = 64 * 1024   # a non-200 body this small is read (capped) so its connection can be reused


class Deadline:
    """The end of one HTTP exchange; sockets registered with `watch` are shut down when it passes."""

    __slots__ = ("seconds", "at", "expired", "_done", "_sockets", "_owned", "_lock")

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self.expired = False
        self._done = False
        self._sockets: list[socket.socket] = []
        self._owned: list[socket.socket] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def watch(self, sock: socket.socket, owned: bool = False) -> None:
        """Shut `sock` down when the deadline passes (`owned` sockets are closed at `finish`)."""
        with self._lock:
            if self._done:
                if owned:
                    sock.close()
                return
            (self._owned if owned else self._sockets).append(sock)
            late = self.expired
        if late:
            _shutdown(sock)

    def fire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            sockets = self._sockets + self._owned
        for sock in sockets:
            _shutdown(sock)

    def finish(self) -> None:
        """The exchange is over: forget its sockets (the connection may go back to the pool)."""
        with self._lock:
            self._done = True
            owned, self._owned, self._sockets = self._owned, [], []
        for sock in owned:
            sock.close()

    def __enter__(self) -> "Deadline":
        _local.deadline = self
        _WATCHDOG.add(self)
        return self

    def __exit__(self, *exc) -> None:
        _local.deadline = None
        self.finish()


def _shutdown(sock: socket.socket) -> None:
    try:
        # the base class method: SSLSocket.shutdown would also drop its SSL object under a reader
        socket.socket.shutdown(sock, socket.SHUT_RDWR)
    except OSError:
        pass


class _Watchdog:
    """One daemon thread firing the deadlines that pass (a heap, earliest first)."""

    def __init__(self):
        self._heap: list[tuple[float, int, Deadline]] = []
        self._cond = threading.Condition()
        self._count = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, deadline: Deadline) -> None:
        with self._cond:
            heapq.heappush(self._heap, (deadline.at, next(self._count), deadline))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="crawl-deadlines", daemon=True)
                self._thread.start()
            if self._heap[0][2] is deadline:
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._heap:
                    self._cond.wait()
                at, _, deadline = self._heap[0]
                if deadline._done:
                    heapq.heappop(self._heap)
                    continue
                wait = at - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            deadline.fire()


_WATCHDOG = _Watchdog()
_local = threading.local()


def _current() -> Deadline | None:
    return getattr(_local, "deadline", None)


class _WatchedConnection:
    """Registers its socket with the calling thread's deadline, for new and reused connections."""

    def _new_conn(self):
        sock = super()._new_conn()
        deadline = _current()
        if deadline is not None:
            # a duplicate descriptor: TLS detaches the original socket object while it wraps it,
            # and shutting down the duplicate ends the connection (the handshake included)
            deadline.watch(sock.dup(), owned=True)
        return sock

    def request(self, *args, **kwargs):
        deadline = _current()
        if deadline is not None and self.sock is not None:
            deadline.watch(self.sock)
        return super().request(*args, **kwargs)


class _HTTPConnection(_WatchedConnection, HTTPConnection):
    pass


class _HTTPSConnection(_WatchedConnection, HTTPSConnection):
    pass


class _HTTPPool(HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


POOL_CLASSES = {"http": _HTTPPool, "https": _HTTPSPool}


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(POOL_CLASSES)

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = dict(POOL_CLASSES)
        return manager


class _BoundedCookies(DefaultCookiePolicy):
    """The standard policy, but a site cannot grow the jar without bound (each response may set
    a hundred cookies, a session lives for the whole run, and every cookie is sent back)."""

    def __init__(self, jar, max_cookies: int = 50, max_bytes: int = 16 * 1024):
        super().__init__()
        self.jar, self.max_cookies, self.max_bytes = jar, max_cookies, max_bytes

    def set_ok(self, cookie, request) -> bool:
        size = len(cookie.name or "") + len(cookie.value or "")
        held = list(self.jar)
        if len(held) >= self.max_cookies or size + sum(len(c.name) + len(c.value or "") for c in held) > self.max_bytes:
            return False
        return super().set_ok(cookie, request)


class _Session(requests.Session):
    def get_redirect_target(self, resp):
        return None  # redirects are the fetcher's: never followed (nor their bodies read) here


def session(user_agent: str, pool_size: int = 4) -> requests.Session:
    """A Session with watched connections that never follows or reads redirects by itself."""
    s = _Session()
    s.cookies.set_policy(_BoundedCookies(s.cookies))
    adapter = _Adapter(pool_connections=16, pool_maxsize=pool_size, max_retries=0)
    s.mount("http://", adapter)
    s.mount("https://", adapter)
    s.headers.update({"User-Agent": user_agent, "Accept-Language": "vi,en;q=0.5"})
    return s


def read_body(response: requests.Response, url: str, limit: int, deadline: Deadline, truncate: bool = False) -> bytes:
    """Stream the (decoded) body, dropping the connection past `limit` bytes (or keeping the first
    `limit` bytes when `truncate`) or when the deadline passes. The connection goes back to the
    pool only after a complete read."""
    declared = response.headers.get("content-length", "")
    if not truncate and declared.isdigit() and int(declared) > limit:
        response.close()
        raise FetchError(url, "too_large", f"Content-Length {declared} > {limit} bytes")
    chunks, total, complete = [], 0, False
    try:
        while chunk := response.raw.read1(READ_CHUNK, decode_content=True):
            total += len(chunk)
            if total > limit:
                if not truncate:
                    raise FetchError(url, "too_large", f"more than {limit} bytes")
                chunks.append(chunk[:len(chunk) - (total - limit)])
                break
            chunks.append(chunk)
        else:
            complete = True
        if deadline.expired:
            raise FetchError(url, "timeout", f"response not complete within the total deadline of {deadline.seconds:g}s")
    except urllib3.exceptions.HTTPError as exc:
        if deadline.expired:
            raise FetchError(url, "timeout", f"response not complete within the total deadline of {deadline.seconds:g}s") from None
        if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
            raise requests.Timeout("read timeout in body") from None
        if isinstance(exc, urllib3.exceptions.DecodeError):
            raise requests.exceptions.ContentDecodingError(str(exc)) from None
        raise requests.ConnectionError(str(exc)) from None
    except OSError as exc:
        if deadline.expired:
            raise FetchError(url, "timeout", f"response not complete within the total deadline of {deadline.seconds:g}s") from None
        raise requests.ConnectionError(str(exc)) from None
    finally:
        if complete and not deadline.expired:
            deadline.finish()
            response.raw.release_conn()
        else:
            response.close()
    return b"".join(chunks)


def discard_body(response: requests.Response, deadline: Deadline) -> None:
    """Drop the body of a response we do not read (redirect, 304, error): a small one with a known
    length is drained, raw and capped, to keep the connection; anything else closes it."""
    remaining = response.raw.length_remaining
    if remaining is not None and remaining <= DRAIN_MAX and not deadline.expired:
        try:
            left = remaining
            while left > 0:
                chunk = response.raw.read1(left, decode_content=False)
                if not chunk:
                    break
                left -= len(chunk)
            if left <= 0 and not deadline.expired:
                deadline.finish()
                response.raw.release_conn()
                return
        except (urllib3.exceptions.HTTPError, OSError):
            pass
    response.close()
