"""Reading a number in its sentence: a/b as a date or a fraction, the qualifier before or after a
figure, a sentence about the future. Cue words come from rules/cues.toml; these functions only apply
them (what a figure means is pipeline/extract/meaning.py)."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.rules.book import RuleBook, derived
from pipeline.rules.cues import alternation


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
    future: re.Pattern


def cue_set(book: RuleBook) -> CueSet:
    return derived(book, _build_cue_set)


def _build_cue_set(book: RuleBook) -> CueSet:
    w = book.cues.words

    def tail(name: str, extra: str = "") -> re.Pattern:
        return re.compile(rf"(?:^|[\s(,])(?:{alternation(w(name))}){extra}\s*$", re.IGNORECASE)

    def anywhere(name: str) -> re.Pattern:
        return re.compile(rf"(?<![^\W\d_])(?:{alternation(w(name))})(?![^\W\d_])", re.IGNORECASE)

    cues = CueSet(
        date_before=tail("slash.date_before", r"\s*[(,]?"),
        date_before_far=re.compile(rf"(?:^|\s)(?:{alternation(w('slash.date_before_far'))})(?:\s(?!càng\b)[^\W\d_]+){{1,5}}\s*$",
                                   re.IGNORECASE),
        date_after=re.compile(rf"^\s*,?\s*(?:{alternation(w('slash.date_after'))})\b", re.IGNORECASE),
        fraction_before=tail("slash.fraction_before"),
        counted_after=re.compile(r"^\s(?:số\s)?([^\W\d_]+)"),
        not_counted=frozenset(x.lower() for x in w("slash.not_counted_after")),
        qualifiers=tuple((q, tail(f"qualifier.{q}")) for q in ("approx", "more_than", "less_than", "at_least", "at_most")),
        qualifiers_after=tuple((q, re.compile(rf"^\s*(?:{alternation(w(f'qualifier.{q}_after'))})\b", re.IGNORECASE))
                               for q in ("at_least", "at_most")),
        future=anywhere("time.future"),
    )
    return cues


PREVIOUS_DATE = re.compile(r"\d{1,2}/\d{1,2}\s*(?:và|hoặc|,|-)\s*$")


MONTH_BEFORE = re.compile(r"(?<![^\W\d_])tháng\s*$", re.IGNORECASE)


def classify_slash(sentence: str, start: int, end: int, cues: CueSet, could_be_date: bool = True) -> str | None:
    """'date' or 'fraction' for a/b without a year, from the words around it; None when the
    context does not say (then no fact: precision first). A reading the numbers rule out
    (20/27 is no day) is not offered."""
    before = sentence[max(0, start - 60):start]
    after = sentence[end:end + 30]
    if MONTH_BEFORE.search(before):
        return "date" if could_be_date else None  # "tháng 1/20223" (a typed year): a month, never a share
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


def is_future(sentence: str, cues: CueSet) -> bool:
    return bool(cues.future.search(sentence))
