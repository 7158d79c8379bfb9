"""Feeding other tools: facts, timeline and latest values as typed CSV, Parquet and JSON Lines,
described by a Frictionless Data Package (datapackage.json), optionally a SQLite file for Datasette.

The files in export/ are for programs: plain UTF-8 CSV without BOM or formula escaping, dates as
dates and numbers as numbers. The spreadsheet-friendly CSVs stay in the extracted-data directory.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import math
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.corpus import atomic_write_bytes, atomic_write_text
from pipeline.factstore import write_jsonl, write_parquet
from pipeline.records import FACT_COLUMNS
from pipeline.timeline import TIMELINE_COLUMNS, Timeline

log = logging.getLogger(__name__)

EXPORT_DIR = "export"
SQLITE_NAME = "chitieu.sqlite"
ARROW_TYPES = {"string": pa.string(), "number": pa.float64(), "integer": pa.int64(),
               "boolean": pa.bool_(), "date": pa.date32()}
SQL_TYPES = {"string": "TEXT", "number": "REAL", "integer": "INTEGER", "boolean": "INTEGER", "date": "TEXT"}


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

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]


VALUE_NOTE = "in the unit of column `unit`: ratio 0..1, percent (94 = 94%) or percentage_point"
DESCRIPTIONS = {
    "fact_id": "stable id of the fact (same article and figure → same id across runs)",
    "doc_id": "id of the source article in the corpus",
    "published": "publication date of the article (calendar day)",
    "kind": "fraction | percent | date | period",
    "start": "character offset of the figure in the article field `field`",
    "end": "character offset just after the figure",
    "value": VALUE_NOTE, "value_max": "upper end of a range, " + VALUE_NOTE,
    "date_start": "ISO 8601 date; a year that was not stated is written --MM-DD",
    "date_end": "ISO 8601 date; a year that was not stated is written --MM-DD",
    "as_of_start": "start of the period the figure refers to", "as_of_end": "end of that period",
    "indicator": "indicator id from rules/indicators.toml; subject:<slug> when none matched",
    "verdict": "latest review verdict: ok | wrong | fix | empty when not reviewed",
    "corrected_value": "value set by a reviewer with verdict fix, " + VALUE_NOTE,
    "time_period": "SDMX-like period label: 2023-12-31, 2023-12, 2023-Q4, 2023-S2, 2023, 2021/2025",
    "time_basis": "as_of (period stated in the article) or published (fallback: publication day)",
    "n_sources": "number of articles reporting this figure",
    "sources": "space-separated URLs of those articles (doc:<id> when an article has no URL)",
    "status": "reviewed | corroborated (several articles) | single_source",
    "conflict": "another figure exists for the same indicator, area, period, modality and unit",
    "fact_ids": "space-separated ids of the supporting facts", "doc_ids": "space-separated article ids",
    "first_seen": "earliest publication date among the sources", "last_seen": "latest publication date",
    "observation_id": "stable id of the observation",
    "progress": "actual_value / target_value (no direction assumed)",
    "gap": "target_value − actual_value, in the unit of column `unit`",
    "series_id": "indicator|area|unit (area may be empty, so it cannot be a key column itself)",
}
TYPES = {
    **dict.fromkeys(["start", "end", "n_sources", "n_facts", "actual_n_sources", "target_n_sources"], "integer"),
    **dict.fromkeys(["value", "value_max", "numerator", "denominator", "corrected_value", "actual_value",
                     "target_value", "progress", "gap"], "number"),
    **dict.fromkeys(["published", "as_of_start", "as_of_end", "time_start", "time_end", "first_seen",
                     "last_seen", "actual_time_end", "target_time_end"], "date"),
    **dict.fromkeys(["conflict", "reviewed", "actual_conflict", "target_conflict"], "boolean"),
}
UNITS = {"numerator": "count", "denominator": "count", "n_sources": "articles", "n_facts": "facts",
         "actual_n_sources": "articles", "target_n_sources": "articles", "progress": "ratio"}
ENUMS = {"kind": ("fraction", "percent", "date", "period"), "modality": ("target", "actual", "unknown"),
         "verdict": ("ok", "wrong", "fix", "")}
LATEST_COLUMNS = [
    "series_id", "indicator", "indicator_label", "area", "unit",
    *(f"{m}_{s}" for m in ("actual", "target")
      for s in ("value", "values", "conflict", "time_period", "time_end", "n_sources")),
    "progress", "gap",
]


def _table(name: str, title: str, columns: list[str], primary_key: tuple[str, ...]) -> Table:
    fields = tuple(Field(c, TYPES.get(c, "string"), DESCRIPTIONS.get(c, ""), UNITS.get(c, ""), ENUMS.get(c, ()))
                   for c in columns)
    return Table(name, title, fields, primary_key)


FACTS = _table("facts", "Figures found in articles", [*FACT_COLUMNS, "verdict", "corrected_value"], ("fact_id",))
TIMELINE = _table("timeline", "Observations per indicator, area, period and modality", TIMELINE_COLUMNS,
                  ("observation_id",))
LATEST = _table("latest", "Latest actual and target per indicator and area", LATEST_COLUMNS,
                ("series_id",))


def _to_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def typed(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """The frame with exactly the table's columns, each converted to its declared type."""
    out = frame.reindex(columns=table.columns).copy()
    for f in table.fields:
        column = out[f.name]
        if f.type == "date":
            out[f.name] = column.map(_to_date).astype(object)
        elif f.type == "number":
            out[f.name] = pd.to_numeric(column, errors="coerce").astype("float64")
        elif f.type == "integer":
            numbers = pd.to_numeric(column, errors="coerce")
            out[f.name] = numbers.astype("int64" if numbers.notna().all() else "Int64")
        elif f.type == "boolean":
            out[f.name] = column.map(lambda v: str(v).strip().lower() in ("true", "1")).astype(bool)
        else:
            out[f.name] = column.map(lambda v: None if v is None or (isinstance(v, float) and math.isnan(v))
                                     else str(v)).astype(object)
    return out


def arrow_schema(table: Table) -> pa.Schema:
    return pa.schema([pa.field(f.name, ARROW_TYPES[f.type], nullable=f.name not in table.primary_key)
                      for f in table.fields])


def _plain(value: object) -> object:
    """A value as JSON or SQLite can hold it: ISO dates, None for missing."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


def records(frame: pd.DataFrame) -> list[dict]:
    return [{k: _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def write_tool_csv(path: Path, frame: pd.DataFrame) -> None:
    """UTF-8 CSV without BOM or formula escaping, for programs (see datapackage.json dialect)."""
    text = frame.to_csv(index=False, lineterminator="\n", date_format="%Y-%m-%d")
    atomic_write_text(path, text)


def facts_with_verdicts(facts: pd.DataFrame, decisions: Mapping[str, object]) -> pd.DataFrame:
    """Facts plus their latest review verdict; one row per fact_id (the primary key)."""
    frame = facts.sort_values(["fact_id", "doc_id"], kind="stable").drop_duplicates("fact_id").copy()
    if len(frame) < len(facts.drop_duplicates()):
        log.warning("%d facts share a fact_id with another fact; kept the first", len(facts) - len(frame))
    frame["verdict"] = frame["fact_id"].map(lambda f: getattr(decisions.get(f), "verdict", ""))
    frame["corrected_value"] = frame["fact_id"].map(lambda f: getattr(decisions.get(f), "corrected_value", None))
    return frame.reset_index(drop=True)


def with_series_id(latest: pd.DataFrame) -> pd.DataFrame:
    frame = latest.copy()
    frame["series_id"] = frame["indicator"] + "|" + frame["area"] + "|" + frame["unit"]
    return frame


def datapackage(tables: list[Table], formats: dict[str, list[str]]) -> dict:
    """A Frictionless Tabular Data Package describing the CSV files (other formats listed beside)."""
    resources = []
    for table in tables:
        resources.append({
            "name": table.name, "title": table.title, "path": f"{table.name}.csv",
            "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv",
            "encoding": "utf-8", "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\n"},
            "schema": {"fields": [f.descriptor() for f in table.fields],
                       "primaryKey": list(table.primary_key), "missingValues": [""]},
            "alternates": {fmt: f"{table.name}.{fmt}" for fmt in formats.get(table.name, []) if fmt != "csv"},
        })
    return {"name": "chitieu", "title": "chitieu: indicators from Vietnamese news",
            "profile": "tabular-data-package", "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "resources": resources}


def sqlite_bytes(frames: list[tuple[Table, pd.DataFrame]]) -> bytes:
    """A SQLite database (typed columns, primary keys) serialised to bytes for an atomic write."""
    conn = sqlite3.connect(":memory:")
    try:
        for table, frame in frames:
            columns = ", ".join(f'"{f.name}" {SQL_TYPES[f.type]}' for f in table.fields)
            key = ", ".join(f'"{k}"' for k in table.primary_key)
            conn.execute(f'CREATE TABLE "{table.name}" ({columns}, PRIMARY KEY ({key}))')
            marks = ", ".join("?" * len(table.fields))
            rows = [tuple(int(v) if isinstance(v, bool) else v for v in r.values()) for r in records(frame)]
            conn.executemany(f'INSERT INTO "{table.name}" VALUES ({marks})', rows)
        conn.commit()
        return conn.serialize()
    finally:
        conn.close()


def datasette_metadata(tables: list[Table]) -> dict:
    """Column descriptions and units for `datasette chitieu.sqlite -m metadata.json`."""
    return {"title": "chitieu", "databases": {"chitieu": {"tables": {
        t.name: {"description": t.title,
                 "columns": {f.name: f.description + (f" ({f.unit})" if f.unit else "")
                             for f in t.fields if f.description or f.unit}}
        for t in tables}}}}


def export_all(dest: Path, facts: pd.DataFrame, timeline: Timeline, decisions: Mapping[str, object],
               sqlite: bool = False) -> dict[str, int]:
    """Write every table in every format into `dest`; returns rows written per table."""
    dest = Path(dest)
    frames = [(FACTS, typed(facts_with_verdicts(facts, decisions), FACTS)),
              (TIMELINE, typed(timeline.observations, TIMELINE)),
              (LATEST, typed(with_series_id(timeline.latest), LATEST))]
    for table, frame in frames:
        write_tool_csv(dest / f"{table.name}.csv", frame)
        write_parquet(dest / f"{table.name}.parquet", frame, arrow_schema(table))
        write_jsonl(dest / f"{table.name}.jsonl", records(frame))
    formats = {table.name: ["csv", "parquet", "jsonl"] for table, _ in frames}
    if sqlite:
        atomic_write_bytes(dest / SQLITE_NAME, sqlite_bytes(frames))
        atomic_write_text(dest / "metadata.json",
                          json.dumps(datasette_metadata([t for t, _ in frames]), ensure_ascii=False, indent=2))
    package = datapackage([t for t, _ in frames], formats)
    if sqlite:
        package["x-sqlite"] = SQLITE_NAME
    atomic_write_text(dest / "datapackage.json", json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    return {table.name: len(frame) for table, frame in frames}
