"""Discovery stays bounded whatever a site offers: a sitemap index spawning endless children, a
sitemap far over the protocol's 50,000 URLs, a listing of 100,000 links, a run-wide cap on queued
URLs, and a backlog of pending pages streamed from the crawl state rather than loaded whole."""
from __future__ import annotations

import gzip
import re
import tracemalloc

import pytest
from crawl_fixtures import article_html, bounded, fast_config, site, sources_toml  # noqa: F401

from pipeline.crawl.discover import parse_feed_or_sitemap, parse_listing
from pipeline.crawl.parse import parse_article
from pipeline.crawl.runner import CrawlOptions, crawl
from pipeline.crawl.state import CrawlState
from pipeline.rules.sources import load_sources

NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def sitemap(urls) -> bytes:
    return (f"<urlset xmlns='{NS}'>" + "".join(f"<url><loc>{u}</loc></url>" for u in urls) + "</urlset>").encode()


def run_crawl(tmp_path, entries, limit: float = 120.0, **options):
    sources = load_sources(sources_toml(tmp_path / "sources.toml", entries))
    options.setdefault("fetch", fast_config())
    return bounded(lambda: crawl(sources, CrawlOptions(corpus_dir=tmp_path / "corpora", **options)), limit)


def entry(**kw):
    value = {"name": "thu.vn", "home_area": "cả nước", "article_patterns": [r"/bai/\d+$"],
             "profile": {"title": ["h1.title"], "body": ["div.content"]}}
    value.update(kw)
    return value


def test_sitemap_index_spawning_endless_children_is_bounded(site, tmp_path):  # noqa: F811
    def index(request):  # every sitemap is an index of 50 more, for ever
        match = re.fullmatch(r"/sm/(\d+)\.xml", request.path)
        if not match:
            return 404, {"Content-Type": "text/plain"}, b"no"
        n = int(match.group(1))
        children = "".join(f"<sitemap><loc>{site.url(f'/sm/{n * 50 + k + 1}.xml')}</loc></sitemap>" for k in range(50))
        return 200, {"Content-Type": "application/xml"}, f"<sitemapindex xmlns='{NS}'>{children}</sitemapindex>".encode()
    site.fallback = index
    (report, seconds) = run_crawl(tmp_path, [entry(sitemaps=[site.url("/sm/0.xml")])])
    fetched = [r for r in site.log if r.path.startswith("/sm/")]
    assert len(fetched) <= 1 + CrawlOptions().max_sitemaps
    reasons = report.failed_by_reason()
    assert {"too_many_sitemaps", "sitemap_too_deep"} & reasons.keys()
    assert reasons.keys() <= {"too_many_sitemaps", "sitemap_too_deep", "no_articles"}  # it never listed an article
    assert all(site.base in f["url"] for f in report.failures)  # each message names the sitemap


def test_sitemap_budget_per_run_is_an_option(site, tmp_path):  # noqa: F811
    children = "".join(f"<sitemap><loc>{site.url(f'/child-{k}.xml')}</loc></sitemap>" for k in range(40))
    site.page("/index.xml", f"<sitemapindex xmlns='{NS}'>{children}</sitemapindex>", "application/xml")
    for k in range(40):
        site.page(f"/child-{k}.xml", sitemap([site.url(f"/bai/{k}")]), "application/xml")
    report, _ = run_crawl(tmp_path, [entry(sitemaps=[site.url("/index.xml")])], max_sitemaps=10, max_pages=0)
    assert len([r for r in site.log if r.path.startswith("/child-")]) == 10
    assert report.counts["discovered"] == 10 and report.failed_by_reason() == {"too_many_sitemaps": 1}


def test_sitemap_of_120000_urls_reads_the_protocol_limit_of_50000():
    body = gzip.compress(sitemap(f"https://a.vn/bai/{n}" for n in range(120_000)))
    tracemalloc.start()
    try:
        found = parse_feed_or_sitemap(body, "https://a.vn/sitemap.xml.gz")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(found.articles) == 50_000 and found.articles[-1].url == "https://a.vn/bai/49999"
    assert "50,000" in found.truncated
    assert peak < 60 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"  # streamed, not a tree of 120,000 entries


def test_oversized_sitemap_in_a_crawl_is_cut_and_reported_with_its_url(site, tmp_path):  # noqa: F811
    site.page("/sitemap.xml.gz", gzip.compress(sitemap(site.url(f"/bai/{n}") for n in range(60_000))), "application/x-gzip")
    report, _ = run_crawl(tmp_path, [entry(sitemaps=[site.url("/sitemap.xml.gz")])], max_pages=0)
    assert report.counts["discovered"] == 50_000 and report.counts["deferred"] == 50_000
    failure, = report.failures
    assert failure["reason"] == "too_many_urls" and failure["url"] == site.url("/sitemap.xml.gz")


def test_run_wide_cap_on_queued_urls(site, tmp_path):  # noqa: F811
    site.page("/sitemap.xml", sitemap(site.url(f"/bai/{n}") for n in range(300)), "application/xml")
    report, _ = run_crawl(tmp_path, [entry(sitemaps=[site.url("/sitemap.xml")])], max_queued=100, max_pages=0)
    assert report.counts["discovered"] == 100 and report.counts["over_cap"] == 200
    assert report.failed_by_reason() == {"queue_full": 1}
    state = CrawlState(tmp_path / "corpora" / "state.sqlite")
    try:
        assert state.count(["thu.vn"], "pending") == 100
    finally:
        state.close()
    # the next run takes the rest: the cap is per run
    again, _ = run_crawl(tmp_path, [entry(sitemaps=[site.url("/sitemap.xml")])], max_queued=100, max_pages=0)
    assert again.counts["discovered"] == 200 and again.counts["known"] == 0


def test_pending_pages_are_streamed_from_the_state_not_loaded_whole(site, tmp_path):  # noqa: F811
    site.fallback = lambda r: (200, {"Content-Type": "text/html; charset=utf-8"},
                               article_html(f"Bài {r.path}", "Nội dung bài viết.").encode())
    site.page("/rss", "<rss><channel></channel></rss>", "application/rss+xml")
    (tmp_path / "corpora").mkdir()
    state = CrawlState(tmp_path / "corpora" / "state.sqlite")
    with state.transaction():  # a backlog left by earlier runs (a huge sitemap, a budget cut)
        for n in range(60_000):
            state.see(site.url(f"/bai/{n}"), site.url(f"/bai/{n}"), "thu.vn", "article")
    state.close()
    tracemalloc.start()
    try:
        report, _ = run_crawl(tmp_path, [entry(feeds=[site.url("/rss")])], max_pages=20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * 1024 * 1024, f"peak {peak / 2**20:.0f} MB"
    assert report.counts["new"] == 20 and report.counts["deferred"] == 60_000 - 20
    assert [r.path for r in site.log if r.path.startswith("/bai/")][:5] == [f"/bai/{n}" for n in range(5)]  # oldest first


def test_listing_of_100000_links_is_capped():
    html = "<html><body>" + "".join(f'<a href="/bai/{n}">{n}</a>' for n in range(100_000)) + "</body></html>"
    found = parse_listing(html, "https://a.vn/tin", lambda u: True)
    assert len(found.articles) == 5_000 and "5,000" in found.truncated


def test_deeply_nested_json_ld_does_not_break_the_page():
    html = ('<html><head><script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"
            '<meta property="article:published_time" content="2026-03-07T08:00:00+07:00"></head>'
            "<body><h1>Tiêu đề</h1><div class='content'><p>Tỷ lệ đạt 94%.</p></div></body></html>")
    parsed = parse_article(html, "https://a.vn/bai/1")
    assert parsed.published == "2026-03-07T08:00:00+07:00" and "94%" in parsed.text


@pytest.mark.parametrize("depth", [40_000])
def test_deeply_nested_html_is_parsed_without_recursion_errors(depth):
    html = "<html><body>" + "<div>" * depth + "<p>Tỷ lệ đạt 94%.</p>" + "</div>" * depth + "<p>Kết thúc.</p></body></html>"
    try:
        parse_article(html, "https://a.vn/bai/1")
    except RecursionError:  # pragma: no cover - the failure this test is about
        pytest.fail("RecursionError")
    except Exception as exc:  # no text found is fine; a crash is not
        assert getattr(exc, "reason", "") == "no_text"


def test_a_page_of_a_million_tiny_elements_is_refused_unparsed():
    """10 MB of <p>a</p>: lxml and trafilatura took 90 s and 2.2 GB on it."""
    html = "<html><body>" + "<p>a</p>" * (10 * 1024 * 1024 // 8) + "</body></html>"
    (error, seconds) = bounded(lambda: pytest.raises(Exception, parse_article, html, "https://a.vn/bai/1").value, 60)
    assert getattr(error, "reason", None) == "too_complex" and "tags" in error.detail
    assert seconds < 10
    with pytest.raises(Exception) as info:
        parse_listing(html, "https://a.vn/tin", lambda u: True)
    assert getattr(info.value, "reason", None) == "too_complex"
