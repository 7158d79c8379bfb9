"""Load and validate the rule files in rules/ before any work starts.

Every loader raises RuleError naming the file and line of the first problem.
"""
from __future__ import annotations

import dataclasses
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.settings import RULES_DIR

INDICATOR_KEYS = {"id", "label", "unit", "terms", "kinds", "requires", "unless", "value_kinds", "examples", "description",
                  "national", "subject_only"}
FACT_KINDS = ("fraction", "percent")
VALUE_KINDS = ("level", "change", "share_of_plan", "contribution", "other")


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: str
    unit: str
    terms: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    value_kinds: tuple[str, ...] = ()  # the kinds of value it can have; empty = any
    examples: tuple[dict, ...] = ()
    description: str = ""
    national: bool = False  # reported for the whole country unless a place is named
    subject_only: bool = False  # only a figure whose subject names it ("20/27 chỉ tiêu"), never its clause


def line_of(text: str, needle: str, occurrence: int) -> int | None:
    """1-based line of the n-th occurrence of `needle` in a rule file, for error messages."""
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return None
    return text.count("\n", 0, pos) + 1


_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*(?P<name>[A-Za-z0-9_.\-\" ]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$", re.M)


def table_lines(text: str, name: str) -> list[int]:
    """1-based lines of the `[[name]]` headers of a TOML file, in order: real headers only, not
    the same words in a comment ("# Each [[rule]]: …")."""
    return [text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)
            if m.group(0).strip().startswith("[[") and m.group("name") == name]


def table_line(text: str, name: str) -> int | None:
    """1-based line of the `[name]` table header, or None."""
    return next((text.count("\n", 0, m.start()) + 1 for m in _HEADER.finditer(text)
                 if not m.group(0).strip().startswith("[[") and m.group("name") == name), None)


def key_line(text: str, table: int | None, key: str) -> int | None:
    """1-based line of `key = …` in the table whose header is on line `table` (the header's own
    line when the key is not found before the next header): errors point at the value."""
    if table is None:
        return None
    assignment = re.compile(rf"^[ \t]*[\"']?{re.escape(key)}[\"']?[ \t]*=")
    lines = text.splitlines()
    for number in range(table, len(lines)):
        if _HEADER.match(lines[number]):
            break
        if assignment.match(lines[number]):
            return number + 1
    return table


def load_toml(path: Path) -> tuple[dict, str]:
    """Parse a TOML rule file; RuleError carries the parser's line number."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", path=str(path)) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            import re
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) if match else None
        raise RuleError(f"invalid TOML: {exc}", path=str(path), line=line) from None


def _flag(entry: dict, key: str, fail) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        fail(f"'{key}' must be true or false, got {value!r}")
    return value


LABEL_HEADS = re.compile(r"^(?:tỷ lệ|tỉ lệ|tỷ trọng|số)\s+", re.IGNORECASE)


def _with_label_terms(indicators: list[Indicator]) -> list[Indicator]:
    """Each indicator is also named by its label without a rate head ("Tỷ lệ trường đạt chuẩn quốc gia"
    → "trường đạt chuẩn quốc gia"), unless another indicator already lists that phrase."""
    listed = {t.lower() for ind in indicators for t in ind.terms}
    out = []
    for ind in indicators:
        phrase = LABEL_HEADS.sub("", ind.label).split(" (")[0].split(",")[0].strip()
        if phrase and phrase.lower() not in listed and len(phrase.split()) >= 2:
            listed.add(phrase.lower())
            ind = dataclasses.replace(ind, terms=ind.terms + (phrase,))
        out.append(ind)
    return out


def load_indicators(rules_dir: Path = RULES_DIR) -> list[Indicator]:
    """The indicator lexicon (rules/indicators.toml); the order does not decide matches (see
    pipeline/extract/vocabulary.py)."""
    path = Path(rules_dir) / "indicators.toml"
    data, text = load_toml(path)
    entries = data.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise RuleError("expected one or more [[indicator]] tables", path=str(path))
    seen: set[str] = set()
    result = []
    headers = table_lines(text, "indicator")
    for n, entry in enumerate(entries):
        line = headers[n] if n < len(headers) else None
        unknown = set(entry) - INDICATOR_KEYS
        if unknown:
            raise RuleError(f"unknown key(s) {sorted(unknown)}", path=str(path), line=line)
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident.isidentifier():
            raise RuleError(f"indicator id must be a snake_case identifier, got {ident!r}", path=str(path), line=line)
        if ident in seen:
            raise RuleError(f"duplicate indicator id {ident!r}", path=str(path), line=line)
        seen.add(ident)

        def fail(message: str, key: str | None = None):  # at the line of `key = …` when given
            raise RuleError(f"indicator {ident!r}: {message}", path=str(path),
                            line=key_line(text, line, key) if key else line)

        def phrases(key: str, required: bool = False, allowed: tuple[str, ...] = ()) -> tuple[str, ...]:
            value = entry.get(key, [])
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value) \
                    or (required and not value):
                fail(f"'{key}' must be a {'non-empty ' if required else ''}list of strings, got {value!r}", key)
            if allowed and not set(value) <= set(allowed):
                fail(f"'{key}' may only contain {list(allowed)}, got {value!r}", key)
            return tuple(value)

        terms = phrases("terms", required=True)
        if not isinstance(entry.get("label"), str):
            fail("'label' is required")
        examples = entry.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, dict) and "text" in e and "figure" in e for e in examples):
            fail("examples must be tables with text and figure (and expect, the id or \"\")")
        result.append(Indicator(
            id=ident, label=entry["label"], unit=str(entry.get("unit", "")), terms=terms,
            kinds=phrases("kinds", allowed=FACT_KINDS), requires=phrases("requires"), unless=phrases("unless"),
            value_kinds=phrases("value_kinds", allowed=VALUE_KINDS), examples=tuple(examples),
            description=str(entry.get("description", "")), national=_flag(entry, "national", fail),
            subject_only=_flag(entry, "subject_only", fail),
        ))
    result = _with_label_terms(result)
    seen_terms: dict[str, str] = {}
    for ind in result:
        for term in ind.terms:
            other = seen_terms.setdefault(term.lower(), ind.id)
            if other != ind.id:
                raise RuleError(f"term {term!r} is listed by both {other!r} and {ind.id!r}: a term must name one "
                                f"indicator (the most specific match decides)", path=str(path))
    return result


def indicator_labels(rules_dir: Path = RULES_DIR) -> dict[str, str]:
    """id → label, for reports and the timeline."""
    return {ind.id: ind.label for ind in load_indicators(rules_dir)}
