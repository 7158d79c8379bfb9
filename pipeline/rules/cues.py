"""rules/cues.toml: the cue phrases of the extractor (date versus fraction, qualifiers, clause words,
subject boundaries, "now" words …), each list under `section.name`; errors name the line of the key."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import RuleError
from pipeline.normalize import tone_variants
from pipeline.rules.tomlfile import is_phrases, key_line, load_toml, table_line


def alternation(phrases) -> str:
    """A regex alternation of `phrases`, escaped, each once, longest first (so the longest match wins);
    "" for none."""
    return "|".join(re.escape(p) for p in sorted(dict.fromkeys(phrases), key=len, reverse=True))


@dataclass(frozen=True, slots=True)
class Cues:
    """Cue phrases, each list compiled into one regex anchored where it is used."""

    lists: dict[str, tuple[str, ...]]
    max_subject_words: int = 4

    def words(self, name: str) -> tuple[str, ...]:
        return self.lists.get(name, ())

    def alternation(self, name: str) -> str:
        """The list as a regex alternation (already longest first), "" when the list is empty or absent."""
        return alternation(self.words(name))


def load_cues(path: Path) -> Cues:
    """Every list of the file, longest phrase first (so that alternations prefer it)."""
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
            if not is_phrases(value):
                line = key_line(text, table_line(text, section), name)
                raise RuleError(f"{section}.{name} must be a list of phrases", path=str(path), line=line)
            # both tone placements of each phrase ("số hóa" / "số hoá")
            spelled = dict.fromkeys(form for phrase in value for form in tone_variants(phrase))
            lists[f"{section}.{name}"] = tuple(sorted(spelled, key=len, reverse=True))
    return Cues(lists, max_words)
