"""Which lexicon indicator a figure is about (rules/indicators.toml): the most specific term that
names its subject, else its own clause, else what the figure it continues is about. The lexicon's
order never decides: the longest matching term wins, then the one nearest the figure. Then a
component is not its total, a breakdown follows the figure before it, GDP and GRDP follow the area."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pipeline.extract.places as places
from pipeline.extract.phrases import PhraseIndex
from pipeline.extract.subjects import junk_subject
from pipeline.rules.book import RuleBook, derived


@dataclass(frozen=True)
class Vocabulary:
    terms: PhraseIndex  # every term, lower-cased
    by_term: dict  # lower-cased term → indicators that list it
    by_id: dict

    def matches(self, text: str):
        """(start, term) of every lexicon term in `text`, whole words, overlaps included."""
        return self.terms.finditer(text)


def vocabulary(book: RuleBook) -> Vocabulary:
    return derived(book, _build)


def _build(book: RuleBook) -> Vocabulary:
    by_term: dict[str, list] = {}
    for ind in book.indicators:
        for term in ind.terms:
            by_term.setdefault(term.lower(), []).append(ind)
    return Vocabulary(PhraseIndex(by_term, lower=True), by_term, {ind.id: ind for ind in book.indicators})


def _inheritable(indicator_id: str, kind: str, value_kind: str, lowered_clause: str, book: RuleBook) -> bool:
    """Whether a figure may take another figure's indicator: a known one, not named only by a
    subject, that accepts this figure's kind and value kind in this clause."""
    ind = vocabulary(book).by_id.get(indicator_id) if indicator_id else None
    return ind is not None and not ind.subject_only and _allowed(ind, kind, value_kind, lowered_clause)


def _allowed(ind, kind: str, value_kind: str, lowered_clause: str) -> bool:
    if ind.kinds and kind not in ind.kinds:
        return False
    if ind.value_kinds and value_kind not in ind.value_kinds:
        return False
    if ind.requires and not any(r.lower() in lowered_clause for r in ind.requires):
        return False
    return not any(u.lower() in lowered_clause for u in ind.unless)


HEAD_END = re.compile(r"\s(?:của|tại|ở|thuộc|đối với|so với|trên tổng|trong tổng|theo)\s", re.IGNORECASE)


COORDINATION = re.compile(r"\s*(?:,|và|,\s*và)\s*")


def best_term(text: str, kind: str, value_kind: str, lowered_clause: str, vocab: Vocabulary, subject_tier: bool = False):
    """(indicator, term) for the most specific allowed term in `text`: a term inside a longer match
    never wins, and of the rest the one that ends last (Vietnamese modifiers follow their head:
    "lao động qua đào tạo có bằng cấp, chứng chỉ"), within the head before "của", "trong" …"""
    head = HEAD_END.search(text)
    head_end = head.start() if head and head.start() > 0 else len(text)
    found = []
    for start, term in vocab.matches(text):
        if start >= head_end:  # a term only in the modifier after "của", "ở" … ("xuất khẩu của khu vực FDI")
            continue
        allowed = [ind for ind in vocab.by_term[term] if (subject_tier or not ind.subject_only)
                   and _allowed(ind, kind, value_kind, lowered_clause)]
        if allowed:
            found.append((start, start + len(term), allowed[0], text[start:start + len(term)]))
    maximal = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and (o[1] - o[0]) > (f[1] - f[0])
                                           for o in found)]
    # an acronym coordinated after another term ("Nợ BHXH, BHYT, BHTN", "tham gia BHXH, BHTN") is a modifier
    # of the first: the debt of all three, not unemployment-insurance coverage
    maximal.sort(key=lambda f: f[0])
    coordinated = set()
    for i, f in enumerate(maximal):
        if " " not in f[3] and any(COORDINATION.fullmatch(text, o[1], f[0]) for o in maximal[:i] if o[1] <= f[0]):
            coordinated.add(i)
    if coordinated and len(coordinated) < len(maximal):
        maximal = [f for i, f in enumerate(maximal) if i not in coordinated]
    # of two terms that overlap, the one that starts first is the head ("kim ngạch xuất nhập khẩu hàng
    # hóa": the turnover, not "nhập khẩu hàng hóa")
    maximal = [f for f in maximal if not any(o[0] < f[0] < o[1] < f[1] and o[1] - o[0] >= f[1] - f[0]
                                             and o[2] is not f[2] for o in maximal)]
    if not maximal:
        return None, ""
    best = max(maximal, key=lambda f: (f[1], f[1] - f[0]))
    return best[2], best[3]


def indicator_for(kind: str, value_kind: str, subject: str, own: str, clause: str, parent: str,
                  requires_text: str, book: RuleBook, noun: str = "") -> tuple[str, str]:
    """(indicator id or "", why): tried on the counted noun alone ("18/30 quận huyện" of "… quận huyện
    không còn hộ nghèo"), the subject, the figure's own clause, the figure it continues, then the
    clause before it."""
    vocab = vocabulary(book)
    lowered = requires_text.lower()
    if kind == "fraction" and noun.lower() in book.cues.words("clause.criteria_nouns"):
        # "đạt 6/9 tiêu chí huyện nông thôn mới": a count of criteria met measures no indicator, unless a term
        # starts with the criteria ("17/21 tiêu chí đạt và vượt kế hoạch": the year's targets)
        whole, whole_term = best_term(subject, kind, value_kind, lowered, vocab, subject_tier=True)
        if whole is not None and whole_term.lower().startswith(noun.lower() + " "):
            return whole.id, f"subject:{whole_term}"
        return "", "criteria"
    if noun and subject.lower().startswith(noun.lower() + " "):
        # "98% hộ nghèo được tiếp cận nguồn nước hợp vệ sinh": the predicate after the counted noun names
        # what is measured of it; the noun ("hộ nghèo") is only whose it is (not "18/30 quận, huyện …",
        # where the counted units are the indicator)
        counted, _ = best_term(noun, kind, value_kind, lowered, vocab, subject_tier=True)
        whole, whole_term = best_term(subject, kind, value_kind, lowered, vocab, subject_tier=True)
        if whole is not None and whole_term.lower().startswith(noun.lower() + " "):
            return whole.id, f"subject:{whole_term}"  # "7/7 huyện đạt chuẩn NTM": a term that counts these units
        ind, term = best_term(subject[len(noun):], kind, value_kind, lowered, vocab, subject_tier=True)
        if ind is not None and not (counted is not None and counted.subject_only):
            return ind.id, f"predicate:{term}"
    for text, where in ((noun, "noun"), (subject, "subject"), (own, "clause")):
        if text:
            ind, term = best_term(text, kind, value_kind, lowered, vocab, subject_tier=where in ("noun", "subject"))
            if ind is not None:
                return ind.id, f"{where}:{term}"
    if parent and _inheritable(parent, kind, value_kind, lowered, book):
        return parent, "continues"
    if clause:
        ind, term = best_term(clause, kind, value_kind, lowered, vocab)
        if ind is not None:
            return ind.id, f"sentence:{term}"
    return "", "none"


SETTLED = ("threshold", "component", "share_of_group", "criteria", "complement")  # a figure found to be of no indicator: nothing inherits one
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
    if names_no_measure(subject, book) or same_units:
        if same_units:  # "272/706 trường … đạt chuẩn quốc gia. Trong đó, mầm non có 74/180 trường": a part of the total
            meaning.subject, meaning.why["subject"] = previous.subject, "breakdown_of_previous"
        total = book_indicator(book, previous.indicator)
        if total is not None and any(c.lower() in own.lower() for c in total.components):
            meaning.why["indicator"] = "component"  # "Trong đó, … cao nhất là khu vực Dịch vụ, tăng 7,04%"
            return
        meaning.indicator, meaning.why["indicator"] = previous.indicator, "breakdown_of_previous"


def share_of_group(meaning, trail: str, book: RuleBook) -> None:
    """"chiếm 98,2% tổng số hộ nghèo": the share of the poor that are of some kind is no poverty rate."""
    if meaning.indicator and derived(book, _group_denominators).match(trail):
        meaning.indicator, meaning.why["indicator"] = "", "share_of_group"


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


def topic_of(headline: str, book: RuleBook) -> tuple[str, str]:
    """The indicator a headline is about and the term that names it ("Tỷ lệ tốt nghiệp THPT 2017
    nhiều tỉnh thành đạt 99%" → graduation_rate, "tốt nghiệp THPT"); ("", "") if none."""
    ind, term = best_term(headline, "percent", "level", headline.lower(), vocabulary(book)) if headline else (None, "")
    return (ind.id, term) if ind is not None else ("", "")


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
    if not heading and names_indicator(unplaced or sentence, book):
        return  # a sentence naming an indicator of its own is not about the headline's
    subject = meaning.subject.strip()
    if names_no_measure(subject, book):
        meaning.indicator, meaning.why["indicator"] = scope.topic_indicator, "headline_topic"
        if scope.topic_term and scope.topic_term.lower() not in subject.lower():  # "tốt nghiệp THPT (KonTum)"
            meaning.subject = f"{scope.topic_term} ({subject})" if subject else scope.topic_term
            meaning.why["subject"] = "headline_topic"


LOOKS_BACK = re.compile(r"^\W*(?:(?:con số|số liệu|tỷ lệ|tỉ lệ|chỉ số|mức|tốc độ) (?:này|đó|trên|tương ứng)|"
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
    vocab = vocabulary(book)
    # a term only a subject can name ("chỉ tiêu" of "đạt và vượt chỉ tiêu", "huyện") is no measure of the sentence
    own_measure = any(not ind.subject_only for _, term in vocab.matches(unplaced) for ind in vocab.by_term[term])
    if not own_measure and _inheritable(last.indicator, kind, meaning.value_kind, unplaced.lower(), book):
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


def names_no_measure(subject: str, book: RuleBook) -> bool:
    """Whether a subject names only a place, a part of one or nothing ("Hà Nội", "khu vực thành thị",
    ""): such a figure is measured as something else says."""
    return (not subject or junk_subject(book)(subject) or places.is_part(subject, book)
            or bool(places.part_of(subject, book)) or bool(places.place_finder(book).find(subject))
            or bool(derived(book, _unit_name).fullmatch(subject.strip()))
            or bool(book.gazetteer.national_body.fullmatch(subject.strip())))  # "Khối bộ, ngành", "Bộ Tư pháp"


def _all_components(book: RuleBook) -> tuple[str, ...]:
    """Every indicator's components, lower-case (a subject starting with one is a part of a total)."""
    return tuple(c.lower() for ind in book.indicators for c in ind.components)


def _unit_name(book: RuleBook) -> re.Pattern:
    """A body's name: one of subject.unit_heads, then capitalised words ("Bộ Công Thương", "Sở Y tế")."""
    heads = "|".join(re.escape(h) for h in sorted(book.cues.words("subject.unit_heads"), key=len, reverse=True))
    return re.compile(rf"(?:các\s+)?(?:{heads or '(?!)'})\s+[{places.UPPER}][^\W\d_]*(?:[\s,-]+[^\W\d_]+){{0,5}}")


def is_breakdown(sentence: str, book: RuleBook) -> bool:
    """Whether the sentence breaks down the figure before it ("Trong đó, …", "Cụ thể: …")."""
    return bool(derived(book, _breakdown_start).match(sentence))


def names_indicator(text: str, book: RuleBook) -> bool:
    """Whether `text` holds a lexicon term (asked for every figure of a sentence: remembered)."""
    seen = derived(book, _named_cache)
    known = seen.get(text)
    if known is None:
        known = any(True for _ in vocabulary(book).matches(text))
        if len(seen) > 20_000:
            seen.clear()
        seen[text] = known
    return known


def _named_cache(book: RuleBook) -> dict:
    return {}


def _breakdown_start(book: RuleBook) -> re.Pattern:
    words = "|".join(re.escape(w) for w in sorted(book.cues.words("clause.breakdown_start"), key=len, reverse=True))
    return re.compile(rf"^\W*(?:{words})(?![^\W\d_])", re.IGNORECASE)


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


def book_indicator(book: RuleBook, ident: str):
    return vocabulary(book).by_id.get(ident) if ident else None
