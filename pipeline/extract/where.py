"""Where a figure applies: a place in its clause, the figure it continues, the sentence, a "whole
province/district" word, the paragraph, the district or province the article is about, the site's
home area; and the part of that area (or of its population) the figure covers."""
from __future__ import annotations

import re

import pipeline.extract.bare as bare
import pipeline.extract.places as places
from pipeline.extract.vocabulary import book_indicator
from pipeline.rules.book import RuleBook, derived

WHOLE_WORDS = re.compile(r"(?<![^\W\d_])(?:toàn tỉnh|toàn thành phố|toàn quốc|cả nước|chung|toàn vùng|toàn huyện)(?![^\W\d_])",
                         re.IGNORECASE)
# not a part of the breakdown after it, nor of the next clause ("chiếm 82% và tại khu vực nông thôn …")
COMPARED_WITH = re.compile(r"\bso với\b|\btrong đó\b|\briêng\b|[,;]|\s(?:và|còn|trong khi)\s", re.IGNORECASE)
PLACE_THEN_PAREN = re.compile(r"\s*\(\s*")  # "Lào Cai (43,45%)"
PLACE_THEN_VALUE = re.compile(r"\s*(?:là|:)?\s*")  # "so với bình quân cả nước 95%", "so với cả nước là 2,9%"
FIGURE = re.compile(r"\d\s*%|\d/\d")  # another figure between a body and this one: the body is that figure's
BODY_REACH = 60  # a body named further before the figure than this is not what it measures
REPORTS = places.REPORTS  # "Bộ Y tế cho biết, …": the body reports the figure
# "Theo Bộ …", "số liệu của Bộ …" report a figure; "tỷ lệ của khối tỉnh, thành phố" is the block's own
REPORTED_BY = re.compile(r"(?<![^\W\d_])(?:(?:theo|từ)(?:\s+(?:báo cáo|số liệu|thống kê))?(?:\s+của)?|"
                         r"(?:báo cáo|số liệu|thống kê|thông tin|công bố)\s+của)\s*$", re.IGNORECASE)
GIVEN_BY = re.compile(r"\s+(?:giao|đề ra|phê duyệt|ban hành)(?![^\W\d_])", re.IGNORECASE)  # "kế hoạch Bộ Y tế giao"
# "so với cả nước (5,05%)", "bình quân cả nước (8%)", "mức tăng chung của cả nước (5,05%)" (not a rank: "đứng thứ 3 cả nước")
NATION_COMPARED = re.compile(r"(?<![^\W\d_])(?:so với|cao hơn|thấp hơn|bình quân|trung bình|mức chung|chung)(?![^\W\d_])"
                             r"[^,;.()%\d]{0,30}$", re.IGNORECASE)
OTHER_UNITS = re.compile(r"(?<![^\W\d_])(?:ở|tại|đối với)\s+(?:các\s+)?(?:xã|phường|huyện|quận|thôn|bản|ấp)\s*"
                         r"(?:đạt|là|còn|chiếm|có)?\s*$", re.IGNORECASE)
LOCATIVE = re.compile(r"\W*(?:tại|ở|đối với|riêng|trên địa bàn)\s", re.IGNORECASE)


def area(meaning, frame, done, parent, found, sentence: str, scope, book) -> None:
    """Where: a place in the clause, the figure it continues, the sentence, a 'whole province' word,
    the paragraph, the article, the site's home area."""
    usable = [p for p in found if p.counts]
    own_before = [p for p in usable if frame.seg_start <= p.start < frame.start and p.level != "whole"]
    own_after = [p for p in usable if frame.end <= p.start < frame.trail_end and p.level != "whole"]
    bracketed = [p for p in usable if p.level != "whole" and PLACE_THEN_PAREN.fullmatch(sentence, p.end, frame.start)] \
        if frame.in_paren and not own_before else []
    compared = [p for p in found if not p.counts and p.level == "national" and not own_before
                and (PLACE_THEN_PAREN.fullmatch(sentence, p.end, frame.start) if frame.in_paren
                     else PLACE_THEN_VALUE.fullmatch(sentence, p.end, frame.start) and (
                         sentence[p.end:frame.start].strip() or _level_compared(sentence, p.start, frame)))
                and NATION_COMPARED.search(sentence, max(0, p.start - 50), p.start)]
    if compared and not bracketed:
        # "cao hơn mức tăng chung của cả nước (5,05%)", "thấp hơn so với bình quân cả nước 95%": the nation's
        # figure it is compared with
        meaning.area, meaning.area_basis, meaning.why["area"] = places.NATIONAL, "stated", "bracket_after_place"
        return
    if bracketed:
        # "gồm: Phú Thọ (44,39%), Lào Cai (43,45%), …": the figure in brackets is the place's just before it
        meaning.area, meaning.area_basis, meaning.why["area"] = bracketed[-1].area, "stated", "bracket_after_place"
        return
    if own_before or own_after:
        place = _qualified(own_before[-1] if own_before else own_after[0], usable, sentence)
        meaning.area, meaning.area_basis, meaning.why["area"] = place.area, "stated", "clause"
        return
    province = scope.doc_province or scope.home_area
    paren = sentence.rfind("(", 0, frame.start) if frame.in_paren and not own_before else -1
    if paren >= 0 and not sentence[paren + 1:frame.start].strip() and (
            district := bare.bare_district_bracketed(sentence[max(0, paren - 60):paren], book, province)):
        # "Các huyện … là Mường Nhé (35,2%), Nậm Pồ (33,1%)": the bare district just before the bracket
        meaning.area, meaning.area_basis, meaning.why["area"] = bare.as_listed(district, sentence[:frame.start]), \
            "stated", "bracket_after_place"
        return
    subject = bare.bare_district_subject(sentence[:frame.start], book, province)
    # (the subject governs the sentence's later figures too: "Hương Khê hiện có 21/21 xã …; tỷ lệ hộ nghèo còn 4,9%")
    if district := (bare.bare_district_before(sentence[frame.seg_start:frame.start], book, province) or (
            subject if not FIGURE.search(sentence, 0, frame.start) or all(m.area == subject for m in done) else "")):
        # "… đó là: Hòa Thành 6/8 xã, Gò Dầu 5/9 xã": a list item named by its district alone
        meaning.area, meaning.area_basis, meaning.why["area"] = bare.as_listed(district, sentence[:frame.start]), \
            "stated", "bare_district"
        return
    bracket = sentence[max(0, paren - 60):paren] if paren >= 0 and not sentence[paren + 1:frame.start].strip() else ""
    if (district := scope.doc_district or scope.last_district) and (
            commune := bare.bare_commune(sentence[frame.seg_start:frame.start], bracket, district)):
        # "Tỷ lệ hộ nghèo của huyện Phù Mỹ còn 4,2%. Địa phương … cao nhất là Mỹ Đức chiếm 10,96%": its commune
        meaning.area, meaning.area_basis, meaning.why["area"] = commune, "stated", "bare_commune"
        return
    reach = min(frame.clause_start, max(0, frame.start - BODY_REACH - 25))  # "khối tỉnh, thành phố là": past its comma
    before = sentence[reach:frame.start].lower()
    body = next(reversed(list(book.gazetteer.national_body.finditer(sentence, reach, frame.start))), None) \
        if any(a in before for a in book.gazetteer.national_body_anchors) else None  # no body's first word: no regex
    if body and frame.start - body.end() <= BODY_REACH and not GIVEN_BY.match(sentence, body.end()) \
            and not REPORTS.search(sentence, body.end(), frame.start) and not REPORTED_BY.search(sentence, 0, body.start()) \
            and not FIGURE.search(sentence, body.end(), frame.start):
        # "Bộ Tài chính (78,44%)", "khối bộ, ngành đạt 63,47%": a central body's figure is the country's
        meaning.area, meaning.area_basis, meaning.why["area"] = places.NATIONAL, "stated", "national_body"
        frame.notes["national_body"] = body.group(0)
        return
    wholes = [p for p in usable if frame.seg_start <= p.start < frame.trail_end and p.level == "whole"]
    named = [p for p in usable if p.end <= frame.start and p.level == "province"] \
        if wholes and wholes[-1].of == "province" else []
    if named:  # "Tại Hà Giang, ông …, cho biết tỷ lệ đỗ của toàn tỉnh là 71,96%": the province just named
        meaning.area, meaning.area_basis, meaning.why["area"] = named[-1].area, "stated", "whole_of_named"
        return
    if wholes and whole(meaning, scope, "stated", wholes[-1].of, sentence[wholes[-1].start:wholes[-1].end]):
        return
    in_clause = [p for p in usable if frame.clause_start <= p.start and p.end <= frame.start and p.level != "whole"]
    if parent is not None and in_clause and not FIGURE.search(sentence, in_clause[-1].end, frame.start):
        # "…, tỷ lệ hộ nghèo còn 12%; tại huyện Krông Bông, tỷ lệ này là 9%": the clause's own place, not the
        # one of the figure it continues
        meaning.area, meaning.area_basis, meaning.why["area"] = _qualified(in_clause[-1], usable, sentence).area, \
            "stated", "clause"
        return
    compared_nation = parent is not None and done[parent].area == places.NATIONAL and \
        done[parent].why.get("area") == "bracket_after_place" and not frame.in_paren
    # "… cao hơn bình quân cả nước (5,05%), đứng thứ 5/63 tỉnh": the nation's bracket is only what it is compared with
    if parent is not None and done[parent].area and done[parent].area_basis != "source" and not compared_nation:
        meaning.area, meaning.area_basis, meaning.why["area"] = done[parent].area, "inherited", "continues"
        return
    earlier = [p for p in usable if p.end <= frame.start and p.level != "whole"]
    if any(not p.counts and p.level in ("district", "commune") and frame.clause_start <= p.start < frame.start for p in found):
        # "…, thị trấn Lao Bảo 3,4%; các xã Hướng Lập, Hướng Việt có tỷ lệ trên 50%": its own several units, not the
        # place of the clause before
        earlier = [p for p in earlier if p.start >= frame.clause_start]
    if earlier:
        in_clause = earlier[-1].start >= frame.clause_start
        meaning.area = _qualified(earlier[-1], usable, sentence).area
        meaning.area_basis = "stated" if in_clause else "inherited"
        meaning.why["area"] = "clause" if in_clause else "sentence"
        return
    wholes = [p for p in usable if p.level == "whole"]
    if wholes and whole(meaning, scope, "inherited", wholes[-1].of, sentence[wholes[-1].start:wholes[-1].end]):
        return
    if not wholes and places.told_by_nation(sentence, frame.start, book):
        # "Theo Tổng cục Thống kê, lực lượng lao động … tăng 0,9%" under "Thu nhập của người Hà Nội …": the country's
        meaning.area, meaning.area_basis, meaning.why["area"] = places.NATIONAL, "inherited", "national_teller"
        return
    last = scope.last_figure
    if (meaning.why.get("subject") == "anaphora" or meaning.why.get("indicator") == "looks_back") and last is not None \
            and last.area and last.area_basis != "source":
        # "Đến cuối năm 2024, tỷ lệ này chỉ đạt 45,8%": where the figure it refers back to is
        meaning.area, meaning.area_basis, meaning.why["area"] = last.area, "inherited", "looks_back"
        return
    # a district article: its figures are the district's, even where a paragraph names the province it is in
    para = scope.para_area if scope.para_framed or not (scope.doc_district and scope.para_area == scope.doc_province) \
        else ""
    for inherited, why in ((para, "paragraph"), (scope.doc_district, "district_of_article"),
                           (scope.doc_area, scope.doc_why or "article")):
        if inherited:
            meaning.area, meaning.area_basis, meaning.why["area"] = inherited, "inherited", why
            return
    indicator = book_indicator(book, meaning.indicator)
    if indicator is not None and indicator.national:
        meaning.area, meaning.area_basis, meaning.why["area"] = places.NATIONAL, "inherited", "national_indicator"
    elif scope.home_area:
        meaning.area, meaning.area_basis, meaning.why["area"] = scope.home_area, "source", "home_area"
    elif not scope.doc_province and not wholes:
        # no province named anywhere and a site of no known home: national news (but "toàn tỉnh" says a
        # province, one this article does not name: no area rather than the country's)
        meaning.area, meaning.area_basis, meaning.why["area"] = places.NATIONAL, "inherited", "no_province_named"
    else:
        meaning.why["area"] = "none"


def _level_compared(sentence: str, place_start: int, frame) -> bool:
    """"thấp hơn nhiều so với bình quân cả nước 95%": the nation's level; not the gap "thấp hơn bình quân cả nước 7
    điểm phần trăm" (a gap is said without "so với", or in points)."""
    return "so với" in sentence[max(0, place_start - 40):place_start].lower() and "điểm" not in sentence[frame.start:frame.end]


def _qualified(place, found: list, sentence: str):
    """'huyện Mường Tè (Lai Châu)', 'thị xã Sa Pa (Lào Cai)': the bracketed province only says where
    the district is; the district is the area."""
    lower = {"province": ("district", "commune"), "national": ("district", "commune"), "district": ("commune",)}
    if place.level not in lower:
        return place
    for q in found:
        # "xã Tà Xùa, huyện Bắc Yên", "huyện Con Cuông, tỉnh Nghệ An", "Xã Ea Tu (TP Buôn Ma Thuột)"
        if q.level in lower[place.level] and q.end <= place.start and sentence[q.end:place.start].strip() in ("(", ","):
            return _qualified(q, found, sentence) if q.level != "commune" else q
    return place


def whole(meaning, scope, basis: str, of: str = "province", word: str = "") -> bool:
    """'toàn tỉnh', 'thành phố': the article's province, else the site's when it is a province;
    'toàn huyện': the district the article is about; 'toàn thành phố' in an article about a
    district-level city ("UBND TP Đà Lạt cho biết …"): that city."""
    if "thành phố" in word.lower() and scope.doc_district.lower().startswith("thành phố "):
        of = "district"
    if of == "district":
        # the district named last ("Huyện Duy Tiên có 16/16 xã … Tỉ lệ hộ nghèo của huyện còn 1,41%"), else the article's
        district = scope.last_district or scope.doc_district
        if district:
            meaning.area, meaning.area_basis, meaning.why["area"] = district, "inherited", "whole_district"
            return True
        return False
    if scope.section_area and scope.section_area != places.NATIONAL:
        meaning.area, meaning.area_basis, meaning.why["area"] = scope.section_area, "inherited", "whole_province:section"
        return True
    if scope.doc_province:
        meaning.area, meaning.area_basis, meaning.why["area"] = scope.doc_province, "inherited", "whole_province"
        return True
    if scope.home_area and scope.home_area != places.NATIONAL:
        meaning.area, meaning.area_basis, meaning.why["area"] = scope.home_area, "source", "whole_province:home_area"
        return True
    return False


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
    if not WHOLE_WORDS.search(sentence[frame.seg_start:frame.trail_end]):
        before = sentence[frame.clause_start:start]
        part = places.part_of(before, book, counted=bool(LOCATIVE.match(before)))  # "Tại 7 huyện nghèo, …"
        # one part, not several; or a count of units ("Tại 7 huyện nghèo, …")
        return part if part in derived(book, _part_names) or places.COUNTED_UNITS.fullmatch(part) else ""
    return ""


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
