"""The extraction rules, loaded from rules/ and checked before any document is read.

A rule file error raises RuleError naming the file and the line of the offending entry.
"""
from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.extract.areas import Gazetteer, build_gazetteer
from pipeline.extract.meaning_rules import MeaningRule, load_meaning
from pipeline.rules import Indicator, key_line, load_indicators, load_toml, table_line, table_lines
from pipeline.settings import RULES_DIR

KINDS = {"fraction", "percent", "date", "period", "exclude"}
RULE_KEYS = {"id", "kind", "parse", "pattern", "context", "case", "examples", "prefix", "prefix_required", "before", "needs"}
RULE_FILES = ("patterns.toml", "cues.toml", "areas.toml", "indicators.toml", "subjects.jsonl", "meaning.toml")


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


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue phrases, each list compiled into one regex anchored where it is used."""

    lists: dict[str, tuple[str, ...]]
    max_subject_words: int = 4

    def words(self, name: str) -> tuple[str, ...]:
        return self.lists.get(name, ())


@dataclass(frozen=True, slots=True)
class RuleBook:
    rules: tuple[Rule, ...]
    cues: Cues
    indicators: tuple[Indicator, ...]
    subject_patterns: tuple[dict, ...]
    version: str
    rules_dir: Path = field(default=RULES_DIR)
    areas: dict = field(default_factory=dict)  # rules/areas.toml as read
    gazetteer: Gazetteer | None = None
    value_kind_rules: tuple[MeaningRule, ...] = ()
    modality_rules: tuple[MeaningRule, ...] = ()


def _expand(pattern: str, macros: dict[str, str]) -> str:
    """Replace {NAME} macros (repeatedly: macros may use macros) but leave regex braces alone."""
    for _ in range(5):
        new = re.sub(r"\{([A-Z]+)\}", lambda m: macros.get(m.group(1), m.group(0)), pattern)
        if new == pattern:
            break
        pattern = new
    return pattern


def _load_patterns(path: Path) -> tuple[Rule, ...]:
    data, text = load_toml(path)
    macros = data.get("macros", {})
    if not isinstance(macros, dict):
        raise RuleError("[macros] must be a table", path=str(path))
    rules, seen = [], set()
    from pipeline.extract.values import PARSERS  # the parsers a rule may name

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
        if kind not in KINDS:
            raise RuleError(f"rule {rid}: kind must be one of {sorted(KINDS)}, got {kind!r}", path=str(path), line=line)
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


def _load_cues(path: Path) -> Cues:
    data, text = load_toml(path)
    lists: dict[str, tuple[str, ...]] = {}
    max_words = 4
    for section, table in data.items():
        if not isinstance(table, dict):
            raise RuleError(f"[{section}] must be a table", path=str(path))
        for name, value in table.items():
            if name == "max_words":
                max_words = int(value)
                continue
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                line = key_line(text, table_line(text, section), name)
                raise RuleError(f"{section}.{name} must be a list of phrases", path=str(path), line=line)
            lists[f"{section}.{name}"] = tuple(sorted(value, key=len, reverse=True))
    return Cues(lists, max_words)


def _load_subject_patterns(path: Path) -> tuple[dict, ...]:
    import json

    patterns = []
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RuleError(f"invalid JSON: {exc.msg}", path=str(path), line=lineno) from None
        if not {"id", "side", "pattern"} <= set(entry) or entry["side"] not in ("after", "before"):
            raise RuleError("each line needs id, side (after|before) and pattern", path=str(path), line=lineno)
        entry["line"] = lineno
        patterns.append(entry)
    return tuple(patterns)


def _code_files() -> list[Path]:
    """The source files whose changes can change facts: the extractor, the NLP layer, normalisation."""
    package = Path(__file__).resolve().parent.parent
    return sorted(package.glob("extract/*.py")) + [package / "nlp.py", package / "normalize.py",
                                                   package / "records.py", package / "rules.py"]


def rules_version(rules_dir: Path) -> str:
    """A hash of every rule file and of the extractor's own code: facts extracted by other rules
    or other code are out of date (re-extracted incrementally; refused on a mismatched Dask worker)."""
    digest = hashlib.sha256()
    for name in RULE_FILES:
        path = Path(rules_dir) / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    for path in _code_files():
        if path.exists():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    try:  # the gazetteer's place names are rules too
        from importlib.metadata import version
        digest.update(b"vietnam-provinces\0" + version("vietnam-provinces").encode())
    except Exception:  # not installed: load_rulebook reports it
        pass
    return digest.hexdigest()[:12]


def load_rulebook(rules_dir: Path = RULES_DIR) -> RuleBook:
    rules_dir = Path(rules_dir)
    areas_path = rules_dir / "areas.toml"
    areas, _ = load_toml(areas_path)
    names = areas.get("names", {})
    if not isinstance(names, dict):
        raise RuleError("[names] must be a table", path=str(areas_path))
    cues = _load_cues(rules_dir / "cues.toml")
    value_kind_rules, modality_rules = load_meaning(rules_dir / "meaning.toml", cues.words("clause.between"))
    book = RuleBook(
        rules=_load_patterns(rules_dir / "patterns.toml"),
        cues=cues,
        indicators=tuple(load_indicators(rules_dir)),
        subject_patterns=_load_subject_patterns(rules_dir / "subjects.jsonl"),
        version=rules_version(rules_dir),
        rules_dir=rules_dir,
        areas=areas,
        gazetteer=build_gazetteer(areas, str(areas_path)),
        value_kind_rules=value_kind_rules,
        modality_rules=modality_rules,
    )
    from pipeline.extract.subjects import check_patterns  # (subjects imports this module)

    check_patterns(book)
    return book


_DERIVED: dict[tuple[str, Callable], object] = {}


def derived(book: RuleBook, build: Callable[[RuleBook], object]):
    """What `build` makes from a rule book (compiled cue regexes, the Matcher …), built once per
    process and rule-book version: rule books are read-only, so the result never goes stale."""
    key = (f"{book.rules_dir}:{book.version}", build)
    if key not in _DERIVED:
        _DERIVED[key] = build(book)
    return _DERIVED[key]
