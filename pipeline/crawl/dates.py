"""Publication dates as Vietnamese sites write them → ISO 8601 in Vietnam time.

Seen in real pages: ISO with and without offset ("2026-03-07T08:52:11.000 +07:00"), RFC 822 in
feeds, day-first text ("01/03/2026 09:51", "Thứ bảy, 7/3/2026, 00:05 (GMT+7)", "Ngày 07 tháng 03
năm 2026"), and ASP.NET's US default "1/28/2026 6:52:01 AM" (hanoimoi's meta, baochinhphu's
RSS). A date and time becomes "YYYY-MM-DDTHH:MM:SS+07:00"; a date alone stays "YYYY-MM-DD".
"""
from __future__ import annotations

import datetime as dt
import email.utils
import re

VN_TZ = dt.timezone(dt.timedelta(hours=7), "ICT")

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}")
_RFC822 = re.compile(r"\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun|Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\b", re.I)
_DMY = re.compile(r"(?<!\d)(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)")
_YMD = re.compile(r"(?<!\d)(\d{4})([/.-])(\d{1,2})\2(\d{1,2})(?!\d)")
_VI_WORDS = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.I)
_TIME = re.compile(r"(?<![\d/.-])(\d{1,2})\s*(?::|h|g)\s*(\d{2})(?::(\d{2}))?(?!\d)(?:\s*(AM|PM|SA|CH)\b)?", re.I)
_GMT = re.compile(r"(?:GMT|UTC)\s*([+-])\s*(\d{1,2})(?::?(\d{2}))?", re.I)


def _format(value: dt.datetime | dt.date) -> str:
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=VN_TZ)
        return value.astimezone(VN_TZ).replace(tzinfo=None).isoformat(timespec="seconds") + "+07:00"
    return value.isoformat()


def _plausible(year: int) -> bool:
    return 1990 <= year <= 2100


def _from_iso(text: str) -> str | None:
    cleaned = re.sub(r"\s+(?=[+-]\d{2}:?\d{2}$)", "", text.strip()).replace("Z", "+00:00")
    cleaned = re.sub(r"(\.\d{1,6})\d*", r"\1", cleaned)
    try:
        if len(cleaned) == 10:
            value: dt.date = dt.date.fromisoformat(cleaned)
        else:
            value = dt.datetime.fromisoformat(cleaned)
    except ValueError:
        return None
    return _format(value) if _plausible(value.year) else None


def _from_rfc822(text: str) -> str | None:
    try:
        value = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        return None
    return _format(value) if value and _plausible(value.year) else None


def _time_parts(text: str) -> tuple[int, int, int, str | None] | None:
    match = _TIME.search(text)
    if not match:
        return None
    hour, minute, second = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    marker = (match.group(4) or "").upper() or None
    if marker in ("PM", "CH") and hour < 12:
        hour += 12
    elif marker in ("AM", "SA") and hour == 12:
        hour = 0
    return hour, minute, second, marker


def _tz(text: str) -> dt.tzinfo:
    match = _GMT.search(text)
    if not match:
        return VN_TZ
    sign = -1 if match.group(1) == "-" else 1
    minutes = int(match.group(2)) * 60 + int(match.group(3) or 0)
    return dt.timezone(sign * dt.timedelta(minutes=minutes))


def _from_text(text: str, order: str | None) -> str | None:
    if match := _VI_WORDS.search(text):
        day, month, year = int(match.group(1)), int(match.group(2)), int(match.group(3))
    elif match := _YMD.search(text):
        year, month, day = int(match.group(1)), int(match.group(3)), int(match.group(4))
    elif match := _DMY.search(text):
        first, second, year = int(match.group(1)), int(match.group(3)), int(match.group(4))
        clock = _time_parts(text[:match.start()] + " " + text[match.end():])
        if order is None:
            if first > 12:
                order = "dmy"
            elif second > 12:
                order = "mdy"
            else:
                # ASP.NET's en-US "M/d/yyyy h:mm:ss tt": slashes, seconds and an AM/PM marker.
                us_style = match.group(2) == "/" and clock and clock[3] in ("AM", "PM") and re.search(r"\d:\d{2}:\d{2}", text)
                order = "mdy" if us_style else "dmy"
        day, month = (first, second) if order == "dmy" else (second, first)
    else:
        return None
    rest = text[:match.start()] + " " + text[match.end():]
    if not _plausible(year):
        return None
    try:
        date = dt.date(year, month, day)
        clock = _time_parts(rest)
        if clock is None:
            return _format(date)
        value = dt.datetime(year, month, day, clock[0], clock[1], clock[2], tzinfo=_tz(rest))
    except ValueError:
        return None
    return _format(value)


def parse_date(text: str | None, order: str | None = None) -> str | None:
    """ISO 8601 string for a date as written on a page or in a feed, None when there is none.

    `order` ("dmy" or "mdy") settles numeric dates whose day and month are both <= 12; without
    it the Vietnamese day-first order wins except for the US-style ASP.NET format.
    """
    if not text or not text.strip():
        return None
    text = " ".join(text.split())
    if _ISO.match(text):
        found = _from_iso(text)
        if found:
            return found
    if (_RFC822.search(text) and "," in text[:5]) or re.search(r"\d{1,2} [A-Z][a-z]{2} \d{4}", text):
        found = _from_rfc822(text)
        if found:
            return found
    return _from_text(text, order)
