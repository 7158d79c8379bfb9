"""The spreadsheet CSV: what people open in Excel or LibreOffice (UTF-8 with BOM, comma, CRLF, text that
looks like a formula escaped with an apostrophe), written as pandas would, fast on Arrow columns;
and read back with the escape undone."""
from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.atomic import atomic_write_bytes

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unsafe_cell(value: object) -> object:
    """Undo safe_cell when a sheet comes back from a reviewer."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def read_csv(path: Path) -> pd.DataFrame:
    """A spreadsheet CSV written by write_csv, read back as text with safe_cell undone."""
    frame = pd.read_csv(path, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    return frame.apply(lambda column: column.map(unsafe_cell)) if len(frame) else frame


def write_csv(path: Path, frame: pd.DataFrame | pa.Table) -> None:
    """A spreadsheet-safe CSV: UTF-8 with BOM, comma-separated, formula-looking text escaped."""
    atomic_write_bytes(Path(path), csv_bytes(frame))


def write_csvs(files: list[tuple[Path, pd.DataFrame | pa.Table]]) -> None:
    """Several write_csv() in order; each file's bytes are built while the one before goes to disk
    (its fsync), and a write that fails stops the ones after it, as one after the other would."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chitieu-write") as disk:
        writing = None
        for path, frame in files:
            data = csv_bytes(frame)
            if writing is not None:
                writing.result()
            writing = disk.submit(atomic_write_bytes, Path(path), data)
        if writing is not None:
            writing.result()


def csv_bytes(frame: pd.DataFrame | pa.Table) -> bytes:
    """The bytes `write_csv` writes: what pandas' to_csv(index=False, lineterminator="\r\n") gives for
    the frame with safe_cell() applied to its text, encoded UTF-8 with BOM. Built column by column
    with pyarrow (no Python object per cell); pandas itself for dtypes this does not know. An Arrow
    table (text, numbers, booleans) is written as the DataFrame it stands for."""
    bom = "\ufeff".encode("utf-8")
    names = frame.column_names if isinstance(frame, pa.Table) else list(frame.columns)
    if isinstance(frame, pa.Table) and (len(names) < 2 or any(_arrow_cells(c.slice(0, 0).combine_chunks()) is None
                                                              for c in frame.columns)):
        frame = frame.to_pandas()  # not a table of the timeline's kinds: as pandas writes it
    if len(names) < 2 or not all(isinstance(c, str) for c in names):
        return bom + _pandas_csv(frame).encode("utf-8")  # csv quotes a lone empty field: leave it to csv
    parts = [bom, _lines([_quoted(pa.array([name], pa.string())) for name in names])]
    for start in range(0, len(frame), CSV_CHUNK_ROWS):
        if isinstance(frame, pa.Table):
            part = frame.slice(start, CSV_CHUNK_ROWS)
            cells = [_arrow_cells(column.combine_chunks()) for column in part.columns]
        else:
            part = frame.iloc[start:start + CSV_CHUNK_ROWS]
            cells = [_csv_cells(part.iloc[:, k]) for k in range(len(names))]
        if any(c is None for c in cells):
            return bom + _pandas_csv(frame).encode("utf-8")
        parts.append(_lines(cells))
    return b"".join(parts)


def _arrow_cells(column: pa.Array) -> pa.Array | None:
    """As _csv_cells, for an Arrow column (text, dictionary of text, float64, integer, boolean)."""
    kind = column.type
    if pa.types.is_dictionary(kind) and pa.types.is_string(kind.value_type):
        return _quoted(_escaped(pc.fill_null(column.dictionary, ""))).take(pc.fill_null(column.indices, 0)) if len(
            column.dictionary) else pa.array([""] * len(column), pa.string())
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return _quoted(_escaped(pc.fill_null(column, "")))
    if pa.types.is_boolean(kind) and not column.null_count:
        return pa.array(["False", "True"]).take(column.cast(pa.int8()))
    if (pa.types.is_float64(kind) or pa.types.is_integer(kind)) and not (
            pa.types.is_integer(kind) and column.null_count):
        return _csv_cells(pd.Series(column.to_numpy(zero_copy_only=False)))
    return None


CSV_CHUNK_ROWS = 100_000


FORMULA_CELLS = pa.array(FORMULA_PREFIXES)


SPECIAL = (",", '"', "\r", "\n")  # what the csv module (QUOTE_MINIMAL, \r\n) puts in quotes


SPECIAL_BYTES = "".join(SPECIAL).encode()


def _pandas_csv(frame: pd.DataFrame) -> str:
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(safe_cell)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    return buffer.getvalue()


def _csv_cells(column: pd.Series) -> pa.Array | None:
    """Each cell as pandas and the csv module write it, quoted where needed (None: a dtype left to
    pandas). Text is escaped and quoted once per distinct value."""
    dtype, values = column.dtype, column.to_numpy()
    if dtype == object:
        try:
            if _few_distinct(values):
                codes, distinct = pd.factorize(values)  # missing: -1, written as ""
                codes[codes < 0] = len(distinct)
                text = pa.array(np.append(distinct, ""), type=pa.string())
                return _quoted(_escaped(text)).take(pa.array(codes))
            text = pc.fill_null(pa.array(values, type=pa.string(), from_pandas=True), "")
        except (pa.ArrowTypeError, pa.ArrowInvalid):  # not only text: as pandas maps and infers it
            mapped = column.map(safe_cell)
            if mapped.dtype != object:
                return _csv_cells(mapped)
            missing = pd.isna(mapped.to_numpy())
            return _quoted(pa.array([_object_cell(v, m) for v, m in zip(mapped.to_numpy(), missing)], pa.string()))
        return _quoted(_escaped(text))
    if dtype == bool:
        return pa.array(["False", "True"]).take(pa.array(values.astype(np.int8)))
    if dtype == np.float64 or (dtype.kind in "iu" and not isinstance(dtype, pd.api.extensions.ExtensionDtype)):
        # formatted once per distinct bit pattern (-0.0 is not 0.0 here); NaN is written as ""
        bits = values.view(np.int64) if dtype == np.float64 else values
        codes, distinct = pd.factorize(bits)
        distinct = np.asarray(distinct).view(np.float64) if dtype == np.float64 else np.asarray(distinct)
        text = distinct.astype(str).astype(object)
        if dtype == np.float64:
            text[np.isnan(distinct)] = ""
        return pa.array(text[codes], pa.string())
    return None


def _few_distinct(values: np.ndarray, sample: int = 4096) -> bool:
    """Whether a column repeats its values (judged on its first rows): then each is formatted once."""
    head = values[:sample]
    return len(head) > 0 and len(pd.unique(head)) * 4 < len(head)


def _escaped(text: pa.Array) -> pa.Array:
    """safe_cell() of each string."""
    formula = pc.is_in(pc.utf8_slice_codeunits(text, 0, 1), value_set=FORMULA_CELLS)
    if not pc.any(formula).as_py():
        return text
    return pc.if_else(formula, pc.binary_join_element_wise("'", text, ""), text)


def _object_cell(value: object, missing: bool) -> str:
    if missing:
        return ""
    if isinstance(value, str):
        return value
    return float.__repr__(value) if isinstance(value, float) else str(value)


def _quoted(text: pa.Array) -> pa.Array:
    """In double quotes (doubled inside) where the csv module would quote the cell."""
    if not bytes_present(text, SPECIAL_BYTES):
        return text  # no cell holds a special character (a quick look at all the bytes at once)
    special = None
    for char in SPECIAL:
        found = pc.match_substring(text, char)
        special = found if special is None else pc.or_(special, found)
    quoted = pc.binary_join_element_wise('"', pc.replace_substring(text, '"', '""'), '"', "")
    return pc.if_else(special, quoted, text)


def string_bytes(text: pa.Array) -> np.ndarray:
    """The bytes of the strings of an Arrow string array (only its own, if it is a slice)."""
    data = text.buffers()[2]
    if data is None or not len(text):
        return np.zeros(0, np.uint8)
    wide = pa.types.is_large_string(text.type) or pa.types.is_large_binary(text.type)
    offsets = np.frombuffer(text.buffers()[1], dtype=np.int64 if wide else np.int32)
    first, last = int(offsets[text.offset]), int(offsets[text.offset + len(text)])
    return np.frombuffer(data, dtype=np.uint8)[first:last]


def bytes_present(text: pa.Array, wanted: bytes) -> set[int]:
    """Which of the (ASCII) bytes `wanted` occur in the strings: one pass over their bytes."""
    boring = _BORING.setdefault(wanted, bytes(b for b in range(256) if b not in wanted))
    return set(string_bytes(text).tobytes().translate(None, boring))


_BORING: dict[bytes, bytes] = {}


def _lines(cells: list[pa.Array]) -> memoryview:
    """Cells joined by commas, each row ended by \r\n, as UTF-8 bytes (a view of Arrow's buffer)."""
    last = pc.binary_join_element_wise(cells[-1], "\r\n", "")
    rows = pc.binary_join_element_wise(*[c.cast(pa.large_string()) for c in cells[:-1]],
                                       last.cast(pa.large_string()), pa.scalar(",", pa.large_string()))
    if not len(rows):
        return memoryview(b"")
    offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
    first, end = int(offsets[rows.offset]), int(offsets[rows.offset + len(rows)])
    return memoryview(rows.buffers()[2])[first:end]
