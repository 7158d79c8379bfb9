"""Hostile sites on a local server, each attack named in the test: servers dribbling their
headers, robots.txt redirected off-site or flaky, redirect bodies that are bombs or never end,
Retry-After that would hold the night, percent-encoding decoded twice. Timed bounds are generous
(the machine is shared): the point is "ends", not "ends fast"."""
from __future__ import annotations

import gzip
import threading
import time
import tracemalloc

import pytest
from crawl_fixtures import article_html, bounded, dribble, fast_config, hang_up, listing_html, site, sources_toml  # noqa: F401

from pipeline.corpus import iter_articles
from pipeline.crawl.fetch import XML_TYPES, Fetcher
from pipeline.crawl.runner import CrawlOptions, crawl
from pipeline.crawl.state import CrawlState
from pipeline.errors import FetchError
from pipeline.rules.sources import load_sources

PATTERN = r"-\d{4}\.html$"
PROFILE = {"title": ["h1.title"], "body": ["div.content"]}


def art(n: int) -> str:
    return f"/bai-viet-thu-nghiem-so-{n}-{1000 + n}.html"


def fetch_error(fetcher: Fetcher, url: str, **kw) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url, **kw)
    return info.value


def run_crawl(tmp_path, entries, limit: float = 60.0, **options):
    sources = load_sources(sources_toml(tmp_path / "sources.toml", entries))
    fetch = options.pop("fetch", fast_config())
    report, seconds = bounded(lambda: crawl(sources, CrawlOptions(corpus_dir=tmp_path / "corpora", fetch=fetch, **options)), limit)
    return report, seconds


def source(site, **kw):  # noqa: F811
    entry = {"name": "thu.vn", "home_area": "cả nước", "article_patterns": [PATTERN], "profile": PROFILE}
    entry.update(kw)
    return entry


# -- 1. one total deadline per request, headers included ------------------------------------

def test_header_dribble_on_an_article_is_bounded(site):  # noqa: F811
    site.add("/a", lambda r: dribble())
    fetcher = Fetcher(fast_config(total_timeout=2, read_timeout=5, retries=1))
    error, seconds = bounded(lambda: fetch_error(fetcher, site.url("/a")), 60)
    assert error.reason == "timeout" and "total deadline" in error.detail
    assert seconds < 15
    assert len(site.hits("/a")) == 1  # the total deadline is not retried: it would cost as much again


def test_header_dribble_on_robots_is_bounded(site):  # noqa: F811
    site.add("/robots.txt", lambda r: dribble())
    site.page("/a", "<p>x</p>")
    fetcher = Fetcher(fast_config(total_timeout=2, read_timeout=5, retries=1))
    error, seconds = bounded(lambda: fetch_error(fetcher, site.url("/a")), 60)
    assert error.reason == "robots_unavailable" and "timeout" in error.detail and "/robots.txt" in error.detail
    assert seconds < 15 and not site.hits("/a")


def test_header_dribble_on_feed_sitemap_and_article_does_not_hold_the_crawl(site, tmp_path):  # noqa: F811
    for path in ("/rss", "/sitemap.xml", art(2)):
        site.add(path, lambda r: dribble())
    site.page(art(1), article_html("Bài một", "Nội dung bài một."))
    site.page("/tin", listing_html([art(1), art(2)]))
    other = site.base.replace("127.0.0.1", "localhost")  # feed and sitemap on a second host of the site
    fetch = fast_config(total_timeout=2, read_timeout=5, retries=1)
    report, seconds = run_crawl(tmp_path, [source(site, hosts=["localhost"], listing=[{"url": site.url("/tin")}],
                                                  feeds=[other + "/rss"], sitemaps=[other + "/sitemap.xml"])], fetch=fetch)
    assert seconds < 30
    assert report.counts["new"] == 1 and report.exit_code == 1
    assert sorted(f["url"] for f in report.failures if f["reason"] == "timeout") == sorted(
        [other + "/rss", other + "/sitemap.xml", site.url(art(2))])


def test_a_host_timing_out_again_and_again_is_given_up_for_the_run(site, tmp_path):  # noqa: F811
    paths = [art(n) for n in range(10)]
    for path in paths:
        site.add(path, lambda r: dribble())
    site.page("/tin", listing_html(paths))
    fetch = fast_config(total_timeout=1, read_timeout=5, retries=1, host_timeouts=3)
    report, seconds = run_crawl(tmp_path, [source(site, listing=[{"url": site.url("/tin")}])], fetch=fetch)
    assert seconds < 30
    assert sum(len(site.hits(p)) for p in paths) == 3  # not 10 x the deadline
    assert report.failed_by_reason() == {"timeout": 3, "host_given_up": 1}
    assert report.counts["deferred"] == 7  # still pending: tried again next night
    given_up = next(f for f in report.failures if f["reason"] == "host_given_up")
    assert "total deadline" in given_up["detail"]


# -- 2. robots.txt fetched like any page, parsed by Protego ---------------------------------

def test_robots_redirected_off_site_is_not_followed(site):  # noqa: F811
    offsite = site.url("/robots.txt").replace("127.0.0.1", "localhost").replace("/robots.txt", "/elsewhere.txt")
    site.add("/robots.txt", lambda r: (302, {"Location": offsite}, b""))
    site.page("/elsewhere.txt", "User-agent: *\nAllow: /\n", "text/plain")
    site.page("/a", "<p>x</p>")
    error = fetch_error(Fetcher(fast_config()), site.url("/a"))
    assert error.reason == "robots_unavailable" and "offsite_redirect" in error.detail and offsite in error.detail
    assert not site.hits("/elsewhere.txt") and not site.hits("/a")


def test_robots_redirect_within_the_site_is_followed_hop_by_hop(site):  # noqa: F811
    site.add("/robots.txt", lambda r: (301, {"Location": "/robots-2.txt"}, b""))
    site.page("/robots-2.txt", "User-agent: *\nDisallow: /private/\n", "text/plain")
    site.page("/a", "<p>x</p>")
    fetcher = Fetcher(fast_config())
    assert fetcher.fetch(site.url("/a")).status == 200
    assert fetch_error(fetcher, site.url("/private/x")).reason == "robots"


def test_robots_connection_error_is_retried_before_the_host_is_given_up(site):  # noqa: F811
    answers = iter([hang_up(), (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n")])
    site.add("/robots.txt", lambda r: next(answers))
    site.page("/a", "<p>x</p>")
    fetcher = Fetcher(fast_config(retries=2))
    assert fetcher.fetch(site.url("/a")).status == 200
    assert len(site.hits("/robots.txt")) == 2
    assert fetch_error(fetcher, site.url("/private/b")).reason == "robots"


def test_robots_wildcards_are_obeyed(site):  # noqa: F811
    site.page("/robots.txt", "User-agent: *\nDisallow: /*?page=\nDisallow: /*.pdf$\n", "text/plain")
    for path in ("/tin?page=2", "/tin", "/file.pdf", "/file.pdf?x=1"):
        site.page(path, "<p>x</p>")
    fetcher = Fetcher(fast_config())
    assert fetch_error(fetcher, site.url("/tin?page=2")).reason == "robots"
    assert fetch_error(fetcher, site.url("/file.pdf")).reason == "robots"
    assert fetcher.fetch(site.url("/tin")).status == 200
    assert fetcher.fetch(site.url("/file.pdf?x=1")).status == 200
    assert not site.hits("/tin?page=2") and not site.hits("/file.pdf")


def test_endless_robots_is_read_up_to_its_cap_and_obeyed(site):  # noqa: F811
    def endless(request):
        def chunks():
            yield b"User-agent: *\nDisallow: /private/\n"
            for _ in range(100_000):
                yield b"# " + b"x" * 1000 + b"\n"
        return 200, {"Content-Type": "text/plain"}, chunks()
    site.add("/robots.txt", endless)
    site.page("/a", "<p>x</p>")
    fetcher = Fetcher(fast_config())
    (page, _), = [bounded(lambda: fetcher.fetch(site.url("/a")), 60)]
    assert page.status == 200
    assert fetch_error(fetcher, site.url("/private/x")).reason == "robots"
    time.sleep(0.2)
    assert site.sent_bytes["/robots.txt"] < 8 * 1024 * 1024  # cut off near the 512 KiB cap, not 100 MB


# -- 3. every body capped, redirect bodies included ------------------------------------------

BOMB = gzip.compress(b"\0" * (100 * 1024 * 1024), 9)  # 100 MB inflated, ~100 KB on the wire


def _redirect_with_bomb(target: str):
    return lambda r: (302, {"Location": target, "Content-Encoding": "gzip", "Content-Type": "text/html"}, BOMB)


@pytest.mark.parametrize("path, accept", [("/robots.txt", None), ("/feed", XML_TYPES), ("/article", None)],
                         ids=["robots", "feed", "article"])
def test_redirect_with_a_gzip_bomb_body_is_not_inflated(site, path, accept):  # noqa: F811
    site.add(path, _redirect_with_bomb(path + "-2"))
    site.page("/robots.txt-2", "User-agent: *\nAllow: /\n", "text/plain")
    site.page("/feed-2", "<rss><channel></channel></rss>", "application/rss+xml")
    site.page("/article-2", "<p>x</p>")
    site.page("/a", "<p>x</p>")
    fetcher = Fetcher(fast_config(max_bytes=1024 * 1024))
    target = "/a" if path == "/robots.txt" else path
    tracemalloc.start()
    try:
        page, _ = bounded(lambda: fetcher.fetch(site.url(target), **({"accept": accept} if accept else {})), 60)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert page.status == 200
    assert peak < 30 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"
    assert len(site.hits(path + "-2")) == 1


@pytest.mark.parametrize("path", ["/robots.txt", "/article"])
def test_redirect_with_an_endless_body_is_not_read(site, path):  # noqa: F811
    def endless(request):
        # "endless": 300 MB, so that a client which does read it all ends too
        return 302, {"Location": path + "-2", "Content-Type": "text/html"}, (b"x" * 65536 for _ in range(4800))
    site.add(path, endless)
    site.page("/robots.txt-2", "User-agent: *\nAllow: /\n", "text/plain")
    site.page("/article-2", "<p>x</p>")
    site.page("/a", "<p>x</p>")
    fetcher = Fetcher(fast_config())
    page, seconds = bounded(lambda: fetcher.fetch(site.url("/a" if path == "/robots.txt" else path)), 60)
    assert page.status == 200 and seconds < 15
    time.sleep(0.2)
    assert site.sent_bytes[path] < 32 * 1024 * 1024  # the client hung up instead of reading it all


def test_error_response_with_an_endless_body_is_not_read(site):  # noqa: F811
    site.add("/e", lambda r: (500, {"Content-Type": "text/html"}, (b"x" * 65536 for _ in range(4800))))
    error, seconds = bounded(lambda: fetch_error(Fetcher(fast_config(retries=1)), site.url("/e")), 60)
    assert error.reason == "http_500" and seconds < 15


# -- 5. Retry-After has a budget per host and per run -----------------------------------------

def test_retry_after_on_every_article_is_bounded_by_the_host_budget(site, tmp_path):  # noqa: F811
    paths = [art(n) for n in range(20)]
    for path in paths:
        site.add(path, lambda r: (503, {"Content-Type": "text/html", "Retry-After": "2"}, b"busy"))
    site.page("/tin", listing_html(paths))
    fetch = fast_config(retries=3, max_retry_after=300, host_wait_budget=5, run_wait_budget=1000)
    report, seconds = run_crawl(tmp_path, [source(site, listing=[{"url": site.url("/tin")}])], fetch=fetch)
    assert seconds < 40  # 20 articles x 3 waits x 2 s would be 2 minutes
    assert "host_given_up" in report.failed_by_reason()
    assert sum(len(site.hits(p)) for p in paths) <= 6
    assert report.counts["deferred"] >= 17  # still pending for the next run, not counted as attempts
    state = CrawlState(tmp_path / "corpora" / "state.sqlite")
    try:
        assert state.count(["thu.vn"], "pending") == report.counts["deferred"]
    finally:
        state.close()


def test_retry_after_is_bounded_by_the_run_budget_across_hosts(site, tmp_path):  # noqa: F811
    paths = [art(n) for n in range(10)]
    for path in paths:
        site.add(path, lambda r: (429, {"Content-Type": "text/html", "Retry-After": "2"}, b"slow down"))
    site.page("/tin", listing_html(paths))
    other = site.url("/tin").replace("127.0.0.1", "localhost")
    fetch = fast_config(retries=3, host_wait_budget=1000, run_wait_budget=5)
    report, seconds = run_crawl(tmp_path, [source(site, listing=[{"url": site.url("/tin")}]),
                                           source(site, name="localhost", listing=[{"url": other}])], fetch=fetch)
    assert seconds < 40
    given_up = [f for f in report.failures if f["reason"] == "host_given_up"]
    assert len(given_up) == 2 and all("run's budget" in f["detail"] for f in given_up)


# -- 14. percent-encoding kept as the site wrote it ------------------------------------------

def test_percent_encoding_is_kept_and_the_url_stored_is_the_url_fetched(site, tmp_path):  # noqa: F811
    raw = ["/tin/a%2Fb-1201.html", "/tin/c%252Fd-1202.html", "/tin/e-1203.html?next=%2Fx%3Fy"]
    for n, path in enumerate(raw):
        site.page(path, article_html(f"Bài {n}", f"Nội dung bài {n}."))
    site.page("/tin", listing_html(raw))
    report, _ = run_crawl(tmp_path, [source(site, article_patterns=[r"-\d{4}\.html"], listing=[{"url": site.url("/tin")}])])
    assert report.exit_code == 0, report.failures
    assert all(len(site.hits(path)) == 1 for path in raw)  # the server got each path exactly as written
    stored = {d.url for d in iter_articles(tmp_path / "corpora", on_error=pytest.fail)}
    assert stored == {site.url(path) for path in raw}


def test_concurrent_fetches_share_nothing_but_the_watchdog(site):  # noqa: F811
    """Deadlines of parallel requests do not cut each other's connections."""
    site.add("/slow", lambda r: dribble(every=0.2))
    for n in range(8):
        site.page(f"/ok{n}", "<p>" + "x" * 50_000 + "</p>")
    fetcher = Fetcher(fast_config(total_timeout=1.5, read_timeout=5, retries=0, per_host=8))
    results = {}

    def get(path):
        try:
            results[path] = fetcher.fetch(site.url(path)).status
        except FetchError as exc:
            results[path] = exc.reason
    threads = [threading.Thread(target=get, args=(p,)) for p in ["/slow"] + [f"/ok{n}" for n in range(8)] * 3]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert results.pop("/slow") == "timeout"
    assert set(results.values()) == {200}


def test_a_site_setting_endless_cookies_cannot_grow_the_jar(site):  # noqa: F811
    counter = iter(range(10**9))
    site.add("/c", lambda r: (200, [("Content-Type", "text/html")] +
                              [("Set-Cookie", f"c{next(counter)}={'v' * 1000}; Path=/") for _ in range(90)], b"<p>x</p>"))
    fetcher = Fetcher(fast_config())
    for _ in range(20):
        fetcher.fetch(site.url("/c"))
    jar = fetcher._session().cookies
    assert 0 < len(jar) <= 50 and sum(len(c.value) for c in jar) <= 16 * 1024  # 1,800 cookies of 1 KB were sent


def test_tls_handshake_dribble_is_bounded():
    """A TLS server announcing a 16 KB handshake record and sending it a byte at a time: no
    socket read ever waits long enough for a read timeout."""
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=dribble_tls, args=(conn,), daemon=True).start()

    def dribble_tls(conn):
        try:
            conn.recv(4096)  # the ClientHello
            conn.sendall(b"\x16\x03\x03\x40\x00")  # a handshake record of 16,384 bytes follows ...
            while not stop.wait(0.3):
                conn.sendall(b"\x00")
        except OSError:
            pass
        finally:
            conn.close()
    threading.Thread(target=serve, daemon=True).start()
    url = f"https://127.0.0.1:{listener.getsockname()[1]}/a"
    try:
        fetcher = Fetcher(fast_config(total_timeout=2, read_timeout=5, connect_timeout=5, retries=1, obey_robots=False))
        error, seconds = bounded(lambda: fetch_error(fetcher, url), 60)
    finally:
        stop.set()
        listener.close()
    assert error.reason == "timeout" and seconds < 15
