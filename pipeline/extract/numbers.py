"""Vietnamese numbers as written in news: "1.234,5", "0,03", "8.4", and spoken words."""
from __future__ import annotations

import math
import re

_VI_THOUSANDS = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")
_VI_DECIMAL = re.compile(r"^\d+(?:,\d+)?$")
_DOT_DECIMAL = re.compile(r"^\d+\.\d{1,2}$|^\d+\.\d{4,}$")
_COMMA_THOUSANDS = re.compile(r"^\d{1,3}(?:,\d{3})+\.\d+$")

DIGIT_WORDS = {
    "không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "nhăm": 5, "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "linh": None, "lẻ": None,
}
SCALE_WORDS = {"trăm": 100, "nghìn": 1000, "ngàn": 1000, "vạn": 10_000, "triệu": 1_000_000, "tỷ": 10**9, "tỉ": 10**9}
DENOMINATOR_WORDS = {"hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6, "bảy": 7, "tám": 8,
                     "chín": 9, "mười": 10, "trăm": 100, "nghìn": 1000}


def finite(value: float, text: str = "") -> float:
    """`value` when it is a finite number; ValueError for inf and NaN (a 400-digit figure
    overflows a float to inf, which is no value and not valid JSON)."""
    if not math.isfinite(value):
        raise ValueError(f"number out of range: {text[:40]!r}")
    return value


def parse_number(text: str) -> float:
    """A written number in Vietnamese style (dot thousands, comma decimal), tolerant of
    English-style decimals ("8.4") that news also prints. Raises ValueError otherwise,
    and for a number too large to be finite."""
    s = text.strip().replace(" ", "")
    if _VI_THOUSANDS.match(s):
        return finite(float(s.replace(".", "").replace(",", ".")), text)
    if _VI_DECIMAL.match(s):
        return finite(float(s.replace(",", ".")), text)
    if _DOT_DECIMAL.match(s):
        return finite(float(s), text)
    if _COMMA_THOUSANDS.match(s):
        return finite(float(s.replace(",", "")), text)
    raise ValueError(f"not a number: {text!r}")


def parse_int(text: str) -> int:
    value = parse_number(text)
    if value != int(value):
        raise ValueError(f"not a whole number: {text!r}")
    return int(value)


def _below_thousand(words: list[str]) -> int:
    """'hai trăm lẻ tư', 'ba mươi lăm', 'mười tám', 'hai mốt' → int."""
    total, current = 0, None
    i = 0
    while i < len(words):
        w = words[i]
        if w == "trăm":
            total += (current if current is not None else 1) * 100
            current = None
        elif w in ("mươi", "chục"):
            total += (current if current is not None else 1) * 10
            current = None
        elif w in ("linh", "lẻ"):
            pass
        elif w == "mười":
            total += 10
            current = None
        elif w in DIGIT_WORDS and DIGIT_WORDS[w] is not None:
            value = DIGIT_WORDS[w]
            if current is not None:
                # "hai mốt" = 21, "ba lăm" = 35: a digit after a digit means tens then units
                total += current * 10
            current = value
        else:
            raise ValueError(f"not a number word: {w!r}")
        i += 1
    return total + (current or 0)


def parse_number_words(text: str) -> float:
    """Spoken cardinal or decimal: 'hai mươi bảy', 'không phẩy năm', 'một nghìn hai trăm'."""
    words = text.lower().split()
    if not words:
        raise ValueError("empty number")
    if "phẩy" in words or "chấm" in words:
        mark = "phẩy" if "phẩy" in words else "chấm"
        k = words.index(mark)
        whole = parse_number_words(" ".join(words[:k])) if k else 0
        frac_words = words[k + 1:]
        digits = "".join(str(DIGIT_WORDS[w]) for w in frac_words if DIGIT_WORDS.get(w) is not None)
        if len(digits) != len(frac_words):
            frac = str(int(parse_number_words(" ".join(frac_words))))
        else:
            frac = digits
        return finite(float(f"{int(whole)}.{frac}"), text)
    total, group = 0, []
    for w in words:
        if w in SCALE_WORDS and SCALE_WORDS[w] >= 1000:
            total += (_below_thousand(group) if group else 1) * SCALE_WORDS[w]
            group = []
        else:
            group.append(w)
    if group:
        total += _below_thousand(group)
    try:
        return finite(float(total), text)
    except OverflowError:
        raise ValueError(f"number out of range: {text[:40]!r}") from None
