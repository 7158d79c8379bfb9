"""rules/indicators.toml: the indicator lexicon (ids, terms, requires/unless, kinds, units, worked
examples), validated at load; errors name the file and the line of the indicator or key."""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.kinds import FIGURE_KINDS
from pipeline.normalize import tone_variants
from pipeline.records import VALUE_KINDS
from pipeline.rules.tomlfile import is_phrases, key_line, load_toml, table_lines
from pipeline.settings import RULES_DIR

INDICATOR_KEYS = {"id", "label", "unit", "terms", "kinds", "requires", "unless", "value_kinds", "examples", "description",
                  "national", "subject_only", "twin", "components", "growth_rate", "annual"}


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
    twin: str = ""  # the same measure at the other level: GRDP of a province, GDP of the country
    components: tuple[str, ...] = ()  # phrases naming a part of its total ("khu vực dịch vụ"): not about it
    growth_rate: bool = False  # its percentages are rates of change: a figure nothing marks as a level is a change
    annual: bool = False  # a result of the year (the school-leaving exam): undated, it is of the publication year


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
            if not is_phrases(value, non_empty=required):
                fail(f"'{key}' must be a {'non-empty ' if required else ''}list of strings, got {value!r}", key)
            if allowed and not set(value) <= set(allowed):
                fail(f"'{key}' may only contain {list(allowed)}, got {value!r}", key)
            return tuple(dict.fromkeys(form for phrase in value for form in tone_variants(phrase)))

        terms = phrases("terms", required=True)
        if not isinstance(entry.get("label"), str):
            fail("'label' is required")
        examples = entry.get("examples", [])
        if not isinstance(examples, list) or not all(isinstance(e, dict) and "text" in e and "figure" in e for e in examples):
            fail("examples must be tables with text and figure (and expect, the id or \"\")")
        result.append(Indicator(
            id=ident, label=entry["label"], unit=str(entry.get("unit", "")), terms=terms,
            kinds=phrases("kinds", allowed=FIGURE_KINDS), requires=phrases("requires"), unless=phrases("unless"),
            value_kinds=phrases("value_kinds", allowed=VALUE_KINDS), examples=tuple(examples),
            description=str(entry.get("description", "")), national=_flag(entry, "national", fail),
            subject_only=_flag(entry, "subject_only", fail), twin=str(entry.get("twin", "")),
            components=phrases("components"), growth_rate=_flag(entry, "growth_rate", fail),
            annual=_flag(entry, "annual", fail),
        ))
    result = _with_label_terms(result)
    ids = {ind.id for ind in result}
    for n, ind in enumerate(result):
        if ind.twin and ind.twin not in ids:
            raise RuleError(f"indicator {ind.id!r}: twin {ind.twin!r} is not an indicator id", path=str(path),
                            line=key_line(text, headers[n] if n < len(headers) else None, "twin"))
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
