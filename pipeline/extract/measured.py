"""What a figure measures (its subject): the counted noun after it, its own noun phrase, the total a
breakdown item belongs to, or what it continues; the first that names something. The Matcher that
finds noun phrases is in subjects.py."""
from __future__ import annotations

import re

import pipeline.extract.clauses as clauses
import pipeline.extract.places as places
import pipeline.extract.vocabulary as vocabulary_rules
from pipeline.extract.predicates import GRADE_LIST, predicate, with_predicate
from pipeline.extract.subjects import junk_subject, subject_finder
from pipeline.rules.book import RuleBook, derived

BREAKDOWN_MARK = re.compile(r"\(|:|(?<![^\W\d_])(?:trong đó|bao gồm|gồm|cụ thể|riêng)(?![^\W\d_])", re.IGNORECASE)
ANAPHORIC = re.compile(r"(?<![^\W\d_])(?:chỉ số|tỷ lệ|tỉ lệ|con số|mức|tốc độ|kim ngạch|giá trị|số|chỉ tiêu)\s+"
                       r"(?:này|đó|nói trên|trên(?!\s*(?:\d|$)))(?![^\W\d_])", re.IGNORECASE)  # not "tỷ lệ trên 13,6%": more than
COMPARED_START = re.compile(r"(?:cao hơn|thấp hơn|nhiều hơn|ít hơn|mức|trung bình|bình quân)(?![^\W\d_])",
                            re.IGNORECASE)
# what follows a figure as its denominator or plan: "33,05% tổng số hộ dân cư", "100% kế hoạch vốn", "80% số xã"
TOTAL_AFTER = re.compile(r"\s*(?:(?:trên|trong)\s+)?(?:tổng(?:\s+số)?|số|kế hoạch|dự toán|KH)\s")
COPULA_AFTER = re.compile(r"\s+là\s+(?!(?:do|vì|nhờ|một|những|các|bao|hơn|gần|khoảng|trên|dưới)(?![^\W\d_]))"
                          r"((?:[^\W\d_]+(?:/[^\W\d_]+)?)(?:\s+[^\W\d_]+(?:/[^\W\d_]+)?){0,5})", re.IGNORECASE)
COUNT_BEFORE_PAREN = re.compile(r"(?<![\d.,/])\d[\d.]*\s+((?:[^\W\d_]+\s+){0,2}[^\W\d_]+)\s*\(\s*$")  # "550 xã ("
COUNT_BEFORE_COMMA_PAREN = re.compile(r"(?<![\d.,/])\d[\d.]*\s+((?:[^\W\d_]+\s+){0,3}[^\W\d_]+)\s*,?\s*\(\s*$")
PLAN_GIVEN = re.compile(r"(?:dự toán|kế hoạch|chỉ tiêu|KH)\s.*(?<![^\W\d_])(?:giao|thông qua|đề ra|phê duyệt)$", re.IGNORECASE)
PLAN_AT_START = re.compile(r"\s*(?:dự toán|kế hoạch|chỉ tiêu|KH|mục tiêu)(?![^\W\d_])")  # "84,2% dự toán được giao"
LEADING_QUALIFIERS = re.compile(r"^(?:(?:có|khoảng|gần|hơn|trên|đạt|với|toàn tỉnh có|toàn thành phố có)\s+)+", re.IGNORECASE)
CAUSE_LEAD = re.compile(r"^(?:làm cho|làm|khiến cho|khiến|kéo theo)\s+(?=[^\W\d_])", re.IGNORECASE)
ABOUT_LEAD = re.compile(r"^[\s,;]*(?:còn\s+|và\s+)?(?:về|đối với|của)\s+(?=[^\W\d_])", re.IGNORECASE)
ABOUT_SPLIT = re.compile(r"\s+\(|\s+(?:về|đối với|của)\s+", re.IGNORECASE)
LOCATED = re.compile(r"^[\s,;]*(?:còn\s+|và\s+)?(?:ở|tại)\s+", re.IGNORECASE)
PARTITIVE = re.compile(r"\s+trong\s+(?:tổng\s+)?số(?:\s+(?:khoảng|gần|hơn|trên))?\s+\d[\d.,]*(?:\s+(?:nghìn|triệu))?(?=\s)",
                       re.IGNORECASE)
RATE_PREDICATE = re.compile(r"(?<![^\W\d_])có\s+(?:tốc độ|t[ỷỉ] lệ|t[ỷỉ] trọng|mức|chỉ số)(?![^\W\d_])", re.IGNORECASE)
DROPPED_NUMBER_WORD = re.compile(r"\s*(?:tổng\s+)?số\s+", re.IGNORECASE)
RANK_BEFORE = re.compile(r"(?:thứ|vị trí|hạng)\s*$", re.IGNORECASE)  # "xếp thứ 19/63": the thing ranked is the subject


def choose(meaning, k: int, frame, frames, done: list, sentence: str, cut, hit, book, scope=None) -> int | None:
    """The measured thing: the figure's own noun phrase, the noun after it, or what it continues,
    the first of these that names something (not a plan word, a person, a place, "giá so sánh").
    Returns the index of the figure it continues, if any."""
    lex = clauses.lexicon(book)
    junk = junk_subject(book)
    trail = frame.trail(sentence)
    # ("…, ở đô thị đạt 100%": a part, as "đô thị" alone is not)
    located = LOCATED.match(frame.pre(sentence)) and places.is_part(f"ở {frame.head}", book)
    own = "" if located or places.is_part(frame.head, book) or junk(frame.head) else frame.head
    if not own and (caused := CAUSE_LEAD.match(frame.head)) and "điểm" not in sentence[hit.start:hit.end].lower() \
            and not junk(frame.head[caused.end():]):
        # "Giá xăng dầu giảm 2,3% làm chỉ số giá nhóm giao thông giảm 0,5%": what moved as a result
        # (not "làm CPI chung tăng 0,17 điểm phần trăm", the first one's contribution)
        own = frame.head[caused.end():]
    # "Lao động nữ chiếm 48,6% …", "khu vực ngoài nhà nước tăng 8,5%": a part that is the clause's own head
    part_head = frame.head if not own and frame.head and not junk(frame.head) and frame.cue else ""
    # "X chiếm Y% Z": Z is the whole X is a share of, never what is measured
    share_of = frame.cue.startswith("chiếm")
    noun_after = _NounAfter(sentence, hit, book, junk)
    # a fraction counts the noun after it ("20/27 chỉ tiêu") unless it is a rank ("xếp thứ 19/63");
    # a percentage with no governing word before it is "of" the noun after it ("nhập hơn 90% dầu")
    if hit.rule.kind == "fraction" and not RANK_BEFORE.search(sentence, max(0, hit.start - 25), hit.start):
        if noun_after.take(meaning, "counted_noun"):
            return None
    elif (hit.rule.kind == "percent" and own and not frame.cue and not lex.not_subject_at_start.match(trail)
          and noun_after.take(meaning, "noun_after")):
        return None
    if hit.rule.kind == "percent" and not own and (partitive := PARTITIVE.match(sentence, hit.end)):
        # "khoảng 80% trong số 500 doanh nghiệp được khảo sát": the share of those counted after it
        noun = subject_finder(book).after(sentence, hit.start, partitive.end())
        subject = with_predicate(noun, sentence, partitive.end(), book) if noun else ""
        if (said := clauses.REPORTING.search(subject)) and said.start() > len(noun):
            subject = subject[:said.start()].strip(" ,")  # "… được khảo sát cho biết doanh thu giảm"
        if subject != noun and not junk(subject):  # what of them is counted, not the whole alone
            meaning.subject, meaning.why["subject"] = subject, "partitive"
            return None
    denominator = lex.not_subject_at_start.match(trail)
    if denominator and not own and not share_of and not PLAN_AT_START.match(trail) and \
            (pred := predicate(book).match(sentence, frame.end + denominator.end())):
        # "95% dân số tham gia BHYT": not the denominator alone, what of it is counted
        words = " ".join(sentence[frame.end:pred.end()].split()[:14]).strip(" ,")
        meaning.subject, meaning.why["subject"] = words, "denominator_predicate"
        return None
    if not own and not share_of and DROPPED_NUMBER_WORD.match(trail) and \
            noun_after.take(meaning, "noun_after", need_predicate=True):
        # "100% số xã, phường, thị trấn có trạm y tế": what of the units is counted
        return None
    if own and PLAN_GIVEN.match(own):
        own = ""  # "đạt 53% dự toán Thủ tướng Chính phủ giao và 50% dự toán HĐND tỉnh": the plan, not the measured thing
    if own and own.lower() in derived(book, _bare_rates):
        # "Số người tham gia BHYT là 2.970.132 người, đạt tỷ lệ bao phủ 94,0% dân số": the rate word alone
        # names no measured thing; the count the sentence gave before it does
        parent, inherited = clauses.continued(frame, k, frames, sentence, cut, book)
        inherited = LEADING_QUALIFIERS.sub("", inherited or "")
        if inherited and not junk(inherited):
            meaning.subject, meaning.why["subject"] = f"{inherited} ({own})", "earlier_segment"
            return parent
    whose = done[k - 1].subject.partition(" của ")[2].split() if k else []
    if own and k and done[k - 1].subject and (ABOUT_LEAD.match(frame.pre(sentence)) or whose and whose[0].lower() ==
                                              own.split()[0].lower()) and \
            sentence[frames[k - 1].end:frame.seg_start].strip() in (",", ";"):
        # "tỷ lệ người dân hài lòng về thủ tục hành chính đạt 90%, về cán bộ công chức đạt 92%", "tỷ lệ hài lòng
        # của người bệnh nội trú đạt 96,2%, người bệnh ngoại trú đạt 93,8%": the same measure of another aspect or group
        base = ABOUT_SPLIT.split(done[k - 1].subject)[0]
        meaning.subject, meaning.why["subject"] = f"{base} ({own})", "aspect_of_previous"
        return k - 1
    if own and not lex.plan_words.match(own):
        total = _breakdown_total(k, frame, frames, done, sentence, scope, book)
        if total:  # "tỷ lệ có việc làm sau tốt nghiệp đạt 80,9% (trình độ cao đẳng 96,1%, …)"
            own += _item_number(own, sentence, sentence.rfind(own, 0, frame.start))  # "trong đó: mũi 1 đạt 98%"
            meaning.subject, meaning.why["subject"] = f"{total} ({own})", "breakdown_of_total"
        else:
            meaning.subject, meaning.why["subject"] = own, "own_clause"
        return None
    if not share_of and not lex.not_subject_at_start.match(trail) and noun_after.take(meaning, "noun_after"):
        return None
    if scope is not None and scope.last_subject and not k and ANAPHORIC.search(sentence, frame.seg_start, frame.start):
        # "Chỉ số này tăng 2,82% so với tháng 12/2024": what the sentence before last measured
        meaning.subject, meaning.why["subject"] = scope.last_subject, "anaphora"
        return None
    if hit.rule.kind == "percent" and frame.in_paren and not own and (
            counted := COUNT_BEFORE_PAREN.search(sentence, 0, hit.start)) and \
            not sentence[hit.end:(close := sentence.find(")", hit.end))].strip() and \
            (pred := predicate(book).match(sentence, close + 1)):
        # "và 550 xã (8,8%) đạt chuẩn nông thôn mới kiểu mẫu": the share of what the count did
        meaning.subject = f"{counted.group(1)} {' '.join(pred.group(1).split()[:12])}".strip(" ,")
        meaning.why["subject"] = "count_paren"
        return clauses.continued(frame, k, frames, sentence, cut, book)[0]
    if hit.rule.kind == "percent" and frame.in_paren and not own and (
            counted := COUNT_BEFORE_COMMA_PAREN.search(sentence, 0, hit.start)) and \
            vocabulary_rules.names_indicator(counted.group(1), book):
        # "10.600 hộ nghèo, chiếm tỷ lệ 2,63% và 10.461 hộ cận nghèo, (2,59%)": the share of the count just named
        meaning.subject, meaning.why["subject"] = counted.group(1), "count_paren"
        return clauses.continued(frame, k, frames, sentence, cut, book)[0]
    parent, inherited = clauses.continued(frame, k, frames, sentence, cut, book)
    if hit.rule.kind == "percent" and not own and (cop := COPULA_AFTER.match(sentence, frame.end)) \
            and not junk(cop.group(1).strip()):
        # "5.361 chủ thể OCOP; trong đó, có 38,1% là hợp tác xã, 24,2% là doanh nghiệp": what the share is
        meaning.subject, meaning.why["subject"] = cop.group(1).strip(), "copula_after"
        return parent
    if hit.rule.kind == "percent" and (pred := predicate(book).match(sentence, frame.end)):
        # "có 97% dân tham gia BHYT, hơn 74,5% được sử dụng nước hợp vệ sinh": what follows says what is counted
        meaning.subject = " ".join(pred.group(1).split()[:12]).strip(" ,")
        if grades := GRADE_LIST.match(sentence, pred.end()):
            meaning.subject += grades.group(0)
        meaning.why["subject"] = "predicate_after"
        return parent
    if part_head and parent is not None and parent < len(done) and done[parent].subject and not frame.in_paren:
        # "Tổng vốn đầu tư tăng 10%, trong đó vốn ngoài nhà nước tăng 12%": the whole and the part it
        # has its own verb for; "khu vực nhà nước tăng 3,1%, khu vực ngoài nhà nước tăng 8,5%": a sibling part
        whole = done[parent].subject
        sibling = done[parent].why.get("subject") in ("own_part", "part_sibling") or places.is_part(whole, book)
        # "học sinh đi học đúng độ tuổi ở bậc tiểu học" → "… đúng độ tuổi" (not "tốt nghiệp THPT": no part there)
        base = _without_part(whole, book) if getattr(done[parent], "area_part", "") else whole
        if sibling or junk(whole) or not base or base.lower() in part_head.lower():
            # "vốn khu vực nhà nước tăng 5%, vốn ngoài nhà nước tăng 12%": the part names itself in full
            meaning.subject, meaning.why["subject"] = part_head, "part_sibling"
        else:
            meaning.subject, meaning.why["subject"] = f"{base} ({part_head})", "part_of_parent"
        return parent
    if parent is not None and parent < len(done) and not junk(done[parent].subject):
        meaning.subject = done[parent].subject
        meaning.why["subject"] = f"continues:{sentence[frames[parent].start:frames[parent].end]}"
        return parent
    inherited = LEADING_QUALIFIERS.sub("", inherited or "")  # "còn gần 18.870 hộ nghèo": not "gần hộ nghèo"
    if inherited and k and len(done[k - 1].subject) > len(inherited) and done[k - 1].subject.endswith(inherited):
        # "720/786 thôn, làng, tổ dân phố đạt danh hiệu văn hóa, đạt 91,6%": the count before it, named in full
        meaning.subject, meaning.why["subject"] = done[k - 1].subject, "earlier_segment:in_full"
        return k - 1
    if inherited and not junk(inherited):
        meaning.subject, meaning.why["subject"] = inherited, "earlier_segment"
        return parent
    if part_head and not inherited and (share_of or scope is None or not scope.last_subject
                                        or not vocabulary_rules.is_breakdown(sentence, book)):
        # ("Trong đó, khối THPT đạt hơn 99%" breaks down the sentence before: what that measured)
        meaning.subject, meaning.why["subject"] = part_head, "own_part"
        return parent
    before, _ = subject_finder(book).find(sentence, hit.start, hit.end)
    if junk(before) or COMPARED_START.match(before) or vocabulary_rules.names_no_measure(before, book) or (
            TOTAL_AFTER.match(trail) and before and sentence.find(before, hit.end) >= 0):
        # "thấp hơn mức", "trung bình chung", "hệ THPT", the denominator after "33,05% tổng số hộ dân cư":
        # no measured thing; the indicator's words or the sentence before say it
        before = ""
    meaning.subject, meaning.why["subject"] = before, "matcher" if before else "none"
    return parent


PART_JOINERS = re.compile(r"(?:\s+(?:ở|tại|của|đối với|trong|thuộc)(?:\s+(?:bậc|cấp|khu vực|vùng|các))?|\s+(?:bậc|cấp|khu vực|vùng))+\s*$",
                          re.IGNORECASE)


def _without_part(subject: str, book: RuleBook) -> str:
    """The subject with the part it names removed ("rác thải … được thu gom, xử lý ở đô thị" → "rác thải …
    được thu gom, xử lý"); "" when nothing else is left."""
    compiled = derived(book, places._part_patterns)
    found = compiled.parts.search(subject.lower())
    if not found:
        return subject
    rest = PART_JOINERS.sub("", subject[:found.start()].rstrip(" ,(")).strip(" ,(")
    return rest if rest and not compiled.parts.search(rest.lower()) else ""


def with_about(meaning, sentence: str, hit, book: RuleBook) -> None:
    """"Tai nạn giao thông giảm 8% về số vụ, giảm 10% về số người chết": the words after the figure say
    what of the thing it measures."""
    about = derived(book, _about_after).match(sentence, hit.end)
    if not about or meaning.why.get("value_kind") == "vk.rank":
        return
    what = " ".join(about.group(1).split()[:8])
    subject = meaning.subject
    if subject and what.lower() in subject.lower():
        return
    meaning.subject = f"{subject} ({what})" if subject else what
    meaning.why["subject"] = "about_after"


def _about_after(book: RuleBook) -> re.Pattern:
    heads = book.cues.alternation("subject.about_heads")
    return re.compile(rf"\s+về\s+((?:{heads})(?![^\W\d_])(?:\s+(?!so\b|với\b|và\b|của\b|trong\b|năm\b|tháng\b)[^\W\d_]+)*)",
                      re.IGNORECASE)


BREAKDOWN_OPENING = re.compile(r":|(?<![^\W\d_])(?:trong đó|bao gồm|gồm|cụ thể)(?![^\W\d_])", re.IGNORECASE)
COUNTED_WHY = ("counted_noun", "noun_after", "earlier_segment", "count_paren", "continues")


def widen_to_whole(meaning, k: int, frame, frames, done: list, sentence: str, scope, book: RuleBook) -> None:
    """"…, trong đó: mầm non 105/178 trường, đạt 59%", "Trong đó, bậc học mầm non có 84 trường (52,2%)": a count
    of units in a breakdown counts what the total counted ("trường đạt chuẩn quốc gia"), not bare units."""
    words = meaning.subject.split()
    # ("Trong đó, 10.600 hộ nghèo, chiếm tỷ lệ 2,63%" after "Tỷ lệ nghèo đa chiều là 5,22%": its own indicator)
    if not words or len(words) > 5 or not meaning.why.get("subject", "").startswith(COUNTED_WHY) or \
            vocabulary_rules.names_indicator(" ".join(words[:-1]), book) or vocabulary_rules.names_indicator(meaning.subject, book):
        return
    marks = [m.start() for m in BREAKDOWN_OPENING.finditer(sentence, 0, frame.start)]
    before = [j for j in range(k) if marks and frames[j].end <= marks[-1]]
    if before:
        whole = done[before[-1]].subject
    elif scope is not None and scope.last_figure is not None and vocabulary_rules.is_breakdown(sentence, book):
        whole = scope.last_figure.subject
    else:
        return
    if len(whole.split()) > 1 and whole.split()[0].lower() == words[-1].lower():
        meaning.subject, meaning.why["subject"] = whole, "breakdown_count"


def widen_to_term(meaning) -> None:
    """"67/68 trường" after "số trường đạt chuẩn quốc gia": a bare counted noun is the indicator term
    that begins with it, as the sentence wrote it."""
    where, _, term = meaning.why.get("indicator", "").partition(":")
    noun = meaning.subject
    if (meaning.why.get("subject") in ("counted_noun", "noun_after") and where in ("clause", "sentence")
            and noun and len(noun.split()) <= 2 and term.lower().startswith(noun.lower() + " ")):
        meaning.subject, meaning.why["subject"] = term, "counted_noun:indicator_term"


def with_numbers(meaning, sentence: str, before: int | None = None) -> None:
    """"tiêm vaccine cho trẻ từ 1 – 10 tuổi", "vaccine Covid-19", "vào lớp 1": the numbers inside a
    subject are part of it (the word Matcher keeps words only); put them back as the sentence wrote them."""
    words = meaning.subject.split()
    at = sentence.rfind(meaning.subject, 0, before) if meaning.subject else -1  # the mention nearest before the figure
    if number := _item_number(meaning.subject, sentence, at):
        meaning.subject += number  # "tiêm mũi 3 đạt 75,6%": the dose's number is part of it
        return
    if at >= 0 and (code := CODE_TAIL.match(sentence, at + len(meaning.subject))):
        meaning.subject += code.group(0)  # "tiêm vắc xin COVID-19": the name's number, not cut off
        return
    if len(words) < 2 or meaning.subject in sentence:  # written as found: no number was left out
        return
    found = _spread(words, sentence)
    if found and len(found) > len(meaning.subject):
        meaning.subject = found + _item_number(found, sentence, sentence.rfind(found, 0, before))  # "… COVID-19 mũi 3"


def _item_number(phrase: str, sentence: str, at: int) -> str:
    """The number after `phrase` (written at `at` in the sentence) when its last word is one that numbers
    items ("mũi 3", "lớp 1"); "" otherwise."""
    if at < 0 or not phrase or phrase.split()[-1].lower() not in NUMBERED_WORDS:
        return ""
    number = TRAILING_NUMBER.match(sentence, at + len(phrase))
    return number.group(0) if number else ""


CODE_TAIL = re.compile(r"-\d{1,4}(?![\d,.%/])")
TRAILING_NUMBER = re.compile(r" \d{1,2}(?![\d,.%/])")
NUMBERED_WORDS = frozenset({"mũi", "liều", "lớp", "cấp", "độ", "nhóm", "loại", "hạng", "vùng", "quận", "phường"})
GAP = frozenset(" \t\n0123456789/–-")  # between two words of a subject: spaces, numbers, dashes (no decimal, no %)


def _spread(words: list[str], sentence: str) -> str:
    """The last stretch of `sentence` that has `words` in order with only GAP characters between them
    (a scan, not a regular expression: one would be compiled for every subject)."""
    last, start = "", sentence.find(words[0])
    while start >= 0:
        at = start + len(words[0])
        for word in words[1:]:
            gap_end = at
            while gap_end < len(sentence) and sentence[gap_end] in GAP:
                gap_end += 1
            # the longest gap after which the word follows ("15-60": the word may start with a dash)
            gap_end = next((j for j in range(gap_end, at, -1) if sentence.startswith(word, j)), 0)
            if not gap_end:
                break
            at = gap_end + len(word)
        else:
            last = sentence[start:at]
        start = sentence.find(words[0], start + 1)
    return last


def with_locative(meaning, sentence: str, before: int, book: RuleBook) -> None:
    """"Thu ngân sách trên địa bàn …", "Tổng sản phẩm trên địa bàn tỉnh (GRDP)": the locative is part of the
    name of some totals (before the acronym)."""
    subject, _, acronym = meaning.subject.partition(" (") if meaning.subject.endswith(")") else (meaning.subject, "", "")
    if not subject or not subject.lower().endswith(derived(book, _keeps_locative)):
        return
    at = sentence.rfind(subject, 0, before)
    if at >= 0 and (m := ON_AREA.match(sentence, at + len(subject))):
        meaning.subject = subject + m.group(0) + (f" ({acronym}" if acronym else "")


ON_AREA = re.compile(r"\s+trên địa bàn(?:\s+(?:tỉnh|thành phố|huyện|quận|thị xã))?(?![^\W\d_])", re.IGNORECASE)


def _bare_rates(book: RuleBook) -> frozenset:
    return frozenset(w.lower() for w in book.cues.words("subject.bare_rates"))


def _keeps_locative(book: RuleBook) -> tuple[str, ...]:
    return tuple(w.lower() for w in book.cues.words("subject.keeps_locative"))


def _breakdown_total(k: int, frame, frames, done: list, sentence: str, scope, book) -> str:
    """The subject of the total a short item breaks down: a bracket, "trong đó" or a colon after the
    first figure of its clause, or a "Trong đó, …" sentence after the figure before it. The item names
    a part, a level or a sector, not an indicator of its own (else it is measured for itself)."""
    own = frame.head
    if len(own.split()) > 5 or vocabulary_rules.names_indicator(own, book):
        return ""
    first = next((j for j in range(k) if frames[j].start >= frame.clause_start), None)  # the clause's first figure
    if first is not None and BREAKDOWN_MARK.search(sentence, frames[first].end, frame.seg_start):
        total = done[first].subject
    elif not k and scope is not None and scope.last_figure is not None and vocabulary_rules.is_breakdown(sentence, book):
        total = scope.last_figure.subject
    else:
        return ""
    return total if total and own.lower() not in total.lower() and not junk_subject(book)(total) else ""


class _NounAfter:
    """The noun phrase after a figure (spaCy Matcher over segmented words), found at most once."""

    def __init__(self, sentence: str, hit, book: RuleBook, junk):
        self.sentence, self.hit, self.book, self.junk, self._noun = sentence, hit, book, junk, None

    def take(self, meaning, why: str, need_predicate: bool = False) -> bool:
        """Make it the figure's subject (with its predicate) when there is one; a noun that names nothing
        by itself ("hộ", "tỉnh") only with the predicate that says what of it is counted ("55/63 tỉnh,
        thành phố đã ban hành kế hoạch", "1.250/1.300 hộ tham gia đóng góp")."""
        if self._noun is None:
            self._noun = subject_finder(self.book).after(self.sentence, self.hit.start, self.hit.end)
        if not self._noun:
            return False
        subject = with_predicate(self._noun, self.sentence, self.hit.end, self.book)
        words = subject[len(self._noun):]
        # ("38/63 tỉnh, thành phố có tốc độ tăng trưởng GRDP cao hơn …": units over a threshold of a rate, no count of a measure)
        predicated = bool(predicate(self.book).search(" " + words)) and not RATE_PREDICATE.search(words)
        if (self.junk(self._noun) or need_predicate) and not (predicated and not self.junk(subject)):
            return False
        meaning.subject = subject
        meaning.why["subject"], meaning.noun = why, self._noun
        return True
