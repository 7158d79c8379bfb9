"""A figure's own clause: where it starts, the words that govern the figure, the noun phrase that
names what is measured, and which earlier figure a verb-led clause continues.

"giải quyết việc làm cho 99.000 lao động, đạt 65% kế hoạch năm, tăng 12% so với cùng kỳ": the
65% and the 12% each have their own segment (", đạt 65% kế hoạch năm"), governed by "đạt" and
"tăng", and both continue the noun phrase "giải quyết việc làm". Plain string work on one sentence:
no word segmentation, so it costs little beside the regex rules.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import pipeline.extract.counted as counted
from pipeline.rules.book import RuleBook, derived
from pipeline.rules.cues import alternation

# segment boundaries: punctuation, "/" between two figures ("79,3%/ chỉ tiêu 80%"); not a spaced dash,
# which joins names ("Sở Lao động - Thương binh và Xã hội", "Bà Rịa - Vũng Tàu")
BOUNDARY = re.compile(r"[;()\[\]]|,(?!\d)|:(?!\d)|(?<=%)\s?/|/\s|\.\s")
BOUNDARY_BEFORE = re.compile(r".*(?:[;()\[\]]|,(?!\d)|:(?!\d)|/\s|\.\s)", re.DOTALL)
NUMBER = re.compile(r"(?<![\w])\d[\d.,]*(?![\d.,])(?!\s?(?:tuổi|sao|điểm)\b)"
                    r"(?:\s?(?:%|tỷ|triệu|nghìn|ngàn|đồng|USD|đô la|tấn|ha|m2|km))*")  # "người", "hộ" stay: "người tham gia"
BYLINE = re.compile(r"^(?:\(?[A-ZĐ]{2,8}\)?|[^\s,;]+(?:\s[^\s,;]+){0,3}\s(?:TV|TTXVN|Online))\s*[-–)]\s*")
ANAPHORA = re.compile(r"^(?:đây|đó|điều này|con số này|con số đó|mức này|kết quả này)$|\s(?:này|đó|trên)$", re.IGNORECASE)
FIGURE_LIKE = re.compile(r"(?<![\w])\d[\d.,]*(?![\d.,])(?!\s?(?:tuổi|sao|tháng tuổi|điểm)\b)")
NEW_SUBJECT = re.compile(r"\s(?:và|còn)\s+(?=(?:tổng\s)?số\s|t[ỷỉ] lệ\s)", re.IGNORECASE)  # "…, giảm 1,6% và số hộ cận nghèo là …"
ASIDE = re.compile(r"\s*(?:kể cả|bao gồm|không kể|chưa kể|trừ|ngoại trừ|gồm)\b", re.IGNORECASE)
PAREN_ALONE = re.compile(r"\s*(?:(?:khoảng|gần|hơn|trên|dưới|là|đạt|mức)\s*)*", re.IGNORECASE)
# "Nổi bật là …", "tiếp đến là công nghiệp và xây dựng chiếm 33%": framing words, then what is measured
FRAMING = re.compile(r"(?:nổi bật|đáng chú ý|đặc biệt|điểm sáng|điểm nhấn|cụ thể|trong đó|kết quả|nhất|tiếp đến|tiếp theo|"
                     r"kế đến|sau đó|thứ hai|thứ ba|cuối cùng|đứng đầu|dẫn đầu|đứng thứ hai|đứng thứ ba|"
                     r"(?:các |những )?chỉ tiêu (?:chưa|không) đạt(?: kế hoạch)?)(?: đó)?", re.IGNORECASE)  # "2 chỉ tiêu chưa đạt là …"
RANKED = re.compile(r"(?<![^\W\d_])nhất(?:\s+(?:vào|cho|trong|về|đối với)(?![^\W\d_])[^,;]{0,40})?$", re.IGNORECASE)  # "tăng cao nhất là …", "đóng góp lớn nhất vào tăng trưởng là …"
INNER_COPULA = re.compile(r"\s(?:là|chính là|vẫn là)\s", re.IGNORECASE)
WHO_AFTER_COPULA = re.compile(r"(?:người dân tộc|đồng bào|dân tộc thiểu số|DTTS|phụ nữ|nữ|lao động nữ|thanh niên|trẻ em|người cao tuổi|người khuyết tật)(?![^\W\d_])", re.IGNORECASE)
ACRONYM_BEFORE = re.compile(r"\(\s*[A-ZĐ][A-ZĐ0-9&-]{1,9}\s*\)\s*$")
NAMING_CUE = re.compile(r"\s*(?:(?:đã|ước|đã được)\s+)?giải ngân(?![^\W\d_])", re.IGNORECASE)
SCORE_TAIL = re.compile(r"\s+(?:đạt|được|với)\s+\d[\d.,]*\s*điểm\s*$", re.IGNORECASE)
LIST_GLUE_MAX = 12  # syllables of the piece before the comma: "vận tải, kho bãi" is one noun phrase
SPACE = re.compile(r"\s+")
# "là địa phương có chỉ số sản xuất công nghiệp (IIP) … tăng 23,9%": what the place has is measured
HOLDER = re.compile(r"^(?:là\s+)?(?:một\s+)?(?:(?:trong\s+)?(?:những|các)\s+)?(?:địa phương|tỉnh|thành phố|huyện|quận|"
                    r"thị xã|xã|phường|đơn vị|ngành|lĩnh vực)\s+(?:có|với)\s+(?=\S)", re.IGNORECASE)
# "(3-5 tuổi)" goes; "(CPI)" and what a measure leaves out stay ("chỉ số sản xuất công nghiệp (trừ dầu thô và khí đốt)")
ASIDE_PAREN = re.compile(r"\((?![A-ZĐ][A-ZĐ0-9&-]{0,9}\))(?!\s*(?:trừ|không kể|không tính|không bao gồm)\s)[^()]*\)")
STRIP = " ,.;:-–/()\"“”'‘’«»…!?"
REPORTING = re.compile(r"\b(?:cho biết|cho thấy|báo cáo|thông tin|công bố|thống kê|theo số liệu|ghi nhận|nhấn mạnh|"
                       r"khẳng định|(?<!chỉ số )(?<!mức )(?<!được )(?<!bị )đánh giá(?! mức độ)|nhận định)\b", re.IGNORECASE)  # not "Chỉ số đánh giá mức độ hài lòng", "đảng viên được đánh giá hoàn thành tốt nhiệm vụ"

ADJUNCT_LEAD = re.compile(r"^(?:tính theo|theo|nếu áp dụng|nếu tính theo|nếu|căn cứ|dựa trên|áp dụng)(?![^\W\d_])[^,;]*,\s*",
                          re.IGNORECASE)




@dataclass(frozen=True)
class ClauseLexicon:
    """The cue lists of rules/cues.toml [clause], compiled once per rule book."""

    cue_at_end: re.Pattern
    connective_at_start: re.Pattern
    trailing: re.Pattern
    np_cut: re.Pattern
    rate_head: re.Pattern
    rate_head_anywhere: re.Pattern
    only_cues: re.Pattern
    plan_words: re.Pattern
    verb_at_start: re.Pattern
    compounds: frozenset
    bare_verbs: frozenset
    not_subject_at_start: re.Pattern
    soft_split: re.Pattern
    breakdown_at_start: re.Pattern  # "…, trong đó chi đầu tư phát triển": no noun phrase glued across it


def lexicon(book: RuleBook) -> ClauseLexicon:
    return derived(book, _build_lexicon)


def _build_lexicon(book: RuleBook) -> ClauseLexicon:
    w = book.cues.words
    aspect, verbs, between = alternation(w("clause.aspect")), alternation(w("clause.cue_verbs")), alternation(w("clause.between"))
    qualifiers = alternation([q for name in ("approx", "more_than", "less_than", "at_least", "at_most")
                         for q in w(f"qualifier.{name}")])
    wb, we = r"(?<![^\W\d_])", r"(?![^\W\d_])"
    return ClauseLexicon(
        cue_at_end=re.compile(rf"{wb}(?:(?:{aspect})\s+)*(?:{verbs})(?:\s+(?:{verbs}|{between}|{qualifiers}))*\s*$", re.IGNORECASE),
        only_cues=re.compile(rf"^(?:(?:{aspect}|{verbs}|{between}|{qualifiers}|so|so với|mức|hơn|nay|này|đó|đây|cả|dù|tuy|"
                             rf"nhưng|rất|cao|mạnh|nhẹ|khá|nhanh|chậm|thấp|đáng kể|vượt bậc|tiếp tục|USD|đồng|cao nhất|thấp nhất|"
                             rf"tiếp theo|sau đó|đứng đầu|dẫn đầu|nhất|hoặc|hay|và)(?:\s+|$))+$",
                             re.IGNORECASE),
        verb_at_start=re.compile(rf"^(?:(?:{aspect})\s+)*(?:đạt|tăng|giảm|vượt|bằng|chiếm|hoàn thành|thực hiện|góp phần|giúp|có bước)(?![^\W\d_])",
                                 re.IGNORECASE),
        plan_words=re.compile(rf"^(?:{alternation(w('clause.plan_words'))})$", re.IGNORECASE),
        connective_at_start=re.compile(rf"^\s*(?:{alternation(w('clause.connectives'))}){we}[\s,]*", re.IGNORECASE),
        trailing=re.compile(rf"[\s,]*{wb}(?:{alternation(w('clause.np_trailing'))})\s*$", re.IGNORECASE),
        np_cut=re.compile(rf"{wb}(?:{alternation(w('clause.np_cut'))}){we}", re.IGNORECASE),
        rate_head=re.compile(rf"^(?:{alternation(w('clause.dropped_heads') or w('clause.rate_heads'))})\s+", re.IGNORECASE),
        rate_head_anywhere=re.compile(rf"{wb}(?:{alternation([h for h in w('clause.rate_heads') if h != 'độ'])})\s+", re.IGNORECASE),
        not_subject_at_start=re.compile(rf"^\s*(?:{alternation(w('clause.not_subject'))}){we}", re.IGNORECASE),
        compounds=frozenset(c.lower() for c in w("clause.compounds")),
        bare_verbs=frozenset(c.lower() for c in w("clause.bare_verbs")),
        breakdown_at_start=re.compile(rf"^[\s,]*(?:{alternation(w('clause.breakdown_start'))}){we}", re.IGNORECASE),
        soft_split=re.compile(rf"{wb}(?:và|còn|nhưng|song|trong khi|trong đó|riêng)\s+(?=(?:(?:{aspect})\s+)*(?:{verbs}){we})",
                              re.IGNORECASE),
    )


@dataclass(slots=True)
class Frame:
    """One figure in its sentence (sentence coordinates)."""

    start: int
    end: int
    seg_start: int  # where the figure's own segment starts
    trail_end: int  # where the words after it that still belong to it end
    clause_start: int  # after the last ";" before it
    in_paren: bool  # directly inside "(…": nothing but cue words before it in the brackets
    cue: str  # the governing words ending the segment before the figure, lower-cased ("đạt", "tăng")
    head_raw: str  # the noun phrase before the cue, places and times removed ("tỷ lệ hộ nghèo")
    head: str  # head_raw without its rate head ("hộ nghèo")
    np_start: int = 0  # where its noun phrase (glued across commas) begins
    parent: int | None = None  # the frame this verb-led segment continues
    inherited_head: str = ""  # the noun phrase of an earlier figure-less segment it continues
    subject: str = ""  # filled by the caller: own head, the noun after it, or the parent's
    why_subject: str = ""
    notes: dict = field(default_factory=dict)

    def pre(self, sentence: str) -> str:
        return sentence[self.seg_start:self.start]

    def trail(self, sentence: str) -> str:
        return sentence[self.end:self.trail_end]


def blank(text: str, spans, offset: int = 0) -> str:
    """`text` (which starts at `offset` of its sentence) with the sentence's `spans` blanked out,
    same length."""
    if not spans:
        return text
    chars = list(text)
    for s, e in spans:
        lo, hi = max(0, s - offset), min(len(chars), e - offset)
        if lo < hi:
            chars[lo:hi] = " " * (hi - lo)
    return "".join(chars)


def clean_phrase(text: str, lex: ClauseLexicon, cut_spans: list[tuple[int, int]] = (), offset: int = 0) -> str:
    """A noun phrase without the places and times in `cut_spans`, numbers, leading connectives and
    trailing function words."""
    text = ASIDE_PAREN.sub(" ", blank(text, cut_spans, offset))
    cut = lex.np_cut.search(text)
    if cut:
        text = text[:cut.start()]
    text = NUMBER.sub(" ", text)
    text = BYLINE.sub("", SPACE.sub(" ", text).strip(STRIP))
    for _ in range(6):
        before = text
        text = lex.connective_at_start.sub("", text).strip(STRIP)
        tail = lex.trailing.search(text)
        if tail and not _splits_compound(text, tail.start() + len(tail.group(0)) - len(tail.group(0).lstrip(" ,")), lex):
            text = text[:tail.start()].strip(STRIP)
        if text == before:
            break
    if text.count("(") > text.count(")"):
        text += ")"  # "Chỉ số giá tiêu dùng (CPI)": STRIP took the closing bracket
    return "" if lex.only_cues.match(text) or ANAPHORA.search(text) else text


def strip_rate_head(phrase: str, lex: ClauseLexicon) -> str:
    """'tỷ lệ độ bao phủ BHYT' → 'bao phủ BHYT'; a bare 'tỷ lệ' stays. "số" stays: "số lần khám chữa
    bệnh" is the count, "số hóa" a word."""
    out = phrase
    for _ in range(3):
        new = lex.rate_head.sub("", out)
        if new == out or not new.strip():
            break
        out = new
    return out.strip()


def _cue(pre: str, lex: ClauseLexicon):
    """The governing words ending `pre`, never starting inside a compound word ("chứng chỉ đạt")."""
    cue = lex.cue_at_end.search(pre)
    while cue is not None and (_splits_compound(pre, cue.start(), lex) or
                               SPACE.sub(" ", cue.group(0).strip().lower()) in lex.compounds):
        nxt = re.search(r"\s+", pre[cue.start():])
        if nxt is None:
            return None
        cue = lex.cue_at_end.search(pre, cue.start() + nxt.end())
    return cue


def _phrase_end(cue) -> int:
    """Where the noun phrase before a cue ends: before it, or after a verb that names the measure ("vốn đầu tư
    công đã giải ngân được 4.125 tỷ đồng, đạt 75,6%": the capital disbursed, not the capital)."""
    named = NAMING_CUE.match(cue.group(0))
    return cue.start() + named.end() if named else cue.start()


def _splits_compound(text: str, at: int, lex: ClauseLexicon) -> bool:
    before = re.search(r"([^\W\d_]+)\s+$", text[:at])
    after = re.match(r"[^\W\d_]+", text[at:])
    return bool(before and after and f"{before.group(1)} {after.group(0)}".lower() in lex.compounds)


def _glued_start(sentence: str, seg_start: int, np_end: int, floor: int, lex: ClauseLexicon,
                 cut_spans=()) -> int:
    """Where a noun phrase that commas cut in pieces begins: "ngành vận tải, kho bãi tăng 10,68%",
    "nông, lâm nghiệp, thủy sản tăng 1,82%" (each short piece before a comma is glued on)."""
    start = seg_start
    for _ in range(4):
        glued = _glue_once(sentence, start, np_end, floor, lex, cut_spans)
        if glued == start:
            break
        start = glued
    return start


def _glue_once(sentence: str, seg_start: int, np_end: int, floor: int, lex: ClauseLexicon, cut_spans) -> int:
    comma = len(sentence[:seg_start].rstrip())
    if comma <= floor or comma < 1 or sentence[comma - 1] != ",":
        return seg_start
    own = clean_phrase(sentence[seg_start:np_end], lex, cut_spans, seg_start).split()
    before = BOUNDARY_BEFORE.search(sentence, 0, comma - 1)
    start = max(floor, before.end() if before else 0)
    if not own or lex.breakdown_at_start.match(sentence[seg_start:np_end]) or (  # ISIC names run long; "của người dân, tổ chức …" lists whose
            len(own) > 14 and not re.search(r"(?<![^\W\d_])của(?:\s+[^\W\d_,;()]+){1,3}$", sentence[start:comma - 1], re.IGNORECASE)):
        return seg_start
    if (acronym := ACRONYM_BEFORE.search(sentence, 0, start)) and acronym.start() > floor:
        # "giải quyết hồ sơ thủ tục hành chính (TTHC) đúng hạn của …": an acronym's bracket cuts nothing
        outer = BOUNDARY_BEFORE.search(sentence, 0, acronym.start())
        start = max(floor, outer.end() if outer else 0)
    fragment = sentence[start:comma - 1]
    if not fragment.strip() or any(c.isdigit() for c in fragment):
        return seg_start
    if _cue(fragment, lex) or REPORTING.search(fragment) or ADJUNCT_LEAD.match(f"{fragment},"):
        return seg_start  # ("Theo Sở Y tế Hà Nội, đến nay …": the source, not a piece of the noun phrase)
    cleaned = clean_phrase(fragment, lex)
    # "… đúng hạn của khối cơ quan cấp tỉnh, UBND cấp huyện, UBND cấp xã đạt": whose it is, listed after "của"
    most = LIST_GLUE_MAX * 2 if " của " in f" {cleaned} " else LIST_GLUE_MAX
    size = len(strip_rate_head(cleaned, lex).split())  # "tỷ lệ" is no part of the list
    if not cleaned or size > most or size + len(own) > most + 6:
        return seg_start
    return start + fragment.find(cleaned.split()[0])


def _inner_start(sentence: str, np_start: int, np_end: int, lex: ClauseLexicon) -> int:
    """A rate head inside the phrase starts the measured thing ("môn có tỷ lệ thí sinh dự thi")."""
    region = sentence[np_start:np_end]
    heads = [m.start() for m in lex.rate_head_anywhere.finditer(region) if m.start() > 0]
    return np_start + heads[-1] if heads else np_start


def _before_copula(phrase: str) -> str:
    """'công nghiệp chế biến là động lực tăng trưởng với tốc độ' → 'công nghiệp chế biến'; but
    'Nổi bật là tăng trưởng kinh tế (GRDP)' → what comes after the framing words."""
    inner = INNER_COPULA.search(phrase)
    if not inner or inner.start() <= 0:
        return phrase
    before = phrase[:inner.start()].strip()
    if FRAMING.fullmatch(before) or RANKED.search(before):
        return phrase[inner.end():].strip()
    return phrase if WHO_AFTER_COPULA.match(phrase, inner.end()) and len(before.split()) <= 3 else before  # "Hộ nghèo là người DTTS chiếm 85%"


def frames(sentence: str, figures: list[tuple[int, int]], cut_spans: list[tuple[int, int]], book: RuleBook) -> list[Frame]:
    """A Frame per figure; `cut_spans` are the places and times of the sentence, which never name
    what is measured."""
    lex = lexicon(book)
    bounds = [(m.start(), m.end(), m.group(0)) for m in BOUNDARY.finditer(sentence)]
    out: list[Frame] = []
    for k, (start, end) in enumerate(figures):
        prev_end = figures[k - 1][1] if k else 0
        seg_start, in_paren, clause_start, opened = prev_end, False, 0, []
        for b_start, b_end, mark in bounds:
            if b_end > start:
                break
            aside = opened.pop() if mark == ")" and opened else None
            if aside is not None and aside[0] >= prev_end:
                # "tỷ lệ huy động trẻ mẫu giáo (3-5 tuổi) đi học đạt": an aside closed before the figure
                # does not start a new segment
                seg_start, in_paren = aside[1], False
                continue
            if mark == "(":
                opened.append((b_start, seg_start))
            if b_start >= prev_end and b_end <= start:
                seg_start = max(seg_start, b_end)
            if mark == ";":
                clause_start = b_end
            if mark == "(":
                in_paren = True
            elif mark == ")":
                in_paren = False
        next_start = figures[k + 1][0] if k + 1 < len(figures) else len(sentence)
        trail_end = next_start
        for b_start, _, mark in bounds:
            if b_start >= end and mark != "/":
                trail_end = min(trail_end, b_start)
                break
        pre = sentence[seg_start:start]
        soft = None
        for soft in lex.soft_split.finditer(pre):
            pass
        if soft is not None:
            seg_start += soft.end()
            pre = sentence[seg_start:start]
        cue = _cue(pre, lex)
        np_end = seg_start + (_phrase_end(cue) if cue else len(pre))
        np_start = _glued_start(sentence, seg_start, np_end, prev_end, lex, cut_spans)
        np_start = _inner_start(sentence, np_start, np_end, lex)
        head_raw = _before_copula(clean_phrase(sentence[np_start:np_end], lex, cut_spans, np_start))
        if REPORTING.search(head_raw):
            head_raw = ""
        head_raw = HOLDER.sub("", head_raw)
        in_paren = in_paren and bool(PAREN_ALONE.fullmatch(pre))
        out.append(Frame(start=start, end=end, seg_start=seg_start, trail_end=trail_end, clause_start=clause_start,
                         in_paren=in_paren, cue=SPACE.sub(" ", cue.group(0).strip().lower()) if cue else "",
                         head_raw=head_raw, head=strip_rate_head(head_raw, lex), np_start=np_start))
    return out


def _phrase_before(sentence: str, end: int, lex: ClauseLexicon, cut_spans) -> str:
    """The noun phrase of the segment ending at `end`."""
    before = BOUNDARY_BEFORE.search(sentence, 0, end)
    start = before.end() if before else 0
    text = sentence[start:end]
    number = FIGURE_LIKE.search(text)
    np_text = text[:number.start()] if number else text
    cue = _cue(np_text, lex)
    return _before_copula(clean_phrase(np_text[:cue.start()] if cue else np_text, lex, cut_spans, start))


def continued(frame: Frame, index: int, all_frames: list[Frame], sentence: str, cut_spans, book: RuleBook) -> tuple[int | None, str]:
    """For a figure whose own segment names nothing: the earlier figure (index) or the noun phrase of
    an earlier figure-less segment ("Cục Thuế thu ngân sách được 6.134 tỷ đồng, đạt 28,1% dự toán")."""
    from pipeline.extract.places import is_part

    lex = lexicon(book)
    position = min(frame.seg_start, frame.np_start or frame.seg_start)
    bounds = [m for m in BOUNDARY.finditer(sentence, 0, position)]
    cursor = position
    for m in [*reversed(bounds), None]:
        seg_from = m.end() if m is not None else 0
        earlier = [j for j in range(index) if seg_from <= all_frames[j].start < cursor]
        if earlier:
            # a new "số …"/"tỷ lệ …" after the earlier figure names what this one measures
            new = NEW_SUBJECT.search(sentence, all_frames[earlier[-1]].end, cursor)
            if new is None:
                return earlier[-1], ""
            seg_from = new.end()
        text = SCORE_TAIL.sub("", sentence[seg_from:cursor])  # "(PCI) của tỉnh đạt 66,45 điểm, đứng thứ 22/63": not the score
        number = FIGURE_LIKE.search(text)
        np_text = text[:number.start()] if number else text
        if number and not clean_phrase(np_text, lex, cut_spans, seg_from):  # "và 14.400 hộ cận nghèo (chiếm 2,2%)"
            np_text = text
        cue = _cue(np_text, lex)
        np_end = seg_from + (_phrase_end(cue) if cue else len(np_text))
        np_start = _inner_start(sentence, _glued_start(sentence, seg_from, np_end, 0, lex, cut_spans), np_end, lex)
        phrase = _before_copula(clean_phrase(sentence[np_start:np_end], lex, cut_spans, np_start))
        phrase = ADJUNCT_LEAD.sub("", phrase)  # "tính theo chuẩn nghèo đa chiều, … có hộ nghèo": not the standard
        verb_led = bool(lex.verb_at_start.match(phrase)) or bool(ASIDE.match(text))
        if number and np_text is not text and (not phrase or not (verb_led or REPORTING.search(text) or is_part(phrase, book))):
            # "đón 1,2 triệu lượt khách, tăng 28%", "toàn huyện còn 5.231 hộ nghèo, chiếm 40,12%": what was counted
            # (not "việc làm cho 99.000 lao động")
            phrase = counted.of_count(phrase, np_text, text[number.end():], lex.bare_verbs, book)
        if phrase and not verb_led and not REPORTING.search(text) and not is_part(phrase, book):
            if m is not None and m.group(0) == "(" and len(phrase.split()) <= 2:  # "Chỉ số giá tiêu dùng (CPI)"
                outer = _phrase_before(sentence, m.start(), lex, cut_spans)
                if outer:
                    phrase = f"{outer} ({phrase})"
            elif m is not None and (acronym := ACRONYM_BEFORE.search(sentence, 0, m.end())):
                # "vốn đầu tư trực tiếp nước ngoài (FDI) đăng ký vào tỉnh đạt 512 triệu USD, tăng 38,5%": the name goes on
                phrase = f"{_phrase_before(sentence, acronym.start(), lex, cut_spans)} {acronym.group(0).strip()} {phrase}".strip()
            frame.notes["inherited_raw"] = phrase
            return None, strip_rate_head(phrase, lex)
        if earlier:
            return earlier[-1], ""
        cursor = m.start() if m is not None else 0
        if cursor <= 0:
            break
    return None, ""
