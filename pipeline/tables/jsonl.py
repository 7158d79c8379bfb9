"""JSON Lines, byte for byte as pandas' to_json(orient="records", lines=True, force_ascii=False,
double_precision=15) writes the table's DataFrame (see files.jsonl_frame), but built column by
column with pyarrow and streamed in chunks: no DataFrame, no Python object per cell, memory
bounded by a chunk.

What pandas (its ultrajson encoder) does, and so this: keys and text in double quotes with `"`,
`\\`, `/` and control characters escaped (\\b \\f \\n \\r \\t, else \\u00xx), other characters as
they are; numbers with up to 15 decimals (ujson's own algorithm, below), the very large and the very
small in %.15g; NaN, infinities and nulls as null; booleans true/false; dates as "YYYY-MM-DD".
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.tables.spreadsheet import bytes_present

CHUNK_ROWS = 65_536
PRECISION = 15  # double_precision
ESCAPES = {"\\": "\\\\", '"': '\\"', "/": "\\/", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
CONTROL = [chr(c) for c in range(32) if chr(c) not in ESCAPES]
NULL = pa.scalar("null", pa.large_string())
ESCAPED_BYTES = bytes(range(32)) + b'"/\\'  # what ujson escapes


def supported(table: pa.Table) -> bool:
    """Whether every column is of a type this encoder writes as pandas would."""
    return all(pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_float64(t)
               or pa.types.is_int64(t) or pa.types.is_boolean(t) or pa.types.is_date32(t)
               or (pa.types.is_dictionary(t) and pa.types.is_string(t.value_type)) for t in table.schema.types)


def jsonl_chunks(table: pa.Table) -> Iterator[memoryview]:
    """The file's bytes, a chunk of rows at a time."""
    keys = [('{"' if k == 0 else ',"') + escape_text(name) + '":' for k, name in enumerate(table.column_names)]
    end, nothing = pa.scalar("}\n", pa.large_string()), pa.scalar("", pa.large_string())
    for start in range(0, table.num_rows, CHUNK_ROWS):
        part = table.slice(start, CHUNK_ROWS)
        pieces: list[pa.Array] = []
        run: list[tuple[np.ndarray, pa.Array]] = []  # adjacent columns with few values: encoded together
        for key, column in zip(keys, part.columns):
            codes, texts = coded(column.combine_chunks(), key)
            if codes is None:
                pieces += _together(run, part.num_rows)
                run = []
                pieces.append(texts)
            else:
                run.append((codes, texts))
        pieces += _together(run, part.num_rows)
        rows = pc.binary_join_element_wise(*pieces, end, nothing)
        offsets = np.frombuffer(rows.buffers()[1], dtype=np.int64)
        yield memoryview(rows.buffers()[2])[int(offsets[rows.offset]):int(offsets[rows.offset + len(rows)])]


def _together(run: list[tuple[np.ndarray, pa.Array]], rows: int) -> list[pa.Array]:
    """The JSON text of adjacent coded columns, as few pieces as may be: columns whose combinations
    of values stay few are encoded once per combination (greedily, left to right)."""
    out: list[pa.Array] = []
    members: list[tuple[np.ndarray, pa.Array]] = []
    combination, count = None, 0
    for codes, texts in run:
        if members:
            wider, distinct = pd.factorize(combination * len(texts) + codes)  # numbering: any order will do
            if len(distinct) * 4 < rows:
                members.append((codes, texts))
                combination, count = wider.astype(np.int64), len(distinct)
                continue
            out.append(_joined(members, combination, count))
        members, combination, count = [(codes, texts)], codes, len(texts)
    if members:
        out.append(_joined(members, combination, count))
    return out


def _joined(members: list[tuple[np.ndarray, pa.Array]], combination: np.ndarray, count: int) -> pa.Array:
    """The members' texts joined, once per combination (numbered 0..count-1), spread over the rows."""
    if len(members) == 1:
        codes, texts = members[0]
        return texts.take(pa.array(codes))
    first = np.full(count, len(combination), dtype=np.int64)
    np.minimum.at(first, combination.astype(np.intp), np.arange(len(combination), dtype=np.int64))
    parts = [texts.take(pa.array(codes[first])) for codes, texts in members]
    return pc.binary_join_element_wise(*parts, pa.scalar("", pa.large_string())).take(pa.array(combination))


def cells(column: pa.Array, key: str = "") -> pa.Array:
    """`key` and each value of a column as JSON text (large strings)."""
    codes, texts = coded(column, key)
    return texts if codes is None else texts.take(pa.array(codes))


def coded(column: pa.Array, key: str = "") -> tuple[np.ndarray | None, pa.Array]:
    """`key` and each value of a column as JSON text: (codes, the text of each distinct value) when
    the column repeats its values (text, dates, numbers, booleans), else (None, each row's text)."""
    kind = column.type
    if pa.types.is_dictionary(kind):
        texts = cells(column.dictionary, key)
        indices = column.indices
        if column.null_count:
            texts = pa.concat_arrays([texts, pa.array([key + "null"], pa.large_string())])
            indices = pc.fill_null(indices, len(texts) - 1)
        return indices.to_numpy().astype(np.int64), texts
    if pa.types.is_date32(kind) or ((pa.types.is_string(kind) or pa.types.is_large_string(kind))
                                    and len(column) >= 64 and _repeats(column)):
        encoded = pc.dictionary_encode(column)
        dictionary = encoded.dictionary.cast(pa.string()) if pa.types.is_date32(kind) else encoded.dictionary
        return coded(pa.DictionaryArray.from_arrays(encoded.indices, dictionary), key)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        left, right = pa.scalar(key + '"', pa.large_string()), pa.scalar('"', pa.large_string())
        quoted = pc.binary_join_element_wise(left, _escaped(column.cast(pa.large_string())), right,
                                             pa.scalar("", pa.large_string()))
        return None, pc.fill_null(quoted, pa.scalar(key + "null", pa.large_string())) if column.null_count else quoted
    if pa.types.is_boolean(kind):
        texts = pa.array([key + "false", key + "true", key + "null"], pa.large_string())
        return pc.fill_null(column.cast(pa.int8()), 2).to_numpy().astype(np.int64), texts
    if pa.types.is_int64(kind) or pa.types.is_float64(kind):
        if pa.types.is_int64(kind) and column.null_count:
            prefix, none = pa.scalar(key, pa.large_string()), pa.scalar("", pa.large_string())
            joined = pc.binary_join_element_wise(prefix, column.cast(pa.large_string()), none)
            return None, pc.fill_null(joined, pa.scalar(key + "null", pa.large_string()))
        values = column.to_numpy(zero_copy_only=False)  # nulls: NaN (floats), written null
        codes, distinct = pd.factorize(values.view(np.int64))  # per distinct value (bit pattern)
        distinct = np.asarray(distinct)
        texts = pa.array([key + double(v) for v in distinct.view(np.float64).tolist()] if pa.types.is_float64(kind)
                         else [key + str(v) for v in distinct.tolist()], pa.large_string())
        if len(distinct) * 2 > len(values):  # nearly one value a row: not worth coding
            return None, texts.take(pa.array(codes))
        return codes.astype(np.int64), texts
    raise TypeError(f"no JSON encoding for {kind}")


def _repeats(column: pa.Array, sample: int = 4096) -> bool:
    """Whether a text column repeats its values (judged on its first rows)."""
    head = pc.unique(column.slice(0, sample))
    return len(head) * 3 < min(len(column), sample)


def escape_text(text: str) -> str:
    out = "".join(ESCAPES.get(c, c) for c in text)
    return "".join(f"\\u00{ord(c):02x}" if c in CONTROL else c for c in out)


def _escaped(text: pa.Array) -> pa.Array:
    """ujson's escaping of each string: the backslash first, then the rest (only what occurs)."""
    present = bytes_present(text, ESCAPED_BYTES)
    for char, escaped in [("\\", ESCAPES["\\"])] + [(c, e) for c, e in ESCAPES.items() if c != "\\"]:
        if ord(char) in present:
            text = pc.replace_substring(text, char, escaped)
    for char in CONTROL:
        if ord(char) in present:
            text = pc.replace_substring(text, char, f"\\u00{ord(char):02x}")
    return text


def double(value: float) -> str:
    """A float as pandas' ujson writes it with double_precision=15 (modp_dto2 with ujson's changes)."""
    if value != value or value in (float("inf"), float("-inf")):
        return "null"
    negative = value < 0
    value = -value if negative else value
    if value > 1e16 - 1 or (value != 0.0 and abs(value) < 1e-15):  # ujson switches to printf there
        return "%.15g" % (-value if negative else value)
    whole = int(value)
    tmp = (value - whole) * 1e15
    frac = int(tmp)
    diff = tmp - frac
    if diff > 0.5 or (diff == 0.5 and (frac == 0 or frac & 1)):
        frac += 1
    if frac >= 10 ** PRECISION:  # rollover: 0.9999… is 1.0
        frac, whole = 0, whole + 1
    if frac:
        digits = str(frac).rjust(PRECISION, "0").rstrip("0")
    else:
        digits = "0"
    return ("-" if negative else "") + f"{whole}.{digits}"
