"""Settings of the nightly job: one TOML file (chitieu.toml), CLI flags override it.

Paths in the file are relative to the file's own directory, so a crontab line or a systemd unit
works from any working directory; paths given on the command line are relative to the current
directory, as usual. Every problem names the file and line.
"""
from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from pipeline.errors import ConfigError, PipelineError
from pipeline.layout import OutDir
from pipeline.rules.tomlfile import line_of as find_line
from pipeline.rules.tomlfile import load_toml
from pipeline.settings import DEFAULTS

CONFIG_NAME = "chitieu.toml"

# section → key → (type(s), meaning): the whole schema, also used for error messages
SCHEMA: dict[str, dict[str, tuple[tuple[type, ...], str]]] = {
    "paths": {
        "corpus": ((str,), "corpus directory"),
        "out": ((str,), "extracted-data directory"),
        "rules": ((str,), "rules directory"),
        "sources": ((str,), "sources file"),
    },
    "crawl": {
        "max_pages": ((int,), "article pages fetched per run (0: discovery only)"),
        "since": ((str, dt.date), "skip articles published before this date"),
        "refresh": ((bool,), "re-fetch stored articles with conditional GET"),
        "delay": ((int, float), "seconds between two requests to one host"),
        "concurrency": ((int,), "hosts crawled at once"),
        "per_host": ((int,), "requests in flight per host"),
        "timeout": ((int, float), "read timeout in seconds"),
        "retries": ((int,), "retries of a failing request"),
    },
    "extract": {"workers": ((int,), "worker processes (0: one per core)")},
    "export": {"sqlite": ((bool,), "also write chitieu.sqlite for Datasette")},
    "log": {
        "file": ((str,), "log file (rotated)"),
        "max_bytes": ((int,), "size at which the log file is rotated"),
        "backups": ((int,), "rotated log files kept"),
    },
}


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything `chitieu run` needs; built by load_settings(), overridden by the CLI."""

    corpus_dir: Path = DEFAULTS.corpus_dir
    out_dir: Path = DEFAULTS.out_dir
    rules_dir: Path = DEFAULTS.rules_dir
    sources_file: Path = DEFAULTS.rules_dir / "sources.toml"
    max_pages: int | None = None
    since: dt.date | None = None
    refresh: bool = False
    delay: float | None = None       # None: the crawler's own default
    concurrency: int | None = None
    per_host: int | None = None
    timeout: float | None = None
    retries: int | None = None
    workers: int | None = None       # None: one per core
    sqlite: bool = False
    log_file: Path | None = None     # None: OUT/logs/chitieu.log
    log_max_bytes: int = 5_000_000
    log_backups: int = 5
    quiet: bool = False
    origin: str = field(default="built-in defaults", compare=False)  # the config file, for messages

    @property
    def log_path(self) -> Path:
        return self.log_file if self.log_file is not None else OutDir(self.out_dir).log_file

    def with_overrides(self, **overrides) -> "Settings":
        """CLI flags win; a flag left at None keeps the file's value."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})

    def as_dict(self) -> dict:
        out = {}
        for f in fields(self):
            value = getattr(self, f.name)
            out[f.name] = str(value) if isinstance(value, (Path, dt.date)) else value
        out["log_file"] = str(self.log_path)
        return out


def default_config_path() -> Path | None:
    """./chitieu.toml when there is one (the documented default), else built-in defaults."""
    path = Path(CONFIG_NAME)
    return path if path.is_file() else None


def _check_value(section: str, key: str, value, fail) -> None:
    types, meaning = SCHEMA[section][key]
    if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):  # TOML true is no int
        fail(f"[{section}] {key} ({meaning}) must be {' or '.join(t.__name__ for t in types)}, got {value!r}")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and value < 0:
        fail(f"[{section}] {key} must not be negative, got {value!r}")
    if key in ("concurrency", "per_host", "max_bytes") and value == 0:
        fail(f"[{section}] {key} must be at least 1")


def load_settings(path: Path | None) -> Settings:
    """Settings from a config file (None: built-in defaults); ConfigError names file:line."""
    if path is None:
        return Settings()
    path = Path(path)
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data, text = load_toml(path)
    except PipelineError as exc:  # RuleError from the TOML parser, already naming file:line
        raise ConfigError(str(exc)) from None
    base = path.resolve().parent

    def line_of(section: str, key: str | None = None) -> int | None:
        start = find_line(text, f"[{section}]", 0) or 1
        if key is None:
            return start
        for offset, raw in enumerate(text.splitlines()[start - 1:]):
            if raw.split("=", 1)[0].strip() == key:
                return start + offset
        return start

    values: dict = {}
    for section, table in data.items():
        if section not in SCHEMA or not isinstance(table, dict):
            where = f"{path}:{line_of(section)}" if isinstance(table, dict) else str(path)
            what = f"unknown section [{section}]" if isinstance(table, dict) else f"{section!r} outside a section"
            raise ConfigError(f"{where}: {what} (sections: {', '.join(SCHEMA)})")
        for key, value in table.items():
            def fail(message: str, _s=section, _k=key) -> None:
                raise ConfigError(f"{path}:{line_of(_s, _k)}: {message}")

            if key not in SCHEMA[section]:
                fail(f"[{section}] unknown key {key!r} (known: {', '.join(SCHEMA[section])})")
            _check_value(section, key, value, fail)
            if section == "paths" or (section, key) == ("log", "file"):
                value = base / os.path.expanduser(value)
            elif key == "since" and isinstance(value, str):
                try:
                    value = dt.date.fromisoformat(value)
                except ValueError:
                    fail(f"[crawl] since must be a date YYYY-MM-DD, got {value!r}")
            values[(section, key)] = value

    def get(section: str, key: str, default=None):
        return values.get((section, key), default)

    workers = get("extract", "workers")
    default = Settings()  # (slots: the class attributes are descriptors, not the defaults)
    return Settings(
        corpus_dir=get("paths", "corpus", default.corpus_dir),
        out_dir=get("paths", "out", default.out_dir),
        rules_dir=get("paths", "rules", default.rules_dir),
        sources_file=get("paths", "sources", default.sources_file),
        max_pages=get("crawl", "max_pages"), since=get("crawl", "since"), refresh=get("crawl", "refresh", False),
        delay=get("crawl", "delay"), concurrency=get("crawl", "concurrency"), per_host=get("crawl", "per_host"),
        timeout=get("crawl", "timeout"), retries=get("crawl", "retries"),
        workers=workers or None, sqlite=get("export", "sqlite", False),
        log_file=get("log", "file"), log_max_bytes=get("log", "max_bytes", default.log_max_bytes),
        log_backups=get("log", "backups", default.log_backups), origin=str(path),
    )


def check_settings(settings: Settings) -> tuple[list[str], list[str]]:
    """(problems, notes): load every rule file and the sources, look at the directories.

    Problems make a run fail before it starts; notes are what a run would use.
    """
    from pipeline.rules.book import load_rulebook
    from pipeline.rules.sources import load_sources

    problems: list[str] = []
    notes: list[str] = [f"config: {settings.origin}"]
    try:
        book = load_rulebook(settings.rules_dir)
        notes.append(f"rules: {settings.rules_dir} ({len(book.rules)} patterns, {len(book.indicators)} indicators, "
                     f"version {book.version})")
    except PipelineError as exc:
        problems.append(str(exc))
    try:
        sources = load_sources(settings.sources_file)
        enabled = [s.name for s in sources if s.enabled]
        if not enabled:
            problems.append(f"{settings.sources_file}: no enabled source")
        notes.append(f"sources: {settings.sources_file} ({len(enabled)} enabled of {len(sources)})")
    except PipelineError as exc:
        problems.append(str(exc))
    for what, directory in (("corpus", settings.corpus_dir), ("out", settings.out_dir)):
        problem = writable_problem(directory)
        if problem:
            problems.append(f"{what} directory {problem}")
        else:
            notes.append(f"{what}: {directory}")
    notes.append(f"log: {settings.log_path}")
    return problems, notes


def writable_problem(directory: Path) -> str | None:
    """Why files could not be written in `directory` (or in the parent that would hold it), or None."""
    directory = Path(directory)
    probe = directory
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if not probe.is_dir():
        return f"{directory}: {probe} exists and is not a directory"
    if not os.access(probe, os.W_OK | os.X_OK):
        return f"{directory}: {probe} is not writable"
    return None
