"""Charset detection (Windows-1258, mislabelled pages) and Vietnamese date formats."""
import unicodedata

import pytest

from pipeline.crawl.charset import decode_body
from pipeline.crawl.dates import parse_date

VIETNAMESE = "Tỷ lệ hộ nghèo của Thủ đô giảm còn 0,03%, thu nhập bình quân đạt 8,2 triệu đồng/tháng"
TONES = "\u0300\u0301\u0303\u0309\u0323"


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 does: base letters precomposed, tone marks as combining characters."""
    out = []
    for char in text:
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in TONES))
        out.append(base + "".join(c for c in decomposed if c in TONES))
    return "".join(out).encode("cp1258")


def page(charset_meta: str | None, body: bytes) -> bytes:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset_meta}">'.encode() if charset_meta else b""
    return b"<html><head>" + meta + b"</head><body><p>" + body + b"</p></body></html>"


def test_windows_1258_declared_in_header_decodes_to_nfc():
    text, codec = decode_body(page(None, to_cp1258(VIETNAMESE)), "text/html; charset=windows-1258")
    assert codec == "cp1258"
    assert VIETNAMESE in text
    assert unicodedata.is_normalized("NFC", text)


def test_windows_1258_declared_in_meta_beats_a_wrong_utf8_header():
    text, codec = decode_body(page("windows-1258", to_cp1258(VIETNAMESE)), "text/html; charset=utf-8")
    assert codec == "cp1258" and VIETNAMESE in text


def test_utf8_page_mislabelled_latin1_is_not_mojibake():
    text, codec = decode_body(page("iso-8859-1", VIETNAMESE.encode("utf-8")), "text/html; charset=ISO-8859-1")
    assert codec == "utf-8" and VIETNAMESE in text
    assert "á»" not in text  # the classic mojibake of UTF-8 read as Latin-1


def test_undeclared_windows_1258_is_detected():
    text, _ = decode_body(page(None, to_cp1258(VIETNAMESE * 3)), "text/html")
    assert VIETNAMESE in text


def test_decomposed_utf8_is_composed():
    nfd = unicodedata.normalize("NFD", VIETNAMESE)
    text, _ = decode_body(nfd.encode("utf-8"), "text/html; charset=utf-8")
    assert text == VIETNAMESE


@pytest.mark.parametrize("raw, expected", [
    # hanoimoi's meta: US order from ASP.NET; its JSON-LD is ISO
    ("1/28/2026 6:52:01 AM", "2026-01-28T06:52:01+07:00"),
    ("2026-01-28T06:52:01+07:00", "2026-01-28T06:52:01+07:00"),
    ("9/5/2026 1:30:00 PM", "2026-09-05T13:30:00+07:00"),           # baochinhphu RSS pubDate
    ("01/03/2026 09:51", "2026-03-01T09:51:00+07:00"),              # baochinhphu detail-time
    ("Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "2026-03-07T00:05:00+07:00"),  # vnexpress span.date
    ("07-03-2026 - 00:01 AM", "2026-03-07T00:01:00+07:00"),         # cafef
    ("- 07/03/2026 08:47", "2026-03-07T08:47:00+07:00"),            # baodautu
    ("07/03/2026   08:52 (GMT+07:00)", "2026-03-07T08:52:00+07:00"),  # vietnamnet
    ("2026-03-07T08:52:11.000 +07:00", "2026-03-07T08:52:11+07:00"),  # vietnamnet JSON-LD
    ("2026-03-07 08:07", "2026-03-07T08:07:00+07:00"),              # dantri time[datetime]
    ("2026-03-07T00:01:00", "2026-03-07T00:01:00+07:00"),           # cafef meta, no offset: Vietnam time
    ("Thu, 06 Feb 2025 20:30:48 +0700", "2025-02-06T20:30:48+07:00"),  # RFC 822 feed date
    ("2026-09-05T22:57:40Z", "2026-09-06T05:57:40+07:00"),
    ("Thứ Bảy, Ngày 07 tháng 03 năm 2026", "2026-03-07"),
    ("28/01/2026 - 06:52", "2026-01-28T06:52:00+07:00"),
    ("2024-02-28", "2024-02-28"),
    ("31/02/2026", None), ("không có ngày", None), ("", None),
])
def test_dates_as_written_on_vietnamese_sites(raw, expected):
    assert parse_date(raw) == expected
