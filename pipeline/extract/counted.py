"""What a count names ("đón 1,2 triệu lượt khách" → "lượt khách"): the noun after a number in a figure-less
segment, and the subject a figure continuing that count takes from it ("…, tăng 28%"). Plain string work."""
from __future__ import annotations

import re

from pipeline.rules.book import RuleBook, derived

# "việc làm cho 99.000 lao động": the count is of whom the thing is for ("đón trên 1,6 triệu lượt khách" is "over")
FOR_WHOM = re.compile(r"(?<![^\W\d_])(?:cho|với|của|tới|đến|trong|tại|từ)\s*(?:khoảng|gần|hơn|trên)?\s*$",
                      re.IGNORECASE)
COUNT_UNIT = re.compile(r"^\s*(?:(?:tỷ|tỉ|triệu|nghìn|ngàn|vạn|trăm)\s+)*", re.IGNORECASE)
NOT_COUNTED = re.compile(r"^(?:đồng|USD|tấn|tạ|yến|ha|km|m2|m3|kg|lít|MW|kWh|tỷ|triệu|nghìn|điểm|%)(?![^\W\d_])",
                         re.IGNORECASE)
MONEY = re.compile(r"^(?:đồng|USD|đô la)\s+", re.IGNORECASE)
# "Công an tỉnh đã kích hoạt 2,1 triệu tài khoản", "đã cấp 612.000 tài khoản": the agent and the aspect before the verb
AGENT_ASPECT = re.compile(r"^(?:[^,;]*?\s)?(?:đã|đang|vừa|mới|đã được)\s+(?=\S)", re.IGNORECASE)
ABROAD = ("ở", "nước", "ngoài")  # "lao động đi làm việc ở nước ngoài": one name, though "ở" ends a counted noun
WORDS_NOT_CUT = {"đầu tư", "đầu người", "tăng trưởng", "giảm nghèo"}  # "vốn đầu tư": a stop syllable opening a word
GENERIC_COUNTED = {"người", "lượt", "hộ", "cái", "chiếc", "đơn vị"}
MOST_SYLLABLES = 10  # "hồ sơ đề nghị hưởng trợ cấp thất nghiệp", "tài khoản định danh điện tử"


def noun(after: str, book: RuleBook) -> str:
    """The noun a count is of ("1,2 triệu lượt khách du lịch" → "lượt khách du lịch"), up to a stop
    word, at most MOST_SYLLABLES; "" for measures, and for money unless what the money is follows
    ("2,1 tỷ USD vốn FDI" → "vốn FDI")."""
    rest = after[COUNT_UNIT.match(after).end():]
    money = MONEY.match(rest)
    if money and re.match(rf"(?:{book.cues.alternation('clause.amount_nouns') or '(?!)'})(?![^\W\d_])", rest[money.end():], re.IGNORECASE):
        rest = rest[money.end():]
    elif NOT_COUNTED.match(rest):
        return ""
    stops = derived(book, _stop_words)
    tokens = re.findall(r"[^\W\d_]+|\S", rest)[:MOST_SYLLABLES + 3]
    words = []
    for i, word in enumerate(tokens):
        kept = ABROAD in (tuple(t.lower() for t in tokens[i:i + 3]), tuple(t.lower() for t in tokens[i - 1:i + 2])) or \
            " ".join(tokens[i:i + 2]).lower() in WORDS_NOT_CUT
        if not word[0].isalpha() or (word.lower() in stops and not kept) or len(words) == MOST_SYLLABLES:
            break
        words.append(word)
    return "" if len(words) == 1 and words[0].lower() in GENERIC_COUNTED else " ".join(words)


def of_count(phrase: str, before: str, after: str, bare_verbs: frozenset, book: RuleBook) -> str:
    """`phrase` (the words before a count, `before` as written) with the noun counted `after` it: the noun
    alone when the phrase is only a verb ("đón 1,2 triệu lượt khách"), an agent's verb ("Công an tỉnh đã kích
    hoạt …") or a place ("toàn huyện còn 5.231 hộ nghèo")."""
    if FOR_WHOM.search(before):
        return phrase
    counted = noun(after, book)
    if not counted or counted.lower() in phrase.lower():
        return phrase
    if not phrase or phrase.lower() in bare_verbs or AGENT_ASPECT.sub("", phrase).lower() in bare_verbs:
        return counted
    return f"{phrase} {counted}"


def _stop_words(book: RuleBook) -> frozenset:
    return frozenset(w.lower() for w in book.cues.words("subject.stop"))
