"""Polite and defensive fetching against a local server: robots.txt, errors and retries,
timeouts, redirects, size caps, content types, hostile XML."""
from __future__ import annotations

import gzip
import threading
import time

import pytest
from crawl_fixtures import fast_config, site, static  # noqa: F401  (fixture)

from pipeline.crawl.discover import parse_feed_or_sitemap
from pipeline.crawl.fetch import XML_TYPES, Fetcher
from pipeline.errors import FetchError

ROBOTS = "User-agent: *\nDisallow: /private/\nCrawl-delay: 0.3\n\nUser-agent: chitieu\nDisallow: /no-chitieu/\nCrawl-delay: 0.3\n"


def fetch_error(fetcher: Fetcher, url: str, **kw) -> FetchError:
    with pytest.raises(FetchError) as info:
        fetcher.fetch(url, **kw)
    return info.value


def test_user_agent_has_a_contact_url(site):  # noqa: F811
    site.page("/a", "<p>x</p>")
    Fetcher(fast_config()).fetch(site.url("/a"))
    agent = site.hits("/a")[0].headers["user-agent"]
    assert agent.startswith("chitieu/") and "https://" in agent


def test_robots_disallow_and_crawl_delay(site):  # noqa: F811
    site.page("/robots.txt", ROBOTS, "text/plain")
    for path in ("/no-chitieu/x", "/ok1", "/ok2", "/ok3"):
        site.page(path, "<p>x</p>")
    fetcher = Fetcher(fast_config(delay=0.0))
    assert fetch_error(fetcher, site.url("/no-chitieu/x")).reason == "robots"
    for path in ("/ok1", "/ok2", "/ok3"):
        fetcher.fetch(site.url(path))
    assert not site.hits("/no-chitieu/x")
    assert len(site.hits("/robots.txt")) == 1
    starts = [site.hits(p)[0].at for p in ("/ok1", "/ok2", "/ok3")]
    gaps = [b - a for a, b in zip(starts, starts[1:])]
    assert min(gaps) >= 0.28  # Crawl-delay 0.3 s honoured although our own delay is 0


def test_robots_unreachable_means_nothing_is_fetched(site):  # noqa: F811
    site.add("/robots.txt", lambda r: (503, {"Content-Type": "text/plain"}, b"down"))
    site.page("/a", "<p>x</p>")
    assert fetch_error(Fetcher(fast_config()), site.url("/a")).reason == "robots_unavailable"
    assert not site.hits("/a")


@pytest.mark.parametrize("status, reason, attempts", [(404, "http_404", 1), (500, "http_500", 2), (503, "http_503", 2)])
def test_http_errors_retry_only_when_worth_it(site, status, reason, attempts):  # noqa: F811
    site.add("/e", lambda r: (status, {"Content-Type": "text/html"}, b"err"))
    assert fetch_error(Fetcher(fast_config(retries=1)), site.url("/e")).reason == reason
    assert len(site.hits("/e")) == attempts


def test_5xx_then_success_with_exponential_backoff(site):  # noqa: F811
    answers = iter([500, 502, 200])
    site.add("/flaky", lambda r: (s := next(answers), {"Content-Type": "text/html"}, b"<p>ok</p>" if s == 200 else b""))
    page = Fetcher(fast_config(retries=2, backoff=0.1, backoff_max=1.0)).fetch(site.url("/flaky"))
    assert page.status == 200
    times = [r.at for r in site.hits("/flaky")]
    assert times[1] - times[0] >= 0.09 and times[2] - times[1] >= 0.19  # 0.1 s, then 0.2 s


def test_429_honours_retry_after(site):  # noqa: F811
    answers = iter([429, 200])
    site.add("/busy", lambda r: (s := next(answers), {"Content-Type": "text/html", "Retry-After": "1"}, b"<p>ok</p>"))
    page = Fetcher(fast_config(retries=1, backoff=0.01)).fetch(site.url("/busy"))
    assert page.status == 200
    first, second = (r.at for r in site.hits("/busy"))
    assert second - first >= 0.95


def test_retry_after_beyond_the_limit_gives_up(site):  # noqa: F811
    site.add("/busy", lambda r: (429, {"Content-Type": "text/html", "Retry-After": "3600"}, b""))
    error = fetch_error(Fetcher(fast_config(retries=3, max_retry_after=5)), site.url("/busy"))
    assert error.reason == "http_429" and "Retry-After" in error.detail
    assert len(site.hits("/busy")) == 1


def test_slow_server_hits_the_timeout(site):  # noqa: F811
    site.add("/slow", static("<p>late</p>", delay=1.5))
    error = fetch_error(Fetcher(fast_config(read_timeout=0.3, retries=1)), site.url("/slow"))
    assert error.reason == "timeout"
    assert len(site.hits("/slow")) == 2  # one retry


def test_dribbling_server_hits_the_total_timeout(site):  # noqa: F811
    def dribble(request):
        def chunks():
            for _ in range(100):
                time.sleep(0.05)
                yield b"<p>x</p>"
        return 200, {"Content-Type": "text/html"}, chunks()
    site.add("/dribble", dribble)
    error = fetch_error(Fetcher(fast_config(total_timeout=0.5, retries=0)), site.url("/dribble"))
    assert error.reason == "timeout"


def test_redirect_loop_is_detected_and_recorded(site):  # noqa: F811
    site.add("/r1", lambda r: (302, {"Location": "/r2"}, b""))
    site.add("/r2", lambda r: (301, {"Location": site.url("/r1")}, b""))
    error = fetch_error(Fetcher(fast_config()), site.url("/r1"))
    assert error.reason == "redirect_loop"
    assert "/r1 -> " in error.detail and "/r2" in error.detail


def test_redirects_are_followed_recorded_and_limited(site):  # noqa: F811
    for n in range(8):
        site.add(f"/hop{n}", lambda r, n=n: (301, {"Location": f"/hop{n + 1}"}, b""))
    site.page("/hop8", "<p>end</p>")
    page = Fetcher(fast_config(max_redirects=10)).fetch(site.url("/hop5"))
    assert page.final_url == site.url("/hop8") and page.redirects == (site.url("/hop6"), site.url("/hop7"), site.url("/hop8"))
    assert fetch_error(Fetcher(fast_config(max_redirects=3)), site.url("/hop0")).reason == "too_many_redirects"


@pytest.mark.parametrize("location, reason", [("file:///etc/passwd", "bad_redirect"), ("https://evil.example/x", "offsite_redirect"),
                                              ("http://localhost:1/x", "offsite_redirect")])
def test_redirects_never_leave_the_allowed_hosts_or_schemes(site, location, reason):  # noqa: F811
    site.add("/go", lambda r: (302, {"Location": location}, b""))
    assert fetch_error(Fetcher(fast_config()), site.url("/go")).reason == reason


def test_wrong_content_type_is_refused(site):  # noqa: F811
    site.page("/file.pdf", b"%PDF-1.4", "application/pdf")
    assert fetch_error(Fetcher(fast_config()), site.url("/file.pdf")).reason == "content_type"


def test_50_mb_stream_is_cut_at_the_cap_without_buffering_it(site):  # noqa: F811
    total = 50 * 1024 * 1024
    chunk = b"<p>" + b"x" * (64 * 1024 - 7) + b"</p>"

    def huge(request):
        return 200, {"Content-Type": "text/html"}, (chunk for _ in range(total // len(chunk) + 1))
    site.add("/huge", huge)
    error = fetch_error(Fetcher(fast_config(max_bytes=1024 * 1024)), site.url("/huge"))
    assert error.reason == "too_large"
    time.sleep(0.2)
    assert site.sent_bytes["/huge"] < 12 * 1024 * 1024  # the server was cut off long before 50 MB


def test_declared_length_over_the_cap_is_refused_before_reading(site):  # noqa: F811
    site.page("/big", b"<p>" + b"y" * 300_000 + b"</p>")
    assert fetch_error(Fetcher(fast_config(max_bytes=100_000)), site.url("/big")).reason == "too_large"


def test_conditional_get_returns_304(site):  # noqa: F811
    site.page("/feed", "<rss/>", "application/rss+xml")
    fetcher = Fetcher(fast_config())
    first = fetcher.fetch(site.url("/feed"), accept=XML_TYPES)
    again = fetcher.fetch(site.url("/feed"), accept=XML_TYPES, etag=first.headers["etag"])
    assert again.not_modified and again.body == b""
    assert site.hits("/feed")[1].headers["if-none-match"] == first.headers["etag"]


def test_per_host_requests_never_overlap(site):  # noqa: F811
    active, peak, lock = [0], [0], threading.Lock()

    def slow(request):
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return 200, {"Content-Type": "text/html"}, b"<p>x</p>"
    for n in range(6):
        site.add(f"/p{n}", slow)
    fetcher = Fetcher(fast_config(per_host=1))
    threads = [threading.Thread(target=fetcher.fetch, args=(site.url(f"/p{n}"),)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert peak[0] == 1


BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;">]><rss><channel><item><link>&lol3;</link></item></channel></rss>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<urlset><url><loc>&x;</loc></url></urlset>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, XXE], ids=["billion-laughs", "external-entity"])
def test_hostile_xml_is_refused(body):
    with pytest.raises(FetchError) as info:
        parse_feed_or_sitemap(body, "https://a.vn/feed")
    assert info.value.reason == "unsafe_xml"


def test_gzip_sitemap_with_decompressed_size_cap():
    xml = b"<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'><url><loc>https://a.vn/b-c-d-e-1.html</loc></url></urlset>"
    found = parse_feed_or_sitemap(gzip.compress(xml), "https://a.vn/sitemap.xml.gz")
    assert [f.url for f in found.articles] == ["https://a.vn/b-c-d-e-1.html"]
    bomb = gzip.compress(b"<urlset>" + b" " * (60 * 1024 * 1024) + b"</urlset>")
    assert len(bomb) < 100_000
    with pytest.raises(FetchError) as info:
        parse_feed_or_sitemap(bomb, "https://a.vn/bomb.xml.gz")
    assert info.value.reason == "too_large"


def test_gzip_content_encoding_is_decoded_and_its_inflated_size_capped(site):  # noqa: F811
    small = "<p>Hà Nội tăng trưởng 7,5%</p>".encode()
    site.add("/gz", lambda r: (200, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"}, gzip.compress(small)))
    bomb = gzip.compress(b"<p>" + b"a" * (20 * 1024 * 1024) + b"</p>")
    site.add("/bomb", lambda r: (200, {"Content-Type": "text/html", "Content-Encoding": "gzip"}, bomb))
    fetcher = Fetcher(fast_config(max_bytes=1024 * 1024))
    assert fetcher.fetch(site.url("/gz")).text() == small.decode()
    assert fetch_error(fetcher, site.url("/bomb")).reason == "too_large"
