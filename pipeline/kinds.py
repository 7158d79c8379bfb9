"""The registry of fact kinds: what each kind is (a figure or a time), its default unit, which fields
say its value (how two facts compare, how it is written) and how a reviewer's correction parses.

Every per-kind branch outside the rule files reads this registry: the rule loaders (which kinds a
rule, an indicator or a meaning rule may name), extraction (which facts get a meaning), review
(which kinds are reviewed by default, how a corrected value is read), evaluation (how a predicted
value is compared with the annotation) and `chitieu explain`. Adding a kind (money, say) is one
entry here, its rules in rules/patterns.toml, one parser in pipeline/extract/values.py and its line
in the README's fact table.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

FIGURE, TIME = "figure", "time"
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_DATE_LIKE = re.compile(r"\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}")


def typed_number(text: str) -> float:
    """A number as people type it in a spreadsheet: "0,5", "0.5", "1.234,5", "1,234.5", "94%" (sign
    kept). Not the extractor's reading of numbers in news text (pipeline.extract.numbers)."""
    s = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}([,.]\d{3}){2,}", s):
        s = re.sub(r"[,.]", "", s)
    if not _PLAIN_NUMBER.fullmatch(s):
        raise ValueError(f"not a number: {text!r}")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def _not_a_date(text: str) -> str:
    text = text.strip()
    if _DATE_LIKE.fullmatch(text):
        raise ValueError(f"{text!r} is a date: the spreadsheet turned the value into a date; type it as text "
                         "(a leading apostrophe: '11/12) or use review.xlsx")
    return text


def number_correction(text: str) -> float:
    """A corrected value in the fact's own unit (94,5 for 94.5%); no fraction notation."""
    text = _not_a_date(text)
    if "/" in text:
        raise ValueError("a fraction like 20/27 is only valid for fraction facts")
    return typed_number(text)


def ratio_correction(text: str) -> float:
    """A corrected fraction as a ratio: "0,74", "20/27", "11/12" or a percentage ("74%" → 0.74)."""
    text = _not_a_date(text)
    if "/" in text:
        numerator, denominator = (typed_number(p) for p in text.split("/", 1))
        if denominator == 0:
            raise ValueError("denominator is zero")
        return numerator / denominator
    value = typed_number(text)
    return value / 100 if text.endswith("%") else value


def _show_range(f: Mapping) -> str:
    return str(f.get("value")) if f.get("value_max") is None else f"{f.get('value')}-{f.get('value_max')}"


@dataclass(frozen=True, slots=True)
class Kind:
    """One kind of fact. `compare` are the fields that carry its value, `numeric` whether they are
    numbers (compared with a tolerance); `show` writes the value for people; `correct` parses a
    reviewer's corrected value."""

    name: str
    role: str  # FIGURE: a number with a meaning (subject, indicator, area …); TIME: a date or period
    unit: str  # the unit its facts have unless the text says another ("" for times)
    compare: tuple[str, ...]
    numeric: bool
    show: Callable[[Mapping], str]
    correct: Callable[[str], float] = number_correction
    description: str = ""


KINDS: dict[str, Kind] = {kind.name: kind for kind in (
    Kind("fraction", FIGURE, "ratio", ("numerator", "denominator"), True,
         lambda f: f"{f.get('numerator')}/{f.get('denominator')}", ratio_correction,
         "a fraction: 20/27; value = numerator / denominator"),
    Kind("percent", FIGURE, "percent", ("value", "value_max"), True, _show_range, number_correction,
         "a percentage or percentage points: 0,03%, 65-70%, 0,3 điểm phần trăm"),
    Kind("date", TIME, "", ("date_start", "date_end"), False,
         lambda f: f"{f.get('date_start')}..{f.get('date_end')}", description="one day: ngày 28/2"),
    Kind("period", TIME, "", ("date_start", "date_end"), False,
         lambda f: f"{f.get('date_start')}..{f.get('date_end')}",
         description="a month, quarter, half, year or several years: giai đoạn 2021-2025"),
)}
FACT_KINDS = tuple(KINDS)
FIGURE_KINDS = tuple(name for name, kind in KINDS.items() if kind.role == FIGURE)
TIME_KINDS = tuple(name for name, kind in KINDS.items() if kind.role == TIME)
EXCLUDE = "exclude"  # a rule kind, not a fact kind: what it matches is no fact (document numbers …)
RULE_KINDS = (*FACT_KINDS, EXCLUDE)
_TIME_LIKE = KINDS["date"]  # how a kind this registry does not know is compared and shown


def kind_of(name: object) -> Kind:
    """The registry entry of a kind name; an unknown name is treated like a time (fields compared as text)."""
    return KINDS.get(name, _TIME_LIKE)  # type: ignore[arg-type]


def is_figure(name: object) -> bool:
    return name in FIGURE_KINDS
