"""`chitieu demo`: the nightly job on a bundled sample site, on a fresh machine, offline.

A small HTTP server on 127.0.0.1 serves corpora/_demo_site/ (listing pages, an RSS feed, a
sitemap, robots.txt, article pages); a temporary sources file points the crawler at it; the full
nightly run writes into a work directory. The server sends ETag and Last-Modified and answers
conditional requests with 304, and it binds the port it used last time when it can, so that
URLs, and therefore article ids, stay the same between demo runs: the second run fetches nothing
new, which is the incremental behaviour the demo is meant to show.
"""
from __future__ import annotations

import email.utils
import hashlib
import json
import logging
import tempfile
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from pipeline.atomic import atomic_write_text
from pipeline.config import Settings
from pipeline.jobs.run import run_nightly
from pipeline.jobs.summary import RunSummary
from pipeline.settings import DEMO_SITE_DIR

log = logging.getLogger(__name__)
DEMO_SITE = DEMO_SITE_DIR  # corpora/_demo_site in a checkout, pipeline/_demo_site when installed
DEMO_SOURCE = "tintuc-thudo.demo"
PLACEHOLDER = b"__SITE__"
CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml; charset=utf-8",
                 ".rss": "application/rss+xml; charset=utf-8", ".txt": "text/plain; charset=utf-8",
                 ".css": "text/css; charset=utf-8", ".md": "text/plain; charset=utf-8"}

SOURCES_TEMPLATE = """# written by `chitieu demo` for this run only: the bundled sample site on {base}
[[source]]
name = "{name}"
home_area = "Hà Nội"
delay = 0
article_patterns = ['^/an-sinh/[a-z0-9-]+-\\d{{5,}}\\.html$']
feeds = ["{base}/rss/an-sinh.rss"]
sitemaps = ["{base}/sitemap.xml"]
[[source.listing]]
url = "{base}/an-sinh"
next = "{base}/an-sinh/trang-{{page}}"
pages = 2
[source.profile]
title = ["h1.detail-title"]
published = ["jsonld", "meta[property='article:published_time']", "div.detail-time"]
lead = ["h2.detail-sapo"]
body = ["div.detail-content"]
strip = ["figure", "figcaption", ".box-related", ".detail-author"]
"""


class SiteHandler(BaseHTTPRequestHandler):
    """Static files of one directory, `__SITE__` replaced by the server's base URL."""

    server_version = "chitieu-demo/1"
    root: Path = DEMO_SITE

    def _file(self) -> Path | None:
        path = unquote(urlsplit(self.path).path)
        root = self.root.resolve()
        candidate = (root / path.lstrip("/")).resolve()
        if candidate != root and root not in candidate.parents:
            return None  # no climbing out of the site
        for option in (candidate, candidate.with_name(candidate.name + ".html"), candidate / "index.html"):
            if option.is_file():
                return option
        return None

    def do_HEAD(self) -> None:
        self.do_GET(body=False)

    def do_GET(self, body: bool = True) -> None:
        found = self._file()
        if found is None:
            # the reason phrase goes into the status line, which is Latin-1: the Vietnamese text
            # goes into the page (a non-ASCII reason made http.server send an empty reply)
            self.send_error(404, "Not Found", "Không tìm thấy trang")
            return
        base = f"http://{self.server.server_address[0]}:{self.server.server_address[1]}".encode()
        data = found.read_bytes().replace(PLACEHOLDER, base)
        tag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
        modified = int(found.stat().st_mtime)
        fresh = self.headers.get("If-None-Match") == tag
        since = self.headers.get("If-Modified-Since")
        if not fresh and since and self.headers.get("If-None-Match") is None:
            try:
                fresh = email.utils.parsedate_to_datetime(since).timestamp() >= modified
            except (TypeError, ValueError):
                fresh = False
        self.send_response(304 if fresh else 200)
        self.send_header("ETag", tag)
        self.send_header("Last-Modified", email.utils.formatdate(modified, usegmt=True))
        self.send_header("Cache-Control", "max-age=0")
        if fresh:
            self.end_headers()
            return
        self.send_header("Content-Type", CONTENT_TYPES.get(found.suffix, "application/octet-stream"))
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the base class's name
        log.debug("demo server: " + format, *args)


@dataclass
class DemoServer:
    """`with DemoServer(port) as server:` serves the site on 127.0.0.1 in a daemon thread."""

    port: int = 0
    root: Path = DEMO_SITE

    def __enter__(self) -> "DemoServer":
        handler = type("Handler", (SiteHandler,), {"root": Path(self.root)})
        try:
            self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        except OSError:  # the port of the last run is taken: any free one (URLs change, ids too)
            log.warning("port %s is busy; the demo site gets a new port and articles new URLs", self.port)
            self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="demo-site", daemon=True)
        self.thread.start()
        return self

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def demo_sources(base: str) -> str:
    """A sources file for the sample site at `base`."""
    return SOURCES_TEMPLATE.format(base=base, name=DEMO_SOURCE)


def _saved_port(state_file: Path) -> int:
    try:
        return int(json.loads(state_file.read_text(encoding="utf-8"))["port"])
    except (OSError, ValueError, KeyError, TypeError):
        return 0


def run_demo(workdir: Path, quiet: bool = False, progress: bool | None = None) -> RunSummary:
    """Serve the sample site, crawl it and run every stage into `workdir`; returns the run summary."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    state_file = workdir / "demo-site.json"
    with DemoServer(_saved_port(state_file)) as server, tempfile.TemporaryDirectory(prefix="chitieu-demo-") as tmp:
        atomic_write_text(state_file, json.dumps({"port": server.httpd.server_address[1], "site": str(DEMO_SITE)}) + "\n")
        sources = Path(tmp) / "sources.toml"
        sources.write_text(demo_sources(server.base), encoding="utf-8")
        settings = Settings(corpus_dir=workdir / "corpora", out_dir=workdir / "extracted", sources_file=sources,
                            delay=0.0, workers=1, retries=1, quiet=quiet, origin=f"chitieu demo ({server.base})")
        return run_nightly(settings, progress)
