"""Where a figure applies: a place in its clause, the figure it continues, the sentence, a "whole
province/district" word, the paragraph, the district or province the article is about, the site's
home area; and the part of that area (or of its population) the figure covers."""
from __future__ import annotations

import re

import pipeline.extract.bare as bare
import pipeline.extract.places as places
from pipeline.extract.vocabulary import book_indicator

WHOLE_WORDS = re.compile(r"(?<![^\W\d_])(?:toàn tỉnh|toàn thành phố|toàn quốc|cả nước|chung|toàn vùng|toàn huyện|toàn thị xã|"
                         r"của tỉnh|của thành phố|của huyện)(?![^\W\d_])",
                         re.IGNORECASE)
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
