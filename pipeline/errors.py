"""A small exception family so callers can catch what they can handle and report the rest."""
from __future__ import annotations

import re


def short_reason(reason: str) -> str:
    """'invalid JSON: Expecting value (column 2)' → 'invalid JSON': a stable key to count by."""
    text = re.split(r"[:(]", reason, maxsplit=1)[0].strip()
    return re.sub(r"\b[0-9a-f]{8,}\b|\d+", "N", text)[:60] or "error"


class PipelineError(Exception):
    """Base class for every error chitieu raises on purpose."""


class InputError(PipelineError):
    """A document or file given to the pipeline is malformed; the message names where. `key` is the
    short reason skipped documents are counted by (by default the message up to its first detail)."""

    def __init__(self, message: str, *, source: str | None = None, line: int | None = None, key: str | None = None):
        self.source = source
        self.line = line
        self.key = key or short_reason(message)
        where = source or ""
        if line is not None:
            where = f"{where}:{line}" if where else f"line {line}"
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message


class RuleError(PipelineError):
    """A rule file in rules/ is malformed; raised at load time, before any work starts."""

    def __init__(self, message: str, *, path: str, line: int | None = None):
        self.path = path
        self.line = line
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {message}")


class CorpusError(PipelineError):
    """The corpus store could not be read or written."""


class FetchError(PipelineError):
    """A URL could not be fetched; `reason` is a short machine-readable cause."""

    def __init__(self, url: str, reason: str, detail: str = ""):
        self.url = url
        self.reason = reason
        self.detail = detail
        super().__init__(f"{url}: {reason}" + (f" ({detail})" if detail else ""))


class ConfigError(PipelineError):
    """The settings file or a sources file is invalid."""


class ReviewError(PipelineError):
    """A review sheet is invalid; nothing from it was applied."""
