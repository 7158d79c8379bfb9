"""The records passed between stages, declared once with each field's type, unit, meaning and allowed
values (dataclass field metadata): Article → Fact → Observation, Decision, Skip and Document.

The field names of `Article` are the corpus document format and those of `Fact` the public columns
of extracted/facts.*; both are documented in README.md (tests/test_schema.py compares the tables
there with these declarations). The facts' Parquet schema (factstore.FACT_SCHEMA) and the exported
tables' types (export/schema.py) derive from the metadata. Change the names only with care.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field, fields
from typing import Any

from pipeline.errors import InputError
from pipeline.kinds import FACT_KINDS

VALUE_KINDS = ("level", "change", "share_of_plan", "contribution", "other")
MODALITIES = ("target", "actual", "unknown")
UNITS = ("percent", "percentage_point", "ratio")
QUALIFIERS = ("approx", "more_than", "less_than", "at_least", "at_most", "range", "range_low", "range_high")
GRAINS = ("day", "month", "quarter", "half", "year", "multi-year")
AREA_BASES = ("stated", "inherited", "source")
TIME_BASES = ("stated", "inherited", "published")
FIELDS = ("text", "title")
VERDICTS = ("ok", "wrong", "fix")
VALUE_NOTE = "in the unit of column `unit`: ratio 0..1, percent (94 = 94%) or percentage_point"


def meta(type: str, description: str, *, unit: str = "", enum: tuple[str, ...] = ()) -> dict:  # noqa: A002
    """A field's metadata: `type` (string | integer | number | date | boolean, as in Table Schema;
    a date is stored as ISO text), what it means, its unit and its allowed values ("" = may be empty)."""
    return {"type": type, "description": description, "unit": unit, "enum": enum}


def _req(type: str, description: str, **options) -> Any:  # noqa: A002
    """A field without a default."""
    return field(metadata=meta(type, description, **options))


def _str(description: str, enum: tuple[str, ...] = (), default: str | None = "") -> Any:
    """A string field."""
    return field(default=default, metadata=meta("string", description, enum=enum))


def _opt(type: str, description: str, unit: str = "") -> Any:  # noqa: A002
    """A field that may be missing (None)."""
    return field(default=None, metadata=meta(type, description, unit=unit))


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

    id: str = _req("string", "stable: derived from the canonical URL (first 16 hex of its SHA-1); without a URL, "
                             "from the text")
    url: str | None = _req("string", "canonical URL, or null")
    title: str = _req("string", "headline (not part of `text`)")
    published: str | None = _req("string", "ISO 8601 date or datetime with offset, a month or a year when the page "
                                           "shows no day, or null")
    source: str = _req("string", "site host, e.g. hanoimoi.vn")
    fetched_at: str | None = _req("string", "ISO 8601 datetime of the fetch, or null")
    text: str = _req("string", "article body, paragraphs separated by a line feed, normalised")

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in ARTICLE_FIELDS}

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

    fact_id: str = _req("string", "stable id of the fact (same article and figure → same id across runs)")
    doc_id: str = _req("string", "id of the source article")
    url: str | None = _req("string", "canonical URL of the article")
    published: str | None = _req("date", "publication date of the article (calendar day)")
    kind: str = _req("string", "fraction | percent | date | period", enum=FACT_KINDS)
    text: str = _req("string", "the figure as written in the article")
    start: int = _req("integer", "character offset of the figure in the article field `field`")
    end: int = _req("integer", "character offset just after the figure")
    value: float | None = _opt("number", VALUE_NOTE)
    value_max: float | None = _opt("number", "upper end of a range, " + VALUE_NOTE)
    unit: str = _str("unit of value and value_max; empty for dates and periods", ("", *UNITS))
    qualifier: str = _str("approximately, more or less than, at least, at most, a range, or one end of a range "
                          "written as two percents (range_low, range_high); or empty", ("", *QUALIFIERS))
    numerator: float | None = _opt("number", "a fraction's numerator", unit="count")
    denominator: float | None = _opt("number", "a fraction's denominator", unit="count")
    date_start: str | None = _opt("string", "ISO 8601 date; a year that was not stated is written --MM-DD")
    date_end: str | None = _opt("string", "ISO 8601 date; a year that was not stated is written --MM-DD")
    grain: str = _str("how long the date or period is", ("", *GRAINS))
    subject: str = _str("what is counted or measured, as the article words it")
    indicator: str = _str("indicator id from rules/indicators.toml; subject:<slug> when none matched")
    value_kind: str = _str("level | change | share_of_plan | contribution | other", ("", *VALUE_KINDS))
    area: str = _str("where the figure applies (province, city, district, commune, cả nước)")
    area_part: str = _str("the part of the area the figure covers (khu vực nông thôn, thanh niên…); empty = all of it")
    area_basis: str = _str("how the area was found: stated | inherited (sentence, paragraph, headline) | source (home "
                           "area of the site)", ("", *AREA_BASES))
    as_of_start: str | None = _opt("date", "start of the period the figure refers to")
    as_of_end: str | None = _opt("date", "end of that period")
    time_basis: str = _str("stated (period in the figure's clause) | inherited (from its paragraph or headline) | "
                           "published (no period given: the publication day) | none", ("", *TIME_BASES))
    modality: str = _str("target | actual | unknown", MODALITIES, default="unknown")
    sentence: str = _str("the sentence holding the figure")
    rule: str = _str("id of the extraction rule that fired")
    field: str = _str("which article field the offsets index", FIELDS, default="text")
    why: str = _str("which rule or context decided each attribute (attr=rule;…)")

    def as_dict(self) -> dict[str, Any]:
        # every field is a scalar: a plain read is the same as dataclasses.asdict and ~30x faster
        return {name: getattr(self, name) for name in FACT_COLUMNS}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "Fact":
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
FACT_COLUMNS = tuple(f.name for f in fields(Fact))


def fact_id(doc_id: str, field: str, kind: str, surface: str, occurrence: int) -> str:
    """Same article and same fact → same id across re-runs.

    Keyed on the n-th occurrence of the surface string rather than its offset, so an edit
    elsewhere in a refreshed article does not renumber every fact (and lose review verdicts).
    """
    basis = f"{doc_id}|{field}|{kind}|{surface}|{occurrence}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Document:
    """What the stages after extraction know about an article, without its text: one row of
    extracted/documents.parquet."""

    doc_id: str = _req("string", "id of the source article")
    url: str | None = _req("string", "canonical URL of the article")
    source: str = _req("string", "site host")
    home_area: str = _req("string", "home area of the site (rules/sources.toml at extraction time)")
    title: str = _req("string", "headline")
    published: str | None = _req("date", "publication date of the article (calendar day)")
    content_hash: str = _req("string", "hash of the article's title, text, date and URL")


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer verdict on one fact, as stored in extracted/review_log.jsonl."""

    fact_id: str = _req("string", "the fact decided on")
    verdict: str = _req("string", "ok | wrong | fix", enum=VERDICTS)
    corrected_value: float | None = _req("number", "value set by a reviewer with verdict fix, " + VALUE_NOTE)
    note: str = _req("string", "the reviewer's note")
    who: str = _req("string", "the reviewer (--reviewer or $USER)")
    when: str = _req("string", "ISO 8601 datetime of the import")


@dataclass(frozen=True, slots=True)
class Skip:
    """A document left out, as a record: where it is, why, and whether it could be read at all (an
    unreadable file is quarantined and fetched again; a readable one is not damaged)."""

    message: str = _req("string", "what was wrong and where, as printed: 'corpora/a/2024/x.json: invalid JSON: …'")
    reason: str = _req("string", "short key to count by: invalid JSON, extraction failed, …")
    source: str | None = _opt("string", "the file it was read from")
    line: int | None = _opt("integer", "its line in a JSON Lines file")
    doc_id: str | None = _opt("string", "its document id, when it was read")
    readable: bool = field(default=False, metadata=meta("boolean", "whether the document itself could be read"))

    @classmethod
    def from_error(cls, exc: InputError) -> Skip:
        return cls(str(exc), exc.key, exc.source, exc.line)


@dataclass(frozen=True, slots=True)
class Observation:
    """One level of one series at one period, as `timeline.csv` holds it (pipeline/timeline builds
    these as a table, in this column order)."""

    indicator: str = _req("string", "indicator id from rules/indicators.toml; subject:<slug> when none matched")
    indicator_label: str = _req("string", "the indicator's name")
    area: str = _req("string", "where the figure applies (province, city, district, commune, cả nước)")
    time_period: str = _req("string", "SDMX-like period code: 2023-12-31, 2023-12, 2023-Q4, 2023-S2, 2023, "
                                      "2021/2025")
    time_start: str = _req("date", "first day of the period")
    time_end: str = _req("date", "last day of the period")
    grain: str = _req("string", "how long the period is", enum=GRAINS)
    time_basis: str = _req("string", "stated (period in the figure's clause) | inherited (from its paragraph or "
                                     "headline) | published (no period given: the publication day) | none")
    value: float | None = _req("number", VALUE_NOTE)
    value_max: float | None = _req("number", "upper end of a range, " + VALUE_NOTE)
    unit: str = _req("string", "unit of value and value_max", enum=UNITS)
    qualifier: str = _req("string", "approximately, more or less than, at least, at most, a range; or empty",
                          enum=("", *QUALIFIERS))
    numerator: float | None = _req("number", "a fraction's numerator", unit="count")
    denominator: float | None = _req("number", "a fraction's denominator", unit="count")
    modality: str = _req("string", "target | actual | unknown", enum=MODALITIES)
    n_sources: int = _req("integer", "number of articles reporting this figure", unit="articles")
    sources: str = _req("string", "space-separated URLs of those articles (doc:<id> when an article has no URL)")
    status: str = _req("string", "reviewed | corroborated (several articles) | single_source | needs_review "
                                 "(another figure in the same cell was reviewed)",
                       enum=("reviewed", "corroborated", "single_source", "needs_review"))
    conflict: bool = _req("boolean", "another figure, not a rounding of this one, exists for the same series, "
                                     "period and time basis")
    reviewed: bool = _req("boolean", "a reviewer said ok or fixed its value")
    n_facts: int = _req("integer", "number of supporting facts", unit="facts")
    fact_ids: str = _req("string", "space-separated ids of the supporting facts")
    doc_ids: str = _req("string", "space-separated article ids")
    first_seen: str = _req("date", "earliest publication date among the sources")
    last_seen: str = _req("date", "latest publication date")
    observation_id: str = _req("string", "stable id of the observation")
    area_part: str = _req("string", "the part of the area the figure covers (khu vực nông thôn, thanh niên…); "
                                    "empty = all of it")
    area_basis: str = _req("string", "how the area was found: stated | inherited (sentence, paragraph, headline) | "
                                     "source (home area of the site)")
    period_label: str = _req("string", "the period in Vietnamese: Quý IV/2023, 6 tháng đầu năm 2024, Năm 2023, "
                                       "Giai đoạn 2021–2025")
    disagrees_with: str = _req("string", "ids of the articles giving a different figure for the same series and "
                                         "period")
    series_id: str = _req("string", "indicator|area|area_part|unit|modality: one comparable series")


DOCUMENT_COLUMNS = tuple(f.name for f in fields(Document))
OBSERVATION_COLUMNS = tuple(f.name for f in fields(Observation))


def content_hash(article: Article) -> str:
    """What extraction keys on (extracted/manifest.json, documents.content_hash): title, text,
    date and URL; a document whose hash changed is extracted again."""
    payload = json.dumps([article.title, article.text, article.published, article.url], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


def revision_hash(article: Article) -> str:
    """What the crawler counts as a new revision of a stored article: title, date and text (not the
    URL, which is its id, nor fetched_at). Stored in the crawl state, so it must not change."""
    basis = json.dumps([article.title, article.published, article.text], ensure_ascii=False)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()
