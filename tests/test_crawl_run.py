"""The crawl loop end to end against a local site: discovery, de-duplication, incremental
re-runs, date window, page budget, robots, failures, run record, exit codes and the CLI."""
from __future__ import annotations

import gzip
import json

import pytest
from click.testing import CliRunner
from crawl_fixtures import article_html, fast_config, listing_html, site, sources_toml  # noqa: F401

from pipeline.cli import cli
from pipeline.corpus import iter_articles, iter_corpus_files
from pipeline.crawl.runner import CrawlOptions, crawl
from pipeline.crawl.state import CrawlState
from pipeline.rules.sources import load_sources

PATTERN = r"-\d{4}\.html$"
PROFILE = {"title": ["h1.title"], "body": ["div.content"], "strip": [".related"]}


def art_path(n: int) -> str:
    return f"/tin-tuc-thu-nghiem-so-{n}-{1000 + n}.html"


def add_articles(site, numbers, published="2026-03-07T08:00:00+07:00", **kw):  # noqa: F811
    for n in numbers:
        site.page(art_path(n), article_html(f"Bài số {n}", f"Mở đầu bài {n}.\nTỷ lệ đạt {n},5%.", published, **kw))


def run(tmp_path, site, entries, **options):  # noqa: F811
    path = sources_toml(tmp_path / "sources.toml", entries)
    return crawl(load_sources(path), CrawlOptions(corpus_dir=tmp_path / "corpora", fetch=fast_config(), **options))


def source(site, **kw):  # noqa: F811
    entry = {"name": "thu.vn", "home_area": "cả nước", "article_patterns": [PATTERN], "profile": PROFILE}
    entry.update(kw)
    return entry


def docs(tmp_path):
    return list(iter_articles(tmp_path / "corpora", on_error=pytest.fail))


def article_fetches(site):  # noqa: F811
    return [r for r in site.log if r.path.startswith("/tin-tuc")]


def test_listing_with_pagination_feed_and_gzip_sitemap_index_store_each_article_once(site, tmp_path):  # noqa: F811
    add_articles(site, range(1, 9))
    variants = [art_path(1) + "?utm_source=facebook&fbclid=abc", site.url(art_path(2)) + "#binh-luan",
                site.url(art_path(3)).replace("/tin-tuc", "/amp/tin-tuc"), "https://facebook.com/share?u=x", "mailto:a@b.vn"]
    site.page("/thoi-su", listing_html([art_path(1), art_path(2), "/thoi-su/trang-2"] + variants))
    site.page("/thoi-su/trang-2", listing_html([art_path(3), art_path(4)]))
    rss = "<rss><channel>" + "".join(f"<item><link>{site.url(art_path(n))}?utm_medium=rss</link>"
                                     f"<pubDate>Sat, 07 Mar 2026 08:00:00 +0700</pubDate></item>" for n in (4, 5, 6)) + "</channel></rss>"
    site.page("/rss/tin.rss", rss, "application/rss+xml")
    child = ("<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
        f"<url><loc>{site.url(art_path(n))}{'/' if n == 6 else ''}</loc><lastmod>2026-03-07</lastmod></url>"
        for n in (6, 7, 8)) + "</urlset>")
    site.page("/sitemap-1.xml.gz", gzip.compress(child.encode()), "application/x-gzip")
    site.page("/sitemap.xml", f"<sitemapindex><sitemap><loc>{site.url('/sitemap-1.xml.gz')}</loc></sitemap></sitemapindex>",
              "application/xml")
    report = run(tmp_path, site, [source(site, listing=[{"url": site.url("/thoi-su"), "next": site.url("/thoi-su/trang-{page}"), "pages": 2}],
                                         feeds=[site.url("/rss/tin.rss")], sitemaps=[site.url("/sitemap.xml")])])
    assert report.exit_code == 0, report.failures
    assert report.counts["discovered"] == 8 and report.counts["new"] == 8
    stored = docs(tmp_path)
    assert sorted(d.title for d in stored) == [f"Bài số {n}" for n in range(1, 9)]
    assert all(site.url("/tin-tuc") in d.url and "?" not in d.url and d.source == "thu.vn" for d in stored)
    assert all(len(site.hits(art_path(n))) == 1 for n in range(1, 9))  # every article fetched once
    doc = next(d for d in stored if d.title == "Bài số 3")
    assert doc.text == "Mở đầu bài 3.\nTỷ lệ đạt 3,5%." and doc.published == "2026-03-07T08:00:00+07:00"
    assert (tmp_path / "corpora" / "thu.vn" / "2026" / f"{doc.id}.html.gz").exists()


def test_rerun_fetches_only_what_changed(site, tmp_path):  # noqa: F811
    add_articles(site, range(1, 5))
    site.page("/thoi-su", listing_html([art_path(n) for n in range(1, 5)]))
    entries = [source(site, listing=[{"url": site.url("/thoi-su")}])]
    assert run(tmp_path, site, entries).counts["new"] == 4
    before = {p: p.read_bytes() for p in iter_corpus_files(tmp_path / "corpora")}

    site.log.clear()
    again = run(tmp_path, site, entries)
    assert again.exit_code == 0
    assert [r.path for r in site.log if r.path != "/robots.txt"] == ["/thoi-su"]
    assert site.hits("/thoi-su")[0].headers.get("if-none-match")  # conditional GET → 304
    assert again.counts["not_modified"] == 1 and again.counts["fetched"] == 0
    assert {p: p.read_bytes() for p in iter_corpus_files(tmp_path / "corpora")} == before

    add_articles(site, [5])
    site.page("/thoi-su", listing_html([art_path(n) for n in range(1, 6)]))
    site.log.clear()
    third = run(tmp_path, site, entries)
    assert [r.path for r in article_fetches(site)] == [art_path(5)]
    assert third.counts["new"] == 1 and third.counts["known"] == 4


def test_refresh_uses_conditional_get_and_stores_updates(site, tmp_path):  # noqa: F811
    add_articles(site, range(1, 4))
    site.page("/thoi-su", listing_html([art_path(n) for n in range(1, 4)]))
    entries = [source(site, listing=[{"url": site.url("/thoi-su")}])]
    run(tmp_path, site, entries)
    site.page(art_path(2), article_html("Bài số 2 (cập nhật)", "Nội dung mới.\nTỷ lệ đạt 9%."))
    site.log.clear()
    report = run(tmp_path, site, entries, refresh=True)
    assert report.counts["unchanged"] == 2 and report.counts["updated"] == 1 and report.counts["fetched"] == 3
    assert all(r.headers.get("if-none-match") for r in article_fetches(site))
    titles = sorted(d.title for d in docs(tmp_path))
    assert titles == ["Bài số 1", "Bài số 2 (cập nhật)", "Bài số 3"]


def test_since_skips_old_feed_items_before_fetching_and_old_pages_after(site, tmp_path):  # noqa: F811
    add_articles(site, [1], published="2026-03-01T08:00:00+07:00")
    add_articles(site, [2], published="2025-12-31T08:00:00+07:00")
    add_articles(site, [3], published="2026-02-01T08:00:00+07:00")
    rss = ("<rss><channel>"
           f"<item><link>{site.url(art_path(1))}</link><pubDate>Sun, 01 Mar 2026 08:00:00 +0700</pubDate></item>"
           f"<item><link>{site.url(art_path(2))}</link><pubDate>Wed, 31 Dec 2025 08:00:00 +0700</pubDate></item>"
           f"<item><link>{site.url(art_path(3))}</link></item></channel></rss>")
    site.page("/rss", rss, "application/rss+xml")
    import datetime as dt
    report = run(tmp_path, site, [source(site, feeds=[site.url("/rss")])], since=dt.date(2026, 2, 15))
    assert [d.title for d in docs(tmp_path)] == ["Bài số 1"]
    assert not site.hits(art_path(2))  # the feed date was enough
    assert len(site.hits(art_path(3))) == 1  # no feed date: fetched, then skipped by its page date
    assert report.counts["skipped_since"] == 2


def test_page_budget_defers_the_rest_to_the_next_run(site, tmp_path):  # noqa: F811
    add_articles(site, range(1, 8))
    site.page("/thoi-su", listing_html([art_path(n) for n in range(1, 8)]))
    entries = [source(site, listing=[{"url": site.url("/thoi-su")}])]
    first = run(tmp_path, site, entries, max_pages=3)
    assert first.counts["new"] == 3 and first.counts["deferred"] == 4
    second = run(tmp_path, site, entries)  # the listing answers 304, the pending URLs come from the state
    assert second.counts["new"] == 4
    assert len(docs(tmp_path)) == 7
    assert all(len(site.hits(art_path(n))) == 1 for n in range(1, 8))


def test_failures_are_counted_by_reason_logged_and_recorded(site, tmp_path, caplog):  # noqa: F811
    add_articles(site, [1, 2])
    site.page("/robots.txt", "User-agent: *\nDisallow: /tin-tuc-thu-nghiem-so-2-\n", "text/plain")
    site.add(art_path(3), lambda r: (500, {"Content-Type": "text/html"}, b"oops"))
    site.page(art_path(5), "<html><body><script>x()</script></body></html>")
    site.page("/thoi-su", listing_html([art_path(n) for n in (1, 2, 3, 4, 5)]))
    report = run(tmp_path, site, [source(site, listing=[{"url": site.url("/thoi-su")}])])
    assert report.exit_code == 1
    assert report.counts["new"] == 1 and report.counts["skipped_robots"] == 1
    assert report.failed_by_reason() == {"http_500": 1, "http_404": 1, "no_text": 1}
    assert "failed 3 (http_404 1, http_500 1, no_text 1)" in report.summary()
    record = json.loads(report.record_path.read_text(encoding="utf-8"))
    assert record["failed_by_reason"] == {"http_500": 1, "http_404": 1, "no_text": 1}
    assert {f["url"] for f in record["failures"]} == {site.url(art_path(n)) for n in (3, 4, 5)}
    assert record["counts"]["skipped_robots"] == 1 and record["exit_code"] == 1
    assert record["counts"]["failed"] == sum(record["failed_by_reason"].values()) == 3  # the record agrees with itself
    for n in (3, 4, 5):
        assert any(site.url(art_path(n)) in message for message in caplog.messages)
    state = CrawlState(tmp_path / "corpora" / "state.sqlite")
    assert state.get(f"{site.url(art_path(3))}").reason == "http_500"
    state.close()


def test_nothing_worked_exits_2(site, tmp_path):  # noqa: F811
    report = run(tmp_path, site, [source(site, listing=[{"url": site.url("/missing")}])])
    assert report.exit_code == 2 and report.failed_by_reason() == {"http_404": 1}


def test_wrong_charset_header_and_rel_canonical_duplicates(site, tmp_path):  # noqa: F811
    body = article_html("Kinh tế Thủ đô tăng trưởng", "Tăng trưởng đạt 8,5%, cao nhất từ trước tới nay.",
                        canonical=site.url(art_path(1)))
    site.page(art_path(1), body.encode("utf-8"), "text/html; charset=iso-8859-1")
    site.page(art_path(2), body.encode("utf-8"), "text/html; charset=iso-8859-1")  # same article, other URL
    site.page("/thoi-su", listing_html([art_path(2), art_path(1)]))
    report = run(tmp_path, site, [source(site, listing=[{"url": site.url("/thoi-su")}])])
    stored = docs(tmp_path)
    assert len(stored) == 1 and stored[0].url == site.url(art_path(1))
    assert stored[0].title == "Kinh tế Thủ đô tăng trưởng" and "cao nhất từ trước tới nay" in stored[0].text
    assert report.counts["new"] == 1 and report.counts["unchanged"] == 1


def test_hosts_are_crawled_concurrently_but_each_one_politely(site, tmp_path):  # noqa: F811
    add_articles(site, range(1, 5))
    site.page("/thoi-su", listing_html([art_path(n) for n in range(1, 5)]))
    other = site.url("/thoi-su").replace("127.0.0.1", "localhost")
    entries = [source(site, listing=[{"url": site.url("/thoi-su")}], delay=0.15),
               source(site, name="localhost", listing=[{"url": other}], delay=0.15)]
    report = run(tmp_path, site, entries)
    assert report.counts["new"] == 8
    by_host: dict[str, list[float]] = {}
    for request in site.log:
        by_host.setdefault(request.headers["host"].split(":")[0], []).append(request.at)
    a, b = by_host["127.0.0.1"], by_host["localhost"]
    assert min(y - x for x, y in zip(a, a[1:])) >= 0.14 and min(y - x for x, y in zip(b, b[1:])) >= 0.14
    assert b[0] < a[-1] and a[0] < b[-1]  # the two hosts' crawls overlapped in time


def test_cli_seed_crawl_summary_and_exit_code(site, tmp_path):  # noqa: F811
    add_articles(site, range(1, 4))
    site.page("/chuyen-muc", listing_html([art_path(1), art_path(2), "/chuyen-muc?p=2", "/lien-he"], next_url="/chuyen-muc?p=2"))
    site.page("/chuyen-muc?p=2", listing_html([art_path(3)]))
    site.page("/lien-he", "<html><head><title>Liên hệ</title></head><body><h1>Liên hệ</h1><p>Tòa soạn: 12 phố Hàng Bài</p></body></html>")
    result = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/chuyen-muc"), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]  # the summary on stdout, like every command's
    # every link is a candidate; the contact page shows no sign of an article and is not stored
    assert last.startswith("crawl: discovered 4, fetched 3, new 3") and "not_article 1" in last
    assert "failed" not in last  # counters that are zero are left out
    stored = list(iter_articles(tmp_path / "c", on_error=pytest.fail))
    assert sorted(d.title for d in stored) == ["Bài số 1", "Bài số 2", "Bài số 3"]
    assert {d.source for d in stored} == {"127.0.0.1"}
    assert len(site.hits("/lien-he")) == 1
    assert len(list((tmp_path / "c" / "runs").glob("*.json"))) == 1


def test_cli_reports_bad_sources_file_with_line(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[[source]]\nname = "a.vn"\nfeeds = ["ftp://a.vn/x"]\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["crawl", "--sources", str(bad), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 2
    assert f"{bad}:1:" in result.output and "http(s) URL" in result.output


def test_cli_nothing_worked(site, tmp_path):  # noqa: F811
    result = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/gone"), "--corpus", str(tmp_path / "c"), "--quiet"])
    assert result.exit_code == 2 and result.output == ""


def test_a_corpus_that_cannot_be_written_stops_the_crawl_with_the_error(site, tmp_path, monkeypatch):  # noqa: F811
    import errno
    import os
    add_articles(site, range(1, 6))
    site.page("/thoi-su", listing_html([art_path(n) for n in range(1, 6)]))
    real_replace = os.replace

    def full_disk(src, dst, *args, **kwargs):
        if str(dst).endswith(".html.gz"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(dst))
        return real_replace(src, dst, *args, **kwargs)
    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError) as info:
        run(tmp_path, site, [source(site, listing=[{"url": site.url("/thoi-su")}])])
    assert info.value.errno == errno.ENOSPC and str(tmp_path / "corpora") in info.value.filename
    assert docs(tmp_path) == [] and not list((tmp_path / "corpora").rglob(".*.tmp"))
