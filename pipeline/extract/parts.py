"""Which part of its area a figure covers (area_part): a sub-area or sub-population named in its clause or
subject ("khu vực nông thôn", "thanh niên", "cấp huyện"), the units it counts, its age group, the part the sentence
or paragraph opened on, or the part of the figure it breaks down."""
from __future__ import annotations

import re

import pipeline.extract.places as places
import pipeline.extract.vocabulary as vocabulary_rules
from pipeline.extract.where import FIGURE, WHOLE_WORDS
from pipeline.rules.book import RuleBook, derived

# not a part of the breakdown after it, nor of the next clause ("chiếm 82% và tại khu vực nông thôn …")
COMPARED_WITH = re.compile(r"\bso với\b|\btrong đó\b|\briêng\b|[,;]|\s(?:và|còn|trong khi)\s", re.IGNORECASE)
OTHER_UNITS = re.compile(r"(?<![^\W\d_])(?:ở|tại|đối với)\s+(?:các\s+)?(?:xã|phường|huyện|quận|thôn|bản|ấp)\s*"
                         r"(?:đạt|là|còn|chiếm|có)?\s*$", re.IGNORECASE)
LOCATIVE = re.compile(r"\W*(?:tại|ở|đối với|riêng|trên địa bàn)\s", re.IGNORECASE)
LOCALITIES = re.compile(r"(?<![^\W\d_])(?:các|những|\d+|khối)\s+địa phương(?![^\W\d_])", re.IGNORECASE)  # localities, not "the" locality
COUNTED_PROVINCES = re.compile(r"\d+ tỉnh(?:, thành(?: phố)?)?$")
# a part made of places ("các xã vùng dân tộc thiểu số", "9 huyện miền núi", "vùng sâu, vùng xa"), not of a kind of people
PLACE_PART = re.compile(r"(?:các\s+|những\s+|\d+\s+)?(?:xã|huyện|quận|phường|thị xã|thị trấn|tỉnh|thôn|bản|ấp|vùng|địa phương)"
                        r"(?![^\W\d_])", re.IGNORECASE)




def settle(meaning, frame, parent, done, sentence: str, opening: str, scope, book: RuleBook) -> None:
    """The figure's area_part: its own words, its counted units, age group or population, the part the sentence or
    paragraph opened on, the figure it breaks down; none for a new place after a part made of places."""
    meaning.area_part = (counted_part(meaning, book) or part(frame, parent, done, sentence, meaning.subject, book)
                         or age_group(meaning, frame, sentence, book) or population(meaning, book))
    if qualification(meaning, book):
        meaning.area_part = ""  # "tuyển sinh trình độ cao đẳng đạt 104% kế hoạch": what is measured, not a part
    if not meaning.area_part and (framed := framed_part(meaning, frame, sentence, opening, scope)):
        # "Đối với cấp huyện, 100% hồ sơ … Tỷ lệ hồ sơ giải quyết đúng hạn đạt 99,2%": the part the sentence or
        # the paragraph opened on
        meaning.area_part, meaning.why["area_part"] = framed, "sentence_frame" if opening else "paragraph_frame"
    last = scope.last_figure
    if not meaning.area_part and parent is None and last is not None and last.area_part and \
            scope.last_figure_para == scope.para_index and last.indicator == meaning.indicator != "" and \
            last.area == meaning.area and vocabulary_rules.is_breakdown(sentence, book):
        # "Tỷ lệ hộ gia đình nông thôn được sử dụng nước sạch … là 60,2%. Trong đó, tỷ lệ … từ công trình cấp nước
        # tập trung là 25,2%": a breakdown of that figure covers its part
        meaning.area_part, meaning.why["area_part"] = last.area_part, "breakdown_of_previous"
    if meaning.area_part == "địa phương" and meaning.area != places.NATIONAL and not LOCALITIES.search(
            sentence, frame.clause_start, frame.trail_end):
        meaning.area_part = ""  # "địa phương phấn đấu giảm xuống dưới 8%" in a district's article: the district itself
    if parent is not None and meaning.why.get("area") in ("clause", "bare_district", "bare_commune") \
            and meaning.area != done[parent].area and (meaning.area_part == done[parent].area_part and (
                PLACE_PART.match(meaning.area_part) or meaning.area_part in book.areas.get("regions", ())) or (
                meaning.why["area"] != "clause" and places.COUNTED_UNITS.fullmatch(meaning.area_part))):
        # "vùng Đông Nam Bộ … 2,67%; TP HCM là 2,91%", "ở 9 huyện miền núi còn 18,5%; trong đó Nam Trà My 38,2%":
        # a new place, not the part before (a kind of people or area goes on: "… rác thải sinh hoạt đô thị …
        # 78%; trong đó, thành phố Bến Tre … 91%, tiếp theo là huyện Châu Thành đạt 75%": its towns too)
        meaning.area_part = ""
    if meaning.area_part in book.areas.get("regions", ()) and meaning.area_basis == "stated" \
            and meaning.area not in ("", places.NATIONAL):
        meaning.area_part = ""  # "… các tỉnh Tây Nguyên …; Kon Tum cao nhất với 14,3%": a region is no part of a province
    if (meaning.area_part in book.areas.get("regions", ()) or COUNTED_PROVINCES.match(meaning.area_part)) \
            and meaning.area_basis != "stated":  # a region, or "16 tỉnh có 100% số xã …": parts of the country
        meaning.area, meaning.area_basis, meaning.why["area"] = places.NATIONAL, "inherited", \
            "region" if meaning.area_part in book.areas.get("regions", ()) else "provinces_counted"


def part(frame, parent, done, sentence: str, subject: str, book) -> str:
    """The sub-area the figure covers: named in its own words (noun phrase, or just after it), else
    in its subject (a list item "dân số nông thôn …: 97%"), else the part of the figure it continues.
    A central body's figure covers that body ("Bộ Tư pháp (77,66%)", "khối tỉnh, thành đạt 18,54%")."""
    if body := frame.notes.get("national_body"):
        return book.gazetteer.national_blocks.get(body.lower(), body)
    start = frame.seg_start
    previous = sentence.rfind(",", 0, max(0, start - 1))
    if 0 < start - previous < 16 and not any(c.isdigit() for c in sentence[previous:start]):
        start = previous + 1
    trail = COMPARED_WITH.split(frame.trail(sentence)[:30], 1)[0]  # "cao hơn … so với khu vực nông thôn"
    # (a "còn" right before the figure is its verb: "khu vực đồng bằng còn 1,95%")
    pieces = re.split(r"\s(?:và|trong khi)\s|\scòn\s(?=\S)", sentence[start:frame.start])
    # "97% ở khu vực thành thị và 80% ở khu vực nông thôn": the next figure's words only
    joint = frame.start - len(pieces[-1])  # where the last "và" ends
    own_before = pieces[-1] if len(pieces) > 1 and (not pieces[-1].strip() or FIGURE.search(
        sentence, max(frame.clause_start, joint - 40), joint) and "(" not in sentence[joint - 40:joint]) \
        else sentence[start:frame.start]  # "… cấp huyện và 98,5% UBND cấp xã": its words follow it
    own = places.part_of(own_before + " " + trail, book, head=frame.head) or _bracketed_part(frame, sentence, book)
    if own:
        return own
    if WHOLE_WORDS.search(sentence[frame.seg_start:frame.start]):
        # "Ở khu vực nông thôn … đạt 60%, trong khi toàn tỉnh đạt 75%", "… thanh niên là 7,8%, trong khi tỷ lệ
        # chung là 2,3%": the whole, not the part of the subject or the figure before
        return ""
    if frame.in_paren and parent is not None and done[parent].area_part and \
            (item := _item_part(frame, sentence, book)) and item != done[parent].area_part:
        # "bậc học mầm non có 144 trường (52,2%), tiểu học có 208 trường (75,9%)": the next item's own level, not
        # the one of the subject it takes from the first
        return item
    if subject and (part := places.part_of(subject, book)):
        framing = places.part_of(sentence[frame.clause_start:start], book)
        if framing in derived(book, _part_names) and part not in places.part_of(sentence[frame.clause_start:frame.start], book):
            # "Ở khu vực thành thị, tỷ lệ này đạt 99,5%", "…; của UBND các huyện, thành phố đạt 66,2%": its clause's
            # part, not that of the measure it takes from elsewhere
            return framing
        if places.COUNTED_UNITS.fullmatch(framing) and places.part_of(framing.split(" ", 1)[1], book) == part:
            return framing  # "ở 2 huyện nghèo Mường Lát, Quan Sơn giảm còn 24,5%": the count says more
        return part
    item = sentence.rfind(";", 0, frame.start)
    if item > 0 and done and done[-1].area_part and \
            (item_part := places.part_of(sentence[item + 1:start], book)) in derived(book, _part_names) and \
            item_part != done[-1].area_part:
        # "doanh nghiệp trong nước … chiếm 60%; doanh nghiệp có vốn đầu tư nước ngoài …, giảm 3,1%, chiếm 40%": the list
        # item after the semicolon names its own part
        return item_part
    if done and done[-1].area_part and subject and len(subject) <= len(done[-1].subject) and \
            subject.lower() in done[-1].subject.lower() and BREAKDOWN_OF_PLACES.search(sentence, 0, frame.start):
        # "tỷ lệ thu gom rác thải sinh hoạt đô thị … đạt 78%; trong đó, thành phố Bến Tre có tỷ lệ thu gom cao nhất
        # đạt 91%": the same measure, shortened, for a place of the breakdown covers the same part
        return done[-1].area_part
    if OTHER_UNITS.search(own_before):
        return ""  # "tại các thị trấn đạt 97%, ở các xã đạt 68,5%": a division of its own, not the one before
    if parent is not None:
        # "…(chiếm tỷ lệ 55,1%); cấp THCS có 4.573 trường … (chiếm tỷ lệ 41,85%)": a clause of its own
        # that names a part is that part's, whatever the figure it continues covered
        if (clause_part := places.part_of(sentence[frame.clause_start:start], book)) and \
                (clause_part in derived(book, _part_names) or places.COUNTED_UNITS.fullmatch(clause_part)) and \
                frame.clause_start > 0 and \
                clause_part != done[parent].area_part:
            return clause_part
        return done[parent].area_part
    # a part set before the figure's clause ("Ở khu vực nông thôn, tỷ lệ … đạt 60%"), unless the
    # figure's own words say it is the whole ("toàn tỉnh", "chung")
    # (a share's whole after it is its denominator: "…, chiếm 60% kim ngạch xuất khẩu toàn tỉnh")
    if not WHOLE_WORDS.search(sentence[frame.seg_start:frame.start if frame.cue.endswith("chiếm") else frame.trail_end]):
        before = sentence[frame.clause_start:start]
        part = places.part_of(before, book, counted=bool(LOCATIVE.match(before)))  # "Tại 7 huyện nghèo, …"
        # one part, not several; or a count of units ("Tại 7 huyện nghèo, …")
        return part if part in derived(book, _part_names) or places.COUNTED_UNITS.fullmatch(part) else ""
    return ""


BREAKDOWN_OF_PLACES = re.compile(r"(?<![^\W\d_])(?:trong đó|cụ thể)(?![^\W\d_])", re.IGNORECASE)


def counted_part(meaning, book) -> str:
    """"4/13 sở, ngành đạt tỷ lệ trên 80%", "17/20 địa phương có …": the units a fraction counts are a part
    of the area when they are bodies or localities of it."""
    if meaning.why.get("subject") != "counted_noun" or not meaning.noun:
        return ""
    return book.gazetteer.head_parts.get(meaning.noun.strip().lower(), "")


def age_group(meaning, frame, sentence: str, book: RuleBook) -> str:
    """An age group the figure covers (rules/cues.toml [age_group]), in its clause or its subject,
    when the sentence breaks its figures down by age."""
    if "tuổi" not in sentence:
        return ""
    pattern = derived(book, _age_pattern)
    groups = {m.group(0).lower() for m in pattern.finditer(sentence)}
    if meaning.indicator in book.cues.words("age_group.not_for") and len(groups) < 3:
        # its own population is an age group ("lao động từ 15 tuổi trở lên"); only a breakdown into three or
        # more ("độ tuổi 15-24 … 25-49 … từ 50 tuổi trở lên") names parts
        return ""
    if len(groups) < 2 and not (meaning.indicator in book.cues.words("age_group.single_for")
                                and any(" từ " in f" {g}" for g in groups)):
        # one age group in the sentence is the population measured ("trẻ dưới 1 tuổi"), not a breakdown; a
        # cohort ("trẻ từ 12 - dưới 18 tuổi") of a measure of everyone is a part
        return ""
    for text in (sentence[frame.seg_start:frame.trail_end], meaning.subject, sentence[frame.clause_start:frame.start]):
        found = list(pattern.finditer(text))
        if found:
            return found[-1].group(0).strip()  # the nearest before the figure
    return ""


def population(meaning, book: RuleBook) -> str:
    """A population the subject names that is not the measure's own ("hộ nghèo" of "tỷ lệ hộ nghèo sử
    dụng nước sạch"), rules/cues.toml [population_part]."""
    if not meaning.indicator or meaning.indicator in book.cues.words("population_part.not_for"):
        return ""
    found = derived(book, _population_pattern).search(meaning.subject or "")
    return found.group(0) if found else ""


def _population_pattern(book: RuleBook) -> re.Pattern:
    words = book.cues.alternation("population_part.words")
    return re.compile(rf"(?<![^\W\d_])(?:{words})(?![^\W\d_])", re.IGNORECASE)


def _age_pattern(book: RuleBook) -> re.Pattern:
    who = book.cues.alternation("age_group.who")
    # "trẻ từ 5 đến dưới 12 tuổi", and "trẻ từ 12-18" with its "tuổi" left out after a who-word
    return re.compile(rf"(?<![^\W\d_])(?:(?:(?:{who})\s+)?(?:trong độ tuổi\s+|độ tuổi\s+)?(?:từ|dưới|trên)\s*\d{{1,2}}"
                      rf"(?:\s*(?:[-–]|đến)\s*(?:dưới\s*)?\d{{1,2}})?\s*tuổi(?:\s+trở lên)?"
                      rf"|(?:{who})\s+từ\s*\d{{1,2}}\s*(?:[-–]|đến)\s*(?:dưới\s*)?\d{{1,2}}(?![\d,.%]|\s*tháng)"
                      rf"|(?:trong\s+)?độ tuổi\s+\d{{1,2}}\s*(?:[-–]|đến)\s*\d{{1,2}}(?![\d,.%]|\s*tháng))(?![^\W\d_])",
                      re.IGNORECASE)


def _part_names(book: RuleBook) -> frozenset:
    return frozenset(c for _, c in book.gazetteer.parts)


# a bracketed figure right after a part it belongs to: "cao hơn nhiều so với nữ giới (59,4%)"
BEFORE_PAREN = re.compile(r"[,;(]|\bso với\b|\s(?:và|hơn|với)\s", re.IGNORECASE)


def _bracketed_part(frame, sentence: str, book) -> str:
    paren = sentence.rfind("(", 0, frame.start)
    if not frame.in_paren or paren < 0 or sentence[paren + 1:frame.start].strip():
        return ""
    tail = BEFORE_PAREN.split(sentence[max(0, paren - 40):paren])[-1]
    return places.part_of(tail, book) if places.is_part(tail, book) else ""


def _item_part(frame, sentence: str, book) -> str:
    """The part a list item names before the count its bracket restates ("tiểu học có 208 trường (")."""
    paren = sentence.rfind("(", 0, frame.start)
    item = re.split(r"[,;:]", sentence[max(0, paren - 80):paren])[-1] if paren >= 0 else ""
    return places.part_of(item, book) if item.strip() and not FIGURE.search(item) else ""


# a sentence that opens on a part: "Đối với khu vực thành thị, …", "Khu vực nông thôn: …", "Nếu tính riêng từng
# cấp, với cấp tỉnh, …", "Ở các xã vùng DTTS, …"; framed by a preposition or a colon, or by a word that names a
# division ("khu vực", "cấp", "vùng", "hệ", "bậc", "khối", "các"): not "Phụ nữ, trẻ em là đối tượng …"
# ("Riêng …" is an aside: that sentence only)
OPENING_WORDS = r"\W*(?:(?:nếu |còn )?tính riêng[^,:]{0,20},\s*)?(?:(?P<by>đối với|với|ở|tại|về|trong|trên|còn)\s+)?"
OPENING = re.compile(OPENING_WORDS + r"(?P<p>(?!riêng)[^,:;()%\d]{2,50}?)\s*(?:(?P<colon>:)|,|$)", re.IGNORECASE)
# … or a part whose name has a comma in it: "Ở vùng sâu, vùng xa, …", "Đối với các xã, thôn đặc biệt khó khăn, …"
OPENING_WIDER = re.compile(OPENING_WORDS + r"(?P<p>(?!riêng)[^,:;()%\d]{2,30}?,\s*[^,:;()%\d]{2,30}?)\s*(?:(?P<colon>:)|,|$)",
                           re.IGNORECASE)
OF_WHOLE = re.compile(r"\s+(?:của|trên địa bàn|toàn)\s+(?:tỉnh|thành phố|huyện|thị xã)(?:\s+ta|\s+nhà)?\s*$", re.IGNORECASE)
UNITS = re.compile(r"^\s*(?:các\s+)?(?:xã|huyện|thôn|bản|ấp)\s+(?=\S)", re.IGNORECASE)  # "các xã vùng đồng bào DTTS"
DIVISION = re.compile(r"(?:khu vực|cấp|vùng|hệ|bậc|khối|các)\s", re.IGNORECASE)
NOT_WHOLE = re.compile(r"(?<![^\W\d_])(?:cả tỉnh|cả thành phố|toàn thị xã|toàn xã)(?![^\W\d_])", re.IGNORECASE)


def opening_part(sentence: str, book) -> str:
    """The part a sentence's opening frames it in ("Đối với cấp huyện, …"): it governs the figures
    of the sentence, and of the paragraph after it, that name no part of their own."""
    for pattern in (OPENING, OPENING_WIDER):
        m = pattern.match(sentence)
        phrase = OF_WHOLE.sub("", m.group("p")) if m else ""  # "Đối với khu vực nông thôn của tỉnh, …"
        if m and places.is_part(UNITS.sub("", phrase), book) and (m.group("by") or m.group("colon") or DIVISION.match(phrase)):
            part = places.part_of(phrase, book, head=phrase)  # "Đối với các sở, ngành, …": a head-only part
            if part in derived(book, _part_names) or places.COUNTED_UNITS.fullmatch(part):
                return part
    return ""


def heading_part(line: str, book) -> str:
    """A line that is only a part: "Khu vực nông thôn:", "Về khu vực thành thị:", "a) Đối với cấp huyện"."""
    ends = [m.end() for pattern in (OPENING, OPENING_WIDER) if (m := pattern.match(line))]
    return opening_part(line, book) if ends and max(ends) >= len(line.rstrip(" :")) else ""


def stops_part(sentence: str) -> bool:
    """'Tính chung toàn tỉnh, …', 'chung cả tỉnh là 0,51%': the whole again, not the part set before."""
    return bool(WHOLE_WORDS.search(sentence) or NOT_WHOLE.search(sentence))


def framed_part(meaning, frame, sentence: str, opening: str, scope) -> str:
    """The part a figure with none of its own takes from its sentence's opening or the paragraph's
    (rules above), unless its own words or place say it is elsewhere or the whole."""
    if meaning.area_basis == "stated" and not meaning.why.get("area", "").startswith("whole_province"):
        return ""  # "Tại huyện Krông Bông, tỷ lệ này là 9%": a place of its own
    if opening:
        return "" if stops_part(sentence[frame.clause_start:frame.trail_end]) else opening
    if meaning.why.get("area", "").startswith(("whole_province", "whole_district")) or stops_part(sentence[:frame.trail_end]):
        return ""  # "Tỷ lệ hộ nghèo của tỉnh còn 2,5%" after the paragraph's part: the whole province's
    return scope.para_part


def qualification(meaning, book: RuleBook) -> bool:
    """Whether the figure's part is a qualification level of the training or trained labour it measures
    (rules/cues.toml [qualification_part]): then no part."""
    if meaning.area_part not in book.cues.words("qualification_part.levels"):
        return False
    # "Công tác tuyển sinh …", "tỉnh tuyển sinh, đào tạo nghề (trình độ cao đẳng, trung cấp)"
    subject = re.sub(r"^(?:(?:công tác|tỷ lệ|tỉ lệ|toàn tỉnh|tỉnh|thành phố)\s+)+", "", (meaning.subject or "").strip().lower())
    return meaning.indicator in book.cues.words("qualification_part.not_for") or \
        subject.startswith(book.cues.words("qualification_part.measures"))
