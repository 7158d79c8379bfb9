"""As of when a figure is: the period its own clause names, a bracket's period, the figure it
continues, the sentence, the paragraph, or the publication date; a "now" word ("hiện nay", "đến nay")
nearer the figure than any date means the publication date. Part of the meaning stage (meaning.py)."""
from __future__ import annotations

import re

import pipeline.extract.carry as carry
import pipeline.extract.times as times
from pipeline.extract.vocabulary import book_indicator
from pipeline.rules.book import derived

COMPARED_TO = re.compile(r"so với\s*$")  # "của năm 2023 so với năm 2022 (6,2%)": a change's baseline
# a sentence opening with "Hiện" speaks of now (not "Hiện đại hóa …", "Hiện trạng …")
LEADING_NOW = re.compile(r"\W*hiện(?=\s)(?!\s+(?:đại|trạng|tượng|thực|diện|hữu)\b)", re.IGNORECASE)
COMPARISON_BRACKET = re.compile(r"\(\s*(?:so với|so|hơn|kém|cùng kỳ|tăng|giảm)(?![^\W\d_])", re.IGNORECASE)
PREVIOUS_OWNS = re.compile(r"[\s()]*(?:(?:của|vào|trong|ở|tại)\s+)?")
SAME_PERIOD_ASIDE = re.compile(r"\s*cùng kỳ(?:\s+năm\s+(?:trước|ngoái))?\s+(?:tăng|giảm|đạt|là)\s*(?:khoảng\s+|gần\s+|hơn\s+)?",
                               re.IGNORECASE)
BASELINE_LEVEL = re.compile(r"\s*,?\s*(?:với|là|ở)\s+(?:(?:tỷ lệ|tỉ lệ|mức)\s+)?(?:là\s+|đạt\s+)?(?:khoảng\s+|gần\s+|hơn\s+)?")
YEAR_END = re.compile(r"(?<![^\W\d_])(?:cuối|hết|cả) năm(?!\s*(?:\d|nay|trước|ngoái|qua|học|tới|sau))(?![^\W\d_])",
                      re.IGNORECASE)  # "cuối năm" of no year named: the paragraph's
YEAR_START = re.compile(r"\W*(?:(?:vào|tại|thời điểm|tính đến)\s+)?đầu năm(?!\s*(?:\d|nay|trước|ngoái|qua|học|tới|sau))\s*,",
                        re.IGNORECASE)  # "Đầu năm, toàn huyện có 52,1% hộ nghèo": the start of the paragraph's year
AS_OF_BRACKET = re.compile(r"\(\s*(?:tính\s+)?(?:từ\s+(?:ngày\s+)?\d[\d/.-]*\s+)?(?:đến|tới)(?:\s+(?:hết|cuối))?\s+(?:ngày|tháng|thời điểm|năm|\d)",
                           re.IGNORECASE)  # "(tính đến 30/6/2021)", "(tính từ 1/12/2019 đến 29/2/2020)"
NEXT_CLAUSE = re.compile(r"\s(?:và|còn|nhưng|trong khi)\s", re.IGNORECASE)  # a time after these is the next clause's
BRACKET_AFTER = re.compile(r"\s*\(\s*")  # a period, then the bracket holding its figure: "năm 2022 (99,51%)"
# a month, quarter, week or same-period comparison: the report is about part of a year, not the last one
SUB_YEAR = re.compile(r"(?<![^\W\d_])(?:tháng|quý|tuần|cùng kỳ|cùng thời điểm)(?![^\W\d_])", re.IGNORECASE)


def as_of(meaning, k, frame, frames, done, moments, parent, sentence, scope, book) -> None:
    """As of when: own clause, the figure it continues, the sentence, earlier sentences, publication.
    A "now" word ("hiện nay", "đến nay") nearer the figure than any date means the publication date; the level a
    change over several years starts from is of their first ("Từ năm 2016 - 2019, tỷ lệ … giảm từ 50,41% xuống còn
    19,59%": 50,41% in 2016)."""
    _as_of(meaning, k, frame, frames, done, moments, parent, sentence, scope, book)
    start, end = meaning.as_of_start or "", meaning.as_of_end or ""
    if frame.cue.endswith("từ") and meaning.value_kind == "level" and start[:4] < end[:4] and \
            start.endswith("-01-01") and FROM_TO.match(sentence, frame.end):
        year = start[:4]
        meaning.as_of_start, meaning.as_of_end = f"{year}-01-01", f"{year}-12-31"
        meaning.why["time"] = f"{meaning.why.get('time', '')}:first_year"


def plan_of_the_year(meaning) -> None:
    """A target dated only by a day or month an earlier sentence reported on ("Tính đến 30/9/2018, … Để thực hiện đạt
    chỉ tiêu 82,5% dân số tham gia BHYT, …") is that year's plan: as of the year's end."""
    start, end = meaning.as_of_start or "", meaning.as_of_end or ""
    if meaning.modality == "target" and meaning.why.get("time") == "earlier_sentence" and len(end) == 10 and \
            start[:4] == end[:4] and not (start.endswith("-01-01") and end.endswith("-12-31")):
        meaning.as_of_start = meaning.as_of_end = f"{end[:4]}-12-31"
        meaning.why["time"] = "earlier_sentence:plan_year"


# "từ 50,41% xuống còn …", "từ 29% lên 78,89%": the level a change starts from (no year of its own after it)
FROM_TO = re.compile(r"\s*(?:,\s*)?(?:lên|xuống|còn)(?![^\W\d_])", re.IGNORECASE)


def _as_of(meaning, k, frame, frames, done, moments, parent, sentence, scope, book) -> None:
    opened = sentence.rfind("(", 0, frame.start)
    if opened >= 0 and ")" not in sentence[opened:frame.start] and parent is not None and done[parent].as_of_end \
            and SAME_PERIOD_ASIDE.fullmatch(sentence, opened + 1, frame.start):
        # "giảm 8,64% so với cùng kỳ (cùng kỳ tăng 5,1%)": the same period a year before
        year = int(done[parent].as_of_end[:4]) - 1
        then = times.shifted(times.Moment(0, 0, done[parent].as_of_start, done[parent].as_of_end, ""), year)
        _set_time(meaning, then, "stated", "same_period_aside")
        return
    if frame.in_paren:
        # "cao hơn so với năm 2022 (99,51%)", "thấp hơn quý I (8,65%)": a bracket right after a period
        # holds that period's figure
        prior = [m for m in moments if frame.clause_start <= m.start and m.end <= frame.start - 1
                 and BRACKET_AFTER.fullmatch(sentence, m.end, frame.start)
                 and not (meaning.value_kind == "change"
                          and COMPARED_TO.search(sentence, max(0, m.start - 12), m.start))]
        if prior:
            chosen = prior[-1]
            if chosen.excluded == "baseline" and times.SAME_PERIOD.search(sentence, max(0, chosen.start - 16), chosen.start):
                # "cao hơn cùng kỳ năm trước (7,5%)": the reported period, a year before
                chosen = times.Moment(chosen.start, chosen.end, chosen.as_of_start, chosen.as_of_end, chosen.grain,
                                      "", True)
                reported = [m for m in moments if not m.excluded and m.start < chosen.start]
                _set_time(meaning, resolve(chosen, reported, scope), "stated", "baseline_bracket")
                return
            _set_time(meaning, resolve(chosen, moments, scope), "stated", "baseline_bracket")
            return
    if meaning.value_kind != "change":
        # "đạt 99,5%, tăng so với năm 2021 với tỷ lệ 98,7%": the level of the period compared with
        baseline = [m for m in moments if frame.clause_start <= m.start and m.end <= frame.start
                    and BASELINE_LEVEL.fullmatch(sentence, m.end, frame.start)
                    and COMPARED_TO.search(sentence, max(0, m.start - 12), m.start)]
        if baseline:
            _set_time(meaning, resolve(baseline[-1], moments, scope), "stated", "baseline_level")
            return
    # "(tính đến ngày 27/8)": a bracket that says as of when is the sentence's, not an aside
    enclosed = [span for span in _paren_spans(sentence) if not AS_OF_BRACKET.match(sentence, span[0])]
    # the figure's brackets, and one right after it: "từ 44,5% (năm 2016) lên 50% (năm 2018)"
    after = [span for span in enclosed if span[0] >= frame.end and not sentence[frame.end:span[0]].strip()
             and not COMPARISON_BRACKET.match(sentence, span[0])  # "29% (so với 24,1% năm 2020)": a baseline
             and not any(span[0] < f.start < span[1] for f in frames)]  # "42% (cuối năm 2023 là 17%)": the 17%'s
    mine = [span for span in enclosed if span[0] <= frame.start < span[1]] + after
    usable = [m for m in moments if not m.excluded and not m.event and all(
        not (s <= m.start < e) or (s, e) in mine for s, e in enclosed)]  # a bracket's time stays inside it
    pre = frame.pre(sentence)
    owned_by_previous = 0
    if k and frame.seg_start == frames[k - 1].end:
        # "… 2,49% của quý I và 8,09% của quý 2", "từ 47% năm 2020 xuống 34,63% năm 2024": a time
        # right after the previous figure is that figure's
        split = max(pre.rfind(" và "), pre.rfind(","))
        owned_by_previous = frame.seg_start + split + 1 if split >= 0 else 0
        for m in usable:
            if frame.seg_start <= m.start < frame.start and PREVIOUS_OWNS.fullmatch(sentence[frame.seg_start:m.start]):
                owned_by_previous = max(owned_by_previous, m.end)
    own_before = [m for m in usable if max(frame.seg_start, owned_by_previous) <= m.start < frame.start]
    own_after = [m for m in usable if frame.end <= m.start < max(frame.trail_end, after[0][1] if after else 0)
                 and not NEXT_CLAUSE.search(sentence, frame.end, m.start)]  # "đạt 12,8% và ước đến hết năm 2023 …"
    now_words = [m.end() for m in times.time_cues(book).published.finditer(sentence, 0, frame.start)]
    if (lead := LEADING_NOW.match(sentence)) and lead.end() <= frame.start:
        now_words.insert(0, lead.end())  # "Hiện toàn huyện còn 6,71% hộ nghèo": now
    own_now = [e for e in now_words if e > frame.seg_start]
    if own_before or own_after:
        chosen = own_before[-1] if own_before else own_after[0]
        if not (own_now and own_before and own_now[-1] > chosen.end) or _year_under_review(chosen, scope):
            _set_time(meaning, resolve(chosen, usable, scope), "stated", "same_period" if chosen.same_period else "clause")
            frame.notes["time"] = chosen
            return
    if own_now and k and done[k - 1].value_kind == "change" and done[k - 1].time_basis == "stated" and \
            _year_under_review(times.Moment(0, 0, done[k - 1].as_of_start, done[k - 1].as_of_end, "year"), scope) and \
            done[k - 1].as_of_start.endswith("-01-01") and done[k - 1].as_of_end.endswith("-12-31"):
        # "Tỷ lệ hộ nghèo năm 2019 giảm 1,55%, hiện còn 2,73%" in February 2020: the level the year's fall left
        year = done[k - 1].as_of_end
        _set_time(meaning, times.Moment(0, 0, year, year, "day"), "stated", "year_end")
        return
    if own_now:
        _set_published(meaning, scope, "clause_now")
        return
    def bracketed(f) -> bool:
        return any(s <= f.start < e for s, e in enclosed)

    if parent is not None and bracketed(frames[parent]) and not bracketed(frame):
        # "cả nước đạt 42% (cuối năm 2023 là 17%); bộ, ngành đạt 61%": not the bracket's time
        parent = next((j for j in range(parent, -1, -1) if not bracketed(frames[j])), None)
    from_parent = parent is not None and frames[parent].cue.endswith("từ")
    if parent is not None and not from_parent:
        # "năm 2013 … bằng 19,9% cả nước; năm 2016 đạt 22.809 triệu USD, bằng 13%": a period the figure's own
        # clause names after the figure it continues is its own
        between = [m for m in usable if max(frames[parent].end, frame.clause_start) <= m.start and m.end <= frame.start
                   and (not m.same_period or m.start >= frame.clause_start)
                   and not COMPARED_TO.search(sentence, max(0, m.start - 12), m.start)]
        if between and not (now_words and now_words[-1] > between[-1].end):
            # "…; cùng kỳ năm trước, tỷ lệ này đạt 58%": the same period a year before opens this clause
            _set_time(meaning, resolve(between[-1], usable, scope), "stated",
                      "same_period" if between[-1].same_period else "clause")
            return
    if parent is not None and not from_parent and done[parent].time_basis in ("stated", "inherited"):
        meaning.as_of_start, meaning.as_of_end = done[parent].as_of_start, done[parent].as_of_end
        meaning.time_basis, meaning.why["time"] = "inherited", "continues"
        return
    from_times = {id(f.notes.get("time")) for f in frames[:k] if f.cue.endswith("từ") and f.notes.get("time")}
    earlier = [m for m in usable if m.end <= frame.start and id(m) not in from_times]
    if earlier and not (now_words and now_words[-1] > earlier[-1].end):
        in_clause = earlier[-1].start >= frame.clause_start
        _set_time(meaning, resolve(earlier[-1], usable, scope), "stated" if in_clause else "inherited",
                  "same_period" if earlier[-1].same_period else "clause" if in_clause else "sentence")
        return
    if now_words:
        _set_published(meaning, scope, "sentence_now")
        return
    horizon = scope.para_time is not None and (_future_horizon(scope.para_time, scope) or _plan_under_way(scope))
    if horizon and _reports_result(sentence, book) and (scope.para_time.as_of_start == scope.para_time.as_of_end
                                                        or scope.before_plan is not None or (
            scope.para_plan and scope.published and scope.para_time.as_of_start <= scope.published[1].isoformat())
            or scope.published and scope.para_time.as_of_start > scope.published[1].isoformat() and _looks_back(sentence, book)):
        # "Phấn đấu đến năm 2025, … đạt 95%. Tuy nhiên, tỷ lệ này mới đạt 91,2%": what has been reached by now, or
        # by the time the paragraph reported on before the goal; "Giai đoạn 2021-2025, … Sau gần 4 năm, …": the
        # plan is under way; "Theo dự báo, giai đoạn 2022-2025, … sẽ tăng lên 6,06%. Tuy nhiên, kết quả thống kê sơ bộ …"
        # in 2021: a period still to come holds no result
        if scope.before_plan is not None:
            _set_time(meaning, scope.before_plan, "inherited", "after_plan")
        else:
            _set_published(meaning, scope, "after_plan")
        return
    edge = "12-31" if YEAR_END.search(sentence, 0, frame.start) else "01-01" if YEAR_START.match(sentence) else ""
    if scope.para_time is not None and scope.para_time.as_of_end and edge:
        # "đầu năm 2023 có … 8,02%. Đến cuối năm, giảm còn … 6,72%": the end of the year the paragraph is in
        # ("Mục tiêu đến năm 2025 … Dự kiến đến cuối năm, …": this year's end, not the deadline's); "Năm 2024,
        # huyện giảm 8,5% hộ nghèo. Đầu năm, toàn huyện có 52,1% hộ nghèo": its start
        year = scope.published[1].year if horizon and scope.published and \
            scope.para_time.as_of_start == scope.para_time.as_of_end else scope.para_time.as_of_end[:4]
        _set_time(meaning, times.Moment(0, 0, f"{year}-{edge}", f"{year}-{edge}", "day"), "stated",
                  "year_end" if edge == "12-31" else "year_start")
    elif scope.para_time is not None:
        _set_time(meaning, scope.para_time, "inherited", "earlier_sentence")
    elif scope.published and YEAR_END.search(sentence, 0, frame.start):
        # "Dự kiến đến cuối năm, tỷ lệ giải ngân đạt 95%" with no year before it: the publication year's end
        year = scope.published[1].year
        _set_time(meaning, times.Moment(0, 0, f"{year}-12-31", f"{year}-12-31", "day"), "stated", "year_end")
    elif scope.para_now:
        _set_published(meaning, scope, "paragraph_now")
    elif scope.published and not scope.recent_named and not SUB_YEAR.search(sentence) \
            and not any(m.as_of_end[:4] >= str(scope.published[1].year - 1) for m in moments if m.as_of_end) \
            and (moment := times.year_just_ended(scope.published)):
        # a result stated with no time in a report of January to March is the year just ended ("Tỷ lệ
        # hộ nghèo chung cả nước 4,03%" published 2023-02: the review at the end of 2022)
        _set_time(meaning, moment, "published", "publication_last_year")
    elif scope.published:
        _set_published(meaning, scope, "publication")
    else:
        meaning.why["time"] = "none"


def of_the_year(meaning, scope, book) -> None:
    """A year's result dated by nothing but the publication ("tỷ lệ đỗ tốt nghiệp 71,97%" in July 2019) is
    of the publication year."""
    if meaning.why.get("time") != "publication" or scope.published is None:
        return
    indicator = book_indicator(book, meaning.indicator)
    if indicator is not None and indicator.annual:
        year = scope.published[1].year
        _set_time(meaning, times.Moment(0, 0, f"{year}-01-01", f"{year}-12-31", "year"), "published", "publication_year")


def _future_horizon(moment: times.Moment, scope) -> bool:
    """A period after the publication (a goal's horizon: "đến năm 2025", "năm 2026")."""
    return bool(moment.as_of_end) and times.is_future(moment.as_of_start, moment.as_of_end, scope.published)


def _plan_under_way(scope) -> bool:
    """The paragraph set out this year's plan ("Kế hoạch năm 2024, tỉnh phấn đấu 75% …" in November 2024)."""
    plan, day = scope.para_time, times.published_moment(scope.published)
    return bool(scope.para_plan and day and plan.as_of_start and plan.as_of_start <= day[0] <= day[1] <= plan.as_of_end)


def _reports_result(sentence: str, book) -> bool:
    """The sentence says what has been reached ("tỷ lệ này mới đạt", "qua 4 năm thực hiện") and sets no goal."""
    plan, _ = derived(book, carry.plan_cues)
    return bool(times.time_cues(book).result_after_plan.search(sentence)) and not plan.search(sentence)


def _year_under_review(moment, scope) -> bool:
    """"Tỷ lệ hộ nghèo năm 2019 giảm 1,55%, hiện còn 2,73%" in February 2020, "Kết quả rà soát hộ nghèo năm 2023, …
    hiện còn 31.502 hộ nghèo, chiếm 8,11%" in December 2023: "hiện" is where the year the clause names ended up
    (in the figure's own clause only: a year earlier in the sentence leaves "hiện" the publication's)."""
    if moment.grain != "year" or not scope.published or not moment.as_of_end:
        return False
    year, pub = int(moment.as_of_end[:4]), scope.published[1]
    return year == pub.year or (year == pub.year - 1 and pub.month <= 3)


def _looks_back(sentence: str, book) -> bool:
    """A result cue other than a comparison with the same period ("Năm 2025, … phấn đấu … 8%. Thu ngân sách tăng 10%
    so với cùng kỳ" continues the plan)."""
    return any(m.group(0).lower() != "so với cùng kỳ" for m in times.time_cues(book).result_after_plan.finditer(sentence))


def _paren_spans(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each bracketed stretch of the sentence."""
    spans, opened = [], []
    for i, c in enumerate(sentence):
        if c == "(":
            opened.append(i)
        elif c == ")" and opened:
            spans.append((opened.pop(), i + 1))
    return spans


def resolve(moment: times.Moment, usable: list, scope) -> times.Moment:
    """'cùng kỳ năm 2022' is the period being reported, in 2022."""
    if not moment.same_period:
        return moment
    reported = [m for m in usable if not m.same_period and m.start < moment.start]
    period = reported[-1] if reported else scope.para_time
    if period is None and (day := times.published_moment(scope.published)):
        # "Tỷ lệ giải ngân đạt 60%. Cùng kỳ năm trước, tỷ lệ này đạt 52%" with no period named: a year before
        # the publication
        period = times.Moment(0, 0, day[0], day[1], "day")
    if period is None:
        return moment
    year = int(moment.as_of_end[:4])
    if period.as_of_end and year >= int(period.as_of_end[:4]):
        # "Năm 2024, … ; cùng kỳ năm trước …" published in 2025: the year before the reported one, not 2024
        year = int(period.as_of_end[:4]) - 1
    return times.shifted(period, year)


def _set_time(meaning, moment: times.Moment, basis: str, why: str) -> None:
    meaning.as_of_start, meaning.as_of_end = moment.as_of_start, moment.as_of_end
    meaning.time_basis, meaning.why["time"] = basis, why


def _set_published(meaning, scope, why: str) -> None:
    """Dated by the publication: empty when the article has no date (nothing else may stand in)."""
    moment = times.published_moment(scope.published)
    if moment is None:
        meaning.why["time"] = why + ":no_date"
        return
    meaning.as_of_start, meaning.as_of_end = moment
    meaning.time_basis, meaning.why["time"] = "published", why
