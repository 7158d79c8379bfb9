"""URL canonicalisation, allowed hosts and safe stored names."""

import pytest

from pipeline.corpus import article_path
from pipeline.crawl.urls import canonical_url, clean_url, in_domains, path_and_query, registrable_domain, same_site
from pipeline.records import Article


@pytest.mark.parametrize("url, expected", [
    ("https://vnexpress.net/a-b-c-d-123.html?utm_source=fb&utm_medium=x&fbclid=1&gclid=2",
     "https://vnexpress.net/a-b-c-d-123.html"),
    ("https://m.vnexpress.net/a-b-c-d-123.html", "https://vnexpress.net/a-b-c-d-123.html"),
    ("https://amp.tuoitre.vn/a-b-c-d-123.htm", "https://tuoitre.vn/a-b-c-d-123.htm"),
    ("https://tuoitre.vn/amp/a-b-c-d-123.htm", "https://tuoitre.vn/a-b-c-d-123.htm"),
    ("https://dantri.com.vn/kinh-doanh/a-b-c-d-123.amp.htm", "https://dantri.com.vn/kinh-doanh/a-b-c-d-123.htm"),
    ("https://nld.com.vn/a-b-c-d-123.htm/amp", "https://nld.com.vn/a-b-c-d-123.htm"),
    ("https://nld.com.vn/a-b-c-d-123.htm?amp=1", "https://nld.com.vn/a-b-c-d-123.htm"),
    ("HTTPS://VietnamNet.VN:443/kinh-doanh/#top", "https://vietnamnet.vn/kinh-doanh"),
    ("https://baodautu.vn/tai-chinh-chung-khoan-d6/", "https://baodautu.vn/tai-chinh-chung-khoan-d6"),
    ("https://cafef.vn/x.chn?b=2&a=1&zarsrc=30", "https://cafef.vn/x.chn?a=1&b=2"),
    ("http://127.0.0.1:8080/a/", "http://127.0.0.1:8080/a"),
])
def test_variants_share_one_canonical_url(url, expected):
    assert canonical_url(url) == expected


def test_clean_url_keeps_the_path_as_written_but_resolves_relative_links():
    assert clean_url("/tai-chinh-d6/", "https://baodautu.vn/x") == "https://baodautu.vn/tai-chinh-d6/"
    assert clean_url("../b?utm_campaign=z#frag", "https://a.vn/x/y/z") == "https://a.vn/x/b"


@pytest.mark.parametrize("url", [
    "file:///etc/passwd", "ftp://vnexpress.net/x", "javascript:alert(1)", "mailto:toasoan@vnexpress.net",
    "data:text/html,hi", "https://user:pw@vnexpress.net/", "http://[::1", "", "https:///nohost",
])
def test_only_http_and_https_urls_are_crawlable(url):
    assert clean_url(url) is None
    assert canonical_url(url) is None
    assert not in_domains(url, {"vnexpress.net"})


def test_registrable_domains_follow_the_public_suffix_list():
    assert registrable_domain("m.dantri.com.vn") == "dantri.com.vn"
    assert registrable_domain("www.hanoimoi.vn") == "hanoimoi.vn"
    assert registrable_domain("xaydungchinhsach.chinhphu.vn") == "chinhphu.vn"
    assert registrable_domain("127.0.0.1") == "127.0.0.1"
    assert same_site("https://en.baochinhphu.vn/x", "https://baochinhphu.vn/y")
    assert not same_site("https://baochinhphu.vn.evil.com/x", "https://baochinhphu.vn/y")
    assert not in_domains("https://evil-vnexpress.net/x", {"vnexpress.net"})


def test_patterns_see_path_and_query_only():
    assert path_and_query("http://127.0.0.1:9/a-1.htm?x=1") == "/a-1.htm?x=1"


@pytest.mark.parametrize("source, doc_id", [("../../etc", "../../passwd"), ("/abs/path", "a/b\\c"), ("..", "..")])
def test_stored_names_cannot_leave_the_corpus(tmp_path, source, doc_id):
    article = Article(id=doc_id, url=None, title="", published="2026-01-01", source=source, fetched_at=None, text="x")
    path = article_path(tmp_path, article).resolve()
    assert tmp_path.resolve() in path.parents
    assert len(path.relative_to(tmp_path.resolve()).parts) == 3


@pytest.mark.parametrize("url, expected", [
    ("https://a.vn/tin/a%2Fb-1.html", "https://a.vn/tin/a%2Fb-1.html"),            # an escaped slash is not a slash
    ("https://a.vn/tin/a%252Fb-1.html", "https://a.vn/tin/a%252Fb-1.html"),        # never decoded twice
    ("https://a.vn/tin/a%2fb-1.html", "https://a.vn/tin/a%2Fb-1.html"),            # hex case as urllib3 sends it
    ("https://a.vn/%7Euser/%41bc", "https://a.vn/~user/Abc"),                      # unreserved: decoded (RFC 3986 6.2.2.2)
    ("https://a.vn/tin/hà-nội.html", "https://a.vn/tin/h%C3%A0-n%E1%BB%99i.html"),  # not allowed: UTF-8 escapes
    ("https://a.vn/a b/100%", "https://a.vn/a%20b/100%25"),                        # space and a stray %
    ("https://a.vn/bai?id=1203&next=%2Fx%3Fy&utm_source=z", "https://a.vn/bai?id=1203&next=%2Fx%3Fy"),
    ("https://a.vn/s?q=a+b&q2=a%20b", "https://a.vn/s?q=a+b&q2=a%20b"),            # + and %20 as written
])
def test_percent_encoding_is_kept_as_the_site_wrote_it(url, expected):
    assert clean_url(url) == expected
    assert clean_url(expected) == expected  # idempotent


def test_the_url_cleaned_is_the_url_requests_sends():
    import requests
    for url in ("https://a.vn/tin/a%2fb%252F-1.html?x=%2f&y=%7e", "https://a.vn/tin/hà nội.html?q=Hà Nội"):
        assert requests.Request("GET", clean_url(url)).prepare().url == clean_url(url)
