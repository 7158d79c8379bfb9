"""Turn a rule's regex match into fact values: numbers, ratios, ISO dates and periods.

Each parser returns a dict of Fact fields, or None when the match is not a valid reading
(31/4 is no date, 5/0 no fraction). Pure functions: no I/O, no globals.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

from pipeline.extract.numbers import DENOMINATOR_WORDS, DIGIT_WORDS, parse_number, parse_number_words

ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "một": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4}
WORD_MONTHS = {"một": 1, "hai": 2, "ba": 3, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8, "chín": 9, "mười": 10,
               "mười một": 11}


@dataclass(frozen=True, slots=True)
class ParseContext:
    published: dt.date | None
    future: bool  # the sentence speaks of the future: year-less dates go forward


def _iso(day: dt.date) -> str:
    return day.isoformat()


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def _valid_day(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _month_end(2000, month)  # 2000 is a leap year


def resolve_year(month: int, day: int, ctx: ParseContext) -> int | None:
    """The year of a day named without one: the publication year, moved back a year when that
    would put a past event after publication, or forward when the sentence speaks of the future."""
    if ctx.published is None:
        return None
    pub = ctx.published
    year = pub.year
    day = min(day, _month_end(year, month))
    candidate = dt.date(year, month, day)
    if ctx.future:
        if candidate < pub - dt.timedelta(days=1):
            return year + 1
    elif candidate > pub + dt.timedelta(days=2):
        return year - 1
    return year


def _day_fields(year: int | None, month: int, day: int) -> dict | None:
    if year is None:
        if not _valid_day(day, month):
            return None
        iso = f"--{month:02d}-{day:02d}"
        return {"date_start": iso, "date_end": iso, "grain": "day"}
    try:
        iso = _iso(dt.date(year, month, day))
    except ValueError:
        return None
    return {"date_start": iso, "date_end": iso, "grain": "day"}


def _range_fields(year: int | None, m1: int, d1: int, m2: int, d2: int, grain: str) -> dict:
    if year is None:
        end_day = d2 if d2 else _month_end(2001, m2)
        return {"date_start": f"--{m1:02d}-{d1:02d}", "date_end": f"--{m2:02d}-{end_day:02d}", "grain": grain}
    end_day = d2 if d2 else _month_end(year, m2)
    return {"date_start": _iso(dt.date(year, m1, d1)), "date_end": _iso(dt.date(year, m2, end_day)), "grain": grain}


def _year_or_context(m: re.Match, ctx: ParseContext, month_hint: int = 1, last_month: int | None = None) -> int | None:
    """The written year, else the publication year, moved back a year when the period would lie
    after publication (or forward, in a sentence about the future, when it would lie wholly before):
    "tháng 3" in an article of 7 March is this March either way."""
    if m.groupdict().get("y"):
        return int(m.group("y"))
    if ctx.published is None:
        return None
    pub, last = ctx.published, last_month or month_hint
    if ctx.future:
        return pub.year + 1 if last < pub.month else pub.year
    return pub.year - 1 if month_hint > pub.month else pub.year


# ---------------------------------------------------------------- numbers
def p_percent(m: re.Match, ctx: ParseContext) -> dict | None:
    value = parse_number(m.group("a"))
    if m.groupdict().get("sign") in ("-", "−"):
        value = -value  # "-3,2% YoY"
    unit = "percentage_point" if "điểm" in m.group(0).lower() else "percent"
    out = {"value": value, "unit": unit}
    if m.groupdict().get("b"):
        high = parse_number(m.group("b"))
        if not value < high:
            return None
        out.update(value_max=high, qualifier="range")
    return out


def p_percent_words(m: re.Match, ctx: ParseContext) -> dict | None:
    try:
        value = parse_number_words(m.group("a"))
    except ValueError:
        return None
    return {"value": value, "unit": "percent"}


def _fraction(numerator: float, denominator: float) -> dict | None:
    if denominator <= 0 or numerator < 0:
        return None
    return {"numerator": numerator, "denominator": denominator, "value": numerator / denominator, "unit": "ratio"}


def p_fraction(m: re.Match, ctx: ParseContext) -> dict | None:
    return _fraction(parse_number(m.group("a")), parse_number(m.group("b")))


def p_fraction_words(m: re.Match, ctx: ParseContext) -> dict | None:
    return _fraction(float(DIGIT_WORDS[m.group("a").lower()]), float(DENOMINATOR_WORDS[m.group("b").lower()]))


def p_fraction_half(m: re.Match, ctx: ParseContext) -> dict | None:
    return _fraction(1.0, 2.0)


# ---------------------------------------------------------------- dates and periods
def p_dmy(m: re.Match, ctx: ParseContext) -> dict | None:
    day, month = int(m.group("d")), int(m.group("m"))
    year = int(m.group("y")) if m.groupdict().get("y") else resolve_year(month, day, ctx) if _valid_day(day, month) else None
    return _day_fields(year, month, day)


def p_dm(m: re.Match, ctx: ParseContext) -> dict | None:
    day, month = int(m.group("d")), int(m.group("m"))
    if not _valid_day(day, month):
        return None
    return _day_fields(resolve_year(month, day, ctx), month, day)


def p_day_range(m: re.Match, ctx: ParseContext) -> dict | None:
    d1, d2, month = int(m.group("d1")), int(m.group("d2")), int(m.group("m"))
    if not (d1 < d2 and _valid_day(d2, month)):
        return None
    year = int(m.group("y")) if m.group("y") else resolve_year(month, d1, ctx)
    return _range_fields(year, month, d1, month, d2, "day")


def p_date_range(m: re.Match, ctx: ParseContext) -> dict | None:
    d1, m1, d2, m2 = (int(m.group(g)) for g in ("d1", "m1", "d2", "m2"))
    if not (_valid_day(d1, m1) and _valid_day(d2, m2)):
        return None
    y2 = int(m.group("y2")) if m.group("y2") else None
    y1 = int(m.group("y1")) if m.group("y1") else None
    if y2 is None and y1 is None:
        y1 = resolve_year(m1, d1, ctx)
        y2 = None if y1 is None else (y1 + 1 if (m2, d2) < (m1, d1) else y1)
    elif y1 is None:
        y1 = y2 - 1 if (m2, d2) < (m1, d1) else y2
    elif y2 is None:
        y2 = y1 + 1 if (m2, d2) < (m1, d1) else y1
    if y1 is None:
        return {"date_start": f"--{m1:02d}-{d1:02d}", "date_end": f"--{m2:02d}-{d2:02d}", "grain": "day"}
    start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
    if end <= start:
        return None
    return {"date_start": _iso(start), "date_end": _iso(end), "grain": "day"}


def p_year_edge(m: re.Match, ctx: ParseContext) -> dict | None:
    year = int(m.group("y"))
    edge = m.group("edge").lower()
    day = dt.date(year, 12, 31) if edge == "cuối" else dt.date(year, 6, 30) if edge == "giữa" else dt.date(year, 1, 1)
    return {"date_start": _iso(day), "date_end": _iso(day), "grain": "day"}


def p_year_range(m: re.Match, ctx: ParseContext) -> dict | None:
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if not (y1 < y2 <= y1 + 50):
        return None
    return {"date_start": f"{y1}-01-01", "date_end": f"{y2}-12-31", "grain": "multi-year"}


def p_school_year(m: re.Match, ctx: ParseContext) -> dict | None:
    """"năm học 2017-2018": September to August."""
    y1, y2 = int(m.group("y1")), int(m.group("y2"))
    if y2 != y1 + 1:
        return None
    return {"date_start": f"{y1}-09-01", "date_end": f"{y2}-08-31", "grain": "year"}


def p_year(m: re.Match, ctx: ParseContext) -> dict | None:
    year = int(m.group("y"))
    return {"date_start": f"{year}-01-01", "date_end": f"{year}-12-31", "grain": "year"}


def p_month_edge(m: re.Match, ctx: ParseContext) -> dict | None:
    """"đầu tháng 10/2024": the 1st; "giữa tháng 11": the 15th."""
    month = int(m.group("m"))
    year = _year_or_context(m, ctx, month_hint=month)
    if year is None:
        return None
    day = 1 if m.group("edge").lower() == "đầu" else 15
    return _day_fields(year, month, day)


def p_school_year_past(m: re.Match, ctx: ParseContext) -> dict | None:
    """"năm học vừa qua": the school year ended by publication (one ending this August from May on)."""
    if ctx.published is None:
        return None
    y2 = ctx.published.year if ctx.published.month >= 5 else ctx.published.year - 1
    if m.group("rel").lower() == "trước":  # "Năm học trước, tỷ lệ này là 70%": the one before the school year under way
        y2 = ctx.published.year if ctx.published.month >= 9 else ctx.published.year - 1
    return {"date_start": f"{y2 - 1}-09-01", "date_end": f"{y2}-08-31", "grain": "year"}


def p_relative_year(m: re.Match, ctx: ParseContext) -> dict | None:
    if ctx.published is None:
        return None
    rel = m.group("rel").lower()
    if rel in ("qua", "vừa qua"):  # a year-end review: this year from November on, else the year before
        year = ctx.published.year if ctx.published.month >= 11 else ctx.published.year - 1
        return {"date_start": f"{year}-01-01", "date_end": f"{year}-12-31", "grain": "year"}
    shift = RELATIVE_YEARS[rel]
    year = ctx.published.year + shift
    return {"date_start": f"{year}-01-01", "date_end": f"{year}-12-31", "grain": "year"}


def p_half(m: re.Match, ctx: ParseContext) -> dict | None:
    first = m.group("which").lower() == "đầu"
    months = (1, 6) if first else (7, 12)
    year = int(m.group("y")) if m.group("y") else (ctx.published.year if ctx.published else None)
    return _range_fields(year, months[0], 1, months[1], 0, "half")


def p_months_to_date(m: re.Match, ctx: ParseContext) -> dict | None:
    raw = m.group("n").lower()
    n = int(raw) if raw.isdigit() else WORD_MONTHS[raw]
    written = m.groupdict().get("y")
    year = int(written) if written else (ctx.published.year if ctx.published else None)
    return _range_fields(year, 1, 1, n, 0, "month")


def p_quarters_to_date(m: re.Match, ctx: ParseContext) -> dict | None:
    """"hai quý đầu năm": the first half; "ba quý đầu năm": the first nine months."""
    n = {"2": 2, "hai": 2, "3": 3, "ba": 3}[m.group("n").lower()]
    year = int(m.group("y")) if m.group("y") else (ctx.published.year if ctx.published else None)
    return _range_fields(year, 1, 1, 3 * n, 0, "half" if n == 2 else "month")


def p_months_fit(m: re.Match, ctx: ParseContext) -> dict | None:
    """"… trong 6 tháng" with no year: the months so far only when the count fits the publication date
    (a report of the first six months comes out in June or July); otherwise a duration ("trong 6 tháng")."""
    n = int(m.group("n"))
    if ctx.published is None or not 0 <= ctx.published.month - n <= 1:
        return None
    return _range_fields(ctx.published.year, 1, 1, n, 0, "month")


def p_first_month(m: re.Match, ctx: ParseContext) -> dict | None:
    year = int(m.group("y")) if m.group("y") else (ctx.published.year if ctx.published else None)
    return _range_fields(year, 1, 1, 1, 0, "month")


def p_quarter(m: re.Match, ctx: ParseContext) -> dict | None:
    raw = (m.group("q") or "1").lower()  # "quý đầu năm" is the first quarter
    q = int(raw) if raw.isdigit() else ROMAN[raw]
    if (rel := m.groupdict().get("rel")) and ctx.published is not None:  # "quý II năm nay"
        year = ctx.published.year + RELATIVE_YEARS[rel.lower()]
    else:
        year = _year_or_context(m, ctx, month_hint=3 * q - 2, last_month=3 * q)
    return _range_fields(year, 3 * q - 2, 1, 3 * q, 0, "quarter")


def p_month(m: re.Match, ctx: ParseContext) -> dict | None:
    month = int(m.group("m"))
    year = _year_or_context(m, ctx, month_hint=month)
    return _range_fields(year, month, 1, month, 0, "month")


MONTH_WORDS = {"giêng": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7,
               "tám": 8, "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12, "chạp": 12}
RELATIVE_YEARS = {"nay": 0, "ngoái": -1, "trước": -1, "tới": 1, "sau": 1}


def p_month_words(m: re.Match, ctx: ParseContext) -> dict | None:
    month = MONTH_WORDS[m.group("mw").lower()]
    year = _year_or_context(m, ctx, month_hint=month)
    return _range_fields(year, month, 1, month, 0, "month")


def p_relative_month(m: re.Match, ctx: ParseContext) -> dict | None:
    """'tháng trước', 'quý này' against the publication date."""
    if ctx.published is None:
        return None
    back = 1 if m.group("rel").lower() in ("trước", "qua") else 0
    year, month = ctx.published.year, ctx.published.month
    if m.group("unit").lower() == "tháng":
        month -= back
        if month == 0:
            year, month = year - 1, 12
        return _range_fields(year, month, 1, month, 0, "month")
    quarter = (month - 1) // 3 + 1 - back
    if quarter == 0:
        year, quarter = year - 1, 4
    return _range_fields(year, 3 * quarter - 2, 1, 3 * quarter, 0, "quarter")


def p_month_relative(m: re.Match, ctx: ParseContext) -> dict | None:
    if ctx.published is None:
        return None
    month = int(m.group("m"))
    year = ctx.published.year + RELATIVE_YEARS[m.group("rel").lower().split()[-1]]
    return _range_fields(year, month, 1, month, 0, "month")


def p_none(m: re.Match, ctx: ParseContext) -> dict | None:
    return {}


PARSERS: dict[str, Callable[[re.Match, ParseContext], dict | None]] = {
    "percent": p_percent, "percent_words": p_percent_words, "fraction": p_fraction,
    "fraction_words": p_fraction_words, "fraction_half": p_fraction_half, "dmy": p_dmy, "dm": p_dm,
    "day_range": p_day_range, "year_edge": p_year_edge, "year_range": p_year_range, "year": p_year,
    "school_year": p_school_year, "school_year_past": p_school_year_past, "month_edge": p_month_edge,
    "relative_year": p_relative_year, "half": p_half, "months_to_date": p_months_to_date, "quarters_to_date": p_quarters_to_date, "months_fit": p_months_fit, "first_month": p_first_month,
    "quarter": p_quarter, "month": p_month, "none": p_none, "date_range": p_date_range,
    "month_words": p_month_words, "month_relative": p_month_relative, "relative_month": p_relative_month,
}
