"""rules/meaning.toml: the ordered rules for a figure's kind of value and its modality, each with an id
(written into the fact's `why`), its conditions compiled to regexes, and worked examples; checked at
load, errors name file and line."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.kinds import FIGURE_KINDS
from pipeline.records import MODALITIES, VALUE_KINDS
from pipeline.rules.tomlfile import is_phrases, load_toml, table_lines

PHRASE_KEYS = ("before", "before_any", "not_before_any", "after", "not_after", "head", "head_start", "not_head_start", "clause_any",
               "not_clause_any", "lead_any", "not_lead_any")
RULE_KEYS = {"id", "kind", "set", "before_re", "after_re", "unit", "figures", "paren", "future", "current", "plan", "signed", "chain", "examples", *PHRASE_KEYS}
WB, WE = r"(?<![^\W\d_])", r"(?![^\W\d_])"


@dataclass(frozen=True, slots=True)
class MeaningRule:
    """One rule: every condition given must hold; `result` is the value kind or modality it sets."""

    id: str
    result: str
    patterns: dict  # condition name → compiled regex
    unit: str = ""
    figures: tuple[str, ...] = ()  # only figures of these kinds (percent, fraction)
    paren: bool | None = None
    future: bool | None = None
    current: bool | None = None
    signed: bool | None = None  # the figure is written with a + or − sign
    plan: bool | None = None  # the figure is dated by a plan the paragraph set out ("phấn đấu … giai đoạn 2021-2025")
    chain: str = ""
    examples: tuple = ()
    line: int | None = None


def _alternation(phrases: list[str]) -> str:
    return "|".join(re.escape(p) for p in sorted(phrases, key=len, reverse=True))


def _compile(key: str, phrases: list[str], between: str) -> re.Pattern:
    alt = _alternation(phrases)
    if key == "before":
        return re.compile(rf"{WB}(?:{alt})(?:\s+(?:{between}))*\s*$", re.IGNORECASE)
    if key in ("after", "not_after"):
        return re.compile(rf"^\s*(?:{alt}){WE}", re.IGNORECASE)
    if key in ("head_start", "not_head_start"):  # at the start of the head or of one of its alternatives ("a | b")
        return re.compile(rf"(?:^|\|\s*)(?:{alt}){WE}", re.IGNORECASE)
    return re.compile(rf"{WB}(?:{alt}){WE}", re.IGNORECASE)


def load_meaning(path: Path, between_words: tuple[str, ...]) -> tuple[tuple[MeaningRule, ...], tuple[MeaningRule, ...]]:
    """(value-kind rules, modality rules) in file order."""
    data, text = load_toml(path)
    between = _alternation(list(between_words)) or "(?!)"
    out = {}
    for table, result_key, allowed in (("value_kind", "kind", VALUE_KINDS), ("modality", "set", MODALITIES)):
        rules, seen = [], set()
        lines = table_lines(text, table)
        for n, entry in enumerate(data.get(table, [])):
            line = lines[n] if n < len(lines) else None

            def fail(message: str):
                raise RuleError(message, path=str(path), line=line)

            if not isinstance(entry, dict):
                fail(f"[[{table}]] must be a table")
            unknown = set(entry) - RULE_KEYS
            if unknown:
                fail(f"unknown key(s) {sorted(unknown)}")
            rid = entry.get("id")
            if not isinstance(rid, str) or not re.fullmatch(r"[a-z]+\.[a-z_]+", rid) or rid in seen:
                fail(f"rule id must be a unique 'prefix.name', got {rid!r}")
            seen.add(rid)
            if entry.get(result_key) not in allowed:
                fail(f"{rid}: '{result_key}' must be one of {list(allowed)}, got {entry.get(result_key)!r}")
            patterns = {}
            for key in PHRASE_KEYS:
                if key in entry:
                    phrases = entry[key]
                    if not is_phrases(phrases, non_empty=True):
                        fail(f"{rid}: '{key}' must be a non-empty list of phrases")
                    patterns[key] = _compile(key, phrases, between)
            if "before_re" in entry:
                try:
                    patterns["before_re"] = re.compile(f"(?:{entry['before_re']})$", re.IGNORECASE)
                except (re.error, TypeError) as exc:
                    fail(f"{rid}: bad before_re: {exc}")
            if "after_re" in entry:  # a regular expression matching at the start of the trail
                try:
                    patterns["after_re"] = re.compile(rf"^\s*(?:{entry['after_re']})", re.IGNORECASE)
                except (re.error, TypeError) as exc:
                    fail(f"{rid}: bad after_re: {exc}")
            for key in ("paren", "future", "current", "plan", "signed"):
                if key in entry and not isinstance(entry[key], bool):
                    fail(f"{rid}: '{key}' must be true or false")
            examples = entry.get("examples", [])
            if not isinstance(examples, list) or not all(isinstance(e, dict) and {"text", "figure", "expect"} <= set(e)
                                                         for e in examples):
                fail(f"{rid}: examples must be tables with text, figure and expect")
            figures = entry.get("figures", [])
            if not isinstance(figures, list) or not set(figures) <= set(FIGURE_KINDS):
                fail(f"{rid}: 'figures' must list percent and/or fraction")
            rules.append(MeaningRule(rid, entry[result_key], patterns, unit=str(entry.get("unit", "")), figures=tuple(figures),
                                     paren=entry.get("paren"), future=entry.get("future"), current=entry.get("current"),
                                     plan=entry.get("plan"), signed=entry.get("signed"),
                                     chain=str(entry.get("chain", "")), examples=tuple(examples), line=line))
        if not rules or rules[-1].patterns or rules[-1].unit or rules[-1].figures:
            raise RuleError(f"[[{table}]] needs a last rule without conditions (the default)", path=str(path))
        out[table] = tuple(rules)
    return out["value_kind"], out["modality"]
