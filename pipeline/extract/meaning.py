"""What each figure means: subject, kind of value, indicator, area and sub-area, as-of time and
target vs actual, each decided in the figure's own clause first and inherited from the sentence,
paragraph, headline or lead only when the clause does not say; every decision records its rule."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pipeline.extract.carry as carry
import pipeline.extract.clauses as clauses
import pipeline.extract.context_indicator as indicator_context
import pipeline.extract.measured as measured
import pipeline.extract.parts as parts
import pipeline.extract.places as places
import pipeline.extract.respectively as respectively
import pipeline.extract.times as times
import pipeline.extract.vocabulary as vocabulary_rules
import pipeline.extract.when as when
import pipeline.extract.where as where
from pipeline.extract.decide import Situation, decide
from pipeline.extract.vocabulary import indicator_for
from pipeline.kinds import FIGURE_KINDS
from pipeline.rules.book import RuleBook

SIGNS = ("+", "-", "−")
THRESHOLDS = ("vk.limit", "vk.range_threshold", "vk.range_threshold_upper", "vk.index_base")
RESTATED = ("mod.target_word", "mod.plan_paren", "mod.plan_slash")  # a target restated beside an actual does not govern what follows
LISTED = re.compile(r"[^,;]{0,40}[,;]\s*(?:và\s+)?")  # the rest of the previous list item, and the separator
# "… 2,49% của quý I và 8,09% …": the previous figure's own short period or place, then the conjunction
COORDINATED = re.compile(r"\s*(?:(?:(?:của|trong|vào|ở|tại)\s+[^\W\d_][^,;()%]{0,24}?\s+)?(?:và|hoặc|hay)\s+"
                         r"|[-–]\s*|(?:đến|tới)\s+)?"  # "6,5% - 7%", "từ 8% đến 9%": the range's other end
                         r"(?:khoảng|gần|hơn|trên|dưới|xấp xỉ)?\s*", re.IGNORECASE)
RANK_ABOUT = re.compile(r"\s*(?:(?:tỉnh,\s*thành phố|tỉnh,\s*thành|tỉnh thành|tỉnh|thành phố|địa phương|quận, huyện|huyện|"
                        r"bộ, ngành|cả nước|toàn quốc)\s*)?(?:về|với)\s+(?!đích(?![^\W\d_]))"
                        r"([^\W\d_]+(?:[ \t]+(?:[^\W\d_]+|\([^()]{1,20}\)))*)", re.IGNORECASE)
RANK_WORDS = re.compile(r"(?<![^\W\d_])(?:xếp thứ|đứng thứ|xếp hạng|vị trí|thứ hạng|xếp)(?![^\W\d_])", re.IGNORECASE)


@dataclass
class Scope:
    """What a figure inherits from outside its sentence: the latest province-level area and time of
    the sentences before it, the article's (headline, lead, most named), the site's home area, the
    publication date."""

    published: tuple[dt.date, dt.date] | None = None
    home_area: str = ""
    doc_area: str = ""  # a province or "cả nước", from the headline, the lead or the most named
    doc_province: str = ""  # what "toàn tỉnh" means
    doc_district: str = ""  # the district the headline or lead is about ("huyện Sóc Sơn"): what "toàn huyện" means
    doc_why: str = ""
    para_area: str = ""
    para_framed: bool = False  # the paragraph is about para_area ("Tại Hà Tĩnh, …", "tỉnh Đắk Lắk có … đạt 98,3%")
    last_district: str = ""  # the one district the last sentence naming districts named
    section_area: str = ""  # the province a section heading line names ("Hà Nội: 98,49%")
    section_part: str = ""  # the part a heading line names ("Khu vực nông thôn:"), for the list under it
    para_part: str = ""  # the part the paragraph opened on ("Đối với khu vực thành thị, …")
    section_fresh: bool = False  # the section_part's heading was the paragraph just before
    topic_indicator: str = ""  # what the headline is about
    topic_term: str = ""  # the words of the headline that name it
    last_subject: str = ""  # the subject of the last figure of the sentence before ("chỉ số này" refers to it)
    para_time: times.Moment | None = None
    para_index: int = -1
    reference_year: int | None = None  # an undated article's year, inferred ("cùng kỳ năm 2024" → 2025)
    recent_named: bool = False  # a sentence before named a period of this year or the last, or "cùng kỳ"
    para_now: bool = False  # the paragraph has come to now ("Đến nay, …"): an undated article's figures stay undated
    para_plan: bool = False  # para_time was set by a sentence setting out a plan ("phấn đấu", "mục tiêu")
    before_plan: times.Moment | None = None  # the period reported on before the plan sentence that set para_time
    last_figure: "Meaning | None" = None  # the last figure of the sentence before (a breakdown continues it)
    last_figure_para: int = -1  # the paragraph it is in
    moments: list = field(default_factory=list)  # every usable date or period of the article, in order

    def article_time(self) -> times.Moment | None:
        """The period the article speaks of most (ties: the latest): what an undated article's
        figures refer to when nothing nearer says ("Lạm phát cơ bản tháng 2/2018 …" at its end)."""
        if not self.moments:
            return None
        counts: dict[tuple, list] = {}
        for m in self.moments:
            counts.setdefault((m.as_of_start, m.as_of_end), []).append(m)
        return max(counts.values(), key=lambda ms: (len(ms), ms[-1].as_of_end))[-1]

    def new_paragraph(self, index: int, sentence: str = "") -> None:
        """A new paragraph keeps the running time (reports carry it on) but not the province, unless
        a section heading ("Nam Định: 99,53%") named it."""
        if index != self.para_index:
            self.para_index, self.para_area, self.para_framed = index, self.section_area, False
            carry.section_goes_on(self, sentence)
            self.para_part = self.section_part


@dataclass
class Meaning:
    """The attributes of one figure, and for each the rule or context that decided it."""

    subject: str = ""
    value_kind: str = "level"
    indicator: str = ""
    area: str = ""
    area_part: str = ""
    area_basis: str = ""
    as_of_start: str | None = None
    as_of_end: str | None = None
    time_basis: str = ""
    modality: str = "unknown"
    why: dict = field(default_factory=dict)
    noun: str = ""  # the counted noun alone, when the subject runs on into a predicate ("quận huyện")

    def fields(self) -> dict:
        return {"subject": self.subject, "value_kind": self.value_kind, "indicator": self.indicator, "area": self.area,
                "area_part": self.area_part, "area_basis": self.area_basis, "as_of_start": self.as_of_start,
                "as_of_end": self.as_of_end, "time_basis": self.time_basis, "modality": self.modality,
                "why": "; ".join(f"{k}={v}" for k, v in self.why.items())}


BYLINE = re.compile(r"^\s*\([^()]{2,40}\)\s*[-–—]\s*")  # a source's name opening the lead
RATE_HEAD = re.compile(r"(?:tỷ lệ|tỉ lệ)\s", re.IGNORECASE)
FULL_RATE_WORDS = 6  # syllables: "lao động có việc làm sau đào tạo" names its rate in full; "bao phủ" does not
LEAD_CHARS = 110  # a goal that frames a whole sentence is set in its opening words (a resolution's name may come first)
LIST_FRAME_CHARS = 200  # … or before the colon of the list it opens, when that is this near the start


def _bracketed(sentence: str, at: int) -> bool:
    return sentence.rfind("(", 0, at) > sentence.rfind(")", 0, at)


def interpret(sentence: str, hits: list, scope: Scope, book: RuleBook,
              found_places: list | None = None) -> list[Meaning]:
    """A Meaning for each fraction and percentage hit of `sentence`, in order; updates `scope`.
    `found_places` are the sentence's place words when the caller already found them."""
    figures = [h for h in hits if h.rule.kind in FIGURE_KINDS]
    if found_places is None:
        found_places = places.place_finder(book).find(sentence)
    if byline := BYLINE.match(sentence) or places.DATELINE.match(sentence):  # "(CTT-Đồng Nai) – …": the source's name says nothing of where
        found_places = [p for p in found_places if p.start >= byline.end()]
    moments = times.moments(sentence, hits, book, scope.reference_year)
    if not figures:
        carry.carry(scope, found_places, moments, [], [], sentence, book)
        return []
    cut = [(p.start, p.end) for p in found_places if p.level != "whole" or p.end - p.start > 5] + \
          [(m.start, m.end) for m in moments]
    if byline:
        cut.append(byline.span())  # "(Baonghean.vn) - Tỷ lệ giải ngân …": the source, not what is measured
    frames = clauses.frames(sentence, [(h.start, h.end) for h in figures], cut, book)
    plain = clauses.blank(sentence, [(p.start, p.end) for p in found_places if p.level != "whole"])  # "TP.Cần Thơ": no "cần" cue
    unplaced = clauses.blank(sentence, [(p.start, p.end) for p in found_places])
    out: list[Meaning] = []
    parents: list[int | None] = []
    opening = parts.opening_part(sentence, book)
    for k, (hit, frame) in enumerate(zip(figures, frames)):
        meaning = Meaning()
        parent = measured.choose(meaning, k, frame, frames, out, sentence, cut, hit, book, scope)
        measured.widen_to_whole(meaning, k, frame, frames, out, sentence, scope, book)
        parents.append(parent)
        pre, trail = frame.pre(sentence), frame.trail(sentence)
        clause_text = sentence[frame.clause_start:frame.seg_start]
        unit = hit.values.get("unit", "")
        head = " | ".join(filter(None, (frame.head_raw, frame.notes.get("inherited_raw", ""), meaning.subject)))
        vk = decide(book.value_kind_rules, Situation(pre, trail, head, clause_text, unit, frame.in_paren, kind=hit.rule.kind,
                                                        signed=sentence[hit.start:hit.start + 1] in SIGNS,
                                                        lead=_lead(sentence, frame.seg_start)))
        meaning.value_kind, meaning.why["value_kind"] = vk.result, vk.id
        if ((vk is book.value_kind_rules[-1] or (vk.id == "vk.range_threshold_upper" and parent is not None
                                                  and out[parent].why["value_kind"] not in THRESHOLDS))
                and parent is not None and not frame.in_paren and COORDINATED.fullmatch(pre)
                and figures[parent].rule.kind == hit.rule.kind):
            # "cao hơn mức tăng 2,49% của quý I và 8,09% của quý 2": a coordinated figure is of the same kind
            meaning.value_kind, meaning.why["value_kind"] = out[parent].value_kind, "vk.coordinated"
        elif (vk is book.value_kind_rules[-1] and k and pre.strip() and not frame.cue and not frame.in_paren
              and not frames[k - 1].in_paren and not _bracketed(sentence, figures[k - 1].start)  # "28,13% (giảm 5,67%)"
              and out[(m := _item_before(out, k))].value_kind == "change"
              and (frames[m].cue or out[m].why["value_kind"] == "vk.listed")
              and figures[m].rule.kind == hit.rule.kind
              and LISTED.fullmatch(sentence[frames[k - 1].end:frame.seg_start])):
            # "công nghiệp - xây dựng tăng 18,2%; dịch vụ 11,86%": a list item with no verb of its own
            # takes the verb of the item before it
            meaning.value_kind, meaning.why["value_kind"] = "change", "vk.listed"
        elif vk.id == "vk.baseline_paren" and k and out[k - 1].value_kind == "share_of_plan":
            # "đạt 55,2% dự toán, cao hơn cùng kỳ năm trước (48,7%)": the earlier period's share of its own plan
            meaning.value_kind, meaning.why["value_kind"] = "share_of_plan", "vk.baseline_of_share"
        elif vk.id in (book.value_kind_rules[-1].id, "vk.budget_reaches") and k and _same_verb_item(sentence, frame, frames[k - 1], trail) \
                and out[k - 1].value_kind in ("share_of_plan", "change") and figures[k - 1].rule.kind == hit.rule.kind:
            # "chỉ số IIP bằng 115,3% cùng kỳ; trong đó ngành chế biến, chế tạo bằng 119,2%", "giải ngân đạt 72,3%;
            # Chương trình xây dựng nông thôn mới đạt 85,1%": an item repeating the verb of the one before, naming no
            # base, plan or rate of its own, is measured as that one is
            meaning.value_kind, meaning.why["value_kind"] = out[k - 1].value_kind, "vk.listed_same_verb"
        elif (vk is book.value_kind_rules[-1] and not k and (last := scope.last_figure) is not None
              and last.value_kind in ("share_of_plan", "change") and scope.last_figure_para == scope.para_index
              and vocabulary_rules.is_breakdown(sentence, book) and _bare_reach(frame, trail)):
            # "Chỉ số phát triển GRDP … đạt 107,2%. Trong đó, khu vực công nghiệp - xây dựng đạt 110,5%": a breakdown
            # item with a bare "đạt"/"bằng" is measured as the figure it breaks down
            meaning.value_kind, meaning.why["value_kind"] = last.value_kind, "vk.breakdown_of_previous"
        # a predicate after the figure says what it counts: not the figure before it, nor the clause's other words
        said = meaning.why.get("subject") == "predicate_after" or (
            # "giảm 9% lượng phát thải khí nhà kính": the figure's own noun says what it measures
            meaning.why.get("subject") == "noun_after" and not vocabulary_rules.names_no_measure(meaning.subject, book)) or (
            # "tỷ lệ lao động có việc làm sau đào tạo nghề đạt 80%": a rate named in full in its own clause
            # is that rate, not one the rest of the sentence names
            meaning.why.get("subject") == "own_clause" and RATE_HEAD.match(frame.head_raw)
            and len(meaning.subject.split()) >= FULL_RATE_WORDS)
        # a counted noun's predicate runs on past commas and places ("21/22 quận, huyện, thành phố Thủ Đức không
        # còn hộ nghèo"): read up to the next figure or semicolon
        # (not a bracketed one: "100% xã đạt chuẩn (7/7 xã), đủ điều kiện … hoàn thành …" is the communes')
        reach = _counted_reach(sentence, frame, figures, k) if meaning.noun and not frame.in_paren else frame.trail_end
        meaning.indicator, meaning.why["indicator"] = indicator_for(
            hit.rule.kind, meaning.value_kind, meaning.subject, pre + " " + sentence[frame.end:reach][:160],
            "" if said else clause_text + " " + pre, out[parent].indicator if parent is not None and not said else "",
            sentence[frame.clause_start:reach], book, noun=meaning.noun)
        measured.widen_to_term(meaning)
        where_, _, term = meaning.why.get("indicator", "").partition(":")
        if not meaning.subject and term and where_ in ("sentence", "clause"):
            # nothing names what the figure measures but the indicator's words in its sentence
            meaning.subject, meaning.why["subject"] = term, "indicator_term"
        measured.with_locative(meaning, sentence, frame.start, book)
        if vk.id in THRESHOLDS:  # "hộ có mức thu nhập từ 15% đến dưới 25%" measures no indicator
            meaning.indicator, meaning.why["indicator"] = "", "threshold"
        indicator_context.share_of_group(meaning, trail, book, sentence[:hit.start])
        indicator_context.share_held(meaning, trail, sentence[:hit.start], book)
        indicator_context.complement(meaning, trail, book)
        indicator_context.component_or_breakdown(meaning, parent, sentence, scope, book, clause_text + " " + pre)
        indicator_context.looks_back(meaning, hit.rule.kind, sentence, scope, book)
        indicator_context.listed_units(meaning, hit.rule.kind, scope, book, unplaced)
        indicator_context.heading_topic(meaning, sentence, scope, book, unplaced)
        indicator_context.sibling(meaning, hit.rule.kind, out, sentence, book)
        indicator_context.plan_of_previous(meaning, hit.rule.kind, out, book)
        indicator_context.ranked_about(meaning, hit.rule.kind, frame.end, sentence, book)
        when.as_of(meaning, k, frame, frames, out, moments, parent, sentence, scope, book)
        where.area(meaning, frame, out, parent, found_places, sentence, scope, book)
        indicator_context.twin(meaning, book)
        indicator_context.growth_rate(meaning, book, book.value_kind_rules[-1].id)
        when.of_the_year(meaning, scope, book)
        parts.settle(meaning, frame, parent, out, sentence, opening, scope, book)
        governing = parent
        while governing is not None and (frames[governing].in_paren or out[governing].why["modality"] in RESTATED):
            governing = parents[governing]
        chain = out[governing].modality if governing is not None else ""
        # a future date carried from an earlier sentence makes a goal only when it is a plan's horizon
        # (a year or years, "nhiệm kỳ 2020-2025"), not an event ("tháng 9" of an announcement)
        horizon = meaning.why.get("time") != "earlier_sentence" or (scope.para_time is not None and
                                                                  scope.para_time.grain in ("year", "multi-year", ""))
        situation = Situation(frame.pre(plain), trail, frame.head_raw, plain[frame.clause_start:frame.seg_start], unit,
                              frame.in_paren, kind=hit.rule.kind,
                              future=horizon and times.is_future(meaning.as_of_start, meaning.as_of_end, scope.published),
                              current=times.is_current(meaning.as_of_end, scope.published), chain=chain,
                              plan=_in_plan(meaning, scope),
                              lead=_lead(sentence, frame.seg_start))
        mod = decide(book.modality_rules, situation)
        meaning.modality, meaning.why["modality"] = mod.result, mod.id
        when.plan_of_the_year(meaning)
        if (mod.id in ("mod.plan_paren", "mod.plan_bracket") and k and meaning.value_kind == "level" and out[k - 1].value_kind == "change"
                and figures[k - 1].rule.kind == hit.rule.kind and not _nearer_level(figures, out, k)):
            # "giảm 1,17%, đạt chỉ tiêu … giao (từ 1-1,5%)": the bracket is the target of that fall (not "đạt 45,18%,
            # tăng 0,16% …, đạt chỉ tiêu Nghị quyết đề ra (45%)": the target of the level it is nearer to)
            meaning.value_kind, meaning.why["value_kind"] = "change", "vk.target_of_change"
        if meaning.why["value_kind"] == "vk.rank" and (about := RANK_ABOUT.match(sentence, hit.end)):
            # "xếp thứ 12/63 (tỉnh, thành phố) về chỉ số PCI": what is ranked is named after the rank
            meaning.subject, meaning.why["subject"] = about.group(1).strip(), "ranked"
        elif meaning.why["value_kind"] == "vk.rank" and (rank := RANK_WORDS.search(meaning.subject)):
            # "PAPI xếp hạng 10/63": what is ranked, not the ranking words; when nothing is left but a place
            # ("tỉnh vùng trung du …, xếp thứ 3/14"), what the figure before measured
            ranked = re.sub(r"[\s,;]+(?:của|và|đã|đều|được)?\s*$", "", meaning.subject[:rank.start()])
            if vocabulary_rules.names_no_measure(ranked, book):
                ranked = out[parent].subject if parent is not None else ""
            if ranked:
                meaning.subject, meaning.why["subject"] = ranked, "ranked"
        measured.with_numbers(meaning, sentence, frame.start)  # last: the sub-area and indicator were read from the words
        out.append(meaning)
    for hit, meaning in zip(figures, out):  # after all: a figure continuing another takes its subject without these words
        measured.with_about(meaning, sentence, hit, book)
    indicator_context.shared_predicate(sentence, figures, out, book)
    respectively.distribute(sentence, figures, out, found_places, book, moments)
    _read_with_next(sentence, figures, out)
    if out and not out[0].subject and scope.last_subject:
        # a sentence that names nothing its first figure measures goes on about the sentence before
        out[0].subject, out[0].why["subject"] = scope.last_subject, "previous_sentence"
    for k, meaning in enumerate(out):
        if not meaning.subject and meaning.indicator and (same := next(
                (m for m in reversed(out[:k]) if m.subject and m.indicator == meaning.indicator), None)):
            # "khối THPT đạt hơn 99% (năm 2023 là 97,88%)": nothing names what is measured but a figure before does
            meaning.subject, meaning.why["subject"] = same.subject, "sibling"
    carry.carry(scope, found_places, moments, figures, out, sentence, book)
    return out


# "đạt 4.209/6.216 tỷ đồng, bằng 68% kế hoạch giao": an amount over the amount planned, its share named next
AMOUNT_THEN_SHARE = re.compile(r"\s*(?:(?:tỷ|triệu|nghìn)\s+)?(?:đồng|USD|người|hộ|lao động|lượt)?\s*,?\s*(?:bằng|đạt)\s+"
                               r"(?:khoảng\s+|gần\s+|hơn\s+|trên\s+)?", re.IGNORECASE)
# "duy trì ở mức dưới 3% (2,89%)": a bound, with the value itself in brackets right after it
BOUND_BEFORE = re.compile(r"(?<![^\W\d_])(?:dưới|không quá|tối đa|trên|tối thiểu)\s*$", re.IGNORECASE)
VALUE_IN_BRACKET = re.compile(r"\s*\(\s*(?:khoảng\s+)?")
# "ước đạt hơn 181 tỷ đồng (gần 52%) so dự toán tỉnh giao": the plan named after the bracket
PLAN_AFTER_BRACKET = re.compile(r"\s*\)\s*(?:so với\s+|so\s+)?(?:dự toán|kế hoạch|KH|chỉ tiêu)(?![^\W\d_])", re.IGNORECASE)


def _read_with_next(sentence: str, figures: list, out: list) -> None:
    """What a figure is, read with what follows it beyond its own words: the next figure, or the plan after its bracket."""
    for k, hit in enumerate(figures):
        if out[k].value_kind == "level" and hit.rule.kind == "percent" and PLAN_AFTER_BRACKET.match(sentence, hit.end):
            out[k].value_kind, out[k].why["value_kind"] = "share_of_plan", "vk.plan_after_bracket"
    for k in range(len(out) - 1):
        this, after = figures[k], figures[k + 1]
        if this.rule.kind == "fraction" and out[k].value_kind == "level" and out[k + 1].value_kind == "share_of_plan" \
                and AMOUNT_THEN_SHARE.fullmatch(sentence, this.end, after.start):
            out[k].value_kind, out[k].why["value_kind"] = "share_of_plan", "vk.amount_of_plan"
        elif this.rule.kind == "percent" and out[k].value_kind == "level" and BOUND_BEFORE.search(sentence, 0, this.start) \
                and VALUE_IN_BRACKET.fullmatch(sentence, this.end, after.start):
            out[k].value_kind, out[k].why["value_kind"] = "other", "vk.bound_then_value"


REACH_VERBS = frozenset(("đạt", "bằng"))
# "tỷ lệ hộ nghèo đạt 2%", "công suất sử dụng giường bệnh đạt 96,5%": a rate named anew is a level of its own
OWN_RATE = re.compile(r"^(?:t[ỷỉ]\s+(?:lệ|trọng|suất)|cơ cấu|công suất|hiệu suất|mật độ|độ|lãi suất)(?![^\W\d_])", re.IGNORECASE)
ITEM_GAP = re.compile(r"[^;%()]{0,60}[,;][^;%()]{0,80}")  # the rest of the item before, one separator, this item's words


def _same_verb_item(sentence: str, frame, before, trail: str) -> bool:
    """Whether the figure is a bare list item ("…; trong đó ngành chế biến, chế tạo bằng 119,2%") with the same "đạt" or
    "bằng" as the item just before it and nothing after it."""
    return (_bare_reach(frame, trail) and frame.cue.split()[-1:] == before.cue.split()[-1:] and not before.in_paren
            and ITEM_GAP.fullmatch(sentence, before.end, frame.start) is not None)


def _bare_reach(frame, trail: str) -> bool:
    """Whether the figure follows a bare "đạt"/"bằng", outside brackets, with no rate named before it nor words after it."""
    verb = frame.cue.split()[-1:]
    return (bool(verb) and verb[0] in REACH_VERBS and not frame.in_paren and not trail.strip(" .")
            and not OWN_RATE.match(frame.head_raw))


def _item_before(out: list, k: int) -> int:
    """The figure that opens the list item before figure k: the one before, or the growth before its contribution
    ("nông nghiệp tăng 3,1%, đóng góp 0,9 điểm phần trăm, công nghiệp 9,2%")."""
    return k - 2 if k >= 2 and out[k - 1].value_kind == "contribution" else k - 1


def _nearer_level(figures: list, out: list, k: int) -> bool:
    """Whether a level before the change just before figure k is nearer to it in value than that change."""
    value = figures[k].values.get("value")
    if value is None or figures[k - 1].values.get("value") is None:
        return False
    gap = abs(figures[k - 1].values["value"] - value)
    return any(out[j].value_kind == "level" and figures[j].values.get("value") is not None
               and abs(figures[j].values["value"] - value) < gap for j in range(k - 1))


def _counted_reach(sentence: str, frame, figures: list, k: int) -> int:
    """Where the words about a figure's counted noun end: the next figure or semicolon, at least its trail."""
    stop = figures[k + 1].start if k + 1 < len(figures) else len(sentence)
    semi = sentence.find(";", frame.end, stop)
    return max(frame.trail_end, semi if semi >= 0 else stop)


def _lead(sentence: str, seg_start: int) -> str:
    """The words that frame a figure's sentence: its opening, or everything before a colon that opens
    the list the figure is in ("Hà Nội phấn đấu đạt các chỉ tiêu: …; tỷ lệ … đạt 71,5%")."""
    colon = sentence.rfind(":", 0, seg_start)
    return sentence[:colon] if LEAD_CHARS < colon <= LIST_FRAME_CHARS else sentence[:min(seg_start, LEAD_CHARS)]


def _in_plan(meaning: Meaning, scope: Scope) -> bool:
    """Whether the figure is dated within the plan the paragraph set out before it."""
    plan = scope.para_time
    if not scope.para_plan or plan is None or not meaning.as_of_end or not plan.as_of_start:
        return False
    if scope.published is not None and plan.as_of_end < scope.published[0].isoformat():
        return False  # a plan whose time is over when the article appeared: its figures are results
    return plan.as_of_start <= meaning.as_of_end <= plan.as_of_end
