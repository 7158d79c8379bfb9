"""Crawling a site nobody configured: short article links (/tin/1201.html, /bai?id=1203) found
from a seed, each candidate page deciding whether it is an article, a crawl that stores nothing
saying why and what to try, and --article-pattern."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from crawl_fixtures import listing_html, realweb_dir, site  # noqa: F401  (fixture)

from pipeline.cli import cli
from pipeline.corpus import iter_articles
from pipeline.crawl.charset import decode_body
from pipeline.crawl.parse import ParseError, parse_article

PARAGRAPHS = [
    "Theo báo cáo của UBND thành phố, năm 2025 Hà Nội đã hoàn thành 20/27 chỉ tiêu của Chương trình 08 về an sinh xã hội.",
    "Tỷ lệ hộ nghèo cuối năm chỉ còn 0,03%, tỷ lệ bao phủ bảo hiểm y tế đạt 94%, vượt kế hoạch đề ra từ đầu năm.",
    "Thành phố đặt mục tiêu đến năm 2026 nâng tỷ lệ lao động qua đào tạo lên 75% và giữ tỷ lệ thất nghiệp dưới 3%.",
]
NAV = '<nav><a href="/">Trang chủ</a><a href="/gioi-thieu.html">Giới thiệu</a><a href="/lien-he">Liên hệ</a></nav>'


def page(title: str, head: str = "", paragraphs=PARAGRAPHS, nav: str = NAV) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html><head><meta charset="utf-8"><title>{title}</title>{head}</head><body>{nav}'
            f"<h1>{title}</h1><div>{body}</div><footer>Báo thử nghiệm</footer></body></html>")


def short_link_site(site):  # noqa: F811
    """A seed listing whose article links carry no slug, beside an about, a contact and a section page."""
    site.page("/tin/1201.html", page("Hà Nội hoàn thành 20/27 chỉ tiêu", '<meta property="og:type" content="article">'))
    site.page("/bai?id=1203", page("Hộ nghèo còn 0,03%", '<script type="application/ld+json">'
                                   '{"@type": "NewsArticle", "datePublished": "2026-03-07T08:00:00+07:00"}</script>'))
    site.page("/tin/1204.html", page("Bảo hiểm y tế đạt 94%",
                                     '<meta property="article:published_time" content="2026-03-06T09:00:00+07:00">'))
    site.page("/tin/1205.html", page("Lao động qua đào tạo", paragraphs=PARAGRAPHS * 4))  # no markup, article-length text
    site.page("/gioi-thieu.html", page("Giới thiệu", '<meta property="og:type" content="website">',
                                       ["Báo thử nghiệm là cơ quan ngôn luận của thành phố, thành lập năm 1957 và phát hành hằng ngày."]))
    site.page("/lien-he", page("Liên hệ", "", ["Tòa soạn: 12 phố Hàng Bài, Hoàn Kiếm, Hà Nội. Điện thoại: 024 3825 1234."]))
    headlines = "".join(f'<li><a href="/tin/{1300 + n}.html">Tin kinh tế số {n}: tăng trưởng đạt {n},5% so với cùng kỳ</a></li>'
                        for n in range(12))
    site.page("/chuyen-muc/kinh-te", f'<html><head><meta property="og:type" content="article"></head><body>{NAV}'
                                     f"<h1>Kinh tế</h1><ul>{headlines}</ul></body></html>")
    site.page("/tin-moi", listing_html(["/tin/1201.html", "/bai?id=1203", "/tin/1204.html", "/tin/1205.html",
                                        "/chuyen-muc/kinh-te", "/static/logo.png"]).replace("<body>", "<body>" + NAV))


def test_seed_with_short_article_links_stores_articles_and_counts_the_rest_as_not_article(site, tmp_path):  # noqa: F811
    short_link_site(site)
    result = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/tin-moi"), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 0, result.output
    stored = {d.url: d for d in iter_articles(tmp_path / "c", on_error=pytest.fail)}
    assert set(stored) == {site.url(p) for p in ("/tin/1201.html", "/bai?id=1203", "/tin/1204.html", "/tin/1205.html")}
    assert stored[site.url("/bai?id=1203")].published == "2026-03-07T08:00:00+07:00"
    assert "20/27 chỉ tiêu" in stored[site.url("/tin/1201.html")].text
    record = json.loads(next((tmp_path / "c" / "runs").glob("*.json")).read_text(encoding="utf-8"))
    assert record["counts"]["not_article"] == 3 and record["counts"]["new"] == 4  # about, contact, section page
    assert "not_article 3" in result.output
    assert not site.hits("/static/logo.png") and not site.hits("/")  # files and the home page are no candidates
    # the next night: the non-articles are remembered, nothing is fetched again
    site.log.clear()
    again = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/tin-moi"), "--corpus", str(tmp_path / "c")])
    assert again.exit_code == 0, again.output
    assert [r.path for r in site.log if r.path not in ("/robots.txt", "/tin-moi")] == []


def no_markup_site(site):  # noqa: F811
    for n in (2001, 2002, 2003):
        site.page(f"/tin/{n}.html", page(f"Tin số {n}", "", PARAGRAPHS[:2]))  # short, no markup: no sign of an article
    site.page("/moi-nhat", listing_html(["/tin/2001.html", "/tin/2002.html", "/tin/2003.html"]))


def test_a_crawl_that_stores_nothing_says_why_and_suggests_article_pattern(site, tmp_path):  # noqa: F811
    no_markup_site(site)
    result = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/moi-nhat"), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 2, result.output
    assert "nothing stored" in result.output and site.url("/moi-nhat") in result.output
    assert r"--article-pattern '^/tin/\d+\.html$'" in result.output
    record = json.loads(next((tmp_path / "c" / "runs").glob("*.json")).read_text(encoding="utf-8"))
    assert record["failed_by_reason"] == {"no_articles": 1} and "--article-pattern" in record["advice"][0]

    again = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/moi-nhat"), "--corpus", str(tmp_path / "c"),
                                     "--article-pattern", r"^/tin/\d+\.html$"])
    assert again.exit_code == 0, again.output
    stored = sorted(d.url for d in iter_articles(tmp_path / "c", on_error=pytest.fail))
    assert stored == [site.url(f"/tin/{n}.html") for n in (2001, 2002, 2003)]


def test_a_seed_without_any_article_link_says_so(site, tmp_path):  # noqa: F811
    site.page("/trong", "<html><body><p>Trang đang cập nhật.</p><a href='https://facebook.com/x'>fb</a></body></html>")
    result = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/trong"), "--corpus", str(tmp_path / "c")])
    assert result.exit_code == 2
    assert "nothing stored" in result.output and "--article-pattern" in result.output


def test_invalid_article_pattern_is_refused_before_anything_is_fetched(site, tmp_path):  # noqa: F811
    result = CliRunner().invoke(cli, ["crawl", "--seed", site.url("/x"), "--corpus", str(tmp_path / "c"),
                                      "--article-pattern", "(unclosed"])
    assert result.exit_code == 2 and "invalid regex '(unclosed'" in result.output
    assert not site.log


def _real(path) -> str:
    return decode_body(path.read_bytes(), "text/html")[0]


def test_real_articles_are_recognised_and_real_section_pages_are_not():
    root = realweb_dir()
    articles = sorted(root.glob("*/*article*.html"))
    others = sorted(set(root.glob("*/*.html")) - set(articles))
    assert articles and others
    for path in articles:
        parsed = parse_article(_real(path), f"https://{path.parent.name}/x", require_article=True)
        assert parsed.evidence, path
    for path in others:  # listings and home pages, many of them with og:type article
        with pytest.raises(ParseError) as info:
            parse_article(_real(path), f"https://{path.parent.name}/x", require_article=True)
        assert info.value.reason == "not_article", path

