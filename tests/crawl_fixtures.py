"""A small HTTP server on 127.0.0.1 for the crawler tests (never the network).

Routes map a path to a handler returning (status, headers, body); the body may be an iterator
of chunks to stream, or the handler may return `Raw(write)` to put arbitrary bytes on the wire
(a server dribbling its headers, one closing the connection unanswered). Paths without a route
go to `fallback` when set. Every request is logged (time, path, headers) so tests can check
what the crawler asked for and when.
"""
from __future__ import annotations

import email.utils
import hashlib
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from pipeline.settings import SHARED_DIR

REALWEB = SHARED_DIR / "realweb"

Handler = Callable[["Request"], "tuple[int, dict[str, str], bytes | Iterable[bytes]] | Raw"]


@dataclass
class Raw:
    """A response written by hand: `write(wfile, stop)` sends what it likes (and gives up once
    the `stop` event is set, when the test ends); then the connection closes."""

    write: Callable[[object, threading.Event], None]


def dribble(head: bytes = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Slow: ", every: float = 0.3,
            limit: float = 120.0) -> Raw:
    """Sends `head`, then one more header byte every `every` seconds, never ending the headers
    (until the client goes away, the test ends or `limit` seconds pass)."""
    def write(wfile, stop: threading.Event) -> None:
        wfile.write(head)
        end = time.monotonic() + limit
        while time.monotonic() < end and not stop.wait(every):
            wfile.write(b"a")
    return Raw(write)


def hang_up() -> Raw:
    """Closes the connection without a byte of response (the client sees a connection error)."""
    return Raw(lambda wfile, stop: None)


def bounded(fn: Callable[[], object], limit: float) -> tuple[object, float]:
    """(fn(), seconds taken), run in a thread; fails the test when it is still running after
    `limit` seconds, so code that hangs for ever fails instead of hanging the suite."""
    box: dict = {}

    def target() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # handed back to the test thread
            box["error"] = exc
    thread = threading.Thread(target=target, daemon=True)
    started = time.monotonic()
    thread.start()
    thread.join(limit)
    if thread.is_alive():
        pytest.fail(f"still running after {limit:g}s")
    if "error" in box:
        raise box["error"]
    return box["value"], time.monotonic() - started


def realweb_dir() -> Path:
    if not REALWEB.is_dir():
        pytest.skip(f"real pages not available: {REALWEB} is missing (shared/realweb is checked out beside the repo)")
    return REALWEB


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    at: float


@dataclass
class Server:
    routes: dict[str, Handler] = field(default_factory=dict)
    fallback: Handler | None = None
    stop: threading.Event = field(default_factory=threading.Event)  # set at teardown: streams end
    log: list[Request] = field(default_factory=list)
    sent_bytes: dict[str, int] = field(default_factory=dict)
    httpd: ThreadingHTTPServer | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.log if r.path == path]

    def add(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def page(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8", **kw) -> None:
        self.routes[path] = static(body, content_type, **kw)


def static(body: bytes | str, content_type: str = "text/html; charset=utf-8", etag: bool = True,
           last_modified: float | None = None, delay: float = 0.0) -> Handler:
    """A page that honours If-None-Match / If-Modified-Since."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    tag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'

    def handler(request: Request):
        if delay:
            time.sleep(delay)
        headers = {"Content-Type": content_type}
        if etag:
            headers["ETag"] = tag
            if request.headers.get("if-none-match") == tag:
                return 304, headers, b""
        if last_modified is not None:
            headers["Last-Modified"] = email.utils.formatdate(last_modified, usegmt=True)
            since = request.headers.get("if-modified-since")
            if since and email.utils.parsedate_to_datetime(since).timestamp() >= int(last_modified):
                return 304, headers, b""
        return 200, headers, data

    return handler


def start_server() -> Server:
    server = Server()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):  # keep pytest output clean
            pass

        def do_GET(self):
            request = Request(self.path, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            server.log.append(request)
            handler = server.routes.get(self.path) or server.fallback
            if handler is None:
                status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
            else:
                answer = handler(request)
                if isinstance(answer, Raw):
                    self.close_connection = True
                    try:
                        answer.write(self.wfile, server.stop)
                    except OSError:  # the client hung up: what a bounded client does
                        pass
                    return
                status, headers, body = answer
            try:
                self.send_response(status)
                for key, value in headers.items() if isinstance(headers, dict) else headers:  # or (key, value) pairs
                    self.send_header(key, value)
                if isinstance(body, bytes):
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    server.sent_bytes[self.path] = server.sent_bytes.get(self.path, 0) + len(body)
                else:  # a stream without Content-Length: read until the connection closes
                    self.send_header("Connection", "close")
                    self.end_headers()
                    self.close_connection = True
                    for chunk in body:
                        if server.stop.is_set():
                            break
                        self.wfile.write(chunk)
                        server.sent_bytes[self.path] = server.sent_bytes.get(self.path, 0) + len(chunk)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    server.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.httpd.daemon_threads = True
    threading.Thread(target=server.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server


@pytest.fixture
def site():
    server = start_server()
    yield server
    server.stop.set()
    server.httpd.shutdown()
    server.httpd.server_close()


def fast_config(**overrides):
    """FetchConfig with test-sized delays and timeouts."""
    from pipeline.crawl.fetch import FetchConfig

    values = dict(delay=0.0, backoff=0.05, backoff_max=0.2, retries=1, connect_timeout=2.0,
                  read_timeout=2.0, total_timeout=10.0, concurrency=4)
    values.update(overrides)
    return FetchConfig(**values)


def article_html(title: str, body: str, published: str = "2026-03-07T08:00:00+07:00",
                 canonical: str | None = None, charset: str = "utf-8", links: Iterable[str] = ()) -> str:
    """A plain article page with JSON-LD, og:title and a <div class="content"> body."""
    canon = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    paragraphs = "".join(f"<p>{p}</p>" for p in body.split("\n"))
    anchors = "".join(f'<a href="{u}">{u}</a>' for u in links)
    return (f'<html><head><meta charset="{charset}"><title>{title} - Báo thử</title>'
            f'<meta property="og:title" content="{title}">{canon}'
            f'<script type="application/ld+json">{{"@type":"NewsArticle","datePublished":"{published}"}}</script>'
            f'</head><body><h1 class="title">{title}</h1><div class="content">{paragraphs}'
            f'<div class="related">Tin liên quan: bài khác</div></div>{anchors}</body></html>')


def listing_html(links: Iterable[str], next_url: str | None = None) -> str:
    anchors = "".join(f'<li><a href="{u}">{u}</a></li>' for u in links)
    nxt = f'<a rel="next" href="{next_url}">Trang sau</a>' if next_url else ""
    return f"<html><body><ul>{anchors}</ul>{nxt}</body></html>"


def sources_toml(path: Path, entries: list[dict]) -> Path:
    """Write a sources file for `entries` (dicts of the [[source]] keys, with nested tables)."""
    lines = []
    for entry in entries:
        lines.append("[[source]]")
        nested = {}
        for key, value in entry.items():
            if isinstance(value, dict) or (isinstance(value, list) and value and isinstance(value[0], dict)):
                nested[key] = value
            else:
                lines.append(f"{key} = {_toml(value)}")
        for key, value in nested.items():
            for item in value if isinstance(value, list) else [value]:
                lines.append(f"[[source.{key}]]" if isinstance(value, list) else f"[source.{key}]")
                lines.extend(f"{k} = {_toml(v)}" for k, v in item.items())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value + "'" if "'" not in value else '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "[" + ", ".join(_toml(v) for v in value) + "]"
