"""chitieu.sqlite through sqlite-utils, and metadata.json for Datasette.

Typed columns and primary keys; foreign keys facts → articles and observation_facts → timeline /
facts; indexes on indicator, area and period; full-text search (FTS5, diacritics folded, so
"ho ngheo" finds "hộ nghèo") over the facts' sentence and subject and the articles' title.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from pipeline.atomic import atomic_path
from pipeline.export.schema import SQL_TYPES, Table

TOKENIZE = "unicode61 remove_diacritics 2"
BATCH = 50_000


def _rows(table: pa.Table, start: int, stop: int):
    """Rows [start, stop) as tuples SQLite accepts (dates as ISO text, booleans as 0/1)."""
    part = table.slice(start, stop - start)
    columns = []
    for column in part.columns:
        if pa.types.is_date(column.type):
            column = column.cast(pa.string())
        elif pa.types.is_boolean(column.type):
            column = pc.cast(column, pa.int64())
        columns.append(column.to_pylist())
    return zip(*columns)


def write_sqlite(path: Path, tables: list[tuple[Table, pa.Table]]) -> None:
    """The whole database, built in a temporary file and renamed into place."""
    import sqlite_utils

    with atomic_path(path) as temp:
        conn = sqlite3.connect(temp)
        try:
            conn.execute("PRAGMA journal_mode=OFF")
            conn.execute("PRAGMA synchronous=OFF")
            db = sqlite_utils.Database(conn)
            for spec, data in tables:  # referenced tables come first in `tables`
                db[spec.name].create({f.name: SQL_TYPES[f.type] for f in spec.fields}, pk=list(spec.primary_key)
                                     if len(spec.primary_key) > 1 else spec.primary_key[0],
                                     foreign_keys=list(spec.foreign_keys) or None,
                                     not_null=set(spec.primary_key))
                marks = ", ".join("?" * len(spec.fields))
                names = ", ".join(f'"{f.name}"' for f in spec.fields)
                with conn:
                    for start in range(0, data.num_rows, BATCH):
                        conn.executemany(f'INSERT INTO "{spec.name}" ({names}) VALUES ({marks})',
                                         _rows(data, start, min(start + BATCH, data.num_rows)))
                for column in spec.indexes:
                    db[spec.name].create_index([column], if_not_exists=True)
                if spec.search:
                    db[spec.name].enable_fts(list(spec.search), tokenize=TOKENIZE, create_triggers=False)
            conn.commit()
        finally:
            conn.close()


def datasette_metadata(tables: list[Table]) -> dict:
    """Titles, facets, full-text search and column descriptions for `datasette chitieu.sqlite -m metadata.json`."""
    out = {}
    for t in tables:
        entry: dict = {"title": t.title,
                       "columns": {f.name: f.description + (f" ({f.unit})" if f.unit else "")
                                   for f in t.fields if f.description or f.unit}}
        if t.facets:
            entry["facets"] = list(t.facets)
        if t.search:
            entry["fts_table"], entry["fts_pk"] = f"{t.name}_fts", "rowid"
        out[t.name] = entry
    return {"title": "chitieu: chỉ tiêu từ báo chí", "description": "Figures from Vietnamese news: facts, "
            "observations per indicator series, changes and latest values.",
            "databases": {"chitieu": {"tables": out}}}
