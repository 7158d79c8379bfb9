"""rules/sources.toml: the shipped file loads, and mistakes are reported with file:line."""
import pytest

from pipeline.errors import RuleError
from pipeline.rules.sources import SOURCES_FILE, load_sources, seed_source

REQUIRED = {"baochinhphu.vn", "hanoimoi.vn", "vnexpress.net", "dantri.com.vn", "tuoitre.vn", "nld.com.vn",
            "vietnamnet.vn", "cafef.vn", "baodautu.vn", "hanoionline.vn"}
HANOI = {"hanoimoi.vn", "hanoionline.vn", "kinhtedothi.vn", "laodongthudo.vn"}


def test_shipped_sources_cover_the_required_sites():
    sources = {s.name: s for s in load_sources(SOURCES_FILE)}
    assert REQUIRED <= set(sources)
    for name in REQUIRED:
        assert sources[name].profile is not None and sources[name].profile.body, name
    for name, source in sources.items():
        assert source.home_area == ("Hà Nội" if name in HANOI else "cả nước"), name
        assert source.listings or source.feeds or source.sitemaps, name


@pytest.mark.parametrize("name, path, is_article", [
    ("baochinhphu.vn", "/chinh-sach-moi-co-hieu-luc-tu-thang-3-2026-102260228093004191.htm", True),
    ("baochinhphu.vn", "/chinh-sach-va-cuoc-song/chinh-sach-moi.htm", False),
    ("dantri.com.vn", "/kinh-doanh/gia-vang-giam-van-cao-hon-the-gioi-gan-20-trieu-dongluong-20260307080054340.htm", True),
    ("dantri.com.vn", "/kinh-doanh/trang-2.htm", False),
    ("vnexpress.net", "/cach-cac-nuoc-doi-pho-cu-soc-nang-luong-tu-trung-dong-5047363.html", True),
    ("vnexpress.net", "/kinh-doanh-p2", False),
    ("baodautu.vn", "/xu-phat-giam-doc-tai-chinh-tap-doan-tien-son-thanh-hoa-vi-thao-tung-co-phieu-d538952.html", True),
    ("baodautu.vn", "/tai-chinh-chung-khoan-d6/", False),
    ("cafef.vn", "/tang-ho-tro-giam-ap-luc-tai-chinh-khi-chuyen-muc-dich-su-dung-dat-188260307071033787.chn", True),
    ("hanoionline.vn", "/20-27-chi-tieu-cua-chuong-trinh-08-da-hoan-thanh-222361.htm", True),
])
def test_article_patterns(name, path, is_article):
    source = next(s for s in load_sources(SOURCES_FILE) if s.name == name)
    assert source.is_article(path) is is_article


def _write(tmp_path, text):
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = '[[source]]\nname = "a.vn"\nfeeds = ["https://a.vn/rss"]\n\n'


@pytest.mark.parametrize("second, message", [
    ('[[source]]\nname = "b.vn"\nfeeds = ["https://b.vn/rss"]\narticle_patterns = ["-(\\\\d+"]\n', "invalid regex"),
    ('[[source]]\nname = "b.vn"\nfeeds = ["file:///etc/passwd"]\n', "http(s) URL"),
    ('[[source]]\nname = "b.vn"\nfeed = ["https://b.vn/rss"]\n', "unknown key"),
    ('[[source]]\nname = "b.vn"\n', "at least one listing"),
    ('[[source]]\nname = "a.vn"\nfeeds = ["https://a.vn/rss2"]\n', "duplicate source name"),
    ('[[source]]\nname = "b.vn"\nfeeds = ["https://b.vn/rss"]\n[source.profile]\nbody = ["div[["]\n', "invalid CSS selector"),
    ('[[source]]\nname = "b.vn"\n[[source.listing]]\nurl = "https://b.vn/x"\nnext = "https://b.vn/x/2"\n', "{page}"),
])
def test_mistakes_name_file_and_line(tmp_path, second, message):
    path = _write(tmp_path, GOOD + second)
    with pytest.raises(RuleError) as info:
        load_sources(path)
    assert message in str(info.value)
    assert str(info.value).startswith(f"{path}:5:")


def test_toml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, GOOD + '[[source]]\nname = "b.vn\n')
    with pytest.raises(RuleError, match=rf"{path}:6"):
        load_sources(path)


def test_seed_reuses_the_profile_of_a_configured_site():
    sources = load_sources(SOURCES_FILE)
    seed = seed_source("https://vnexpress.net/kinh-doanh?utm_source=x", sources)
    assert seed.name == "vnexpress.net" and seed.profile is not None
    assert seed.seeds == ("https://vnexpress.net/kinh-doanh",)
    adhoc = seed_source("https://example.vn/tin-moi", sources)
    assert adhoc.name == "example.vn" and adhoc.profile is None
    # no patterns for an unknown site: every link is a candidate and the page decides
    assert adhoc.article_patterns == () and adhoc.checks_pages
    assert not seed.checks_pages
    with pytest.raises(RuleError):
        seed_source("file:///etc/passwd", sources)
