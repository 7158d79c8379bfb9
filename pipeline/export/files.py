"""The exported tables typed as their declarations say (export/schema.py), and the data package that
describes them. Conversion is columnar (pandas/pyarrow compute, no per-row Python); the files are
written by pipeline.tables.files.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.export.schema import Table
from pipeline.tables.files import FORMATS, TOOL_DIALECT


def _strings(column: pd.Series) -> pa.Array:
    try:
        return pa.array(column, type=pa.string(), from_pandas=True)
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        values = column.astype(object)
        return pa.array(values.where(values.isna(), values.astype(str)), type=pa.string(), from_pandas=True)


def typed(frame: pd.DataFrame | pa.Table, table: Table) -> pa.Table:
    """The frame as an Arrow table with exactly the table's columns, each of its declared type.

    An Arrow table (the timeline's, as built) gives what its DataFrame would, column by column
    without making the DataFrame."""
    arrays = []
    names = frame.column_names if isinstance(frame, pa.Table) else frame.columns
    for f in table.fields:
        if f.name not in names:
            arrays.append(_typed(pd.Series([None] * len(frame), dtype=object), f.type))
        elif isinstance(frame, pa.Table):
            arrays.append(_typed_arrow(frame.column(f.name).combine_chunks(), f.type))
        else:
            arrays.append(_typed(frame[f.name], f.type))
    return pa.Table.from_arrays(arrays, schema=table.arrow_schema())


def _typed(column: pd.Series, kind: str) -> pa.Array:
    """One column of a DataFrame as its declared type (the export's conversions, declared once)."""
    if kind == "date":
        text = column.astype(object).where(column.notna(), None).astype("string").str.slice(0, 10)
        days = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        return pa.array(days, from_pandas=True).cast(pa.date32())
    if kind == "number":
        return pa.array(pd.to_numeric(column, errors="coerce").astype("float64"), from_pandas=True)
    if kind == "integer":
        return pa.array(pd.to_numeric(column, errors="coerce").astype("Int64"), type=pa.int64(), from_pandas=True)
    if kind == "boolean":
        values = column if column.dtype == bool else column.astype(str).str.strip().str.lower().isin(["true", "1"])
        return pa.array(values.astype(bool))
    return _strings(column)


def _typed_arrow(column: pa.Array, kind: str) -> pa.Array:
    """_typed() of the DataFrame column this Arrow column stands for (text, numbers, booleans)."""
    text = pa.types.is_dictionary(column.type) and pa.types.is_string(column.type.value_type)
    if kind == "date" and (text or pa.types.is_string(column.type)):
        encoded = column if text else pc.dictionary_encode(column)  # each distinct day once
        return _typed(pd.Series(encoded.dictionary.to_numpy(zero_copy_only=False), dtype=object),
                      kind).take(encoded.indices)
    if kind == "string" and (text or pa.types.is_string(column.type)):
        return column.cast(pa.string())
    if kind == "number" and pa.types.is_float64(column.type):
        return pc.if_else(pc.is_nan(column), pa.scalar(None, pa.float64()), column)  # NaN is missing
    if kind == "integer" and pa.types.is_int64(column.type) and not column.null_count:
        return column
    if kind == "boolean" and pa.types.is_boolean(column.type) and not column.null_count:
        return column
    return _typed(pd.Series(column.to_pandas()), kind)


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
        "dialect": dict(TOOL_DIALECT), "schema": schema,
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
    """Like `typed`, for an Arrow table (the facts, read straight from Parquet): no pandas round trip.

    Text read as a dictionary stays one (each distinct value converted once, the CSV and JSON Lines
    writers use it as it is); `plain()` gives the declared types, for Parquet."""
    schema = table.arrow_schema()
    arrays, fields = [], []
    for f in table.fields:
        field = schema.field(f.name)
        if f.name not in data.column_names:
            arrays.append(pa.nulls(data.num_rows, type=field.type))
            fields.append(field)
            continue
        column = data.column(f.name).combine_chunks()
        coded = pa.types.is_dictionary(column.type)
        if f.type == "date" and coded:
            arrays.append(_arrow_day(column.dictionary).take(column.indices))
        elif f.type == "date":
            arrays.append(_arrow_day(column))
        elif f.type == "boolean" and not pa.types.is_boolean(column.type):
            arrays.append(pc.is_in(pc.utf8_lower(column.cast(pa.string())), pa.array(["true", "1"])))
        elif coded and pa.types.is_string(field.type) and pa.types.is_string(column.type.value_type):
            arrays.append(column)
            field = field.with_type(column.type)
        else:
            arrays.append(column.cast(field.type))
        fields.append(field)
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def _arrow_day(column: pa.Array) -> pa.Array:
    text = pc.utf8_slice_codeunits(column.cast(pa.string()), 0, 10)
    return pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True).cast(pa.date32())


