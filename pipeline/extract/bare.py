"""Places named without their admin word: a district in a headline or a list item ("Chơn Thành: …",
"Gò Dầu 5/9 xã", "là Mường Nhé (35,2%)"), and a commune or ward in its district's article ("Địa phương có tỷ lệ
hộ nghèo cao nhất là Mỹ Đức chiếm 10,96%"), resolved in the gazetteer of the province or district."""
from __future__ import annotations

import re

import pipeline.extract.places as places
from pipeline.rules.areas import commune_named
from pipeline.rules.book import RuleBook


def bare_district(headline: str, places_in_body: list[places.Place], book: RuleBook | None = None, province: str = "") -> str:
    """A district the headline names without its admin word ("Di Linh phấn đấu …", "Chơn Thành: …")
    that the body names with it ("huyện Di Linh"); or, heading the headline before a colon ("Thới
    Bình: Công tác giảm nghèo …"), the one district of that name (in `province` when known)."""
    for p in places_in_body:
        if p.level == "district" and p.counts:
            name = places.name_of(p.area)
            if book is not None and book.gazetteer.canonical(name) in book.gazetteer.provinces:
                continue  # "Yên Bái: Giảm nghèo" names the province, not its city "TP Yên Bái" of the body
            if name and not name.isdigit() and re.search(rf"(?<![^\W\d_]){re.escape(name)}(?![^\W\d_])", headline):
                return p.area
    heading = re.match(r"\s*([^\W\d_][^:;,.()\d]{1,30}?)\s*:", headline)
    if book is None or heading is None or len(heading.group(1).split()) > 4:
        return ""
    found = districts_named(heading.group(1), book, province)  # "Hà Tĩnh: …" heads a province's news
    return found[0] if len(found) == 1 else ""


DISTRICT_ADMINS = ("huyện", "thị xã", "thành phố", "quận")


def districts_named(name: str, book: RuleBook, province: str = "", admins: tuple = DISTRICT_ADMINS) -> list[str]:
    """The districts called `name` without their admin word ("Gò Dầu" → ["huyện Gò Dầu"]), in
    `province` when given; none for a province's own name ("Hà Tĩnh" is the province, not its city)."""
    if book.gazetteer.canonical(name) in book.gazetteer.provinces:
        return []
    return [f"{admin} {name}" for admin in admins
            if (provs := book.gazetteer.district_provinces.get(f"{admin} {name}".lower())) and (not province or province in provs)]


def headline_district(headline: str, book: RuleBook, province: str = "") -> str:
    """The one district whose name, without its admin word, the headline writes ("… du lịch Hoàn Kiếm
    tăng 262,4%"), for an article whose body says "quận", "huyện" of it; names of one syllable and
    province names are too ambiguous to count."""
    found = set()
    for m in CAPITALISED_RUN.finditer(headline):
        words = m.group(0).split()
        for i in range(len(words)):
            for j in range(i + 2, min(len(words), i + 4) + 1):
                # no "thành phố": "Thái Bình" of a headline is the province, not its city
                found.update(districts_named(" ".join(words[i:j]), book, province, ("huyện", "thị xã", "quận")))
    return found.pop() if len(found) == 1 else ""


CAPITALISED_RUN = re.compile(rf"[{places.UPPER}][^\s,.:;!?()\"“”]*(?:\s+[{places.UPPER}][^\s,.:;!?()\"“”]*)+")


def bare_district_before(segment: str, book: RuleBook, province: str) -> str:
    """The district a list item names without its admin word right before its figure ("Gò Dầu 5/9 xã",
    "Tuyên Hóa: 4,5%", "như Mường Lát 85%", "tỷ lệ hộ nghèo của Quế Phong còn 20%"), when the article's
    province has one district of that name."""
    return _one_district(BARE_ITEM.fullmatch(segment), book, province) or \
        _one_district(BARE_TAIL.search(segment), book, province)


def bare_district_bracketed(before: str, book: RuleBook, province: str) -> str:
    """The district a list names without its admin word right before a bracketed figure ("là Mường Nhé
    (35,2%), Nậm Pồ (33,1%) và Tủa Chùa (28,4%)")."""
    return _one_district(BARE_BEFORE_PAREN.search(before), book, province)


def bare_district_subject(clause: str, book: RuleBook, province: str) -> str:
    """The district a clause opens on without its admin word, as its subject ("Si Ma Cai là địa phương có …")."""
    return _one_district(BARE_SUBJECT.match(clause), book, province)


def as_listed(district: str, before: str) -> str:
    """A bare district as the list it is in calls it: "Ngoài ra, các huyện khác …: Hòa Thành 6/8 xã" in 2016 is
    "huyện Hòa Thành", though the gazetteer knows it as the town it became ("thị xã Hòa Thành")."""
    heads = LIST_HEAD.findall(before)
    if not district or not heads or heads[-1].lower() != "huyện" or district.startswith("huyện "):
        return district
    return "huyện " + places.name_of(district)


# "các huyện", "những huyện", "03 huyện": a list of districts follows
LIST_HEAD = re.compile(r"(?<![^\W\d_])(?:các|những|\d+)\s+(huyện|thị xã|thành phố|quận)(?![^\W\d_])", re.IGNORECASE)


def _one_district(m: re.Match | None, book: RuleBook, province: str) -> str:
    if not m or not province or province not in book.gazetteer.provinces:
        return ""
    found = districts_named(m.group(1), book, province)
    return found[0] if len(found) == 1 else ""


BARE_NAME = rf"([{places.UPPER}][^\W\d_]*(?:\s+[{places.UPPER}][^\W\d_]*){{0,3}})"  # a name of up to four capitalised words
# "Mỹ Thắng thấp nhất với 1,02%": a superlative is the item's verb too
BARE_VERB = r"(?::|có|với|đạt|là|còn|chiếm|tăng|giảm|(?:cao|thấp) nhất(?:\s+(?:với|là))?)"
# "…, trong đó Ea Kly 1,5%, Ea Phê 1,8%": the list's first item after "trong đó"
BARE_ITEM = re.compile(rf"\s*[,;]?\s*(?:(?i:trong đó),?\s+)?(?:và\s+)?{BARE_NAME}\s*{BARE_VERB}?\s*")
# "… thấp như Mường Lát 85%", "tỷ lệ hộ nghèo của Quế Phong còn 20%": a bare name after a word that introduces it
BARE_TAIL = re.compile(rf"(?:^|(?<=[\s,:;(]))(?i:của|tại|ở|như|là|gồm)\s+{BARE_NAME}\s*{BARE_VERB}?\s*$")
BARE_BEFORE_PAREN = re.compile(rf"(?:^|[,;:]|(?<![^\W\d_])(?i:và|là|như|gồm|của|tại|ở))\s*{BARE_NAME}\s*$")
# "Trong đó, Si Ma Cai là địa phương có tỷ lệ hộ nghèo cao nhất, chiếm 33,05%": the district the clause is about
# ("Đơn Dương hiện có tỷ lệ hộ nghèo 1,2%": an adverb may come before its verb)
BARE_SUBJECT = re.compile(rf"\W*(?:(?i:trong đó|riêng|còn),?\s*)?{BARE_NAME}(?:\s+(?:(?:hiện|vẫn|đã|cũng)\s+)?(?:là|có)\s|\s*:\s)")  # "Bảo Lộc: Tỷ lệ …"


def bare_commune(segment: str, before_paren: str, district: str) -> str:
    """The commune, ward or township of the article's district that a list item names without its admin
    word ("Địa phương có tỷ lệ hộ nghèo cao nhất là Mỹ Đức chiếm 10,96%", "trong đó Ea Kly 1,5%", "cao là Hồ
    Xá (97,5%), Vĩnh Thái (96,2%)"); not the district's own name ("Phù Mỹ" of huyện Phù Mỹ is the district)."""
    for m in (BARE_BEFORE_PAREN.search(before_paren) if before_paren else None, BARE_ITEM.fullmatch(segment),
              BARE_TAIL.search(segment)):
        if m and m.group(1).lower() != places.name_of(district).lower() and (found := commune_named(district, m.group(1))):
            return found
    return ""
