"""The exported tables, declared once: fields with types, descriptions, units and enums.

Every format (CSV, Parquet, JSON Lines, SQLite, the data package, Datasette metadata) is derived
from these declarations.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields

import pyarrow as pa

from pipeline.documents import DOCUMENT_COLUMNS
from pipeline.records import FACT_COLUMNS, Decision, Document, Fact, Observation
from pipeline.timeline import CHANGE_COLUMNS, TIMELINE_COLUMNS

ARROW_TYPES = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64(),
               "boolean": pa.bool_(), "date": pa.date32()}
SQL_TYPES = {"string": str, "number": float, "integer": int, "boolean": int, "date": str}


@dataclass(frozen=True, slots=True)
class Field:
    """One Table Schema field: name, type, what it means and (when fixed) its unit."""

    name: str
    type: str = "string"
    description: str = ""
    unit: str = ""
    enum: tuple[str, ...] = ()

    def descriptor(self) -> dict:
        out: dict = {"name": self.name, "type": self.type}
        if self.type == "date":
            out["format"] = "default"  # ISO 8601 YYYY-MM-DD
        if self.description:
            out["description"] = self.description
        if self.unit:
            out["unit"] = self.unit
        if self.enum:
            out["constraints"] = {"enum": list(self.enum)}
        return out


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    title: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[str, str, str], ...] = ()  # (column, other table, its column)
    facets: tuple[str, ...] = ()  # for Datasette
    search: tuple[str, ...] = ()  # full-text search columns in SQLite
    indexes: tuple[str, ...] = ()
    description: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(f.name, ARROW_TYPES[f.type], nullable=f.name not in self.primary_key)
                          for f in self.fields])


VALUE_NOTE = "in the unit of column `unit`: ratio 0..1, percent (94 = 94%) or percentage_point"
DESCRIPTIONS = {
    "fact_id": "stable id of the fact (same article and figure → same id across runs)",
    "doc_id": "id of the source article", "url": "canonical URL of the article",
    "published": "publication date of the article (calendar day)",
    "kind": "fraction | percent | date | period",
    "text": "the figure as written in the article",
    "start": "character offset of the figure in the article field `field`",
    "end": "character offset just after the figure",
    "value": VALUE_NOTE, "value_max": "upper end of a range, " + VALUE_NOTE,
    "date_start": "ISO 8601 date; a year that was not stated is written --MM-DD",
    "date_end": "ISO 8601 date; a year that was not stated is written --MM-DD",
    "as_of_start": "start of the period the figure refers to", "as_of_end": "end of that period",
    "subject": "what is counted or measured, as the article words it",
    "indicator": "indicator id from rules/indicators.toml; subject:<slug> when none matched",
    "indicator_label": "the indicator's name",
    "value_kind": "level | change | share_of_plan | contribution | other",
    "area": "where the figure applies (province, city, district, commune, cả nước)",
    "area_part": "the part of the area the figure covers (khu vực nông thôn, thanh niên…); empty = all of it",
    "area_basis": "how the area was found: stated | inherited (sentence, paragraph, headline) | source (home area "
                  "of the site)",
    "modality": "target | actual | unknown",
    "sentence": "the sentence holding the figure", "rule": "id of the extraction rule that fired",
    "why": "which rule or context decided each attribute (attr=rule;…)",
    "verdict": "latest review verdict: ok | wrong | fix | empty when not reviewed",
    "corrected_value": "value set by a reviewer with verdict fix, " + VALUE_NOTE,
    "time_period": "SDMX-like period code: 2023-12-31, 2023-12, 2023-Q4, 2023-S2, 2023, 2021/2025",
    "period_label": "the period in Vietnamese: Quý IV/2023, 6 tháng đầu năm 2024, Năm 2023, Giai đoạn 2021–2025",
    "time_basis": "stated (period in the figure's clause) | inherited (from its paragraph or headline) | "
                  "published (no period given: the publication day) | none",
    "n_sources": "number of articles reporting this figure",
    "sources": "space-separated URLs of those articles (doc:<id> when an article has no URL)",
    "status": "reviewed | corroborated (several articles) | single_source | needs_review (another figure in "
              "the same cell was reviewed)",
    "conflict": "another figure, not a rounding of this one, exists for the same series, period and time basis",
    "disagrees_with": "ids of the articles giving a different figure for the same series and period",
    "fact_ids": "space-separated ids of the supporting facts", "doc_ids": "space-separated article ids",
    "first_seen": "earliest publication date among the sources", "last_seen": "latest publication date",
    "observation_id": "stable id of the observation", "change_id": "stable id of the change",
    "series_id": "indicator|area|area_part|unit|modality: one comparable series",
    "baseline": "what a change is measured against, when stated (cùng kỳ năm trước, năm 2020)",
    "progress": "actual_value / target_value, same series only (no direction assumed)",
    "gap": "target_value − actual_value, in the unit of column `unit`",
    "source": "site host", "home_area": "home area of the site (rules/sources.toml at extraction time)",
    "title": "headline", "content_hash": "hash of the article's title, text, date and URL",
}
TYPES = {  # the records' declared types (pipeline/records.py), and those of the derived columns of latest
    **{f.name: f.metadata["type"] for record in (Fact, Document, Observation, Decision) for f in fields(record)},
    **dict.fromkeys(["actual_n_sources", "target_n_sources"], "integer"),
    **dict.fromkeys(["actual_value", "target_value", "progress", "gap"], "number"),
    **dict.fromkeys(["actual_time_end", "target_time_end"], "date"),
    **dict.fromkeys(["actual_conflict", "target_conflict"], "boolean"),
}
UNITS = {"numerator": "count", "denominator": "count", "n_sources": "articles", "n_facts": "facts",
         "actual_n_sources": "articles", "target_n_sources": "articles", "progress": "ratio"}
ENUMS = {"kind": ("fraction", "percent", "date", "period"), "modality": ("target", "actual", "unknown"),
         "verdict": ("ok", "wrong", "fix"), "status": ("reviewed", "corroborated", "single_source", "needs_review"),
         "value_kind": ("level", "change", "share_of_plan", "contribution", "other")}
LATEST_COLUMNS = [
    "series_id", "indicator", "indicator_label", "area", "area_part", "unit",
    *(f"{m}_{s}" for m in ("actual", "target")
      for s in ("value", "values", "conflict", "time_period", "period_label", "time_end", "time_basis",
                "n_sources")),
    "progress", "gap",
]


def _table(name: str, title: str, columns: list[str], primary_key: tuple[str, ...], **kwargs) -> Table:
    enums = {**ENUMS, **kwargs.pop("enums", {})}
    fields = tuple(Field(c, TYPES.get(c, "string"), DESCRIPTIONS.get(c, ""), UNITS.get(c, ""), enums.get(c, ()))
                   for c in columns)
    return Table(name, title, fields, primary_key, **kwargs)


ARTICLES = _table("articles", "Articles the facts come from", list(DOCUMENT_COLUMNS), ("doc_id",),
                  facets=("source", "home_area"), search=("title",), indexes=("source", "published"))
FACTS = _table("facts", "Figures found in articles", [*FACT_COLUMNS, "verdict", "corrected_value"], ("fact_id",),
               foreign_keys=(("doc_id", "articles", "doc_id"),),
               facets=("kind", "indicator", "value_kind", "area", "modality", "verdict"),
               search=("sentence", "subject"), indexes=("indicator", "area", "doc_id"))
TIMELINE = _table("timeline", "Observations (levels) per series and period", TIMELINE_COLUMNS, ("observation_id",),
                  facets=("indicator", "area", "area_part", "modality", "status", "time_basis", "conflict"),
                  indexes=("indicator", "area", "time_period", "series_id"))
CHANGES = _table("changes", "Changes, shares of plan and contributions per series and period", CHANGE_COLUMNS,
                 ("change_id",), facets=("indicator", "area", "value_kind", "modality"),
                 indexes=("indicator", "area", "time_period"))
LATEST = _table("latest", "Latest actual and target per series", LATEST_COLUMNS, ("series_id",),
                facets=("indicator", "area"), indexes=("indicator", "area"))
OBSERVATION_FACTS = _table("observation_facts", "Which facts support which observation",
                           ["observation_id", "fact_id"], ("observation_id", "fact_id"),
                           foreign_keys=(("observation_id", "timeline", "observation_id"),
                                         ("fact_id", "facts", "fact_id")),
                           indexes=("fact_id",))
TABLES = (ARTICLES, FACTS, TIMELINE, CHANGES, LATEST)
