"""Periods: the as-of time of a figure, its grain, an SDMX-like code and the Vietnamese label.

`time_of` decides the time basis of one figure: the period the article states (or that the
figure inherits from its paragraph or headline), else the publication day ("published").
"""
from __future__ import annotations

import calendar
import datetime as dt

from pipeline.records import parse_published

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
DATED_BASES = ("stated", "inherited")  # a period given by the article; "published" is the fallback
NO_TIME = "none"


def iso_date(value: object) -> dt.date | None:
    """A full ISO date (YYYY-MM-DD), else None (year-less "--MM-DD" or anything else)."""
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def period_of(start: dt.date, end: dt.date) -> tuple[str, str]:
    """(grain, SDMX-like code) of a period: 2023-12-31, 2023-12, 2023-Q4, 2023-S2, 2023, 2021/2025."""
    if start == end:
        return "day", start.isoformat()
    whole_months = start.day == 1 and end.day == _month_end(end.year, end.month)
    if whole_months and start.year == end.year:
        months = end.month - start.month + 1
        if months == 1:
            return "month", f"{start.year}-{start.month:02d}"
        if months == 3 and start.month % 3 == 1:
            return "quarter", f"{start.year}-Q{start.month // 3 + 1}"
        if months == 6 and start.month in (1, 7):
            return "half", f"{start.year}-S{1 if start.month == 1 else 2}"
        if months == 12:
            return "year", str(start.year)
    if whole_months and start.month == 1 and end.month == 12 and end.year > start.year:
        return "multi-year", f"{start.year}/{end.year}"
    return "period", f"{start.isoformat()}/{end.isoformat()}"


def period_label(grain: str, start: str, end: str) -> str:
    """The period as Vietnamese readers write it: "Quý IV/2023", "6 tháng đầu năm 2024", "Năm 2023"."""
    s, e = iso_date(start), iso_date(end)
    if s is None or e is None:
        return "Không rõ thời điểm"
    if grain == "day":
        return f"{s.day:02d}/{s.month:02d}/{s.year}"
    if grain == "month":
        return f"Tháng {s.month}/{s.year}"
    if grain == "quarter":
        return f"Quý {ROMAN[(s.month - 1) // 3 + 1]}/{s.year}"
    if grain == "half":
        return f"6 tháng {'đầu' if s.month == 1 else 'cuối'} năm {s.year}"
    if grain == "year":
        return f"Năm {s.year}"
    if grain == "multi-year":
        return f"Giai đoạn {s.year}–{e.year}"
    return f"{s.day:02d}/{s.month:02d}/{s.year}–{e.day:02d}/{e.month:02d}/{e.year}"


def time_of(as_of_start: object, as_of_end: object, published: object,
            basis: object = "") -> tuple[str, str, str, str, str, str]:
    """(time_start, time_end, grain, time_period, period_label, time_basis) of one figure.

    The as-of period with the extraction's basis (stated when it gives none); without one, the
    publication day, basis "published"; without either, no time at all (basis "none").
    """
    start, end = iso_date(as_of_start), iso_date(as_of_end)
    basis = basis if isinstance(basis, str) else ""
    if start is None and end is None:
        try:
            start = end = parse_published(published) if isinstance(published, str) and published else None
        except ValueError:
            start = end = None
        basis = "published"
    elif basis not in DATED_BASES + ("published",):
        basis = "stated"
    start, end = start or end, end or start
    if start is None or end is None:
        return "", "", "", "unknown", period_label("", "", ""), NO_TIME
    if end < start:
        start, end = end, start
    grain, code = period_of(start, end)
    return start.isoformat(), end.isoformat(), grain, code, period_label(grain, start.isoformat(), end.isoformat()), basis
