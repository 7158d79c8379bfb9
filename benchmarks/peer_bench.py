"""Conformance of the extractor against other projects' Vietnamese test cases (../shared/peer).

    python -m benchmarks peer

Suites: Duckling (time/numeral/ordinal/money corpora), dateparser, NeMo TN/ITN, CodeLink TN,
num2words. Only cases inside our kinds are scored (fraction, percent, date = one calendar day,
period = month / quarter / half / year / multi-year / day range); every other case is counted
as out of scope with a reason. The scope of a case is decided by what the case *expects*
(Duckling grain, dateparser period, the written form of a NeMo/CodeLink pair), never by what the
extractor outputs.

Expected values come either straight from the peer's own value (Duckling, dateparser) or, for the
normalisation suites whose expected output is a written string, from `parse_written()` below: a
small regex parser written for this report, independent of the extractor's own rules.

Conventions that shape the figures (see README of the peer data):
- Duckling's reference time is 2017-02-02 (passed as `published`); its interval `to` is exclusive,
  converted here to an inclusive end. Duckling resolves a year-less day/month forward (next
  occurrence); our extractor resolves it toward the past unless the sentence speaks of the future,
  so those cases fail with the reason "year resolved to the past (peer expects future)".
- dateparser: `published` = the test's relative base; period month/year compare year-month / year.
- NeMo / CodeLink carry no reference date: `published` is None and a year-less day is expected as
  "--MM-DD" (month "--MM"). Written forms that need "now" ("tháng 5 năm nay", "ngày 4 tháng này")
  get `published` = DEICTIC_REF and the expected year/month is taken from it.
"""
from __future__ import annotations

import calendar
import datetime as dt
import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from pipeline.settings import SHARED_DIR

PEER_DIR = SHARED_DIR / "peer"
DUCKLING_REF = "2017-02-02"
DEICTIC_REF = "2021-06-15"


# --------------------------------------------------------------------------- data model

@dataclass
class Expect:
    """One value the extractor must produce (all of a case's Expects must be met)."""

    kind: str  # date | period | percent | fraction
    start: str | None = None  # ISO date, "--MM-DD" / "--MM", or a prefix ("2019", "1940-09")
    end: str | None = None  # inclusive; None = not compared
    prefix: bool = False  # compare date_start[:len(start)] only
    value: float | None = None
    value_max: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    whole: float | None = None  # mixed number "23 1/5"
    grain: str | None = None  # when set, the fact's grain must equal it

    def describe(self) -> str:
        if self.kind in ("date", "period"):
            s = self.start + ("*" if self.prefix else "")
            return f"{self.kind} {s}" + (f"..{self.end}" if self.end and self.end != self.start else "")
        if self.kind == "percent":
            return f"percent {self.value:g}" + (f"-{self.value_max:g}" if self.value_max is not None else "")
        w = f"{self.whole:g} " if self.whole is not None else ""
        return f"fraction {w}{self.numerator:g}/{self.denominator:g}"


@dataclass
class Case:
    suite: str
    ident: str  # file:line or similar
    text: str  # input given to the extractor
    published: str | None
    expects: list[Expect] = field(default_factory=list)
    negative: str | None = None  # "date": no date/period fact may be produced
    out_of_scope: str | None = None  # reason category when not scored
    note: str = ""  # what the peer case expects, for the failure listing

    @property
    def in_scope(self) -> bool:
        return self.out_of_scope is None


# --------------------------------------------------------------------------- date helpers

def _month_end(y: int, m: int) -> str:
    return dt.date(y, m, calendar.monthrange(y, m)[1]).isoformat()


def _grain_end(start: dt.date, grain: str) -> str:
    if grain == "day":
        return start.isoformat()
    if grain == "month":
        return _month_end(start.year, start.month)
    if grain == "quarter":
        return _month_end(start.year, start.month + 2)
    if grain == "year":
        return dt.date(start.year, 12, 31).isoformat()
    raise ValueError(grain)


def _valid_day(d: int, m: int, y: int | None) -> bool:
    if not 1 <= m <= 12 or d < 1:
        return False
    return d <= calendar.monthrange(y if y else 2000, m)[1]  # 2000: leap, so 29/02 allowed yearless


def _iso_day(d: int, m: int, y: int | None) -> str:
    return f"{y:04d}-{m:02d}-{d:02d}" if y else f"--{m:02d}-{d:02d}"


def _iso_month(m: int, y: int | None) -> str:
    return f"{y:04d}-{m:02d}" if y else f"--{m:02d}"


# --------------------------------------------------------------------------- independent written-form parser

_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
_MONTH_WORDS = {"một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8,
                "chín": 9, "mười": 10, "mười một": 11, "mười hai": 12}
_MW = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_D = r"(?<![\d,.])"  # no digit/decimal before a number
_ND = r"(?![\d%])"

_DATE_PATTERNS: list[tuple[str, re.Pattern]] = [
    ("quarter", re.compile(r"quý\s+(0?[1-4]|IV|I{1,3})\s*[/.\-]\s*(\d{4})\b", re.I)),
    ("dayrange_y", re.compile(_D + r"(\d{1,2})\s*-\s*(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{4})" + _ND)),
    ("day_y", re.compile(_D + r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})" + _ND)),
    ("monthrange_y", re.compile(_D + r"(\d{1,2})\s*-\s*(\d{1,2})\s*[/.]\s*(\d{4})" + _ND)),
    ("month_y", re.compile(_D + r"(?:tháng\s+)?(\d{1,2})\s*[/.\-]\s*(\d{4})" + _ND)),
    ("dayrange", re.compile(_D + r"(\d{1,2})\s*-\s*(\d{1,2})\s*[/.]\s*(\d{1,2})" + _ND)),
    ("day_words", re.compile(_D + r"(\d{1,2})\s+tháng\s+(\d{1,2}|" + _MW + r")(?:\s+năm\s+(\d{1,4}|nay))?(?!\d)",
                             re.I)),
    ("day_this_month", re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+này", re.I)),
    ("day", re.compile(_D + r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})" + _ND)),
    ("month_words", re.compile(r"tháng\s+(\d{1,2})(?:\s+năm\s+(\d{1,4}|nay)|\s+(\d{4}))?(?![\d/.\-])", re.I)),
    ("year", re.compile(r"năm\s+(\d{3,4})(?!\d)", re.I)),
]


def _month_of(token: str) -> int:
    return int(token) if token.isdigit() else _MONTH_WORDS[token.lower()]


def _year_of(token: str | None, ref: str | None) -> int | None:
    if token is None:
        return None
    if token.lower() == "nay":
        return int(ref[:4]) if ref else None
    return int(token)


def parse_written_dates(text: str, ref: str | None = None) -> list[Expect] | None:
    """Dates and periods in a written form, left to right. None when a date-shaped token is invalid
    (e.g. "32/02/2001", "13/2000"): the peer left it unchanged and so must we."""
    taken = [False] * len(text)
    found: list[tuple[int, Expect]] = []
    invalid = False
    for name, pat in _DATE_PATTERNS:
        for m in pat.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            g = m.groups()
            e: Expect | None = None
            if name == "quarter":
                q = int(g[0]) if g[0].isdigit() else _ROMAN[g[0].upper()]
                y = int(g[1])
                e = Expect("period", _iso_day(1, 3 * q - 2, y), _month_end(y, 3 * q))
            elif name == "dayrange_y":
                d1, d2, mo, y = map(int, g)
                if _valid_day(d1, mo, y) and _valid_day(d2, mo, y) and d1 < d2:
                    e = Expect("period", _iso_day(d1, mo, y), _iso_day(d2, mo, y))
            elif name == "day_y":
                d, mo, y = int(g[0]), int(g[2]), int(g[3])
                if _valid_day(d, mo, y):
                    e = Expect("date", _iso_day(d, mo, y), _iso_day(d, mo, y))
            elif name == "monthrange_y":
                m1, m2, y = map(int, g)
                if 1 <= m1 < m2 <= 12:
                    e = Expect("period", _iso_day(1, m1, y), _month_end(y, m2))
            elif name == "month_y":
                mo, y = int(g[0]), int(g[1])
                if 1 <= mo <= 12:
                    e = Expect("period", _iso_day(1, mo, y), _month_end(y, mo))
            elif name == "dayrange":
                d1, d2, mo = map(int, g)
                if _valid_day(d1, mo, None) and _valid_day(d2, mo, None) and d1 < d2:
                    e = Expect("period", _iso_day(d1, mo, None), _iso_day(d2, mo, None))
            elif name == "day_words":
                d, mo, y = int(g[0]), _month_of(g[1]), _year_of(g[2], ref)
                if _valid_day(d, mo, y):
                    e = Expect("date", _iso_day(d, mo, y), _iso_day(d, mo, y) if y else None)
            elif name == "day_this_month":
                if ref:
                    y, mo = int(ref[:4]), int(ref[5:7])
                    e = Expect("date", _iso_day(int(g[0]), mo, y), _iso_day(int(g[0]), mo, y))
            elif name == "day":
                d, mo = int(g[0]), int(g[1])
                if _valid_day(d, mo, None):
                    e = Expect("date", _iso_day(d, mo, None), _iso_day(d, mo, None))
            elif name == "month_words":
                mo = int(g[0])
                y = _year_of(g[1] or g[2], ref)
                if 1 <= mo <= 12:
                    # a year-less month: "--MM" (Fact docstring) or "--MM-01..": compare the prefix + grain
                    e = (Expect("period", _iso_day(1, mo, y), _month_end(y, mo)) if y
                         else Expect("period", _iso_month(mo, None), prefix=True, grain="month"))
            elif name == "year":
                y = int(g[0])
                e = Expect("period", f"{y:04d}-01-01", f"{y:04d}-12-31")
            if e is None:
                invalid = True
            else:
                found.append((m.start(), e))
            for i in range(m.start(), m.end()):
                taken[i] = True
    if invalid and not found:
        return None
    return [e for _, e in sorted(found, key=lambda p: p[0])]


_PERCENT = re.compile(r"(-?\d+(?:[.,]\d+)?)(?:\s*-\s*(\d+(?:[.,]\d+)?))?\s*%")
_FRACTION = re.compile(r"(?<![\d/])(-?)(?:(\d+)\s+)?(\d+)/(\d+)(?![\d/])")


def _num(s: str) -> float:
    return float(s.replace(",", "."))


def parse_written_percents(text: str) -> list[Expect]:
    return [Expect("percent", value=_num(m.group(1)), value_max=_num(m.group(2)) if m.group(2) else None)
            for m in _PERCENT.finditer(text)]


def parse_written_fractions(text: str) -> list[Expect]:
    out = []
    for m in _FRACTION.finditer(text):
        sign = -1 if m.group(1) else 1
        whole = float(m.group(2)) if m.group(2) else None
        n, d = float(m.group(3)), float(m.group(4))
        if whole is None:
            out.append(Expect("fraction", numerator=sign * n, denominator=d, value=sign * n / d))
        else:
            out.append(Expect("fraction", numerator=n, denominator=d, whole=sign * whole,
                              value=sign * (whole + n / d)))
    return out


# --------------------------------------------------------------------------- suite loaders

def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]


_WEEKDAY = re.compile(r"\b(thứ\s+(2|3|4|5|6|7|hai|ba|tư|năm|sáu|bảy)|chủ nhật|chúa nhật)\b", re.I)
_RELDAY = re.compile(r"hôm nay|hôm qua|hôm kia|ngày mai|bữa nay|\d+\s+ngày|\bngày\s+(tới|tiếp)", re.I)


def duckling_cases(path: Path) -> list[Case]:
    cases = []
    for i, r in enumerate(_jsonl(path), 1):
        c = Case("duckling", f"{path.name}:{i}", r["text"], None, note=json.dumps(r["expected"])[:90])
        dim, exp = r["dimension"], r["expected"]
        if dim == "numeral":
            c.out_of_scope = "plain cardinal/decimal"
        elif dim == "ordinal":
            c.out_of_scope = "ordinal"
        elif dim == "amount-of-money":
            c.out_of_scope = "money"
        elif r.get("negative"):
            c.published, c.negative, c.note = DUCKLING_REF, "date", "must not parse as time"
        elif exp["type"] == "value":
            grain, day = exp["grain"], dt.date.fromisoformat(exp["value"][:10])
            if grain in ("hour", "minute", "second"):
                c.out_of_scope = "time of day"
            elif grain == "week":
                c.out_of_scope = "week"
            elif grain == "day" and "tháng" not in r["text"] and _WEEKDAY.search(r["text"]):
                c.out_of_scope = "weekday"
            elif grain == "day" and "tháng" not in r["text"] and _RELDAY.search(r["text"]):
                c.out_of_scope = "relative day"
            else:
                c.published = DUCKLING_REF
                c.expects = [Expect("date" if grain == "day" else "period", day.isoformat(), _grain_end(day, grain))]
        else:  # interval; `to` is exclusive
            grain = exp["from"]["grain"]
            if grain in ("hour", "minute", "second"):
                c.out_of_scope = "time of day"
            elif "mùa" in r["text"]:
                c.out_of_scope = "season"
            elif grain in ("day", "week"):
                c.out_of_scope = "relative day"
            else:
                start = dt.date.fromisoformat(exp["from"]["value"][:10])
                end = dt.date.fromisoformat(exp["to"]["value"][:10]) - dt.timedelta(days=1)
                c.published = DUCKLING_REF
                c.expects = [Expect("period", start.isoformat(), end.isoformat())]
        cases.append(c)
    return cases


def dateparser_cases(path: Path) -> list[Case]:
    cases = []
    for r in _jsonl(path):
        exp = r["expected"]
        c = Case("dateparser", f"{path.name}:{r['source'].split('::')[-1]}:{r['line']}", r["text"],
                 (r.get("relative_base") or "")[:10] or None, note=json.dumps(exp, ensure_ascii=False)[:90])
        if "date_obj" in exp:
            ago = exp.get("ago") or exp.get("in_future") or {}
            period = exp["period"]
            if any(k in ago for k in ("hours", "minutes", "seconds")):
                c.out_of_scope = "time of day"
            elif _WEEKDAY.search(r["text"]) and not re.search(r"\d{4}", r["text"]):
                c.out_of_scope = "weekday"
            elif period == "day" and (ago or _RELDAY.search(r["text"])):
                c.out_of_scope = "relative day"
            elif period in ("day", "month", "year"):
                d = exp["date_obj"][:10]
                c.expects = [Expect("date" if period == "day" else "period",
                                    {"day": d, "month": d[:7], "year": d[:4]}[period], prefix=period != "day")]
            else:
                c.out_of_scope = "week"
        elif isinstance(exp.get("found"), list):
            base = (r.get("settings") or {}).get("RELATIVE_BASE")
            c.published = base[:10] if base else c.published
            for sub, when in exp["found"]:
                mine = parse_written_dates(sub) or []
                # grain from the substring (own parser), value from dateparser
                grain = "day" if mine and mine[0].kind == "date" else (
                    "year" if re.fullmatch(r"năm\s+\d{4}", sub) else "month")
                d = when[:10]
                c.expects.append(Expect("date" if grain == "day" else "period",
                                        {"day": d, "month": d[:7], "year": d[:4]}[grain], prefix=grain != "day"))
        else:
            c.out_of_scope = "no value (translation/tokens/language/substring test)"
        cases.append(c)
    return cases


_NEMO_OUT = {"cardinal": "plain cardinal/decimal", "decimal": "plain cardinal/decimal", "ordinal": "ordinal",
             "money": "money", "time": "time of day", "telephone": "telephone", "electronic": "electronic",
             "roman": "roman", "range": "range of cardinals/money/measures/times", "word": "no value (no-change)",
             "whitelist": "no value (no-change)"}


def nemo_cases(paths: Iterable[Path]) -> list[Case]:
    cases = []
    for path in paths:
        for r in _jsonl(path):
            cat, task, written = r["category"], r["task"], r["written"]
            text = r["spoken"] if task == "ITN" else written
            c = Case(f"nemo-{task}", f"{path.name}:{task}:{r['line']}", text, None, note=f"written={written!r}")
            if cat in _NEMO_OUT:
                c.out_of_scope = _NEMO_OUT[cat]
            elif cat == "date":
                ref = DEICTIC_REF if re.search(r"năm nay|tháng này", written) else None
                c.published = ref
                c.expects = parse_written_dates(written, ref) or []
                if not c.expects:
                    c.out_of_scope = "no value (no-change)"
            elif cat == "fraction":
                c.expects = parse_written_fractions(written)
            elif cat == "measure" and "%" in written:
                c.expects = parse_written_percents(written)
            elif cat == "measure":
                c.out_of_scope = "measure without %"
            else:
                c.out_of_scope = f"category {cat}"
            if c.in_scope and not c.expects:
                c.out_of_scope = "no value (no-change)"
            cases.append(c)
    return cases


_CODELINK_DATE_CATS = {"fulldate", "fulldate_range", "daymonth", "daymonth_range", "monthyear",
                       "monthyear_range", "quarter_month_years", "month"}
_CODELINK_OUT = {"time": "time of day", "fulltime": "time of day", "normal_number": "plain cardinal/decimal",
                 "number_with_dot": "plain cardinal/decimal", "number_with_space": "plain cardinal/decimal",
                 "float_number": "plain cardinal/decimal", "ordinal": "ordinal", "phone_number": "telephone",
                 "multiphy_number": "plain cardinal/decimal", "range_number": "plain cardinal/decimal",
                 "roman_number": "roman", "common_currency": "money", "not_currency": "money",
                 "measurement": "measure without %", "measurement_with_splash": "measure without %"}


def codelink_cases(path: Path) -> list[Case]:
    cases = []
    for r in _jsonl(path):
        cat, written = r["category"], r["written"]
        c = Case("codelink", f"{path.name}:{cat}:{r['line']}", written, None,
                 note=("unchanged " if r["unchanged"] else "") + f"{cat}")
        if cat in _CODELINK_DATE_CATS or cat == "letter":
            ref = DEICTIC_REF if re.search(r"năm nay|tháng này", written) else None
            c.published = ref
            parsed = parse_written_dates(written, ref)
            if r["unchanged"] and cat in _CODELINK_DATE_CATS:
                c.negative, c.note = "date", f"invalid date left unchanged ({cat})"
            elif parsed:
                c.expects = parsed
            else:
                c.out_of_scope = "no value (no-change)"
        elif cat in _CODELINK_OUT:
            c.out_of_scope = _CODELINK_OUT[cat]
        else:
            c.out_of_scope = f"category {cat}"
        cases.append(c)
    return cases


def num2words_cases(path: Path) -> list[Case]:
    return [Case("num2words", f"{path.name}:{r['line']}", str(r["written"]), None,
                 out_of_scope="number to words") for r in _jsonl(path)]


def load_cases(peer_dir: Path = PEER_DIR) -> list[Case]:
    return (duckling_cases(peer_dir / "duckling_vi.jsonl")
            + dateparser_cases(peer_dir / "dateparser_vi.jsonl")
            + nemo_cases(sorted(peer_dir.glob("nemo_vi_*.jsonl")))
            + codelink_cases(peer_dir / "codelink_vi_tn.jsonl")
            + num2words_cases(peer_dir / "num2words_vi.jsonl"))


# --------------------------------------------------------------------------- running and checking

_BOOK = None


def run_extractor(case: Case) -> list:
    global _BOOK
    from pipeline.extract import extract_facts, load_rulebook
    from pipeline.records import Article

    if _BOOK is None:
        _BOOK = load_rulebook()
    art = Article(id="peer", url=None, title="", published=case.published, source="peer", fetched_at=None,
                  text=case.text)
    return extract_facts(art, _BOOK)


def _close(a: float | None, b: float | None) -> bool:
    return a is not None and b is not None and abs(a - b) < 1e-9


def meets(e: Expect, f) -> bool:
    if e.kind in ("date", "period"):
        if f.kind not in ("date", "period") or not f.date_start:
            return False
        if e.grain and f.grain != e.grain:
            return False
        if e.prefix:
            return f.date_start[:len(e.start)] == e.start
        return f.date_start == e.start and (e.end is None or f.date_end == e.end)
    if f.kind != e.kind:
        return False
    if e.kind == "percent":
        return f.unit == "percent" and _close(f.value, e.value) and (
            e.value_max is None or _close(f.value_max, e.value_max))
    # fraction
    if e.whole is not None:
        return _close(f.value, e.value)
    if not _close(f.denominator, e.denominator):
        return False
    if _close(f.numerator, e.numerator):
        return True
    return _close(-f.numerator if f.numerator is not None else None, e.numerator) and (f.value or 0) < 0


def check(case: Case, facts: list) -> bool:
    if case.negative == "date":
        return not any(f.kind in ("date", "period") for f in facts)
    return all(any(meets(e, f) for f in facts) for e in case.expects)


_MONTH_WORD = re.compile(r"tháng\s+(một|giêng|hai|ba|tư|bốn|năm|sáu|bảy|bẩy|tám|chín|mười)\b", re.I)
_REL_PERIOD = re.compile(r"^(tháng|quý|năm)\s+(trước|sau|này|nay|hiện tại|tới|tiếp|kế tiếp|tiếp theo|ngoái)$", re.I)
_REL_SPAN = re.compile(r"(\d+|hai|ba|bốn|năm)\s+(tháng|năm)\s+(tới|qua|vừa rồi|vừa qua|tiếp theo|nữa)", re.I)


def failure_reason(case: Case, facts: list) -> str:
    """A short category for a failing in-scope case (heuristic on the input form, for the report only)."""
    if case.negative:
        return "false positive: date read from an invalid/negative input"
    e = next(e for e in case.expects if not any(meets(e, f) for f in facts))
    text = case.text
    if e.kind in ("date", "period"):
        dates = [f for f in facts if f.kind in ("date", "period") and f.date_start]
        if re.search(r"quý\s+(\d{2}|[IV]+)\s*[/.\-]\s*\d{4}", text):
            return "quarter + year written 'quý 02/2021' / 'quý III.2021'"
        if e.start and not e.start.startswith("--"):
            tail = e.start[4:]
            for f in dates:
                if tail and f.date_start[4:4 + len(tail)] == tail and f.date_start[:4] < e.start[:4] \
                        and not f.date_start.startswith("--"):
                    return "year resolved to the past (peer expects the next occurrence)"
            if any(f.date_start.startswith("--") and f.date_start[2:4] == e.start[5:7] for f in dates):
                if re.search(r"tháng\s+\d{1,2}\s+\d{4}", text):
                    return "month followed by a bare year (no 'năm') loses the year"
                if case.suite != "nemo-ITN":
                    return "year not carried over from an earlier date in the text"
        if case.suite == "nemo-ITN":
            return "spoken-form date (day/year numbers in words)"
        if _REL_PERIOD.search(text.strip()):
            return "relative month/quarter/year word (tháng trước, quý này, năm tiếp theo)"
        if _REL_SPAN.search(text):
            return "relative span of N months/years (3 tháng tới, 2 năm vừa rồi, 5 năm nữa)"
        if re.search(r"\d{1,2}/\d{1,2}/\d{2}(?!\d)", text):
            return "2-digit year (3/3/17)"
        if re.search(r"quý\s+(\d{2}|[IV]+)\s*[/.\-]\s*\d{4}", text):
            return "quarter + year written 'quý 02/2021' / 'quý III.2021'"
        if re.search(r"\d{1,2}\s*-\s*\d{1,2}\s*[/.]\s*\d{4}", text):
            return "numeric month range 'MM-MM/yyyy'"
        if re.search(r"(?<![\d/.-])\d{1,2}\s*[/.\-]\s*\d{4}(?!\d)", text):
            return "bare numeric month/year 'MM/yyyy'"
        if re.search(r"[A-ZĐ]\w*\s+[A-ZĐ]\w*\s+\d{1,2},\s*\d{4}", text):
            return "English word order 'Tháng Mười Hai 29, 2013'"
        if _MONTH_WORD.search(text):
            return "month name as a word (tháng ba, tháng sáu, Tháng một)"
        if re.fullmatch(r"\s*\d{1,2}/\d{1,2}\s*", text):
            return "bare 'd/m' with no 'ngày' (ambiguous with a fraction)"
        if re.search(r"giáng sinh", text, re.I):
            return "holiday name"
        if re.search(r"ngày\s+\d+\s+tháng\s+này", text):
            return "'ngày N tháng này' (day of the current month)"
        return "other date/period miss or wrong span" if dates else "other date/period not recognised"
    same = [f for f in facts if f.kind == e.kind]
    if e.kind == "percent":
        return "percent not recognised" if not same else "wrong percent value"
    signed = e.whole is not None or (e.numerator or 0) < 0
    if same:
        return "sign or whole part of a fraction lost" if signed else "wrong fraction value/span"
    if signed:
        return "negative or mixed-number fraction (-3/4, 23 1/5) not recognised"
    if re.fullmatch(r"\s*\d+/\d+\s*", text):
        return "bare 'a/b' with no context (ambiguous with a d/m date)"
    if re.search(r"\b(trên|chia)\b", text):
        return "spoken fraction with 'trên'/'chia'"
    return "spoken fraction 'a phần b' not recognised"


@dataclass
class Outcome:
    case: Case
    passed: bool | None  # None = out of scope
    facts: list
    reason: str = ""


def run(cases: list[Case] | None = None) -> list[Outcome]:
    cases = load_cases() if cases is None else cases
    out = []
    for c in cases:
        if not c.in_scope:
            out.append(Outcome(c, None, []))
            continue
        facts = run_extractor(c)
        ok = check(c, facts)
        out.append(Outcome(c, ok, facts, "" if ok else failure_reason(c, facts)))
    return out


def summary(outcomes: list[Outcome]) -> dict[str, Any]:
    suites: dict[str, dict[str, Any]] = {}
    for o in outcomes:
        s = suites.setdefault(o.case.suite, {"total": 0, "in_scope": 0, "passed": 0, "out": Counter()})
        s["total"] += 1
        if o.passed is None:
            s["out"][o.case.out_of_scope] += 1
        else:
            s["in_scope"] += 1
            s["passed"] += int(o.passed)
    scored = [o for o in outcomes if o.passed is not None]
    return {"suites": suites, "in_scope": len(scored), "passed": sum(o.passed for o in scored),
            "rate": sum(o.passed for o in scored) / len(scored) if scored else 0.0}


def _fmt_fact(f) -> str:
    if f.kind in ("date", "period"):
        return f"{f.kind}[{f.text}] {f.date_start}..{f.date_end}"
    if f.kind == "fraction":
        return f"fraction[{f.text}] {f.numerator:g}/{f.denominator:g}={f.value:g}"
    return f"{f.kind}[{f.text}] {f.value:g}" + (f"-{f.value_max:g}" if f.value_max is not None else "")


def report(outcomes: list[Outcome], examples: int = 4) -> str:
    s = summary(outcomes)
    lines = [f"{'suite':<12}{'total':>6}{'scope':>7}{'pass':>6}{'rate':>8}   out of scope by reason",
             "-" * 100]
    for name, v in s["suites"].items():
        rate = f"{v['passed'] / v['in_scope']:.1%}" if v["in_scope"] else "  n/a"
        outs = ", ".join(f"{k} {n}" for k, n in v["out"].most_common())
        lines.append(f"{name:<12}{v['total']:>6}{v['in_scope']:>7}{v['passed']:>6}{rate:>8}   {outs}")
    lines.append("-" * 100)
    total = sum(v["total"] for v in s["suites"].values())
    lines.append(f"{'overall':<12}{total:>6}{s['in_scope']:>7}{s['passed']:>6}{s['rate']:>8.1%}")
    conv = sum(1 for o in outcomes if o.reason.startswith("year resolved to the past"))
    if conv and s["in_scope"]:
        lines.append(f"(counting the {conv} cases that fail only by the past-vs-next-occurrence year convention "
                     f"as passes: {(s['passed'] + conv) / s['in_scope']:.1%})")
    fails: dict[str, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        if o.passed is False:
            fails[o.reason].append(o)
    lines.append("")
    lines.append(f"failing in-scope cases by reason ({sum(map(len, fails.values()))}):")
    for reason, os_ in sorted(fails.items(), key=lambda kv: -len(kv[1])):
        by_suite = Counter(o.case.suite for o in os_)
        lines.append(f"  {reason}: {len(os_)}  ({', '.join(f'{k} {n}' for k, n in by_suite.most_common())})")
        for o in os_[:examples]:
            want = "no date fact" if o.case.negative else "; ".join(e.describe() for e in o.case.expects)
            got = "; ".join(_fmt_fact(f) for f in o.facts) or "nothing"
            lines.append(f"      {o.case.text[:60]!r} [{o.case.suite}, pub={o.case.published}] "
                         f"want {want} | got {got}")
    return "\n".join(lines)


def main() -> None:
    if not PEER_DIR.is_dir():
        print(f"peer data not found at {PEER_DIR}")
        return
    print(report(run()))


if __name__ == "__main__":
    main()
