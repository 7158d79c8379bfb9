"""Reading a figure in its sentence: date or fraction, qualifier, target or actual, as of when,
where, and which indicator. Cue words come from rules/; these functions only apply them."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from pipeline.extract.rulebook import RuleBook, derived

UPPER = "A-ZÀÁẢÃẠĂẰẮẲẴẶÂẦẤẨẪẬĐÈÉẺẼẸÊỀẾỂỄỆÌÍỈĨỊÒÓỎÕỌÔỒỐỔỖỘƠỜỚỞỠỢÙÚỦŨỤƯỪỨỬỮỰỲÝỶỸỴ"
NAME = rf"[{UPPER}][^\W\d_]*(?:\s[{UPPER}][^\W\d_]*){{0,3}}"


def _alternation(phrases) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


@dataclass(frozen=True)
class CueSet:
    """The cue lists of a rule book compiled into anchored regexes, once per process."""

    date_before: re.Pattern
    date_before_far: re.Pattern
    date_after: re.Pattern
    fraction_before: re.Pattern
    counted_after: re.Pattern
    not_counted: frozenset
    qualifiers: tuple[tuple[str, re.Pattern], ...]
    qualifiers_after: tuple[tuple[str, re.Pattern], ...]
    target: re.Pattern
    actual: re.Pattern
    actual_after: re.Pattern
    actual_over_target: re.Pattern
    by_end_before: re.Pattern
    baseline_before: re.Pattern
    future: re.Pattern
    area_names: re.Pattern
    area_admin: re.Pattern
    area_whole: re.Pattern


def cue_set(book: RuleBook) -> CueSet:
    return derived(book, _build_cue_set)


def _build_cue_set(book: RuleBook) -> CueSet:
    w = book.cues.words

    def tail(name: str, extra: str = "") -> re.Pattern:
        return re.compile(rf"(?:^|[\s(,])(?:{_alternation(w(name))}){extra}\s*$", re.IGNORECASE)

    def anywhere(name: str) -> re.Pattern:
        return re.compile(rf"(?<![^\W\d_])(?:{_alternation(w(name))})(?![^\W\d_])", re.IGNORECASE)

    admin = _alternation(book.area_admin)
    cues = CueSet(
        date_before=tail("slash.date_before", r"\s*[(,]?"),
        date_before_far=re.compile(rf"(?:^|\s)(?:{_alternation(w('slash.date_before_far'))})(?:\s(?!càng\b)[^\W\d_]+){{1,5}}\s*$",
                                   re.IGNORECASE),
        date_after=re.compile(rf"^\s*,?\s*(?:{_alternation(w('slash.date_after'))})\b", re.IGNORECASE),
        fraction_before=tail("slash.fraction_before"),
        counted_after=re.compile(r"^\s(?:số\s)?([^\W\d_]+)"),
        not_counted=frozenset(x.lower() for x in w("slash.not_counted_after")),
        qualifiers=tuple((q, tail(f"qualifier.{q}")) for q in ("approx", "more_than", "less_than", "at_least", "at_most")),
        qualifiers_after=tuple((q, re.compile(rf"^\s*(?:{_alternation(w(f'qualifier.{q}_after'))})\b", re.IGNORECASE))
                               for q in ("at_least", "at_most")),
        target=anywhere("modality.target"),
        actual=anywhere("modality.actual"),
        actual_after=anywhere("modality.actual_after"),
        actual_over_target=anywhere("modality.actual_over_target"),
        by_end_before=tail("time.by_end_before"),
        baseline_before=tail("time.baseline_before"),
        future=anywhere("time.future"),
        area_names=re.compile(rf"(?<![^\W\d_])(?:{_alternation(book.area_names)})(?![^\W\d_])"),
        area_admin=re.compile(rf"(?<![^\W\d_])(?P<admin>{admin})\s(?P<name>{NAME})"),
        area_whole=re.compile(rf"(?<![^\W\d_])(?:{_alternation(book.area_whole)})(?![^\W\d_])", re.IGNORECASE),
    )
    return cues


PREVIOUS_DATE = re.compile(r"\d{1,2}/\d{1,2}\s*(?:và|hoặc|,|-)\s*$")


def classify_slash(sentence: str, start: int, end: int, cues: CueSet, could_be_date: bool = True) -> str | None:
    """'date' or 'fraction' for a/b without a year, from the words around it; None when the
    context does not say (then no fact: precision first). A reading the numbers rule out
    (20/27 is no day) is not offered."""
    before = sentence[max(0, start - 60):start]
    after = sentence[end:end + 30]
    if could_be_date and (cues.date_before.search(before) or cues.date_after.match(after)
                          or cues.date_before_far.search(before) or PREVIOUS_DATE.search(before)):
        return "date"
    counted = cues.counted_after.match(after)
    if counted and counted.group(1).lower() not in cues.not_counted:
        return "fraction"
    if cues.fraction_before.search(before):
        return "fraction"
    return None


def qualifier(sentence: str, start: int, end: int, cues: CueSet) -> str:
    before = sentence[max(0, start - 25):start]
    for name, regex in cues.qualifiers:
        if regex.search(before):
            return name
    after = sentence[end:end + 20]
    for name, regex in cues.qualifiers_after:
        if regex.match(after):
            return name
    return ""


def modality(segment: str, after: str, cues: CueSet) -> str:
    """target | actual | unknown from the text between the previous figure and this one
    (`segment`) and the rest of the clause (`after`)."""
    targets = [m.end() for m in cues.target.finditer(segment)]
    actuals = [m.end() for m in cues.actual.finditer(segment)]
    if targets and not (actuals and max(actuals) > max(targets) and cues.actual_over_target.search(segment, max(targets))):
        return "target"
    if actuals or cues.actual_after.search(after):
        return "actual"
    return "unknown"


def is_future(sentence: str, cues: CueSet) -> bool:
    return bool(cues.future.search(sentence))


def is_baseline(sentence: str, start: int, cues: CueSet) -> bool:
    """A time after 'so với' is what a figure is compared with, not when it holds."""
    return bool(cues.baseline_before.search(sentence[max(0, start - 20):start]))


def holds_by_end(sentence: str, start: int, cues: CueSet) -> bool:
    """A figure 'đến năm 2025' holds by the end of that period, not throughout it."""
    return bool(cues.by_end_before.search(sentence[max(0, start - 12):start]))


def areas_in(text: str, book: RuleBook, cues: CueSet) -> list[tuple[int, int, str]]:
    """(start, end, canonical area) mentions: known names and admin units with a proper name."""
    found = []
    for m in cues.area_names.finditer(text):
        found.append((m.start(), m.end(), book.area_names[m.group(0)]))
    for m in cues.area_admin.finditer(text):
        admin, name = m.group("admin"), m.group("name")
        if name in book.area_names:
            area = book.area_names[name]
        elif admin.lower() in ("thành phố", "tỉnh", "tp", "tp."):
            area = name
        else:
            area = f"{admin.lower()} {name}"
        found.append((m.start(), m.end(), area))
    found.sort()
    return found


def dominant_area(text: str, book: RuleBook, cues: CueSet) -> str:
    """The area an article names most often: what 'toàn thành phố' refers to."""
    counts = Counter(area for _, _, area in areas_in(text, book, cues)
                     if not area.startswith(("huyện ", "quận ", "xã ", "phường ", "thị trấn ", "thị xã ")))
    return counts.most_common(1)[0][0] if counts else ""


def area_for(sentence: str, start: int, book: RuleBook, cues: CueSet, doc_area: str) -> str:
    """The nearest area named before the figure, else after it, else the article's area when the
    sentence speaks of the whole city or province."""
    mentions = areas_in(sentence, book, cues)
    before = [a for s, e, a in mentions if e <= start]
    if before:
        return before[-1]
    after = [a for s, e, a in mentions if s >= start]
    if after:
        return after[0]
    if doc_area and cues.area_whole.search(sentence):
        return doc_area
    return ""


def _indicator_terms(book: RuleBook) -> list[tuple[object, re.Pattern]]:
    return [(ind, re.compile(rf"(?<![^\W\d_])(?:{_alternation(ind.terms)})(?![^\W\d_])", re.IGNORECASE))
            for ind in book.indicators]


def indicator_for(kind: str, subject: str, before: str, clause: str, book: RuleBook) -> str:
    """The first lexicon indicator whose terms name the subject (or, failing that, occur in the
    text between the previous figure and this one); `requires` phrases must be in the clause."""
    lowered_clause = clause.lower()
    for text in (subject, before):
        if not text:
            continue
        for ind, terms in derived(book, _indicator_terms):
            if ind.kinds and kind not in ind.kinds:
                continue
            if ind.requires and not any(r.lower() in lowered_clause for r in ind.requires):
                continue
            if any(u.lower() in lowered_clause for u in ind.unless):
                continue
            if terms.search(text):
                return ind.id
    return ""
