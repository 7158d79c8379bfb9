"""Typed tables (pyarrow) and the files written from them: CSV, Parquet, JSON Lines, datapackage.json.

Conversion is columnar (pandas/pyarrow compute, no per-row Python), and each file is streamed to
a temporary name in its directory and renamed into place: a reader sees the old or the new file.
"""
from __future__ import annotations

import datetime as dt
import os
import queue
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.atomic import atomic_path, commit_temp, discard_temp, open_temp
from pipeline.export.jsonl import jsonl_chunks, supported
from pipeline.export.schema import Table

FORMATS = ("csv", "parquet", "jsonl")


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


class Disk:
    """Files written one after the other on a background thread, each atomically (a temporary file
    beside it, fsync, rename: what atomic_path does), while the caller encodes the next chunk or
    file: an export then takes about the longer of encoding and writing, not their sum. The
    caller's own work stays on its thread (the disk thread only writes). A write that fails stops
    the ones after it and is raised by the next call or by close()."""

    def __init__(self, max_bytes: int = 256 << 20):
        self._queue: queue.Queue = queue.Queue()
        self._room = threading.Condition()
        self._queued, self._max_bytes = 0, max_bytes  # bytes handed over and not written yet
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="chitieu-export-disk", daemon=True)
        self._thread.start()

    def __enter__(self) -> Disk:
        return self

    def __exit__(self, kind, value, trace) -> None:
        self.close(raise_error=kind is None)

    @contextmanager
    def open(self, path: Path) -> Iterator[_Sink]:
        """A file-like object (write, tell) for `path`; it replaces `path` when the block succeeds."""
        sink = _Sink(self)
        self._put(("open", sink, Path(path)))
        try:
            yield sink
        except BaseException:
            self._put(("abort", sink), check=False)
            raise
        self._put(("close", sink))

    def close(self, raise_error: bool = True) -> None:
        self._queue.put(("stop", None))
        self._thread.join()
        if raise_error and self.error is not None:
            raise self.error

    def _put(self, item: tuple, check: bool = True) -> None:
        if check and self.error is not None:
            raise self.error
        size = memoryview(item[2]).nbytes if item[0] == "data" else 0
        with self._room:  # wait while too much is waiting for the disk (memory stays bounded)
            self._room.wait_for(lambda: self._queued + size <= self._max_bytes or not self._queued
                                or self.error is not None)
            self._queued += size
        self._queue.put(item)

    def _run(self) -> None:
        files: dict[_Sink, tuple] = {}  # open files (several writers may be encoding at once)
        while True:
            op, sink, arg = (self._queue.get() + (None,))[:3]
            if op == "stop":
                break
            try:
                if self.error is not None:
                    continue  # a write failed: the rest is not written
                if op == "open":
                    files[sink] = (*open_temp(arg), arg)
                elif op == "data":
                    handle = files[sink][0]
                    start = handle.tell()
                    handle.write(arg)
                    handle.flush()
                    if hasattr(os, "posix_fadvise"):  # start writing this chunk back now: fsync waits less
                        os.posix_fadvise(handle.fileno(), start, handle.tell() - start, os.POSIX_FADV_DONTNEED)
                elif op == "close":
                    commit_temp(*files.pop(sink), sync_directory=False)  # export/ is swapped in whole after
                elif op == "abort" and sink in files:
                    discard_temp(*files.pop(sink)[:2])
            except BaseException as exc:  # kept for the callers' threads; no file is left behind
                self.error = exc
                for handle, temp, _ in files.values():
                    discard_temp(handle, temp)
                files.clear()
            finally:
                if op == "data":
                    with self._room:
                        self._queued -= memoryview(arg).nbytes
                        self._room.notify_all()
        for handle, temp, _ in files.values():  # stopped in the middle of a file (a caller failed): no trace
            discard_temp(handle, temp)


class _Sink:
    """What pyarrow writers and the JSON Lines encoder write into: bytes handed to the disk thread."""

    closed = False

    def __init__(self, disk: Disk):
        self._disk, self._written = disk, 0

    def write(self, data) -> int:
        if not isinstance(data, (bytes, memoryview)):  # a writer's buffer it may reuse: copy it now
            data = memoryview(data).tobytes()
        size = memoryview(data).nbytes
        self._disk._put(("data", self, data))
        self._written += size
        return size

    def tell(self) -> int:
        return self._written

    def flush(self) -> None:
        pass

    def writable(self) -> bool:
        return True

    def close(self) -> None:  # pyarrow closes what it wrote to; the disk thread closes the file
        pass


@contextmanager
def _output(path: Path, disk: Disk | None) -> Iterator:
    """Where a file's bytes go: the disk thread when there is one, else a temporary file now."""
    if disk is None:
        with atomic_path(path) as temp, open(temp, "wb") as handle:
            yield handle
    else:
        with disk.open(path) as sink:
            yield sink


def write_tool_csv(path: Path, table: pa.Table, disk: Disk | None = None) -> None:
    """UTF-8 CSV without BOM or formula escaping, for programs (see datapackage.json dialect)."""
    with _output(path, disk) as out:
        pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=True, quoting_style="needed"))


def write_table_parquet(path: Path, table: pa.Table, disk: Disk | None = None) -> None:
    with _output(path, disk) as out:
        pq.write_table(plain(table), out)


def jsonl_frame(table: pa.Table) -> pd.DataFrame:
    """Dates as ISO strings, integers that may be missing as nullable integers: JSON-ready."""
    columns = [c.cast(pa.string()) if pa.types.is_date(c.type) else c for c in table.columns]
    plain = pa.Table.from_arrays(columns, names=table.column_names)
    return plain.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)


def write_table_jsonl(path: Path, table: pa.Table, disk: Disk | None = None) -> None:
    """One JSON object a row, as pandas' to_json(orient="records", lines=True) writes the table's
    jsonl_frame(); streamed a chunk of rows at a time (jsonl.py) for the types the export uses."""
    with _output(path, disk) as out:
        if not table.num_rows:
            return
        if supported(table):
            for chunk in jsonl_chunks(table):
                out.write(chunk)
        else:
            text = jsonl_frame(table).to_json(orient="records", lines=True, force_ascii=False, double_precision=15)
            out.write(text.encode("utf-8"))


def write_formats(dest: Path, name: str, table: pa.Table, disk: Disk | None = None) -> None:
    """name.csv and name.parquet from the table's plain values, name.jsonl from it as it is (its
    dictionaries, when it has some: each distinct value encoded once)."""
    with ThreadPoolExecutor(1, thread_name_prefix="chitieu-export-jsonl") as pool:  # pyarrow lets go of the
        jsonl_done = pool.submit(write_table_jsonl, dest / f"{name}.jsonl", table, disk)  # GIL: two cores work
        flat = plain(table)
        write_tool_csv(dest / f"{name}.csv", flat, disk)
        write_table_parquet(dest / f"{name}.parquet", flat, disk)
        del flat
        jsonl_done.result()


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


def plain(table: pa.Table) -> pa.Table:
    """Dictionary columns as their plain values (the declared types): what Parquet is written from."""
    if not any(pa.types.is_dictionary(t) for t in table.schema.types):
        return table
    return table.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
                                 for f in table.schema], metadata=table.schema.metadata))
