"""What a counted noun is counted for: the predicate after it ("41/51 xã đạt chuẩn nông thôn mới", "95% dân số
tham gia BHYT"), the units listed with it and the modifiers that still qualify it. Plain string work over the
words after a figure; the cue lists are rules/cues.toml [subject]."""
from __future__ import annotations

import re

from pipeline.extract.places import UPPER
from pipeline.rules.book import RuleBook, derived

PAREN_ASIDE = re.compile(r"\s*\([^()]{0,40}\)")
_ADMIN = r"(?:toàn\s+)?(?:tỉnh|thành phố|TP\.?|huyện|quận|thị xã|xã|phường|thị trấn)"
_NAME = rf"(?:\s+(?:[{UPPER}][^\s,;()]*|[-–]))*"
# "100% người dân trên địa bàn tỉnh Bắc Ninh được sử dụng nước sạch", "100% trạm y tế … tại Hậu Giang đều có bác sĩ":
# where they are, between the counted noun and its predicate, names no part of what is counted
LOCATIVE = re.compile(rf"\s+(?:trên địa bàn(?:\s+{_ADMIN})?|(?:tại|ở|của)\s+{_ADMIN}|(?:tại|ở)(?=\s+[{UPPER}])){_NAME}"
                      rf"(?:\s+(?:đều|cũng|hiện))?(?=\s)")
# "78,5% người dân từ 15 tuổi trở lên có tài khoản": the age of those counted is part of them
AGE = re.compile(r"\s+(?:từ\s+)?\d{1,2}(?:\s?[-–]\s?\d{1,2})?\s+tuổi(?:\s+trở lên)?(?=\s)")


def predicate(book: RuleBook) -> re.Pattern:
    """A predicate verb and the words after it, up to a comparison or a preposition (subject.predicate_verbs)."""
    return derived(book, _predicate)


def with_predicate(noun: str, sentence: str, after: int, book: RuleBook) -> str:
    """'xã' + 'đạt chuẩn nông thôn mới': the counted noun and the predicate that says what is counted."""
    at = sentence.find(noun, after)
    if at < 0 or at - after > 12:
        return noun
    end = at + len(noun)
    listed = derived(book, _unit_list).match(sentence, end)  # "10/11 xã, thị trấn đạt chuẩn …"
    if listed:
        noun, end = noun + sentence[end:listed.end()].rstrip(), listed.end()
    if at > 0 and (led := predicate(book).match(sentence, at - 1)) and led.end() > end:
        # "chỉ 35% biết đến dịch vụ công trực tuyến": the words after the figure are a predicate, not a noun
        return " ".join(led.group(1).split()[:12]).strip(" ,")
    if age := AGE.match(sentence, end):
        noun, end = noun + age.group(0), age.end()
    aside = PAREN_ASIDE.match(sentence, end) or LOCATIVE.match(sentence, end)  # "5.775/8.227 xã (chiếm 70,2%) đạt chuẩn …"
    m = predicate(book).match(sentence, aside.end() if aside else end)
    if aside and not m and not aside.group(0).lstrip().startswith("("):
        aside = None  # "hộ gia đình ở khu vực nông thôn có nhà tiêu …": a part, kept with its modifiers below
        m = predicate(book).match(sentence, end)
    if m:
        noun, end = f"{noun} {' '.join(m.group(1).split()[:12])}".strip(" ,"), m.end()
        if grades := GRADE_LIST.match(sentence, end) or DONE_LIST.match(sentence, end):  # "đạt hạnh kiểm tốt, khá"
            noun, end = noun + grades.group(0), grades.end()
    elif aside:
        return noun
    # the modifiers that still qualify it, up to a comparison, a time, a cue or punctuation:
    # "hộ dân sử dụng điện thường xuyên", "trẻ em trong độ tuổi đi mẫu giáo được đến lớp"
    tail = derived(book, _modifiers).match(sentence, end)
    words = tail.group(0).split()[:12] if tail else []
    subject = f"{noun} {' '.join(words)}".strip(" ,") if words else noun
    if tail and not m and not subject.endswith(" chưa") and \
            (later := predicate(book).match(sentence, (LOCATIVE.match(sentence, tail.end()) or tail).end())):
        # "39/39 xã thuộc vùng đồng bào dân tộc thiểu số đạt chuẩn xóa mù chữ": the predicate after the modifiers
        subject, tail = f"{subject} {' '.join(later.group(1).split()[:12])}".strip(" ,"), later
    if subject.endswith(" chưa") and (unmet := NOT_YET_MET.match(sentence, (tail.end() if tail else end))):
        subject += unmet.group(0)  # "2/9 tiêu chí chưa đạt": what is not met, not "chưa"
    return subject


GRADE_LIST = re.compile(r"(?:\s*,\s*(?:khá|giỏi|tốt|xuất sắc|trung bình|yếu)(?![^\W\d_]))+", re.IGNORECASE)
# "đường ô tô đến trung tâm xã được nhựa hóa, bê tông hóa", "rác thải được thu gom, xử lý": one predicate, two verbs
DONE_LIST = re.compile(r"(?:\s*,\s*(?:(?:[^\W\d_]+\s+){0,2}hóa|xử lý|tái chế|tiêu hủy)(?![^\W\d_]))+", re.IGNORECASE)
NOT_YET_MET = re.compile(r" (?:đạt|hoàn thành|đạt chuẩn)(?![^\W\d_])")


def _modifiers(book: RuleBook) -> re.Pattern:
    stops = book.cues.alternation("subject.tail_stop")
    return re.compile(rf"(?:\s+(?!(?:{stops})(?![^\W\d_]))[^\W\d_]+)+", re.IGNORECASE)


def _predicate(book: RuleBook) -> re.Pattern:
    verbs = book.cues.alternation("subject.predicate_verbs")
    # words up to a comparison or a preposition; a level's number stays ("mức độ 3"), and a network's ("sóng 4G")
    return re.compile(rf"\s+((?:{verbs})(?![^\W\d_])(?:\s+(?!so\b|của\b|trên\b|tại\b|với\b|cho\b|và\b|đạt\s+\d)"
                      rf"(?:[^\W\d_]+|[345]G(?![^\W\d_])|(?:(?<=độ )|(?<=loại )|(?<=hạng ))\d{{1,2}}(?!\d|[.,]\d|\s?[/%])))*)", re.IGNORECASE)


def _unit_list(book: RuleBook) -> re.Pattern:
    """Further units listed after a counted noun: ", thị trấn", ", bản, khu phố văn hóa"."""
    nouns = book.cues.alternation("subject.list_nouns")
    return re.compile(rf"(?:\s*,\s*(?:{nouns})(?:\s+cấp\s+(?:tỉnh|huyện|xã))?(?![^\W\d_]))+", re.IGNORECASE)
