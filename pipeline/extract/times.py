"""The time a figure holds at: a date or period in its own clause, inherited from the sentence,
paragraph, headline or lead, or the publication date ("hiện nay", "đến nay", or nothing at all).

Dates and periods that are not when a figure holds are set aside first: baselines ("so với năm
2020", "cùng kỳ năm trước"), the dates of documents ("Nghị quyết số 03-NQ/TU ngày 10/12/2021"),
standards and price bases ("chuẩn nghèo giai đoạn 2022-2025", "giá so sánh năm 2010")."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.kinds import TIME_KINDS
from pipeline.rules.book import RuleBook, derived
from pipeline.rules.cues import alternation

DOC_NUMBER = re.compile(r"\d+[/-]\w")
NUMBERED_DOCUMENT = re.compile(r"\d+(?:/\d+)*[-/][A-ZĐ][\w-]*(?:/[\w-]+)*,?\s+(?:ban hành\s+|ký\s+)?(?:ngày\s+)?$")


@dataclass(frozen=True, slots=True)
class Moment:
    """A date or period of the sentence, and why it does not date figures when it does not."""

    start: int
    end: int
    as_of_start: str
    as_of_end: str
    grain: str
    excluded: str = ""  # baseline | document | standard | ""
    same_period: bool = False  # "cùng kỳ năm 2022": the period being reported, in that year
    event: bool = False  # "Chiều 22/9, …": when something happened, not a period figures refer to


EVENT_BEFORE = re.compile(r"(?<![^\W\d_])(?:sáng|chiều|tối|trưa|đêm|rạng sáng|hôm)\s*(?:ngày\s*)?$", re.IGNORECASE)
# "vì cùng kỳ năm 2023, GRDP … chỉ tăng 6,6%", "mức tăng 14,38% của cùng kỳ năm 2022": the same period a
# year before is the figure's own time, not a baseline, when no comparison word governs it
OWN_SAME_PERIOD = re.compile(r"(?:^|[,;:(]|(?<![^\W\d_])(?:của|vì|do|khi|trong|và|nhưng|còn|thì|riêng)"
                             r"|(?<![^\W\d_])mức(?: tăng trưởng| tăng| giảm)? [\d.,]+\s*%)\s*cùng kỳ\s*$",
                             re.IGNORECASE)
# "Quyết định số 353/QĐ-TTg … phê duyệt Danh sách huyện nghèo … giai đoạn 2021-2025": the approved list's scope
APPROVED_SCOPE = re.compile(r"\d+(?:/\d+)*[-/][A-ZĐ][\w-]*[^;:.]{0,160}?(?<![^\W\d_])phê duyệt(?![^\W\d_])[^;:.]{0,160}$")
# "giai đoạn 2021 - 2025, định hướng đến năm 2030": the vision year after a plan's period is no time of its figures
VISION = re.compile(r"^\W{0,3}(?:và\s+)?(?:định hướng|tầm nhìn)(?:\s+(?:đến|tới))?(?:\s+năm)?\s*$", re.IGNORECASE)
# "Thực hiện Nghị quyết Đại hội Đảng bộ tỉnh lần thứ XX, nhiệm kỳ 2020-2025, …": the resolution's name
# "Chào mừng Đại hội đại biểu Đảng bộ huyện … lần thứ XI, nhiệm kỳ 2020 - 2025": the congress's name
RESOLUTION_TENURE = re.compile(r"(?<![^\W\d_])(?:Nghị quyết Đại hội[^.;()]{0,60}?(?:nhiệm kỳ\s*)?|Đại hội[^.;()%]{0,80}?lần thứ\s+[IVXLC\d]+\s*,?\s*(?:nhiệm kỳ\s*)?)$",
                               re.IGNORECASE)
# "II. NHIỆM VỤ NĂM 2025", "Phương hướng, nhiệm vụ năm 2025:": a heading naming the year its goals are for
PLAN_HEADING = re.compile(r"^\W*(?:(?:[IVX]+|\d+|[a-z])[.)]\s*)?(?:(?:phương hướng|mục tiêu)[, ]+)?"
                          r"(?:nhiệm vụ|kế hoạch|phương hướng|mục tiêu|dự toán)(?:\s+(?:trọng tâm|chủ yếu))?\s*$", re.IGNORECASE)
PLAN_HEADING_END = re.compile(r"\s*(?:[,:.]|$)")  # "Dự toán năm 2025, …" frames the sentence; "Kế hoạch năm 2024 giao …" does not
SAME_PERIOD = re.compile(r"(?<![^\W\d_])(?:cùng kỳ|cùng thời điểm)\s*$", re.IGNORECASE)
SAME_PERIOD_AFTER = re.compile(r"\s*,?\s*(?:cùng kỳ|cùng thời điểm)(?![^\W\d_])", re.IGNORECASE)


def shifted(period: Moment, year: int) -> Moment:
    """The period `period` covers, moved to `year` ("9 tháng năm 2025" → the first 9 months of 2022)."""
    def move(iso: str) -> str:
        day = dt.date.fromisoformat(iso)
        try:
            return day.replace(year=year).isoformat()
        except ValueError:  # 29 February
            return day.replace(year=year, day=28).isoformat()
    try:
        return Moment(period.start, period.end, move(period.as_of_start), move(period.as_of_end), period.grain)
    except ValueError:
        return period


@dataclass(frozen=True)
class TimeCues:
    baseline: re.Pattern
    by_end: re.Pattern
    document: re.Pattern
    standard: re.Pattern
    standard_year: re.Pattern
    published: re.Pattern
    event_after: re.Pattern
    event_before: re.Pattern
    result_after_plan: re.Pattern


def time_cues(book: RuleBook) -> TimeCues:
    return derived(book, _build)




def _build(book: RuleBook) -> TimeCues:
    w = book.cues.words
    wb, we = r"(?<![^\W\d_])", r"(?![^\W\d_])"
    return TimeCues(
        baseline=re.compile(rf"{wb}(?:{alternation(w('time.baseline_before'))})(?:\s+(?:mức|mức của|của|với|kỳ thi|kỳ|cùng kỳ|thời điểm|cùng thời điểm|trung bình|bình quân|"
                            rf"năm học|niên vụ|vụ|đợt|thời kỳ|giai đoạn))*\s*$",
                            re.IGNORECASE),
        by_end=re.compile(rf"{wb}(?:{alternation(w('time.by_end_before'))})\s*(?:cuối|hết|giữa)?\s*$", re.IGNORECASE),
        document=re.compile(rf"{wb}(?:{alternation(w('time.document_before'))}){we}"),
        standard=re.compile(rf"{wb}(?:{alternation(w('time.standard_before'))}){we}[^,;.()]{{0,45}}$", re.IGNORECASE),
        standard_year=re.compile(rf"{wb}(?:{alternation(w('time.standard_year_before'))}){we}[^,;.()]{{0,45}}$",
                                 re.IGNORECASE),
        published=re.compile("".join(rf"(?<!{re.escape(p)} )" for p in w('time.published_not_after'))
                             + rf"{wb}(?:{alternation(w('time.published'))}){we}", re.IGNORECASE),
        event_after=re.compile(rf"{wb}(?:{alternation(w('time.event_after'))}){we}", re.IGNORECASE),
        result_after_plan=re.compile(rf"{wb}(?:{alternation(w('time.result_after_plan'))}){we}", re.IGNORECASE),
        event_before=re.compile(rf"{wb}(?:{alternation(w('time.event_before'))}){we}[^,;.()%]{{0,40}}?(?:\s+vào)?(?:\s+ngày)?\s*$",
                                re.IGNORECASE),
    )


REPORTED = re.compile(r"(?<![^\W\d_])(?:kết quả|tình hình thực hiện|tình hình|đánh giá|tổng kết|báo cáo)(?![^\W\d_])",
                      re.IGNORECASE)


def moments(sentence: str, hits, book: RuleBook, reference_year: int | None = None) -> list[Moment]:
    """The sentence's dates and periods (rule hits of kind date/period), each marked when excluded;
    a year-less one ("--01-01") is placed in `reference_year` when the article's year was inferred."""
    cues = time_cues(book)
    out = []
    for hit in hits:
        if hit.rule.kind not in TIME_KINDS:
            continue
        start, end = hit.start, hit.end
        values = hit.values
        as_of_start, as_of_end = values.get("date_start"), values.get("date_end")
        if as_of_start and as_of_end and as_of_start.startswith("--") and (year := next(
                (m.as_of_end[:4] for m in reversed(out) if m.grain == "year" and not m.excluded), None) or reference_year):
            # "Năm 2018, tính đến ngày 31/5": the year the sentence named before the day
            as_of_start, as_of_end = f"{year}{as_of_start[1:]}", f"{year}{as_of_end[1:]}"
        if not as_of_start or not as_of_end or as_of_start.startswith("--"):
            continue
        before = sentence[max(0, start - 60):start]
        by_end = bool(cues.by_end.search(sentence[max(0, start - 14):start]))
        excluded = ""
        if cues.baseline.search(sentence[max(0, start - 25):start]) and not OWN_SAME_PERIOD.search(before):
            excluded = "baseline"
        elif values.get("grain") == "day" and _document_date(before, cues):
            excluded = "document"
        elif (values.get("grain") == "multi-year" and (APPROVED_SCOPE.search(sentence, max(0, start - 220), start)
                                                        or RESOLUTION_TENURE.search(sentence, max(0, start - 90), start))) or (
                out and out[-1].grain in ("multi-year", "year") and VISION.match(sentence[out[-1].end:start])):
            excluded, by_end = "standard", False
        elif by_end:
            pass  # "đến năm 2025" after a plan's name is the plan's deadline, when its figures hold
        elif (values.get("grain") == "multi-year" and cues.standard.search(before)) or (
                values.get("grain") == "year" and cues.standard_year.search(before) and not REPORTED.search(before)
                and not (PLAN_HEADING.match(sentence[:start]) and PLAN_HEADING_END.match(sentence, end))):
            excluded = "standard"  # not "Kết quả thực hiện nhiệm vụ … năm 2017": the year reported on
        if by_end:
            as_of_start = as_of_end
        same = not excluded and (bool(SAME_PERIOD.search(sentence[max(0, start - 16):start]))
                                 # "Năm 2023, cùng kỳ đạt 51,4%", "năm 2023 cùng thời điểm này": that year's same period
                                 or (values.get("grain") == "year" and bool(SAME_PERIOD_AFTER.match(sentence, end))))
        event = values.get("grain") == "day" and not excluded and not by_end and (
            bool(EVENT_BEFORE.search(sentence[max(0, start - 12):start]))
            or bool(cues.event_before.search(sentence, max(0, start - 60), start))
            or _opening_event(sentence, start, end, hits, cues))
        out.append(Moment(start, end, as_of_start, as_of_end, values.get("grain", ""), excluded, same, event))
    return out


OPENING_DAY = re.compile(r"^\W*(?:vào\s+)?(?:ngày\s+)?$", re.IGNORECASE)


def _opening_event(sentence: str, start: int, end: int, hits, cues: TimeCues) -> bool:
    """"Ngày 19/10, UBND tỉnh tổ chức hội nghị …": a day opening the sentence, then what happened on it
    (before the first figure): the day of an event, not the time of the figures reported at it."""
    if not OPENING_DAY.match(sentence[:start]):
        return False
    figure = next((h.start for h in hits if h.start >= end and h.rule.kind not in TIME_KINDS), len(sentence))
    return bool(cues.event_after.search(sentence, end, min(figure, end + 120)))


def _document_date(before: str, cues: TimeCues) -> bool:
    """'… Quyết định số 546/QĐ-TTg ngày 29/4/2022': a document name and number just before the date."""
    if NUMBERED_DOCUMENT.search(before):  # "08-CTr/TU ngày 17/3/2021", "546/QĐ-TTg ngày …"
        return True
    last = None
    for last in cues.document.finditer(before):
        pass
    if last is None:
        return False
    between = before[last.end():]
    return ";" not in between and (bool(DOC_NUMBER.search(between)) or len(between) < 25)


def published_moment(span: tuple[dt.date, dt.date] | None) -> tuple[str, str] | None:
    """The as-of of a figure dated by its article's publication (a day, or a whole month)."""
    if span is None:
        return None
    return span[0].isoformat(), span[1].isoformat()


def year_just_ended(span: tuple[dt.date, dt.date] | None) -> Moment | None:
    """The year before publication when the article appeared in its first quarter: annual results
    (poverty reviews, water and sanitation surveys, the year's statistics) are reported then."""
    if span is None or span[1].month > 3:
        return None
    year = span[1].year - 1
    return Moment(0, 0, f"{year}-12-31", f"{year}-12-31", "day")


def is_future(as_of_start: str | None, as_of_end: str | None, span: tuple[dt.date, dt.date] | None) -> bool:
    """The figure's period begins after publication (by more than two months), or ends in a later year
    (a goal, not a result).
    Without a publication date, a period in a year that has not come yet is a goal too."""
    if not as_of_end:
        return False
    if span is None:
        try:
            return dt.date.fromisoformat(as_of_end).year > dt.date.today().year
        except ValueError:
            return False
    pub_end = span[1]
    try:
        start = dt.date.fromisoformat(as_of_start or as_of_end)
        end = dt.date.fromisoformat(as_of_end)
    except ValueError:
        return False
    # "Đến cuối năm 2020, toàn tỉnh còn 2,66%" a week before it: the year's result, not a goal
    return start > pub_end + dt.timedelta(days=60) or end.year > pub_end.year


def is_current(as_of_end: str | None, span: tuple[dt.date, dt.date] | None) -> bool:
    """The period ends no later than the publication year: an estimate for it is a result."""
    if span is None:
        return False
    if not as_of_end:
        return True
    try:
        return dt.date.fromisoformat(as_of_end).year <= span[1].year
    except ValueError:
        return False
