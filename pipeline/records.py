"""Plain records passed between stages: crawl → Article → extract → Fact → timeline.

The field names of `Article` are the corpus document format and those of `Fact` are the public
columns of extracted/facts.*; both are documented in README.md. Change them only with care.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, fields
from typing import Any

from pipeline.errors import InputError

ARTICLE_FIELDS = ("id", "url", "title", "published", "source", "fetched_at", "text")


def parse_published(value: Any) -> dt.date | None:
    """The calendar date of an ISO 8601 date or datetime string (None stays None).

    A month ("2022-11") or a year ("2022"), as pages that show no day give it, stands for its last
    day: the latest the article can have been published. Raises ValueError for anything else, so a
    malformed `published` is reported, not guessed.
    """
    span = published_span(value)
    return None if span is None else span[1]


def published_span(value: Any) -> tuple[dt.date, dt.date] | None:
    """(first, last) day the publication date can be: one day, or a whole month or year."""
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ValueError(f"published must be an ISO 8601 string, got {type(value).__name__}")
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        year, month = int(text[:4]), int(text[5:])
        if not 1 <= month <= 12:
            raise ValueError(f"month {month} out of range")
        return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])
    if re.fullmatch(r"\d{4}", text):
        return dt.date(int(text), 1, 1), dt.date(int(text), 12, 31)
    if len(text) == 10:
        day = dt.date.fromisoformat(text)
    else:
        day = dt.datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    return day, day


def article_id(url: str | None = None, text: str | None = None) -> str:
    """A stable id: from the canonical URL when there is one, otherwise from the content."""
    basis = url if url else "text:" + (text or "")
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    """One news article as stored in corpora/<source>/<YYYY>/<id>.json."""

    id: str
    url: str | None
    title: str
    published: str | None
    source: str
    fetched_at: str | None
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in ARTICLE_FIELDS}

    @property
    def published_date(self) -> dt.date | None:
        return parse_published(self.published)

    @classmethod
    def from_dict(cls, data: Any, *, source: str | None = None, line: int | None = None) -> "Article":
        """Validate a decoded corpus document; InputError names the file and line when wrong."""
        if not isinstance(data, dict):
            raise InputError(f"expected a JSON object, got {type(data).__name__}", source=source, line=line)
        text = data.get("text")
        if not isinstance(text, str):
            raise InputError("field 'text' is missing or not a string", source=source, line=line)
        if not text.strip():
            raise InputError("field 'text' is empty", source=source, line=line)
        for name in ("id", "url", "title", "source", "site", "fetched_at"):
            if data.get(name) is not None and not isinstance(data[name], str):
                raise InputError(f"field '{name}' must be a string", source=source, line=line)
        published = data.get("published")
        try:
            parse_published(published)
        except ValueError as exc:
            raise InputError(f"field 'published' is not an ISO 8601 date: {published!r} ({exc})",
                             source=source, line=line) from None
        url = data.get("url") or None
        return cls(
            id=data.get("id") or article_id(url, text),
            url=url,
            title=data.get("title") or "",
            published=published or None,
            source=data.get("source") or data.get("site") or "",
            fetched_at=data.get("fetched_at") or None,
            text=text,
        )


@dataclass(frozen=True, slots=True)
class Fact:
    """One fraction, percentage, date or period found in an article.

    `start`/`end` index `getattr(article, field)` ("text" for the body, "title" for the headline).
    Dates are ISO strings; a day or month whose year could not be resolved is written in the
    ISO 8601 truncated form "--MM-DD" / "--MM" rather than guessed.
    """

    fact_id: str
    doc_id: str
    url: str | None
    published: str | None
    kind: str  # fraction | percent | date | period
    text: str
    start: int
    end: int
    value: float | None = None
    value_max: float | None = None
    unit: str = ""  # ratio | percent | percentage_point | "" for dates
    qualifier: str = ""  # approx | more_than | less_than | at_least | at_most | range | ""
    numerator: float | None = None
    denominator: float | None = None
    date_start: str | None = None
    date_end: str | None = None
    grain: str = ""  # day | month | quarter | half | year | multi-year
    subject: str = ""
    indicator: str = ""
    value_kind: str = ""  # level | change | share_of_plan | contribution | other ("" for dates)
    area: str = ""
    area_part: str = ""  # the part of the area the figure covers ("khu vực nông thôn"), "" = all of it
    area_basis: str = ""  # stated | inherited | source | ""
    as_of_start: str | None = None
    as_of_end: str | None = None
    time_basis: str = ""  # stated | inherited | published | ""
    modality: str = "unknown"  # target | actual | unknown
    sentence: str = ""
    rule: str = ""
    field: str = "text"
    why: str = ""  # which rule or context decided each attribute, "attr=rule;…"

    def as_dict(self) -> dict[str, Any]:
        # every field is a scalar: a plain read is the same as dataclasses.asdict and ~30x faster
        return {name: getattr(self, name) for name in FACT_COLUMNS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fact":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


FACT_COLUMNS = tuple(f.name for f in fields(Fact))


def fact_id(doc_id: str, field: str, kind: str, surface: str, occurrence: int) -> str:
    """Same article and same fact → same id across re-runs.

    Keyed on the n-th occurrence of the surface string rather than its offset, so an edit
    elsewhere in a refreshed article does not renumber every fact (and lose review verdicts).
    """
    basis = f"{doc_id}|{field}|{kind}|{surface}|{occurrence}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]
