"""Real pages from shared/realweb: per-site parsing against the .expected.json files, discovery
from real listings, feeds and sitemaps, and a crawl of the real pages served on 127.0.0.1."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from crawl_fixtures import REALWEB, fast_config, realweb_dir, site  # noqa: F401  (fixture)

from pipeline.corpus import iter_articles
from pipeline.crawl.charset import decode_body
from pipeline.crawl.discover import parse_feed_or_sitemap, parse_listing
from pipeline.crawl.parse import parse_article
from pipeline.crawl.runner import CrawlOptions, crawl
from pipeline.crawl.urls import canonical_url, path_and_query
from pipeline.normalize import normalize_text
from pipeline.rules.sources import SOURCES_FILE, load_sources

VN = dt.timezone(dt.timedelta(hours=7))
# How the source repositories wrote their expected dates (not our parser: independent of it).
EXPECTED_FORMATS = ("%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M:%S.%f %z", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M")


def _articles():
    root = realweb_dir()
    return sorted(root.glob("*/*article*.html"))


def _expected(html_path: Path) -> dict:
    return json.loads(html_path.with_suffix(".expected.json").read_text(encoding="utf-8"))


def expected_minute(exp: dict) -> str:
    raw = exp.get("published_at") or exp["page_markup_observed_by_helper"]["jsonld_datePublished"][0]
    for fmt in EXPECTED_FORMATS:
        try:
            value = dt.datetime.strptime(raw, fmt)
        except ValueError:
            continue
        value = value.replace(tzinfo=VN) if value.tzinfo is None else value.astimezone(VN)
        return value.strftime("%Y-%m-%dT%H:%M")
    raise AssertionError(f"unknown expected date format {raw!r}")


def title_ok(title: str, exp: dict) -> bool:
    wanted, mode = exp.get("title"), exp.get("title_match", "exact")
    if wanted is None:  # the source repo asserts nothing: compare with the page's own <h1>/og:title
        observed = exp["page_markup_observed_by_helper"]
        candidates = {normalize_text(" ".join(observed[k].split())) for k in ("h1", "og:title") if observed.get(k)}
        return title in candidates or (mode == "non-empty" and bool(title))
    if mode == "startswith":
        return title.startswith(wanted)
    return title == wanted


def body_ok(text: str, exp: dict) -> bool:
    contains = exp.get("content_contains", [])
    lower = exp.get("content_contains_lower", [])
    return len(text) > 800 and all(c in text for c in contains) and all(c in text.lower() for c in lower)


def parse_case(html_path: Path, with_profile: bool):
    exp = _expected(html_path)
    url = exp.get("url") or exp["page_markup_observed_by_helper"]["canonical"]
    sources = {s.name: s for s in load_sources(SOURCES_FILE)}
    profile = sources[html_path.parent.name].profile if with_profile else None
    html = decode_body(html_path.read_bytes(), "text/html")[0]
    return parse_article(html, url, profile), exp, url


# at collection time: no skip here (it would skip the whole module); an empty list skips the test
@pytest.mark.parametrize("html_path", sorted(REALWEB.glob("*/*article*.html")), ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_profile_parses_title_date_and_body_like_the_expected_file(html_path):
    parsed, exp, url = parse_case(html_path, with_profile=True)
    assert parsed.method == "profile"
    assert title_ok(parsed.title, exp), parsed.title
    assert parsed.published[:16] == expected_minute(exp)
    assert parsed.published.endswith("+07:00")
    assert body_ok(parsed.text, exp), parsed.text[:300]
    assert canonical_url(parsed.canonical) == canonical_url(url)
    # what the profile strips stays out: captions, related boxes, scripts
    assert "Tin liên quan" not in parsed.text and "arfAsync" not in parsed.text and "function (" not in parsed.text


def test_hanoimoi_us_order_meta_date_does_not_win_over_json_ld():
    path = realweb_dir() / "hanoimoi.vn" / "liemdang_article_731520.html"
    parsed, _, _ = parse_case(path, with_profile=True)
    assert parsed.published == "2026-01-28T06:52:01+07:00"
    assert parsed.title == "Phường Hai Bà Trưng: Mong sớm đưa khu “đất vàng” 94 phố Lò Đúc vào sử dụng"
    assert parsed.text.startswith("Mặc dù nằm ở vị trí đắc địa")
    assert "Khu đất tại số 94 phố Lò Đúc (phường Hai Bà Trưng) bị bỏ hoang" not in parsed.text  # photo caption


def test_fallback_without_profile_still_finds_dates_and_most_bodies():
    """No profile: JSON-LD/meta dates and trafilatura bodies. A floor, like trafilatura's CI."""
    results = []
    for path in _articles():
        parsed, exp, _ = parse_case(path, with_profile=False)
        assert parsed.method == "fallback"
        results.append((parsed.published and parsed.published[:10] == expected_minute(exp)[:10],
                        title_ok(parsed.title, exp), body_ok(parsed.text, exp)))
    dates, titles, bodies = (sum(r[i] for r in results) for i in range(3))
    assert dates == len(results)
    assert titles >= len(results) - 2
    assert bodies >= len(results) - 3


LISTINGS = ["baochinhphu.vn", "baodautu.vn", "cafef.vn", "dantri.com.vn", "nld.com.vn", "tuoitre.vn", "vietnamnet.vn", "vnexpress.net"]


@pytest.mark.parametrize("name", LISTINGS)
def test_real_listing_pages_yield_article_links_and_the_next_page(name):
    path = realweb_dir() / name / "meth04_list.html"
    exp = _expected(path)
    source = next(s for s in load_sources(SOURCES_FILE) if s.name == name)
    found = parse_listing(decode_body(path.read_bytes(), "text/html")[0], exp["base_url"],
                          lambda u: source.is_article(path_and_query(u)) and u.startswith(exp["article_urls_startwith"]),
                          source.profile)
    urls = [f.url for f in found.articles]
    assert len(urls) >= 10
    assert len(urls) == len(set(urls))
    assert all(u.startswith(exp["article_urls_startwith"]) for u in urls)
    if "article_urls_endwith" in exp:
        assert all(u.endswith(exp["article_urls_endwith"]) for u in urls)
    listing = source.listings[0]
    assert canonical_url(listing.url) == canonical_url(exp["base_url"])
    assert listing.page_url(2) == exp["next_page_url"]


def test_real_rss_feed():
    path = realweb_dir() / "baochinhphu.vn" / "twan507_feed-kinh-te.rss.xml"
    exp = _expected(path)
    found = parse_feed_or_sitemap(path.read_bytes(), exp["feed_url"])
    assert found.kind == "feed" and len(found.articles) == exp["item_count"]
    first = found.articles[0]
    assert first.url == exp["first_item"]["link"]
    assert first.published == exp["first_item"]["published_at"]  # "9/5/2026 1:30:00 PM" is 5 September
    vne = parse_feed_or_sitemap((realweb_dir() / "vnexpress.net" / "2golang_rss_the-gioi_excerpt.xml").read_bytes(),
                                "https://vnexpress.net/rss/the-gioi.rss")
    assert [(f.url, f.published) for f in vne.articles] == [
        ("https://vnexpress.net/israel-noi-got-my-roi-hoi-dong-nhan-quyen-lhq-4846612.html", "2025-02-06T20:30:48+07:00")]


@pytest.mark.parametrize("site_dir", ["bnews.vn", "nguoiquansat.vn"])
def test_real_sitemaps(site_dir):
    path = next((realweb_dir() / site_dir).glob("*.xml"))
    exp = _expected(path)
    found = parse_feed_or_sitemap(path.read_bytes(), exp["sitemap_url"])
    assert found.kind == "sitemap"
    for index, entry in exp["entries"].items():
        item = found.articles[int(index)]
        assert item.url.endswith(entry["loc_endswith"])
        assert item.published == entry["lastmod"]


def test_crawl_of_real_pages_served_locally(site, tmp_path):  # noqa: F811
    """Every real article page served at its own path, found through a local sitemap, parsed with
    its site's profile and stored; the stored documents match the expected files."""
    configured = {s.name: s for s in load_sources(SOURCES_FILE)}
    sources, expectations = [], {}
    for html_path in _articles():
        name = html_path.parent.name
        exp = _expected(html_path)
        url = exp.get("url") or exp["page_markup_observed_by_helper"]["canonical"]
        local_path = path_and_query(url)
        site.page(local_path, html_path.read_bytes(), "text/html; charset=utf-8")
        expectations[local_path] = exp
    for name in sorted({p.parent.name for p in _articles()}):
        paths = [p for p, e in expectations.items() if configured[name].is_article(p) and
                 (e.get("url") or e["page_markup_observed_by_helper"]["canonical"]).split("/")[2] == name]
        xml = "<urlset xmlns='http://www.sitemaps.org/schemas/sitemap/0.9'>" + "".join(
            f"<url><loc>{site.url(p)}?utm_source=sitemap</loc></url>" for p in paths) + "</urlset>"
        site.page(f"/{name}/sitemap.xml", xml, "application/xml")
        sources.append(dataclasses.replace(configured[name], listings=(), feeds=(),
                                           sitemaps=(site.url(f"/{name}/sitemap.xml"),),
                                           domains=frozenset({"127.0.0.1"})))
    report = crawl(sources, CrawlOptions(corpus_dir=tmp_path, fetch=fast_config()))
    assert report.exit_code == 0, report.failures
    assert report.counts["new"] == len(expectations)
    docs = list(iter_articles(tmp_path, on_error=pytest.fail))
    assert len(docs) == len(expectations)
    for doc in docs:
        exp = expectations[path_and_query(doc.url)]
        assert doc.source == (exp.get("url") or exp["page_markup_observed_by_helper"]["canonical"]).split("/")[2]
        assert title_ok(doc.title, exp) and body_ok(doc.text, exp)
        assert doc.published[:16] == expected_minute(exp)
