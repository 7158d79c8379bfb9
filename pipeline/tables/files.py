"""The files programs read: the tools' CSV dialect (declared in datapackage.json), Parquet and JSON
Lines, each written atomically, directly or through a disk thread (Disk) while the next is encoded."""
from __future__ import annotations

import math
import os
import queue
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

from pipeline.atomic import atomic_path, atomic_write_bytes, commit_temp, discard_temp, dumps_json, open_temp
from pipeline.tables.jsonl import jsonl_chunks, supported

# The tools' CSV: UTF-8 without BOM, comma, LF, quoted where needed, no formula escaping; the data
# package declares it as every CSV resource's dialect.
TOOL_DIALECT = {"delimiter": ",", "header": True, "lineTerminator": "\n"}


def write_parquet(path: Path, frame: pd.DataFrame | pa.Table, schema: pa.Schema | None = None,
                  metadata: dict[bytes, bytes] | None = None) -> None:
    """The frame (or table, written as it is) as Parquet, atomically."""
    table = frame if isinstance(frame, pa.Table) else pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic_write_bytes(Path(path), sink.getvalue().to_pybytes())


def _json_ready(value: object) -> object:
    """A missing number (NaN) and a number JSON cannot hold (±inf, e.g. a progress ratio over a
    target of 0) become null: the file stays JSON, and allow_nan=False guards the rest."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    lines = (dumps_json({k: _json_ready(v) for k, v in r.items()}) for r in records)
    atomic_write_bytes(Path(path), ("\n".join(lines) + "\n").encode("utf-8"))


FORMATS = ("csv", "parquet", "jsonl")


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
        pacsv.write_csv(table, out, pacsv.WriteOptions(include_header=TOOL_DIALECT["header"], quoting_style="needed",
                                                        delimiter=TOOL_DIALECT["delimiter"]))


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


def plain(table: pa.Table) -> pa.Table:
    """Dictionary columns as their plain values (the declared types): what Parquet is written from."""
    if not any(pa.types.is_dictionary(t) for t in table.schema.types):
        return table
    return table.cast(pa.schema([f.with_type(f.type.value_type) if pa.types.is_dictionary(f.type) else f
                                 for f in table.schema], metadata=table.schema.metadata))
