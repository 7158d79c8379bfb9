"""The rule book: every file in rules/ loaded and validated before any document is read, one
version hash over the rules and the extractor's code, and the per-process cache of what extraction
builds from a book (compiled cue regexes, the Matcher …)."""
from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.rules.areas import Gazetteer, build_gazetteer
from pipeline.rules.cues import Cues, load_cues
from pipeline.rules.indicators import Indicator, load_indicators
from pipeline.rules.meaning import MeaningRule, load_meaning
from pipeline.rules.patterns import Rule, load_patterns
from pipeline.rules.subjects import SubjectPattern, load_subject_patterns
from pipeline.rules.tomlfile import load_toml
from pipeline.settings import RULES_DIR

# the files whose content decides the facts (rules/sources.toml decides documents' home areas only)
RULE_FILES = ("patterns.toml", "cues.toml", "areas.toml", "indicators.toml", "subjects.jsonl", "meaning.toml")


@dataclass(frozen=True, slots=True)
class RuleBook:
    rules: tuple[Rule, ...]
    cues: Cues
    indicators: tuple[Indicator, ...]
    subject_patterns: tuple[SubjectPattern, ...]
    version: str
    rules_dir: Path = field(default=RULES_DIR)
    areas: dict = field(default_factory=dict)  # rules/areas.toml as read
    gazetteer: Gazetteer | None = None
    value_kind_rules: tuple[MeaningRule, ...] = ()
    modality_rules: tuple[MeaningRule, ...] = ()


def _code_files() -> list[Path]:
    """The source files whose changes can change facts: the extractor, the rule loaders, the NLP
    layer, normalisation, the records and the kinds."""
    package = Path(__file__).resolve().parent.parent
    return (sorted(package.glob("extract/*.py")) + sorted(package.glob("rules/*.py"))
            + [package / name for name in ("nlp.py", "normalize.py", "records.py", "kinds.py")])


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
    """Every rule file of `rules_dir`, validated; RuleError names the file and line of the first problem."""
    rules_dir = Path(rules_dir)
    areas_path = rules_dir / "areas.toml"
    areas, _ = load_toml(areas_path)
    names = areas.get("names", {})
    if not isinstance(names, dict):
        raise RuleError("[names] must be a table", path=str(areas_path))
    cues = load_cues(rules_dir / "cues.toml")
    value_kind_rules, modality_rules = load_meaning(rules_dir / "meaning.toml", cues.words("clause.between"))
    return RuleBook(
        rules=load_patterns(rules_dir / "patterns.toml"),
        cues=cues,
        indicators=tuple(load_indicators(rules_dir)),
        subject_patterns=load_subject_patterns(rules_dir / "subjects.jsonl", cues),
        version=rules_version(rules_dir),
        rules_dir=rules_dir,
        areas=areas,
        gazetteer=build_gazetteer(areas, str(areas_path)),
        value_kind_rules=value_kind_rules,
        modality_rules=modality_rules,
    )


_DERIVED: dict[tuple[str, Callable], object] = {}


def derived(book: RuleBook, build: Callable[[RuleBook], object]):
    """What `build` makes from a rule book (compiled cue regexes, the Matcher …), built once per
    process and rule-book version: rule books are read-only, so the result never goes stale."""
    key = (f"{book.rules_dir}:{book.version}", build)
    if key not in _DERIVED:
        _DERIVED[key] = build(book)
    return _DERIVED[key]
