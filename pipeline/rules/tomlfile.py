"""Reading rule files: TOML and JSON Lines parsed with the line of every table, key and entry, so that
each loader's RuleError names `file:line` (also used for chitieu.toml)."""
from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path

from pipeline.errors import RuleError

_HEADER = re.compile(r"^[ \t]*\[\[?[ \t]*(?P<name>[A-Za-z0-9_.\-\" ]+?)[ \t]*\]\]?[ \t]*(?:#.*)?$", re.M)


def read_text(path: Path) -> str:
    """A rule file's text; RuleError when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RuleError(f"cannot read rule file: {exc}", path=str(path)) from None


def load_toml(path: Path) -> tuple[dict, str]:
    """Parse a TOML rule file: (data, text); RuleError carries the parser's line number."""
    path = Path(path)
    text = read_text(path)
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None)
        if line is None:
            match = re.search(r"line (\d+)", str(exc))
            line = int(match.group(1)) if match else None
        raise RuleError(f"invalid TOML: {exc}", path=str(path), line=line) from None


def json_lines(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, object) for each line of a JSON Lines rule file; blank lines and `//` comments
    are skipped; RuleError names the line of invalid JSON."""
    for lineno, raw in enumerate(read_text(path).splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("//"):
            continue
        try:
            entry = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise RuleError(f"invalid JSON: {exc.msg}", path=str(path), line=lineno) from None
        yield lineno, entry


def line_of(text: str, needle: str, occurrence: int) -> int | None:
    """1-based line of the n-th occurrence of `needle` in a rule file, for error messages."""
    pos = -1
    for _ in range(occurrence + 1):
        pos = text.find(needle, pos + 1)
        if pos < 0:
            return None
    return text.count("\n", 0, pos) + 1


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


def is_phrases(value: object, non_empty: bool = False) -> bool:
    """Whether `value` is a list of non-blank strings (a non-empty one when asked)."""
    return (isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value)
            and (bool(value) or not non_empty))
