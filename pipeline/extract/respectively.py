""""Lần lượt" (respectively): a list of N things before the word, N coordinated figures after it.
The i-th figure belongs to the i-th thing: its place ("Trà Vinh, Khánh Hòa, Hà Nam … lần lượt là
13,93%, 12,4%, 10,98%"), its sub-area ("ở các cấp tiểu học, THCS, THPT … lần lượt là 95,7%, 91,6%
và 80%") or its indicator ("tỷ lệ thất nghiệp và thiếu việc làm … lần lượt là 2,42% và 2,20%"),
not the whole list's. Nothing changes unless the list has exactly as many items as there are figures."""
from __future__ import annotations

import re

import pipeline.extract.places as places
from pipeline.extract.vocabulary import best_term, vocabulary

KEYWORD = re.compile(r"(?<![^\W\d_])(?:lần lượt|tương ứng)(?![^\W\d_])", re.IGNORECASE)  # "… tương ứng là 2,1% và 4,3%"
# what may stand between two listed figures: "95,7%, 91,6% và 80%", "2,42% và 2,20%"
BETWEEN = re.compile(r"\s*(?:,|và|;)?\s*(?:(?:và|khoảng|gần|hơn|trên|dưới|xấp xỉ)\s+)?", re.IGNORECASE)
# what may stand between the keyword and the first figure: "lần lượt là", "lần lượt tăng", "lần lượt chiếm"
LEAD = re.compile(r"[\s:,]*(?:(?:là|đạt|ở mức|chiếm|còn|tăng|giảm|tăng lên|giảm xuống|tăng thêm|khoảng|gần|hơn|"
                  r"trên|dưới)\s+){0,3}", re.IGNORECASE)
ITEM_SEPARATOR = re.compile(r"\s*,\s*|\s+(?:và|với)\s+", re.IGNORECASE)
CLAUSE_BREAK = re.compile(r"[;:()]")
RATE_WORDS = re.compile(r"^(?:tỷ lệ|tỉ lệ)\s+(?:số\s+)?", re.IGNORECASE)


def distribute(sentence: str, figures: list, meanings: list, found_places: list, book, moments=()) -> None:
    """Give each figure of a "lần lượt" list its own item's place, sub-area, indicator or period."""
    lowered = sentence.lower()
    if "lần lượt" not in lowered and "tương ứng" not in lowered:
        return
    for keyword in KEYWORD.finditer(sentence):
        group = _listed(sentence, figures, keyword.end())
        if len(group) < 2:
            continue
        begin = _list_start(sentence, figures, keyword.start())
        _by_period(moments, begin, keyword.start(), group, meanings)
        listed = [p for p in found_places if begin <= p.start < keyword.start() and p.counts and p.level != "whole"]
        if len(listed) == len(group) and len({p.area for p in listed}) == len(group):
            for k, place in zip(group, listed):
                m = meanings[k]
                m.area, m.area_basis, m.why["area"] = place.area, "stated", "respectively"
            continue
        if len(shared := _shared_admin(sentence, begin, keyword.start(), found_places)) == len(group):
            # "Hai huyện Trạm Tấu và Mù Cang Chải … lần lượt 45% và 40%", "Các xã Hòa Tiến, Hòa Phong …": one
            # admin word for every name of the list
            for k, area in zip(group, shared):
                m = meanings[k]
                m.area, m.area_basis, m.why["area"] = area, "stated", "respectively"
            continue
        items = [i for i in ITEM_SEPARATOR.split(sentence[begin:keyword.start()].strip(" ,(")) if i.strip()]
        if len(items) < len(group):
            continue
        items = items[-len(group):]
        if not _by_part(items, group, meanings, book):
            _by_indicator(items, group, figures, meanings, sentence, book)


def _by_period(moments, begin: int, end: int, group: list[int], meanings: list) -> None:
    """"Năm 2022 và 2023, tỷ lệ giải ngân lần lượt đạt 89% và 93,6%", "Tỷ lệ hộ nghèo năm 2022, 2023 và 2024 lần
    lượt là …": the i-th period listed is the i-th figure's."""
    dated = [m for m in moments if begin <= m.start < end and not (m.excluded or m.event or m.same_period)]
    if len(dated) != len(group) or len({(m.as_of_start, m.as_of_end) for m in dated}) != len(group):
        return
    for k, moment in zip(group, dated):
        m = meanings[k]
        m.as_of_start, m.as_of_end, m.time_basis, m.why["time"] = moment.as_of_start, moment.as_of_end, "stated", "respectively"


SHARED_NEXT = re.compile(rf"(?:\s*,\s*|\s+(?:và|với)\s+)({places.NAME})")


def _shared_admin(sentence: str, begin: int, end: int, found_places: list) -> list[str]:
    """The units of a list that writes its admin word once, before the first name and after a count or
    "các" ("hai huyện Trạm Tấu và Mù Cang Chải"): each name with that admin word; [] when there is none."""
    first = next((p for p in found_places if begin <= p.start < end and p.level in ("district", "commune")
                  and not p.counts), None)
    name = places.name_of(first.area) if first else ""
    if not name:
        return []
    label = first.area[:len(first.area) - len(name)]
    units, at = [first.area], first.end
    while m := SHARED_NEXT.match(sentence, at, end):
        units.append(label + m.group(1))
        at = m.end()
    return units if len(units) >= 2 and len(set(units)) == len(units) else []


def _listed(sentence: str, figures: list, after: int) -> list[int]:
    """Indexes of the figures listed right after the keyword, each coordinated with the one before."""
    following = [k for k, h in enumerate(figures) if h.start >= after]
    if not following or not LEAD.fullmatch(sentence[after:figures[following[0]].start]):
        return []
    group = [following[0]]
    for k in following[1:]:
        if not BETWEEN.fullmatch(sentence[figures[group[-1]].end:figures[k].start]):
            break
        group.append(k)
    return group


def _list_start(sentence: str, figures: list, keyword_start: int) -> int:
    """Where the list before the keyword may begin: after the last figure or clause break before it."""
    begin = 0
    for h in figures:
        if h.end <= keyword_start:
            begin = max(begin, h.end)
    breaks = [m.end() for m in CLAUSE_BREAK.finditer(sentence, begin, keyword_start)]
    if breaks and sentence[breaks[-1] - 1] == "(" and not sentence[breaks[-1]:keyword_start].strip():
        # "cả tỷ lệ hộ nghèo và cận nghèo (lần lượt là 14,23% và 7,69%)": the list is before the bracket
        breaks.pop()
    return breaks[-1] if breaks else begin


def _by_part(items: list[str], group: list[int], meanings: list, book) -> bool:
    parts = [places.part_of(item, book) for item in items]
    if not all(parts) or len(set(parts)) != len(parts):
        return False
    head = _head_before_part(items[0], book)
    for k, part in zip(group, parts):
        m = meanings[k]
        m.area_part = part
        if head:
            m.subject, m.why["subject"] = head, "respectively"
    return True


def _head_before_part(item: str, book) -> str:
    """'tỷ lệ đi học đúng tuổi' of 'tỷ lệ đi học đúng tuổi ở các cấp tiểu học'."""
    at = places.part_start(item, book)
    head = re.sub(r"(?:\s+(?:ở|tại|của|trong|đối với|các|cấp|khu vực|vùng))+\s*$", "", item[:at].rstrip(), flags=re.IGNORECASE)
    return RATE_WORDS.sub("", head).strip() if at > 0 else ""


def _by_indicator(items: list[str], group: list[int], figures: list, meanings: list, sentence: str, book) -> None:
    vocab = vocabulary(book)
    found = []
    for item, k in zip(items, group):
        ind, term = best_term(item, figures[k].rule.kind, meanings[k].value_kind, sentence.lower(), vocab, subject_tier=True)
        if ind is None:
            return
        found.append((ind.id, item[item.lower().find(term.lower()):].strip(), term))
    if len({ident for ident, _, _ in found}) != len(found):
        return
    for k, (ident, subject, term) in zip(group, found):
        m = meanings[k]
        m.indicator, m.why["indicator"] = ident, f"respectively:{term}"
        m.subject, m.why["subject"] = RATE_WORDS.sub("", subject) or subject, "respectively"
