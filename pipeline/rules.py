"""Load and validate the rule files in rules/ before any work starts.

Every loader raises RuleError naming the file and line of the first problem.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.settings import RULES_DIR

INDICATOR_KEYS = {"id", "label", "unit", "terms", "kinds", "requires", "unless"}


@dataclass(frozen=True, slots=True)
class Indicator:
    id: str
    label: str
    unit: str
    terms: tuple[str, ...]
    kinds: tuple[str, ...] = ()
    requires: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()


def line_of(text: str, needle: str, occurrence: int) -> int | None:
    """1-based line of the n-th occurrence of `needle` in a rule file, for error messages."""
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return None
    return text.count("\n", 0, pos) + 1


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


def load_indicators(rules_dir: Path = RULES_DIR) -> list[Indicator]:
    """The indicator lexicon (rules/indicators.toml), in file order (first match wins)."""
    path = Path(rules_dir) / "indicators.toml"
    data, text = load_toml(path)
    entries = data.get("indicator")
    if not isinstance(entries, list) or not entries:
        raise RuleError("expected one or more [[indicator]] tables", path=str(path))
    seen: set[str] = set()
    result = []
    for n, entry in enumerate(entries):
        line = line_of(text, "[[indicator]]", n)
        unknown = set(entry) - INDICATOR_KEYS
        if unknown:
            raise RuleError(f"unknown key(s) {sorted(unknown)}", path=str(path), line=line)
        ident = entry.get("id")
        if not isinstance(ident, str) or not ident.isidentifier():
            raise RuleError(f"indicator id must be a snake_case identifier, got {ident!r}", path=str(path), line=line)
        if ident in seen:
            raise RuleError(f"duplicate indicator id {ident!r}", path=str(path), line=line)
        seen.add(ident)
        terms = entry.get("terms")
        if not isinstance(terms, list) or not terms or not all(isinstance(t, str) and t.strip() for t in terms):
            raise RuleError(f"indicator {ident!r}: 'terms' must be a non-empty list of phrases", path=str(path), line=line)
        if not isinstance(entry.get("label"), str):
            raise RuleError(f"indicator {ident!r}: 'label' is required", path=str(path), line=line)
        result.append(Indicator(
            id=ident, label=entry["label"], unit=str(entry.get("unit", "")),
            terms=tuple(terms), kinds=tuple(entry.get("kinds", ())), requires=tuple(entry.get("requires", ())),
            unless=tuple(entry.get("unless", ())),
        ))
    return result


def indicator_labels(rules_dir: Path = RULES_DIR) -> dict[str, str]:
    """id → label, for reports and the timeline."""
    return {ind.id: ind.label for ind in load_indicators(rules_dir)}
