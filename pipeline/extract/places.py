"""Place mentions in a sentence and the area a figure applies to: stated in its clause, inherited
from the sentence, paragraph, headline or lead, or the site's home area as a last resort."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.extract.phrases import PhraseIndex
from pipeline.rules.areas import NATIONAL, Gazetteer, commune_known
from pipeline.rules.book import RuleBook, derived
from pipeline.rules.cues import alternation

UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
NAME = rf"[{UPPER}][^\W\d_]*(?:['’][^\W\d_]+)?(?:(?:\s|-(?=[{UPPER}]))[{UPPER}][^\W\d_]*(?:['’][^\W\d_]+)?){{0,3}}"  # "Cư M'gar", "Phan Rang-Tháp Chàm"
# "đứng thứ 3 cả nước", and a rank written as a count of all provinces ("xếp 9/63 tỉnh, thành phố")
RANK_BEFORE = re.compile(r"(?:đứng|xếp|vị trí|hạng)\s+(?:thứ\s+|hạng\s+)?(?:\S+\s+(?:trong\s+|của\s+|toàn\s+|so với\s+)?)?$",
                         re.IGNORECASE)
PLURAL_BEFORE = re.compile(r"(?:(?<![^\W\d_])(?:các|những|nhiều|một số|mọi|cấp)|(?<![\d.,/])\d{1,3}|\d+/\d+)\s+$",
                           re.IGNORECASE)
# "Hà Nội (TTXVN) – …", "Sơn La, ngày 5/10 (VOV) - …", "Hà Nội, 5/10 – …": where the agency filed from, not
# where its figures apply
DATELINE = re.compile(rf"^\s*{NAME}\s*(?:(?:,\s*(?:ngày\s*)?\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?\s*)?\([^()]{{2,40}}\)"
                      rf"|,\s*(?:ngày\s*)?\d{{1,2}}/\d{{1,2}}(?:/\d{{2,4}})?)\s*[-–—]\s*")
NEXT_WORD = re.compile(rf" ([{UPPER}][^\W\d_]*)")
CAPTION = re.compile(r"^.*(?:\(Ảnh|Ảnh:|Nguồn ảnh|Ảnh minh họa|\(Ảnh minh họa).*$", re.MULTILINE)
PROVINCE_LEVEL = ("province", "national")
# "tiền gửi Việt Nam đồng": the currency; "chiếm 11,3% giá trị xuất khẩu của cả nước": the nation is the
# whole the share is of; "xếp thứ 17/63 địa phương (cả nước)": a rank among the provinces
CURRENCY = re.compile(r"\s+đồng(?![^\W\d_])", re.IGNORECASE)
# "chiếm 17% tổng vốn đầu tư cả nước", "bằng 19,9% cả nước", "đạt khoảng 1/3 thu ngân sách cả nước": a share of the nation's
SHARE_OF_NATION = re.compile(r"(?:chiếm|bằng|đạt)\s+(?:tỷ lệ\s+|khoảng\s+|gần\s+|hơn\s+|trên\s+)*(?:[\d.,]+\s?%|\d+/\d+)"
                             r"[^,;.%]{0,45}$", re.IGNORECASE)
RANK_COUNT = re.compile(r"(?:thứ|hạng|vị trí)\s+(?:\d{1,2}/\d{2}\s+(?:[^\W\d_]+[\s,]+){0,4})?$", re.IGNORECASE)
# "tỷ lệ thu gom … bình quân của tỉnh đạt 78%": the average of the whole is the whole's figure (not so after
# a comparison: "cao hơn bình quân của tỉnh", "gấp gần 2 lần mức bình quân chung cả nước")
AVERAGE_OF_WHOLE = re.compile(r"(?<![^\W\d_])(?:bình quân|trung bình)(?:\s+chung)?\s*$", re.IGNORECASE)
AVERAGE_COMPARED = re.compile(r"(?<![^\W\d_])(?:so với|hơn|vượt|bằng|với|lần|gấp đôi)\s+(?:mức\s+)?(?:bình quân|trung bình)(?:\s+chung)?\s*$",
                              re.IGNORECASE)
# "đạt 121% so với dự toán tỉnh giao": the province assigns the plan; it is not where the figure applies
ASSIGNS = re.compile(r"\s+(?:giao|đã giao|đề ra|đặt ra)(?![^\W\d_])", re.IGNORECASE)
# "tại hai huyện Trạm Tấu và Mù Cang Chải": several districts are a part of the province, not its area
SEVERAL_BEFORE = re.compile(r"(?:(?<![^\W\d_])(?:các|những|hai|ba|bốn|năm)|(?<![\d.,/])\d{1,3})\s+$", re.IGNORECASE)  # not "năm 2023 huyện …"
# "giảm gấp 2,08 lần so với mục tiêu giảm nghèo của cả nước": the place compared with is not the figure's
# (but "tăng so với cùng kỳ năm trước như Hải Phòng tăng 11%": an example of the places that rose)
COMPARED = re.compile(r"(?<![^\W\d_])(?:so với|gấp|cao hơn|thấp hơn|nhanh hơn|chậm hơn)(?![^\W\d_])(?:(?!(?<![^\W\d_])(?:như|là|tại|ở|gồm|có)(?![^\W\d_]))"
                      r"[^,;.()\d%]){0,60}$", re.IGNORECASE)
# cheap substring checks before the regexes that need them (lower-cased)
NATIONAL_KEYS = ("cả nước", "toàn quốc", "việt nam")
ADMIN_KEYS = ("tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã ", "phường", "thị trấn", "tp", "tx", "thủ đô", "địa bàn",
              "h.", "q.", "p.", "x.")
LEVEL_OF_ADMIN = {"huyện": "district", "quận": "district", "thị xã": "district", "thành phố": "district",
                  "tp": "district", "tp.": "district", "tx": "district", "tx.": "district", "xã": "commune",
                  "phường": "commune", "thị trấn": "commune", "tỉnh": "province", "h.": "district", "q.": "district",
                  "p.": "commune", "x.": "commune", "huyện đảo": "district", "thành phố đảo": "district"}
ADMIN_LABEL = {"tp": "thành phố", "tp.": "thành phố", "tx": "thị xã", "tx.": "thị xã", "h.": "huyện", "q.": "quận",
               "p.": "phường", "x.": "xã", "huyện đảo": "huyện", "thành phố đảo": "thành phố",  # "huyện đảo Lý Sơn"
               # a party committee names its unit: "Huyện ủy Long Hồ" is of huyện Long Hồ
               "huyện ủy": "huyện", "huyện uỷ": "huyện", "quận ủy": "quận", "quận uỷ": "quận", "thị ủy": "thị xã",
               "thị uỷ": "thị xã", "tỉnh ủy": "tỉnh", "tỉnh uỷ": "tỉnh", "thành ủy": "thành phố", "thành uỷ": "thành phố"}
NUMBERED = ("quận", "phường", "q.", "p.")  # "quận 12", "phường 5", "Q.1" (TP Hồ Chí Minh)
ABBREVIATED = ("h.", "q.", "p.", "x.")  # "H.Củ Chi": only a unit the gazetteer knows (not "8h. Tại …", "ông H. Minh")


@dataclass(frozen=True, slots=True)
class Place:
    """A place word in a sentence: the area it names ("" for a "whole province" word) and its level."""

    start: int
    end: int
    area: str
    level: str  # national | province | district | commune | whole
    counts: bool  # False when it does not say where a figure applies (a ranking, a denominator)
    of: str = "province"  # for a "whole" word: the whole of what ("toàn tỉnh": province, "toàn huyện": district)


@dataclass(frozen=True)
class PlaceFinder:
    gazetteer: Gazetteer
    names: PhraseIndex  # the gazetteer's proper names, case-sensitive
    national: re.Pattern
    admin: re.Pattern
    whole: re.Pattern  # group "d": a district's whole ("toàn huyện")
    not_before: re.Pattern
    lower_names: dict
    national_counts: re.Pattern
    of_organisation: re.Pattern  # "Bảo hiểm xã hội Việt Nam": the country in a body's name

    def find(self, text: str) -> list[Place]:
        """Every place word of `text`, longest first where they overlap, in text order."""
        found: list[tuple[int, int, str, str]] = []
        lowered = text.lower()
        for at, name in self.names.finditer(text, longest_only=True):
            area = self.gazetteer.canonical(name)
            longer = NEXT_WORD.match(text, at + len(name))
            if longer and any(f"{admin} {name} {longer.group(1)}".lower() in self.gazetteer.districts
                              for admin in ("huyện", "thành phố", "thị xã", "quận")):
                continue  # "Điện Biên Đông", "Điện Biên Phủ": a district whose name starts with the province's
            found.append((at, at + len(name), area, "national" if area == NATIONAL else "province"))
        if any(k in lowered for k in NATIONAL_KEYS):
            for m in self.national.finditer(text):
                found.append((m.start(), m.end(), NATIONAL, "national"))
        if any(k in lowered for k in ADMIN_KEYS):
            for m in self.admin.finditer(text):
                area, level = self._admin_area(m.group("admin"), m.group("name"))
                if level != "none":
                    found.append((m.start(), m.end(), area, level))
            for m in self.whole.finditer(text):  # one pass for both: group "d" is a district's whole
                if not PLURAL_BEFORE.search(text, max(0, m.start() - 12), m.start()):
                    found.append((m.start(), m.end(), "", "whole_district" if m.group("d") else "whole"))
        if "/" in text or "63" in text or "34" in text:
            for m in self.national_counts.finditer(text):
                found.append((m.start(), m.end(), NATIONAL, "national"))
        found.sort(key=lambda f: (f[0], -(f[1] - f[0])))
        places, last_end = [], -1
        for start, end, area, level in found:
            if start < last_end:
                continue
            before = text[max(0, start - 30):start]
            # "bình quân cả nước đạt 93,35%", "dân số trung bình cả nước": the nation's own average
            average = level in ("whole", "whole_district", "national") and AVERAGE_OF_WHOLE.search(before) \
                and not AVERAGE_COMPARED.search(before)
            counts = not ((self.not_before.search(before) and not average) or RANK_BEFORE.search(before)
                          or (level in ("whole", "whole_district") and ASSIGNS.match(text, end))
                          or (level == "national" and COMPARED.search(text, max(0, start - 75), start))
                          or (level == "national" and (self.of_organisation.search(before) or CURRENCY.match(text, end)
                                                       or SHARE_OF_NATION.search(text, max(0, start - 60), start)
                                                       or RANK_COUNT.search(before)))
                          or (level in ("district", "commune") and SEVERAL_BEFORE.search(before)))
            if level == "whole_district":
                places.append(Place(start, end, "", "whole", counts, of="district"))
            else:
                places.append(Place(start, end, area, level, counts))
            last_end = end
        return places

    def _admin_area(self, admin: str, name: str) -> tuple[str, str]:
        admin_l = admin.lower()
        admin_l = ADMIN_LABEL.get(admin_l, admin_l) if admin_l.endswith(("ủy", "uỷ")) else admin_l
        if name.isdigit() and admin_l not in NUMBERED:
            return "", "none"
        name = self._known_prefix(admin_l, name.replace("’", "'"))
        canonical = self.gazetteer.names.get(name) or self.lower_names.get(name.lower())
        if canonical and admin_l in ("tp", "tp.", "thành phố") and f"thành phố {name}".lower() in self.gazetteer.districts:
            return f"thành phố {name}", "district"  # "thành phố Bến Tre": the province's city, not the province
        if canonical and admin_l in ("tỉnh", "thành phố", "tp", "tp."):
            return canonical, "national" if canonical == NATIONAL else "province"
        if admin_l == "tỉnh" or (name.isupper() and len(name) > 1):
            return "", "none"  # "UBND tỉnh Trần Văn Lâu": a person; "huyện NTM": an acronym (every province is known)
        label = ADMIN_LABEL.get(admin_l, admin_l)
        if label == "thành phố" and not any(f"{a} {name}".lower() in self.gazetteer.districts for a in ("thành phố", "thị xã")):
            # "UBND thành phố Nguyễn Ngọc Tuấn": a person; "thành phố Phú Mỹ": a town the gazetteer has as "thị xã"
            return "", "none"
        if admin_l in ABBREVIATED and not (f"{label} {name}".lower() in self.gazetteer.districts or commune_known(f"{label} {name}")):
            return "", "none"
        return f"{label} {name}", LEVEL_OF_ADMIN.get(admin_l, "district")


    def _known_prefix(self, admin_l: str, name: str) -> str:
        """The leading words of `name` that the gazetteer knows ("Hà Nội" of "thành phố Hà Nội Nguyễn
        Ngọc", where a person's name follows); the whole name when no prefix is known."""
        words = name.split()
        label = ADMIN_LABEL.get(admin_l, admin_l)
        for k in range(len(words), 0, -1):
            head = " ".join(words[:k])
            if (self.gazetteer.names.get(head) or self.lower_names.get(head.lower())
                    or f"{label} {head}".lower() in self.gazetteer.districts):
                return head
        return name


def place_finder(book: RuleBook) -> PlaceFinder:
    return derived(book, _build_finder)




def _build_finder(book: RuleBook) -> PlaceFinder:
    areas = book.areas
    gaz = book.gazetteer
    wb, we = r"(?<![^\W\d_])", r"(?![^\W\d_])"
    national = [n for n, a in gaz.names.items() if a == NATIONAL] + list(areas.get("national", ()))
    counts = "|".join(str(int(n)) for n in areas.get("national_counts", ()))
    count_nouns = alternation(areas.get("national_count_nouns", ()))
    # "xã Khu vực II", "xã Vùng III": a class of communes, not a name
    not_names = rf"(?!(?:{alternation(areas.get('not_names', ()))}){we})" if areas.get("not_names") else ""
    return PlaceFinder(
        gazetteer=gaz,
        names=PhraseIndex(n for n in gaz.names if n[:1].isupper()),
        national=re.compile(rf"{wb}(?:{alternation(national)}){we}", re.IGNORECASE),
        admin=re.compile(rf"{wb}(?P<admin>(?i:{alternation(areas.get('admin', ()))}))(?:\s|(?<=\.))(?P<name>{not_names}{NAME}|\d{{1,2}}(?![\d/.%]|,\d))"),
        whole=re.compile(rf"{wb}(?:(?P<d>{alternation(areas.get('whole_district', ())) or '(?!)'})|"
                         rf"{alternation(areas.get('whole', ()))}){we}(?!\s(?-i:[{UPPER}]))(?!\s+hội)", re.IGNORECASE),
        not_before=re.compile(rf"{wb}(?:{alternation(areas.get('not_before', ()))})\s*$", re.IGNORECASE),
        lower_names={n.lower(): a for n, a in gaz.names.items()},
        of_organisation=re.compile(rf"{wb}(?:{alternation(areas.get('organisations', ())) or '(?!)'})\s*$",
                                   re.IGNORECASE),
        # "55/63 tỉnh, thành phố", "tất cả 63 tỉnh, thành phố": a count of all provinces
        national_counts=re.compile(rf"(?:(?<![\d/])\d{{1,2}}/|{wb}(?:tất cả|toàn bộ|cả)\s+)(?:{counts or '(?!)'})\s+"
                                   rf"(?:{count_nouns or '(?!)'}){we}" if counts else r"(?!)", re.IGNORECASE),
    )


REPORTS = re.compile(r"(?<![^\W\d_])(?:cho biết|cho hay|báo cáo|thông tin|công bố|thống kê|nhận định|đánh giá)(?![^\W\d_])",
                     re.IGNORECASE)  # "Bộ Y tế cho biết, …"


def _tellers(book: RuleBook) -> re.Pattern:
    names = alternation(book.areas.get("national_tellers", ())) or "(?!)"
    # "Theo (báo cáo của) Bộ Y tế, …", "Tổng cục Thống kê cho biết, …"; not "… chi nhánh tỉnh", "Cục Thống kê tỉnh"
    return re.compile(rf"(?:(?<![^\W\d_])theo\s+(?:(?:báo cáo|số liệu|thống kê|kết quả)\s+(?:[^\W\d_]+\s+){{0,3}}?)?(?:của\s+)?)?"
                      rf"(?<![^\W\d_])(?P<n>{names})(?![^\W\d_])(?!\s+(?:chi nhánh|tỉnh|thành phố|khu vực|(?-i:[A-ZĐ])))",
                      re.IGNORECASE)


# "Theo Ngân hàng Nhà nước, dư nợ trên địa bàn tăng 9%": a local figure the national body reports
LOCAL_WORDS = re.compile(r"(?<![^\W\d_])(?:địa bàn|địa phương|tỉnh|thành phố|huyện|quận|thị xã)(?![^\W\d_])", re.IGNORECASE)


def told_by_nation(sentence: str, at: int, book: RuleBook) -> bool:
    """Whether the sentence credits a national body before the figure ("Theo Tổng cục Thống kê, …", "Bộ Y
    tế cho biết, …": rules/areas.toml national_tellers) and names nothing local between the two."""
    for m in derived(book, _tellers).finditer(sentence, 0, at):
        told = m.group(0).lower().startswith("theo") or REPORTS.match(sentence, m.end() + 1 + (sentence[m.end():m.end() + 1] == ","))
        if told and not LOCAL_WORDS.search(sentence, m.end(), at):
            return True
    return False


def within(found: list[Place], start: int, end: int) -> list[Place]:
    """The places of [start, end) of a text, in that stretch's coordinates."""
    return [Place(p.start - start, p.end - start, p.area, p.level, p.counts, p.of) for p in found
            if start <= p.start and p.end <= end]


def name_of(area: str) -> str:
    """'Sa Pa' of 'thị xã Sa Pa', 'Nghĩa Đàn' of 'huyện Nghĩa Đàn'."""
    for admin in sorted(LEVEL_OF_ADMIN, key=len, reverse=True):
        if area.lower().startswith(admin + " "):
            return area[len(admin) + 1:]
    return ""


def dominant_district(places: list[Place], at_least: int = 2, level: str = "district") -> str:
    """The one district, town or district-level city (or, with level="commune", commune or ward) a
    stretch of text names (or names most, `at_least` times and more than all others together), ""
    otherwise."""
    counts = Counter(p.area for p in places if p.counts and p.level == level)
    if not counts:
        return ""
    (area, n), *rest = counts.most_common()
    others = sum(c for _, c in rest)
    return area if not rest or (n >= at_least and n > others) else ""


def dominant_province(places: list[Place], at_least: int = 1, share: float = 0.0) -> str:
    """The province (or the nation) a text names most often, when it names it `at_least` times and
    in at least `share` of its province-level mentions (a national report naming a few provinces
    in passing has none)."""
    counts = Counter(p.area for p in places if p.counts and p.level in PROVINCE_LEVEL)
    if not counts:
        return ""
    (area, n), *rest = counts.most_common()
    if n < at_least or n < share * sum(counts.values()) or (rest and rest[0][1] == n):
        return ""
    return area


def is_part(phrase: str, book: RuleBook) -> bool:
    """Whether a noun phrase names only a part of an area ("bộ, ngành", "hệ THPT", "khu vực nông thôn")."""
    lowered = phrase.strip().lower()
    if not lowered:
        return False
    if lowered in book.gazetteer.head_parts or (BLOCK.match(lowered) and not lowered.startswith(
            tuple(book.gazetteer.national_blocks))):  # a national block is the central bodies' own figure
        return True
    compiled = derived(book, _part_patterns)
    rest = compiled.parts.sub(" ", lowered)
    return not re.sub(r"[\s,]|hệ|khu vực|các|của|ở|tại|vùng|đối với", "", rest)


def part_of(text: str, book: RuleBook, head: str = "", counted: bool = True) -> str:
    """The sub-area or sub-population named in `text` ("khu vực nông thôn", "thanh niên"), "" if none;
    `head` is the figure's own noun phrase, which may be a part by itself ("bộ, ngành đạt 61%");
    `counted`: whether "9 quận" names a part (not in a clause that counts units)."""
    whole = book.gazetteer.head_parts.get(head.strip().lower())
    if whole:
        return whole
    if BLOCK.match(head.strip()):  # "khối sở, ngành" is the table's "sở, ngành"; other blocks as written
        return derived(book, _part_patterns).canonical.get(head.strip().lower(), head.strip())
    compiled = derived(book, _part_patterns)
    lowered = text.lower()
    if not compiled.parts.search(lowered) and not COUNTED_UNITS.search(lowered):
        return ""  # most texts name no part: no need to blank what only looks like one
    lowered = compiled.unless.sub(lambda m: " " * len(m.group(0)), lowered)
    lowered = DESCRIBES_PLACE.sub(lambda m: " " * len(m.group(0)), lowered)
    lowered = re.sub(r"\s+", " ", lowered)
    found = []
    for m in compiled.parts.finditer(lowered):
        if RANKED_AMONG.search(lowered, max(0, m.start() - 60), m.start()):
            continue  # "thứ 3/14 các tỉnh Bắc Trung Bộ": the group it is ranked in, not a part it covers
        canonical = compiled.canonical[m.group(0)]
        found.append((m.start(), canonical))
    counted = COUNTED_UNITS.search(lowered) if counted else None
    if counted and not any(s <= counted.start() < s + 1 for s, _ in found):
        # "7 huyện nghèo" says more than the "huyện nghèo" inside it
        found = [(s, c) for s, c in found if not counted.start() <= s < counted.end()]
        found.append((counted.start(), f"{counted.group(1)} {counted.group(2)}"))
    names = []
    for _, canonical in sorted(found):
        if canonical not in names:
            names.append(canonical)
    return " ".join(names)


def part_start(text: str, book: RuleBook) -> int:
    """Where the first sub-area phrase of `text` begins, -1 if none."""
    m = derived(book, _part_patterns).parts.search(text.lower())
    return m.start() if m else -1


RANKED_AMONG = re.compile(r"(?<![^\W\d_])(?:(?:thứ|hạng|vị trí)\s+(?:thứ\s+)?(?:\d{1,2}(?:/\d{1,2})?\s+)?(?:[^\W\d_]+[\s,]+){0,4}"
                          r"|(?:dẫn đầu|đứng đầu|(?:cao|thấp|lớn|nhiều|ít) nhất)\s+(?:trong\s+|của\s+|toàn\s+)?(?:các tỉnh\s+)?)$")
# "khối cơ quan ngành dọc đạt 99,99%", "khối THPT": a block of bodies or schools is a part as written
# (not "khối lượng" volume, "khối ngoại" foreign investors)
BLOCK = re.compile(r"khối\s+(?!lượng|ngoại|nội\b|u\b|tài sản)[^\W\d_]", re.IGNORECASE)
# "là tỉnh miền núi", "huyện vùng cao Võ Nhai": the place itself is described, not a part of it
DESCRIBES_PLACE = re.compile(r"(?<!các )(?<!những )(?<!\d )(?<![^\W\d_])(?:tỉnh|huyện|thị xã|xã)\s(?:miền núi|vùng cao|biên giới|vùng sâu)"
                             r"(?![^\W\d_])")
# a year before "tỉnh" ("năm 2020 tỉnh có …") counts nothing
COUNTED_UNITS = re.compile(r"(?<![\w/])(?!(?:19|20)\d\d\b)(\d+)\s+((?:quận|huyện|xã|tỉnh) (?:nghèo|miền núi|biên giới|vùng cao|"
                           r"ven biển|đặc biệt khó khăn|nội thành|ngoại thành)|quận|huyện|xã|phường|tỉnh)(?![^\W\d_])")  # "12 quận nội thành"


@dataclass(frozen=True)
class _Parts:
    parts: re.Pattern
    canonical: dict
    unless: re.Pattern


def _part_patterns(book: RuleBook) -> _Parts:
    gaz = book.gazetteer
    canonical = {phrase.lower(): name for phrase, name in gaz.parts}
    return _Parts(
        parts=re.compile(rf"(?<![^\W\d_])(?:{alternation(canonical)})(?![^\W\d_])"),
        canonical=canonical,
        # after "khu vực" the words are the area's ("tại khu vực nông thôn mới đạt 77,69%": only reached)
        unless=re.compile(rf"(?<!khu vực )(?:{alternation(p.lower() for p in gaz.parts_unless) or '(?!)'})"),
    )

