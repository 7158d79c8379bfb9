"""Which lexicon indicator a figure is about (rules/indicators.toml): the most specific term that
names its subject, else its own clause, else what the figure it continues is about. The lexicon's
order never decides: the longest matching term wins, then the one nearest the figure. Then a
component is not its total, a breakdown follows the figure before it, GDP and GRDP follow the area."""
from __future__ import annotations

import re
from dataclasses import dataclass

import pipeline.extract.places as places
from pipeline.extract.phrases import PhraseIndex
from pipeline.extract.subjects import junk_subject
from pipeline.rules.book import RuleBook, derived


@dataclass(frozen=True)
class Vocabulary:
    terms: PhraseIndex  # every term, lower-cased
    by_term: dict  # lower-cased term → indicators that list it
    by_id: dict

    def matches(self, text: str):
        """(start, term) of every lexicon term in `text`, whole words, overlaps included."""
        return self.terms.finditer(text)


def vocabulary(book: RuleBook) -> Vocabulary:
    return derived(book, _build)


def _build(book: RuleBook) -> Vocabulary:
    by_term: dict[str, list] = {}
    for ind in book.indicators:
        for term in ind.terms:
            by_term.setdefault(term.lower(), []).append(ind)
    return Vocabulary(PhraseIndex(by_term, lower=True), by_term, {ind.id: ind for ind in book.indicators})


def _inheritable(indicator_id: str, kind: str, value_kind: str, lowered_clause: str, book: RuleBook) -> bool:
    """Whether a figure may take another figure's indicator: a known one, not named only by a
    subject, that accepts this figure's kind and value kind in this clause."""
    ind = vocabulary(book).by_id.get(indicator_id) if indicator_id else None
    return ind is not None and not ind.subject_only and _allowed(ind, kind, value_kind, lowered_clause)


def _allowed(ind, kind: str, value_kind: str, lowered_clause: str) -> bool:
    if ind.kinds and kind not in ind.kinds:
        return False
    if ind.value_kinds and value_kind not in ind.value_kinds:
        return False
    if ind.requires and not any(r.lower() in lowered_clause for r in ind.requires):
        return False
    return not any(u.lower() in lowered_clause for u in ind.unless)


# "xuất khẩu của khu vực FDI", "năng suất lao động toàn nền kinh tế": what follows is whose it is, not what it is
# (not "88% hồ sơ TTHC của tỉnh được tiếp nhận qua DVCTT": a place is whose the counted things are, and the predicate
# after it still says what is counted)
HEAD_END = re.compile(r"\s(?:(?:của|tại|ở|thuộc|đối với|so với|trên tổng|trong tổng|theo)\s"
                      r"(?!(?:toàn\s+)?(?:tỉnh|thành phố|TP|huyện|quận|thị xã|xã|phường|cả nước)(?![^\W\d_]))"
                      r"|toàn nền kinh tế(?![^\W\d_]))", re.IGNORECASE)


COORDINATION = re.compile(r"\s*(?:,|và|,\s*và)\s*")


def best_term(text: str, kind: str, value_kind: str, lowered_clause: str, vocab: Vocabulary, subject_tier: bool = False):
    """(indicator, term) for the most specific allowed term in `text`: a term inside a longer match
    never wins, and of the rest the one that ends last (Vietnamese modifiers follow their head:
    "lao động qua đào tạo có bằng cấp, chứng chỉ"), within the head before "của", "trong" …"""
    head = HEAD_END.search(text)
    head_end = head.start() if head and head.start() > 0 else len(text)
    found = []
    for start, term in vocab.matches(text):
        if start >= head_end:  # a term only in the modifier after "của", "ở" … ("xuất khẩu của khu vực FDI")
            continue
        allowed = [ind for ind in vocab.by_term[term] if (subject_tier or not ind.subject_only)
                   and _allowed(ind, kind, value_kind, lowered_clause)]
        if allowed:
            found.append((start, start + len(term), allowed[0], text[start:start + len(term)]))
    maximal = [f for f in found if not any(o[0] <= f[0] and f[1] <= o[1] and (o[1] - o[0]) > (f[1] - f[0])
                                           for o in found)]
    # an acronym coordinated after another term ("Nợ BHXH, BHYT, BHTN", "tham gia BHXH, BHTN") is a modifier
    # of the first: the debt of all three, not unemployment-insurance coverage
    maximal.sort(key=lambda f: f[0])
    coordinated = set()
    for i, f in enumerate(maximal):
        if " " not in f[3] and any(COORDINATION.fullmatch(text, o[1], f[0]) for o in maximal[:i] if o[1] <= f[0]):
            coordinated.add(i)
    if coordinated and len(coordinated) < len(maximal):
        maximal = [f for i, f in enumerate(maximal) if i not in coordinated]
    # of two terms that overlap, the one that starts first is the head ("kim ngạch xuất nhập khẩu hàng
    # hóa": the turnover, not "nhập khẩu hàng hóa")
    maximal = [f for f in maximal if not any(o[0] < f[0] < o[1] < f[1] and o[1] - o[0] >= f[1] - f[0]
                                             and o[2] is not f[2] for o in maximal)]
    if not maximal:
        return None, ""
    best = max(maximal, key=lambda f: (f[1], f[1] - f[0]))
    return best[2], best[3]


def indicator_for(kind: str, value_kind: str, subject: str, own: str, clause: str, parent: str,
                  requires_text: str, book: RuleBook, noun: str = "") -> tuple[str, str]:
    """(indicator id or "", why): tried on the counted noun alone ("18/30 quận huyện" of "… quận huyện
    không còn hộ nghèo"), the subject, the figure's own clause, the figure it continues, then the
    clause before it."""
    vocab = vocabulary(book)
    lowered = requires_text.lower()
    criteria = next((c for c in book.cues.words("clause.criteria_nouns")
                     if noun.lower() == c or noun.lower().startswith(c + " ")), None) if kind == "fraction" else None
    if criteria:
        # "đạt 6/9 tiêu chí huyện nông thôn mới", "11/11 tiêu chí NTM nâng cao": a count of criteria met measures no
        # indicator, unless a term starts with the criteria ("17/21 tiêu chí đạt và vượt kế hoạch": the year's targets)
        whole, whole_term = best_term(subject, kind, value_kind, lowered, vocab, subject_tier=True)
        if whole is not None and whole_term.lower().startswith(criteria + " "):
            return whole.id, f"subject:{whole_term}"
        return "", "criteria"
    if noun and subject.lower().startswith(noun.lower() + " "):
        # "98% hộ nghèo được tiếp cận nguồn nước hợp vệ sinh": the predicate after the counted noun names
        # what is measured of it; the noun ("hộ nghèo") is only whose it is (not "18/30 quận, huyện …",
        # where the counted units are the indicator)
        counted, _ = best_term(noun, kind, value_kind, lowered, vocab, subject_tier=True)
        whole, whole_term = best_term(subject, kind, value_kind, lowered, vocab, subject_tier=True)
        if whole is not None and whole_term.lower().startswith(noun.lower() + " "):
            return whole.id, f"subject:{whole_term}"  # "7/7 huyện đạt chuẩn NTM": a term that counts these units
        if whole is not None and whole is counted and _runs_past(subject, whole_term, len(noun)):
            # "52% sử dụng nước sạch đạt quy chuẩn": the noun's own term goes on into the predicate, which names it
            return whole.id, f"subject:{whole_term}"
        ind, term = best_term(subject[len(noun):], kind, value_kind, lowered, vocab, subject_tier=True)
        if ind is not None and not (counted is not None and counted.subject_only):
            return ind.id, f"predicate:{term}"
        if ind is None and counted is not None and not counted.subject_only and \
                derived(book, _predicate_start).match(subject, len(noun)):
            # "90% hộ nghèo được tiếp cận thông tin": what is measured of the poor households, not how many are poor
            return "", "population_predicate"
    if not noun and (pop := derived(book, _population_start).match(subject)) and \
            derived(book, _predicate_start).match(subject, pop.end()) and \
            best_term(subject[pop.end():], kind, value_kind, lowered, vocab, subject_tier=True)[0] is None:
        # "Tỷ lệ hộ nghèo có nhà ở kiên cố đạt 85%": what the poor households have, not how many are poor
        return "", "population_predicate"
    for text, where in ((noun, "noun"), (subject, "subject"), (own, "clause")):
        if text:
            # the subject's own words count for requires/unless too ("chỉ tiêu cụ thể" carried to "năm 2017: 90,0%")
            ind, term = best_term(text, kind, value_kind, f"{lowered} | {subject.lower()}", vocab,
                                  subject_tier=where in ("noun", "subject"))
            if ind is not None:
                return ind.id, f"{where}:{term}"
    if parent and _inheritable(parent, kind, value_kind, lowered, book):
        return parent, "continues"
    if clause:
        ind, term = best_term(clause, kind, value_kind, lowered, vocab)
        if ind is not None:
            return ind.id, f"sentence:{term}"
    return "", "none"


def _runs_past(subject: str, term: str, noun_end: int) -> bool:
    """Whether `term`, found in `subject`, starts inside its first `noun_end` characters and ends after them."""
    at = subject.lower().find(term.lower())
    return 0 <= at < noun_end < at + len(term)


def topic_of(headline: str, book: RuleBook) -> tuple[str, str]:
    """The indicator a headline is about and the term that names it ("Tỷ lệ tốt nghiệp THPT 2017
    nhiều tỉnh thành đạt 99%" → graduation_rate, "tốt nghiệp THPT"); ("", "") if none."""
    ind, term = best_term(headline, "percent", "level", headline.lower(), vocabulary(book)) if headline else (None, "")
    return (ind.id, term) if ind is not None else ("", "")


def names_no_measure(subject: str, book: RuleBook) -> bool:
    """Whether a subject names only a place, a part of one or nothing ("Hà Nội", "khu vực thành thị",
    ""): such a figure is measured as something else says."""
    return (not subject or junk_subject(book)(subject) or places.is_part(subject, book)
            or bool(places.part_of(subject, book)) or bool(places.place_finder(book).find(subject))
            or bool(derived(book, _unit_name).fullmatch(subject.strip()))
            or bool(book.gazetteer.national_body.fullmatch(subject.strip())))  # "Khối bộ, ngành", "Bộ Tư pháp"


def _predicate_start(book: RuleBook) -> re.Pattern:
    verbs = book.cues.alternation("subject.predicate_verbs")
    return re.compile(rf"\s+(?:đã\s+|đều\s+)?(?:{verbs or '(?!)'})(?![^\W\d_])", re.IGNORECASE)


def _population_start(book: RuleBook) -> re.Pattern:
    words = book.cues.alternation("population_part.words")
    return re.compile(rf"(?:(?:tỷ lệ|tỉ lệ|số)\s+)?(?:{words or '(?!)'})(?![^\W\d_])", re.IGNORECASE)


def _all_components(book: RuleBook) -> tuple[str, ...]:
    """Every indicator's components, lower-case (a subject starting with one is a part of a total)."""
    return tuple(c.lower() for ind in book.indicators for c in ind.components)


def _unit_name(book: RuleBook) -> re.Pattern:
    """A body's name: one of subject.unit_heads, then capitalised words ("Bộ Công Thương", "Sở Y tế")."""
    heads = book.cues.alternation("subject.unit_heads")
    return re.compile(rf"(?:các\s+)?(?:{heads or '(?!)'})\s+[{places.UPPER}][^\W\d_]*(?:[\s,-]+[^\W\d_]+){{0,5}}")


def is_breakdown(sentence: str, book: RuleBook) -> bool:
    """Whether the sentence breaks down the figure before it ("Trong đó, …", "Cụ thể: …")."""
    return bool(derived(book, _breakdown_start).match(sentence))


def names_own_measure(text: str, book: RuleBook) -> bool:
    """Whether `text` holds a term that can name a figure's measure from its clause: not one only a subject
    names ("vượt 0,2% chỉ tiêu", "toàn huyện": no measure of the sentence)."""
    vocab = vocabulary(book)
    return any(not ind.subject_only for _, term in vocab.matches(text) for ind in vocab.by_term[term])


def names_indicator(text: str, book: RuleBook) -> bool:
    """Whether `text` holds a lexicon term (asked for every figure of a sentence: remembered)."""
    seen = derived(book, _named_cache)
    known = seen.get(text)
    if known is None:
        known = any(True for _ in vocabulary(book).matches(text))
        if len(seen) > 20_000:
            seen.clear()
        seen[text] = known
    return known


def _named_cache(book: RuleBook) -> dict:
    return {}


def _breakdown_start(book: RuleBook) -> re.Pattern:
    words = book.cues.alternation("clause.breakdown_start")
    return re.compile(rf"^\W*(?:{words})(?![^\W\d_])", re.IGNORECASE)


def book_indicator(book: RuleBook, ident: str):
    return vocabulary(book).by_id.get(ident) if ident else None
