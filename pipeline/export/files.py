"""Typed tables (pyarrow) and the files written from them: CSV, Parquet, JSON Lines, datapackage.json.

Conversion is columnar (pandas/pyarrow compute, no per-row Python), and each file is streamed to
a temporary name in its directory and renamed into place: a reader sees the old or the new file.
"""
from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.export.schema import Table

FORMATS = ("csv", "parquet", "jsonl")


def _strings(column: pd.Series) -> pa.Array:
    try:
        return pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        values = column.astype(object)
        return pa.array(values.where(values.isna(), values.astype(str)), type=pa.string(), from_pandas=True)


def typed(frame: pd.DataFrame, table: Table) -> pa.Table:
    """The frame as an Arrow table with exactly the table's columns, each of its declared type."""
    arrays = []
    for f in table.fields:
        column = frame[f.name] if f.name in frame else pd.Series([None] * len(frame), index=frame.index, dtype=object)
        if f.type == "date":
            text = column.astype(object).where(column.notna(), None).astype("string").str.slice(0, 10)
            days = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
            array = pa.array(days, from_pandas=True).cast(pa.date32())
        elif f.type == "number":
            array = pa.array(pd.to_numeric(column, errors="coerce").astype("float64"), from_pandas=True)
        elif f.type == "integer":
            array = pa.array(pd.to_numeric(column, errors="coerce").astype("Int64"), type=pa.int64(), from_pandas=True)
        elif f.type == "boolean":
            values = column if column.dtype == bool else column.astype(str).str.strip().str.lower().isin(["true", "1"])
            array = pa.array(values.astype(bool))
        else:
            array = _strings(column)
        arrays.append(array)
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temporary file beside `path`, fsynced and renamed onto it when the block succeeds."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(temp)
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_tool_csv(path: Path, table: pa.Table) -> None:
    """UTF-8 CSV without BOM or formula escaping, for programs (see datapackage.json dialect)."""
    with atomic_path(path) as temp:
        pacsv.write_csv(table, temp, pacsv.WriteOptions(include_header=True, quoting_style="needed"))


def write_table_parquet(path: Path, table: pa.Table) -> None:
    with atomic_path(path) as temp:
        pq.write_table(table, temp)


def jsonl_frame(table: pa.Table) -> pd.DataFrame:
    """Dates as ISO strings, integers that may be missing as nullable integers: JSON-ready."""
    columns = [c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in table.columns]
    plain = pa.Table.from_arrays(columns, names=table.column_names)
    return plain.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def write_table_jsonl(path: Path, table: pa.Table) -> None:
    with atomic_path(path) as temp:
        frame = jsonl_frame(table)
        if len(frame):
            frame.to_json(temp, orient="records", lines=True, force_ascii=False, double_precision=15)
        else:
            Path(temp).write_bytes(b"")


def write_formats(dest: Path, name: str, table: pa.Table) -> None:
    write_tool_csv(dest / f"{name}.csv", table)
    write_table_parquet(dest / f"{name}.parquet", table)
    write_table_jsonl(dest / f"{name}.jsonl", table)


def resource(table: Table, path: str | None = None, formats: tuple[str, ...] = FORMATS) -> dict:
    """A tabular data resource describing the CSV file of `table` (other formats listed beside)."""
    schema: dict = {"fields": [f.descriptor() for f in table.fields], "missingValues": [""]}
    if table.primary_key:
        schema["primaryKey"] = list(table.primary_key)
    if table.foreign_keys:
        schema["foreignKeys"] = [{"fields": column, "reference": {"resource": other, "fields": its}}
                                 for column, other, its in table.foreign_keys]
    out = {
        "name": table.name, "title": table.title, "path": path or f"{table.name}.csv",
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "dialect": {"delimiter": ",", "header": True, "lineTerminator": "\n"}, "schema": schema,
        "alternates": {fmt: f"{table.name}.{fmt}" for fmt in formats if fmt != "csv"},
    }
    if table.description:
        out["description"] = table.description
    return out | table.extra


def datapackage(resources: list[dict]) -> dict:
    """A Frictionless Tabular Data Package over the given resources."""
    return {"name": "chitieu", "title": "chitieu: indicators from Vietnamese news",
            "profile": "tabular-data-package",
            "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), "resources": resources}


def typed_arrow(data: pa.Table, table: Table) -> pa.Table:
    """Like `typed`, for an Arrow table (the facts, read straight from Parquet): no pandas round trip."""
    import pyarrow.compute as pc

    arrays = []
    for f in table.fields:
        if f.name not in data.column_names:
            arrays.append(pa.nulls(data.num_rows, type=table.arrow_schema().field(f.name).type))
            continue
        column = data.column(f.name)
        if f.type == "date":
            text = pc.utf8_slice_codeunits(column.cast(pa.string()), 0, 10)
            column = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True).cast(pa.date32())
        elif f.type == "boolean" and not pa.types.is_boolean(column.type):
            column = pc.is_in(pc.utf8_lower(column.cast(pa.string())), pa.array(["true", "1"]))
        else:
            column = column.cast(table.arrow_schema().field(f.name).type)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())
