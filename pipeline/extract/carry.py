"""What a sentence leaves to the later sentences of its paragraph: the last figure and subject, the
district, the province named, and the paragraph's time (a leading period, "đến nay", or the period
its figures were stated for)."""
from __future__ import annotations

import re

import pipeline.extract.context_indicator as indicator_context
import pipeline.extract.parts as parts
import pipeline.extract.places as places
import pipeline.extract.times as times
from pipeline.rules.book import RuleBook, derived

QUOTED = re.compile(r"[\"“'‘«][^\"”'’»]{8,}[\"”'’»]")
ASIDE = re.compile(r"(?<![^\W\d_])riêng\s+(?:trong\s+)?$", re.IGNORECASE)
SINCE = re.compile(r"(?<![^\W\d_])(?:từ|kể từ)\s+$", re.IGNORECASE)
BRACKET = re.compile(r"\([^()]*\)")
UNTIL = re.compile(r"(?<![^\W\d_])(?:đến|tới)(?:\s+hết)?(?:\s+ngày)?\s*$", re.IGNORECASE)
UNTIL_NOW = re.compile(r"\s*(?:đến|tới|cho đến)\s+(?:nay|hiện nay|thời điểm này)(?![^\W\d_])", re.IGNORECASE)


def plan_cues(book: RuleBook) -> tuple[re.Pattern, re.Pattern]:
    def cue(name: str) -> re.Pattern:
        return re.compile(rf"(?<![^\W\d_])(?:{book.cues.alternation(name)})(?![^\W\d_])", re.IGNORECASE)
    return cue("clause.plan_context"), cue("clause.plan_done")


FRAMED = re.compile(r"^\W*(?:(?:tại|ở|đối với|riêng|với)\s+)?(?:tỉnh\s+|thành phố\s+|TP\.?\s*)?$", re.IGNORECASE)


def looks_back(current: times.Moment | None, new: times.Moment, sentence: str) -> bool:
    """"Con số này của năm 2021 là 25,91%": the same measure at an earlier period, a look back."""
    return bool(current is not None and current.as_of_start and new.as_of_end and new.as_of_end < current.as_of_start
                and indicator_context.LOOKS_BACK.search(sentence[:new.start]))


def carry(scope, found, moments, figures, meanings: list, sentence: str = "",
           book: RuleBook | None = None) -> None:
    """What later sentences of the paragraph inherit from this one."""
    if book is not None:
        part_frame(scope, sentence, book, found, bool(figures))
    if meanings:
        scope.last_figure = next((m for m in meanings if m.indicator), meanings[0])
        scope.last_figure_para = scope.para_index
        scope.last_subject = next((m.subject for m in reversed(meanings) if m.subject), "")
    if districts := {p.area for p in found if p.counts and p.level == "district"}:
        scope.last_district = districts.pop() if len(districts) == 1 else ""
    province_level = [p for p in found if p.counts and p.level in places.PROVINCE_LEVEL]
    if len({p.area for p in province_level}) >= 3:
        province_level = []  # "các địa bàn trọng điểm như TP.HCM, Bình Dương, Đồng Nai": a list, no one place
    local = {p.area for p in found if p.counts and p.level in ("district", "commune")}
    stated = [m.area for m in meanings if m.area_basis == "stated"]
    if not province_level and len(local) == 1 and (not figures or stated and set(stated) == local):
        # "Qua 3 năm …, xã Vĩnh Công tiếp tục huy động …" with no figure, "Theo báo cáo đánh giá, xã Thạch Khoán đạt
        # 19/19 tiêu chí": what the paragraph goes on about
        scope.para_area = local.pop()
    if not province_level and not local and any(m.why.get("area") == "national_teller" for m in meanings):
        # "Theo Tổng cục Thống kê, … 0,9%. Tỷ lệ thất nghiệp … là 2,24%.": the paragraph goes on with the country
        scope.para_area, scope.para_framed = places.NATIONAL, True
    if province_level:
        scope.para_area = province_level[-1].area
        # the province opens the sentence ("Tại Hà Tĩnh, …") or the sentence gives it figures: a paragraph
        # about it, even in an article about one of its districts
        scope.para_framed = bool(FRAMED.match(sentence[:province_level[-1].start])) or any(
            m.area == scope.para_area and m.area_basis == "stated" for m in meanings)
        heading = province_level[0]
        if heading.start <= 2 and len(sentence) <= 80 and sentence[heading.end:].lstrip().startswith(":"):
            scope.section_area = scope.para_area = heading.area  # "Nam Định: 99,53%" heads a section
    usable = [m for m in moments if not m.excluded and not m.event]
    scope.moments.extend(m for m in usable if not m.same_period)
    if scope.published and any(m.same_period or m.as_of_end[:4] >= str(scope.published[1].year - 1)
                               for m in moments if m.as_of_end):
        scope.recent_named = True  # "tăng 1% so với cùng kỳ năm 2022" in 2023: the article reports on this year
    first_figure = figures[0].start if figures else None
    quoted = [m.span() for m in QUOTED.finditer(sentence)]
    # a period inside a quoted name ('Chương trình … "… giai đoạn 2021-2025"') dates nothing after it
    leading = [m for m in usable if (first_figure is None or m.end <= first_figure) and not m.same_period
               and not any(s <= m.start < e for s, e in quoted)
               and not ASIDE.search(sentence, 0, m.start)]  # "Riêng năm 2014, …" speaks of that year alone
    # "Tính từ đầu năm nay đến hết ngày 13/3, …": the period runs to its end, which dates what follows
    leading.sort(key=lambda m: not UNTIL.search(sentence, 0, m.start))
    if leading and SINCE.search(sentence, 0, leading[0].start) and UNTIL_NOW.match(sentence, leading[0].end):
        scope.para_time, scope.para_now = None, True  # "Từ đầu năm 2020 đến nay, …": as of the publication
    elif leading and looks_back(scope.para_time, leading[0], sentence):
        pass  # "Con số này của năm 2021 là 25,91%": a look back; what follows is still of the later period
    elif leading:
        before = scope.para_time
        scope.para_time, scope.para_now = leading[0], False
        moved = [m for m in meanings if m.time_basis == "stated" and m.why.get("time") == "clause" and m.modality == "actual"
                 and m.as_of_end > (leading[0].as_of_end or "9999")
                 and not times.is_future(m.as_of_start, m.as_of_end, scope.published)]
        if moved:  # "năm 2010 tỷ lệ hộ nghèo là 50%, đến năm 2014 chỉ còn 31%": the story has moved on
            scope.para_time = times.Moment(0, 0, moved[-1].as_of_start, moved[-1].as_of_end, "")
        head = sentence[:first_figure] if first_figure is not None else sentence
        cues, done = derived(book, plan_cues) if book is not None else (None, None)
        scope.para_plan = bool(cues and cues.search(head) and not done.search(head))
        # "Tính đến ngày 31/5/2024, … 95%. Mục tiêu đến cuối năm 2024, 100% …": the period reported on before the goal
        scope.before_plan = before if scope.para_plan and before is not None and not times.is_future(
            before.as_of_start, before.as_of_end, scope.published) else None
    elif book is not None and (now := times.time_cues(book).published.search(sentence, 0, 30)) and \
            not sentence[:now.start()].strip(" -–(\"“"):
        scope.para_time, scope.para_now = None, True  # "Đến nay, 99,92% hộ dân …": as of the publication
    elif meanings:
        brackets = [(m.start(), m.end()) for m in BRACKET.finditer(sentence)]
        stated = [m for m, hit in zip(meanings, figures) if m.time_basis == "stated"
                  and m.why.get("time") not in ("same_period", "baseline_bracket", "year_start")  # "Đầu năm, … 1,94%": a look back
                  and not any(s <= hit.start < e for s, e in brackets)]  # "(năm 2022 tăng 9,21%)": an aside
        if stated:
            scope.para_time, scope.para_now = times.Moment(0, 0, stated[-1].as_of_start, stated[-1].as_of_end, ""), False
        elif any(m.why.get("time") == "after_plan" for m in meanings):
            # "… Tuy nhiên, tỷ lệ này mới đạt 91,2%.": the report is back to what has been reached
            scope.para_time, scope.para_plan = scope.before_plan, False
            scope.para_now = scope.para_time is None
        elif any(m.why.get("time") in ("clause_now", "sentence_now") for m in meanings):
            scope.para_time, scope.para_now = None, True  # "Nâng tổng số hiện có lên 272/706 trường …": come to now


NUMBERING = re.compile(r"^\s*(?:(?:[IVX]{1,4}|\d{1,2}|[a-zđ])[.)]|[-+•*–])\s*")  # "a) ", "2. ", "- "
BULLET = re.compile(r"^\s*[-+•*–]")
NUMBERED = re.compile(r"^\s*(?:[IVX]{1,4}|\d{1,2}|[a-zđ])[.)]")  # "2. Về y tế", "b) Giáo dục": another heading


def part_frame(scope, sentence: str, book: RuleBook, found=(), figures: bool = True) -> None:
    """The part later sentences inherit: a heading line ("Khu vực nông thôn:", "a) Đối với cấp huyện")
    for the list under it, a sentence opening on a part ("Đối với khu vực thành thị, …") for the rest of
    its paragraph; "Tính chung toàn tỉnh", another heading or a place of its own end it."""
    line = NUMBERING.sub("", sentence).strip()
    if not figures and len(line) <= 70 and not re.search(r"[.;!?]", line[:-1]):
        if part := parts.heading_part(line, book):
            scope.section_part = scope.para_part = part  # a heading of its own
            scope.section_fresh = True
            return
        if line.endswith(":") or NUMBERED.match(sentence):
            scope.section_part = scope.para_part = ""  # another heading: the part's list is over
            return
    if (part := parts.opening_part(sentence, book)) and not ASIDE_OPENING.match(sentence):
        scope.para_part = part
    elif parts.stops_part(sentence) or any(p.counts and p.level in ("province", "district", "commune", "whole")
                                           for p in found):
        scope.section_part = scope.para_part = ""  # the whole, or a place of its own, again


ASIDE_OPENING = re.compile(r"\W*riêng(?![^\W\d_])", re.IGNORECASE)  # "Riêng khu vực nông thôn, …": this sentence only


def section_goes_on(scope, sentence: str) -> None:
    """A new paragraph under a part's heading: the heading's list goes on while its items are bulleted
    (or right after the heading); a paragraph of prose ends it."""
    if scope.section_part and not scope.section_fresh and not BULLET.match(sentence):
        scope.section_part = scope.para_part = ""
    scope.section_fresh = False
