"""rules/patterns.toml: the regex rules that find figures and times (and the exclusions that compete
with them), with their macros, parsers and worked examples; errors name the line of the rule or key."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.kinds import RULE_KINDS
from pipeline.rules.tomlfile import key_line, load_toml, table_lines

RULE_KEYS = {"id", "kind", "parse", "pattern", "context", "case", "examples", "prefix", "prefix_required", "before", "needs"}


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    kind: str
    parse: str
    regex: re.Pattern
    context: str = ""
    examples: tuple[dict, ...] = ()
    line: int | None = None
    prefix: re.Pattern | None = None  # optional words before the match, joined to the span
    prefix_required: bool = False
    before: re.Pattern | None = None  # required context before the match, outside the span
    needs: tuple[str, ...] = ()  # cheap substring check before running the regex
    digit_first: bool = False  # the pattern starts at a number: try it only where one starts


def _expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace {NAME} macros (repeatedly: macros may use macros) but leave regex braces alone."""
    for _ in range(5):
        new = re.sub(r"\{([A-Z]+)\}", lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if new == pattern:
            break
        pattern = new
    return pattern


def load_patterns(path: Path) -> tuple[Rule, ...]:
    """Every [[rule]] of the file, in order (the order breaks ties between equally long matches)."""
    from pipeline.extract.values import PARSERS  # the parsers a rule may name

    data, text = load_toml(path)
    macros = data.get("macros", {})
    if not isinstance(macros, dict):
        raise RuleError("[macros] must be a table", path=str(path))
    rules, seen = [], set()
    headers = table_lines(text, "rule")
    for n, entry in enumerate(data.get("rule", [])):
        line = headers[n] if n < len(headers) else None
        unknown = set(entry) - RULE_KEYS
        if unknown:
            raise RuleError(f"unknown key(s) {sorted(unknown)}", path=str(path), line=line)
        rid = entry.get("id")
        if not isinstance(rid, str) or not re.fullmatch(r"[a-z_]+(?:\.[a-z_]+)+", rid):
            raise RuleError(f"rule id must look like 'kind.name', got {rid!r}", path=str(path), line=line)
        if rid in seen:
            raise RuleError(f"duplicate rule id {rid!r}", path=str(path), line=line)
        seen.add(rid)
        kind = entry.get("kind")
        if kind not in RULE_KINDS:
            raise RuleError(f"rule {rid}: kind must be one of {sorted(RULE_KINDS)}, got {kind!r}", path=str(path),
                            line=line)
        parse = entry.get("parse", "none")
        if parse not in PARSERS:
            raise RuleError(f"rule {rid}: unknown parse {parse!r} (known: {sorted(PARSERS)})", path=str(path), line=line)
        if not isinstance(entry.get("pattern"), str):
            raise RuleError(f"rule {rid}: 'pattern' is required", path=str(path), line=line)
        flags = 0 if entry.get("case") == "sensitive" else re.IGNORECASE
        try:
            regex = re.compile(_expand(entry["pattern"], macros), flags)
        except re.error as exc:
            raise RuleError(f"rule {rid}: bad regex: {exc}", path=str(path), line=key_line(text, line, "pattern")) from None
        context = entry.get("context", "")
        if context not in ("", "slash"):
            raise RuleError(f"rule {rid}: unknown context {context!r}", path=str(path), line=line)
        examples = entry.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, dict) and "text" in e for e in examples):
            raise RuleError(f"rule {rid}: examples must be tables with a 'text'", path=str(path), line=line)
        extra = {}
        for key in ("prefix", "before"):
            if key in entry:
                try:
                    extra[key] = re.compile(f"(?:{_expand(entry[key], macros)})$", flags)
                except re.error as exc:
                    raise RuleError(f"rule {rid}: bad {key} regex: {exc}", path=str(path),
                                    line=key_line(text, line, key)) from None
        if entry.get("prefix_required") and "prefix" not in extra:
            raise RuleError(f"rule {rid}: prefix_required without prefix", path=str(path), line=line)
        needs = entry.get("needs", [])
        if not isinstance(needs, list) or not all(isinstance(n, str) and n for n in needs):
            raise RuleError(f"rule {rid}: needs must be a list of strings", path=str(path), line=line)
        rules.append(Rule(rid, kind, parse, regex, context, tuple(examples), line,
                          prefix_required=bool(entry.get("prefix_required")),
                          needs=tuple(n.lower() for n in needs),
                          digit_first=regex.pattern.startswith(_expand("{START}", macros)), **extra))
    if not rules:
        raise RuleError("no [[rule]] entries", path=str(path))
    return tuple(rules)
