"""rules/subjects.jsonl: spaCy Matcher patterns for what a figure counts or measures, one JSON object a
line, cue-list placeholders ("$section.name") resolved; every pattern is built and run once at load,
so a malformed one fails `config check` and `extract` before any document, naming its line."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.rules.cues import Cues
from pipeline.rules.tomlfile import json_lines

SIDES = ("after", "before")


@dataclass(frozen=True, slots=True)
class SubjectPattern:
    """One Matcher pattern: `side` "after" finds the noun phrase following the figure, "before" one
    named before it; `group` are the indexes of the tokens that form the subject."""

    id: str
    side: str
    pattern: object  # spaCy token patterns, cue placeholders resolved
    group: object
    drop: frozenset[str] = frozenset()
    drop_leading: frozenset[str] = frozenset()
    examples: tuple = ()
    line: int = 0


def _resolve(value, cues: Cues, path: str, line: int):
    """Replace "$section.name" placeholders (or "$a+b", two lists together) with cue lists,
    lower-cased as LOWER compares."""
    if isinstance(value, str) and value.startswith("$"):
        words = []
        for name in value[1:].split("+"):
            if not cues.words(name):
                raise RuleError(f"unknown cue list {name!r} in {value!r}", path=path, line=line)
            words += [w.lower() for w in cues.words(name)]
        return words
    if isinstance(value, dict):
        return {k: _resolve(v, cues, path, line) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, cues, path, line) for v in value]
    return value


def load_subject_patterns(path: Path, cues: Cues) -> tuple[SubjectPattern, ...]:
    """Every pattern of the file, checked with spaCy (see check_matcher)."""
    where = str(path)
    patterns = []
    for line, entry in json_lines(path):
        if not isinstance(entry, dict) or not {"id", "side", "pattern"} <= set(entry) or entry["side"] not in SIDES:
            raise RuleError("each line needs id, side (after|before) and pattern", path=where, line=line)

        def words(key: str, _entry=entry, _line=line) -> frozenset[str]:
            return frozenset(_resolve(_entry[key], cues, where, _line)) if key in _entry else frozenset()

        patterns.append(SubjectPattern(entry["id"], entry["side"], _resolve(entry["pattern"], cues, where, line),
                                       entry.get("group"), words("drop"), words("drop_leading"),
                                       tuple(entry.get("examples", ())), line))
    check_matcher(patterns, where)
    return tuple(patterns)


def check_matcher(patterns: list[SubjectPattern], path: str) -> None:
    """Build the Matcher of every pattern (spaCy validates them) and run each once over a small Doc:
    some errors (an unregistered extension attribute "_": {...}) only show when a pattern runs."""
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    from pipeline import nlp

    matcher = Matcher(nlp.vocab(), validate=True)
    for entry in patterns:
        try:
            matcher.add(entry.id, [entry.pattern], greedy="LONGEST")
        except Exception as exc:  # spaCy's pattern validation errors have many types and many lines
            raise RuleError(" ".join(f"bad Matcher pattern {entry.id}: {exc}".split()), path=path,
                            line=entry.line) from None
        group, pattern = entry.group, entry.pattern
        if not (isinstance(group, list) and group and all(isinstance(i, int) and 0 <= i < len(pattern) for i in group)):
            raise RuleError(f"{entry.id}: 'group' must list indexes of its pattern's tokens", path=path, line=entry.line)
    doc = Doc(nlp.vocab(), words=["có", "20/27", "chỉ", "tiêu"], spaces=[True, True, True, False],
              tags=["W", "FIG", "W", "W"])
    for entry in patterns:
        single = Matcher(nlp.vocab(), validate=True)
        single.add(entry.id, [entry.pattern])
        try:
            single(doc, with_alignments=True)
        except Exception as exc:
            raise RuleError(f"Matcher pattern {entry.id} fails when run: {' '.join(str(exc).split())}",
                            path=path, line=entry.line) from None
