"""What a figure's context says about its indicator, once the lexicon has named one or none
(pipeline/extract/vocabulary.py): a component is not its total, a share of a group or the share not
covered is no value of the indicator, a breakdown follows the figure before it, a figure that looks back
or names no measure takes the one the sentence before, the list or the headline names, GDP and GRDP
follow the area, and growth indicators' percentages are changes."""
from __future__ import annotations

import re

import pipeline.extract.places as places
from pipeline.extract.subjects import junk_subject
from pipeline.extract.vocabulary import (
    _all_components,
    _inheritable,
    _unit_name,
    best_term,
    book_indicator,
    is_breakdown,
    names_no_measure,
    names_own_measure,
    vocabulary,
)
from pipeline.rules.book import RuleBook, derived
from pipeline.rules.cues import alternation

SETTLED = ("threshold", "component", "share_of_group", "criteria", "complement", "population_predicate", "share_held", "make_up")  # a figure found to be of no indicator: nothing inherits one


GUESSED_AREAS = ("no_province_named", "national_indicator", "home_area", "whole_province:home_area")


def component_or_breakdown(meaning, parent, sentence: str, scope, book, own: str = "") -> None:
    """A figure of a component of a total ("GRDP khu vực dịch vụ tăng 7%") is not about the total;
    a figure of a place or a part in a breakdown sentence after the total ("Trong đó, vùng … của
    tỉnh Lào Cai đạt 59,6%") is about what the sentence before measured. `own` is the figure's own
    clause: where the indicator was only inferred (from the sentence, the figure continued, the
    headline), a component named there ("ngành công nghiệp … với mức tăng 14,8%") or a subject that
    starts with any indicator's component ("thu nội địa … đạt 50,51%") makes it no figure of the total."""
    indicator = book_indicator(book, meaning.indicator)
    subject = meaning.subject.lower()
    if indicator is not None and any(c.lower() in subject and not any(  # not inside a longer term of the whole
            c.lower() in t.lower() and t.lower() in subject for t in indicator.terms if len(t) > len(c))
            for c in indicator.components):
        meaning.indicator, meaning.why["indicator"] = "", "component"
        return
    inferred = meaning.why.get("indicator", "").partition(":")[0] in ("sentence", "continues", "headline_topic", "clause")
    if indicator is not None and inferred and (
            any(c.lower() in own.lower() for c in indicator.components)
            or subject.startswith(derived(book, _all_components))):
        meaning.indicator, meaning.why["indicator"] = "", "component"
        return
    previous = scope.last_figure
    if meaning.indicator or parent is not None or previous is None or not previous.indicator:
        return
    if not is_breakdown(sentence, book):
        return
    subject = meaning.subject.strip().lower()
    same_units = previous.subject.lower().startswith(subject + " ") and len(subject.split()) <= 2
    if names_no_measure(subject, book) or same_units or meaning.why.get("subject") == "breakdown_count":
        if same_units:  # "272/706 trường … đạt chuẩn quốc gia. Trong đó, mầm non có 74/180 trường": a part of the total
            meaning.subject, meaning.why["subject"] = previous.subject, "breakdown_of_previous"
        total = book_indicator(book, previous.indicator)
        if total is not None and any(u.lower() in sentence.lower() for u in total.unless):
            return  # "Riêng các chỉ tiêu do Sở … chủ trì, đã hoàn thành 8/10 chỉ tiêu": what the total is not
        if total is not None and any(c.lower() in own.lower() for c in total.components):
            meaning.why["indicator"] = "component"  # "Trong đó, … cao nhất là khu vực Dịch vụ, tăng 7,04%"
            return
        if meaning.why.get("value_kind") == "vk.share_of_total" and places.part_of(meaning.subject or own, book) and \
                re.search(r"\d", own):
            # "… lực lượng lao động gần 851 nghìn người … Trong đó, khu vực thành thị gần 188 nghìn người, chiếm 22,08%":
            # how the total's count divides, not the measure's value for that part
            meaning.why["indicator"] = "make_up"
            return
        meaning.indicator, meaning.why["indicator"] = previous.indicator, "breakdown_of_previous"


def share_of_group(meaning, trail: str, book: RuleBook, before: str = "") -> None:
    """"chiếm 98,2% tổng số hộ nghèo", "Trong tổng số hộ nghèo, hộ đồng bào dân tộc thiểu số chiếm 97,3%": the share
    of the poor that are of some kind is no poverty rate. `before` is the sentence up to the figure."""
    if meaning.indicator and (derived(book, _group_denominators).match(trail)
                              or derived(book, _group_opening).match(before)):
        meaning.indicator, meaning.why["indicator"] = "", "share_of_group"


def share_held(meaning, trail: str, before: str, book: RuleBook) -> None:
    """"Khu vực kinh tế trong nước chiếm 28,2% tổng kim ngạch xuất khẩu", "Lao động nữ chiếm 48% tổng số lao động qua
    đào tạo": an indicator named only as the whole a part holds a share of; the part's share is no value of it.
    `before` is the sentence up to the figure."""
    where, _, term = meaning.why.get("indicator", "").partition(":")
    subject = meaning.subject.strip()
    if where != "clause" or meaning.why.get("value_kind") != "vk.share_of_total" or not subject:
        return
    if term.lower() not in trail.lower() or names_own_measure(subject, book):
        return  # "Vốn FDI chiếm 30% tổng vốn đầu tư": the subject names what is measured
    vocab = vocabulary(book)
    if any(ind.id == meaning.indicator for _, t in vocab.matches(before) for ind in vocab.by_term[t]):
        return  # "Bắc Ninh thu hút 4,55 tỷ USD vốn FDI, …, chiếm 17% tổng vốn FDI cả nước": the place's own FDI
    meaning.indicator, meaning.why["indicator"] = "", "share_held"


def _group_opening(book: RuleBook) -> re.Pattern:
    """"Trong tổng số hộ nghèo, …", "Trong số 23.820 hộ nghèo, …": a sentence opening on the group it divides."""
    words = {re.sub(r"^(?:tổng\s+)?số\s+", "", w) for w in book.cues.words("clause.group_denominators")}
    alts = alternation(words)
    return re.compile(rf"^\W*trong\s+(?:tổng\s+)?số\s+(?:[\d.,]+\s+)?(?:{alts or '(?!)'})(?![^\W\d_])[^.;]*,", re.IGNORECASE)


def complement(meaning, trail: str, book: RuleBook) -> None:
    """"gần 8% dân số chưa tham gia BHYT": the share not yet covered is no value of the coverage rate."""
    # the subject's first item ("hồ sơ đang giải quyết trong hạn và 9 hồ sơ đang giải quyết quá hạn", đạt 97,93%)
    said = re.split(r"\s+và\s+", meaning.subject or "", maxsplit=1)[0]
    if meaning.indicator and derived(book, _negated).search(f"{said} {trail[:60]}"):
        meaning.indicator, meaning.why["indicator"] = "", "complement"


def _negated(book: RuleBook) -> re.Pattern:
    words = "|".join(re.escape(w) for w in book.cues.words("clause.negated_predicates"))
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", re.IGNORECASE)


def _group_denominators(book: RuleBook) -> re.Pattern:
    words = "|".join(re.escape(w) for w in book.cues.words("clause.group_denominators"))
    return re.compile(rf"\s*(?:trong\s+|so với\s+)?(?:{words or '(?!)'})(?![^\W\d_])", re.IGNORECASE)


def heading_topic(meaning, sentence: str, scope, book: RuleBook, unplaced: str = "") -> None:
    """A figure that names only a place or a part, in a section heading ("Hà Nội: 98,49%") or in a
    sentence naming no indicator ("Giáo dục THPT 98,36%"), is about what the headline is about.
    `unplaced` is the sentence with its place names blanked ("huyện" of "huyện Minh Hóa" is no
    counted unit)."""
    if meaning.indicator or not scope.topic_indicator or meaning.why.get("indicator") in SETTLED:
        return
    if meaning.why.get("value_kind") == "vk.share_of_total" and places.part_of(meaning.subject, book):
        return  # "lao động khu vực thành thị chiếm 32,9%": a sub-population's share is a make-up, not the headline's rate
    heading = len(sentence) <= 80 and ":" in sentence
    if not heading and meaning.why.get("subject") == "counted_noun" and places.part_of(meaning.subject, book):
        return  # "có 01 huyện nghèo, 145/151 xã thuộc vùng dân tộc thiểu số": how many units are of a kind, a make-up
    if not heading and names_own_measure(unplaced or sentence, book):
        return  # a sentence naming an indicator of its own is not about the headline's ("vượt chỉ tiêu" names none)
    subject = meaning.subject.strip()
    if subject.lower() in derived(book, _headline_counts):
        # "toàn tỉnh có 745.600 người tham gia, đạt 95,2% dân số" under "Tỷ lệ bao phủ BHYT đạt 95,2%": who took
        # part in what the headline measures
        meaning.indicator, meaning.why["indicator"] = scope.topic_indicator, "headline_topic"
        return
    if names_no_measure(subject, book):
        meaning.indicator, meaning.why["indicator"] = scope.topic_indicator, "headline_topic"
        if scope.topic_term and scope.topic_term.lower() not in subject.lower():  # "tốt nghiệp THPT (KonTum)"
            meaning.subject = f"{scope.topic_term} ({subject})" if subject else scope.topic_term
            meaning.why["subject"] = "headline_topic"


def _headline_counts(book: RuleBook) -> frozenset:
    return frozenset(w.lower() for w in book.cues.words("subject.headline_counts"))


LOOKS_BACK = re.compile(r"^\W*(?:(?:tuy nhiên|nhưng|song|như vậy|theo đó|qua đó|với|trong đó),? )?"
                        r"(?:(?:con số|số liệu|tỷ lệ|tỉ lệ|chỉ số|mức|tốc độ|mức tăng|mức giảm)"
                        r" (?:này|đó|trên|nói trên|tương ứng)|"
                        r"(?:(?:mặc dù|dù|tuy|tuy nhiên|nhưng),? )?(?:đây|đó) là (?:mức|tỷ lệ|tỉ lệ|tốc độ|con số))(?![^\W\d_])",
                        re.IGNORECASE)  # "Mặc dù đây là mức tăng trưởng cao …": the figure before


def looks_back(meaning, kind: str, sentence: str, scope, book: RuleBook) -> None:
    """A figure of a sentence that opens on the one before ("Con số này giảm 0,04% so cùng kỳ", "Tỷ lệ
    này cao hơn … (98,88%)") and names no indicator of its own is about what that sentence measured."""
    last = scope.last_figure
    if meaning.indicator or meaning.why.get("indicator") in SETTLED or last is None:
        return
    if (meaning.why.get("subject") == "anaphora" or LOOKS_BACK.match(sentence)) and \
            _inheritable(last.indicator, kind, meaning.value_kind, sentence.lower(), book):
        meaning.indicator, meaning.why["indicator"] = last.indicator, "looks_back"
        if last.subject and names_no_measure(meaning.subject.strip(), book):  # "Con số này …": what that figure measured
            meaning.subject, meaning.why["subject"] = last.subject, "looks_back"


def listed_units(meaning, kind: str, scope, book: RuleBook, unplaced: str) -> None:
    """A sentence listing bodies or places with their figures ("Các đơn vị thực hiện đạt và vượt chỉ tiêu là:
    Phòng GDĐT huyện Xuân Lộc đạt 88,9%; …"), naming no measure of its own, goes on with the measure of the
    figure before it in the paragraph."""
    last = scope.last_figure
    if meaning.indicator or meaning.why.get("indicator") in SETTLED or last is None or not last.indicator:
        return
    if scope.last_figure_para != scope.para_index or last.value_kind != meaning.value_kind:
        return
    subject = meaning.subject.strip()
    only_a_unit = (not subject or junk_subject(book)(subject) or places.is_part(subject, book)
                   or bool(derived(book, _unit_name).fullmatch(subject)) or bool(book.gazetteer.national_body.fullmatch(subject)))
    if not only_a_unit:
        return
    # a term only a subject can name ("chỉ tiêu" of "đạt và vượt chỉ tiêu", "huyện") is no measure of the sentence
    if not names_own_measure(unplaced, book) and _inheritable(last.indicator, kind, meaning.value_kind, unplaced.lower(), book):
        meaning.indicator, meaning.why["indicator"] = last.indicator, "listed_units"
        if last.subject and last.subject.lower() not in meaning.subject.lower():
            unit = meaning.subject.strip()
            meaning.subject = f"{last.subject} ({unit})" if unit else last.subject
            meaning.why["subject"] = "listed_units"


RANKED_ABOUT = re.compile(r"(?<![^\W\d_])(?:dẫn đầu|đứng đầu|cao nhất|thấp nhất|tốp đầu|top đầu|nhóm đầu)(?![^\W\d_])"
                          r"[^.;]{0,60}?\svề\s+", re.IGNORECASE)


def ranked_about(meaning, kind: str, after: int, sentence: str, book: RuleBook) -> None:
    """Places listed with their figures and then said to lead in a measure ("Đà Nẵng (67%) cùng các tỉnh
    Hòa Bình (86,5%), … là 5 tỉnh dẫn đầu về tỷ lệ hồ sơ trực tuyến"): the figures are of that measure."""
    if meaning.indicator or meaning.why.get("indicator") in SETTLED:
        return
    ranked = RANKED_ABOUT.search(sentence, after)
    if ranked is None:
        return
    ind, term = best_term(sentence[ranked.end():], kind, meaning.value_kind, sentence.lower(), vocabulary(book))
    if ind is not None:
        meaning.indicator, meaning.why["indicator"] = ind.id, f"ranked_about:{term}"
        if not meaning.subject or junk_subject(book)(meaning.subject) or names_no_measure(meaning.subject, book):
            meaning.subject, meaning.why["subject"] = term, "ranked_about"


BREAKDOWN_ITEM = re.compile(r"(?:ngành|thị trường|nhóm|lĩnh vực|khu vực|mặt hàng|sản phẩm|khối|loại)\b", re.IGNORECASE)


def sibling(meaning, kind: str, earlier: list, sentence: str, book: RuleBook) -> None:
    """A list item that names no measure of its own ("mũi 1 đạt 99,59%; mũi 2 đạt 98,62%", "nữ dưới 35
    tuổi (chiếm 30%), …; nam dưới 35 tuổi chiếm 23%") is of the indicator of the item before it."""
    if meaning.indicator or meaning.why.get("indicator") in SETTLED:
        return
    subject = meaning.subject.strip()
    if len(subject.split()) > 5 or (len(subject.split()) > 3 and not names_no_measure(subject, book)):
        return
    if BREAKDOWN_ITEM.match(subject):
        return  # "ngành khai khoáng giảm 1,1%", "thị trường châu Mỹ tăng 58,66%": a sector's own figure
    before = next((m for m in reversed(earlier) if m.indicator), None)
    if before is not None and before.value_kind == meaning.value_kind and \
            _inheritable(before.indicator, kind, meaning.value_kind, sentence.lower(), book):
        meaning.indicator, meaning.why["indicator"] = before.indicator, "sibling"
        if not subject and before.subject:  # "tiếp đến là tỉnh Cà Mau với -10,5%": the same measure as the item before
            meaning.subject, meaning.why["subject"] = before.subject, "sibling"


def plan_of_previous(meaning, kind: str, earlier: list, book: RuleBook) -> None:
    """"đạt hơn 93% dân số (vượt chỉ tiêu của trung ương là 92,25% dân số)": a percentage the subject names only as
    a plan ("chỉ tiêu", counted targets' word) is the plan of the measure the figure before it gave."""
    if kind != "percent" or not earlier:
        return
    indicator = book_indicator(book, meaning.indicator)
    if indicator is None or not indicator.subject_only or indicator.kinds:
        return
    before = next((m for m in reversed(earlier) if m.indicator), None)
    if before is not None and before.indicator != meaning.indicator:
        meaning.indicator, meaning.why["indicator"] = before.indicator, "plan_of_previous"


ACRONYM = re.compile(r"(?<![^\W\d_])GR?DP(?![^\W\d_])")  # "tăng trưởng GRDP": the acronym says which twin


def twin(meaning, book) -> None:
    """GRDP is a province's, GDP the country's: the figure's area decides which of the twins it is."""
    indicator = book_indicator(book, meaning.indicator)
    if indicator is None or not indicator.twin or not meaning.area:
        return
    national = meaning.area == places.NATIONAL
    named = meaning.why.get("indicator", "").split(":")[-1]
    if ACRONYM.search(named) or meaning.why.get("area") in GUESSED_AREAS:
        return  # the acronym says which; a guessed area does not
    if national != indicator.national and meaning.area_basis in ("stated", "inherited"):
        meaning.indicator = indicator.twin
        meaning.why["indicator"] += f"->{indicator.twin}"


def growth_rate(meaning, book: RuleBook, default_rule: str) -> None:
    """A figure of a growth-rate indicator (GRDP, CPI) that no rule marked as a level is a change."""
    indicator = book_indicator(book, meaning.indicator)
    if indicator is not None and indicator.growth_rate and meaning.why.get("value_kind") == default_rule:
        meaning.value_kind, meaning.why["value_kind"] = "change", "vk.growth_rate"


def shared_predicate(sentence: str, figures: list, out: list, book: RuleBook) -> None:
    """"82% trường mầm non, 91% trường tiểu học … và 66% trường THPT đạt chuẩn quốc gia": counted nouns listed
    bare before the item that carries the predicate are counted by it too (the list is read from its end)."""
    for k in range(len(out) - 2, -1, -1):
        this, after = out[k], out[k + 1]
        if this.indicator or this.why.get("indicator") in SETTLED or not after.indicator or not this.noun \
                or figures[k].rule.kind != figures[k + 1].rule.kind:
            continue
        gap = sentence[figures[k].end:figures[k + 1].start]  # nothing but the counted units: no predicate of its own
        if re.fullmatch(rf"\s+{re.escape(this.subject)}\s*(?:,|và|,\s*và)\s*", gap) and \
                _inheritable(after.indicator, figures[k].rule.kind, this.value_kind, sentence.lower(), book):
            this.indicator, this.why["indicator"] = after.indicator, "shared_predicate"
