"""Columns as numpy arrays for the timeline's group work: text as sorted dictionary codes.

Grouping, sorting and joining a million facts on text columns in pandas costs tens of seconds and
gigabytes of Python strings; the same work on integer codes costs a fraction of a second. A `Text`
column keeps each distinct string once, in code-point order (the order Python and pandas sort
strings in; UTF-8 byte order is the same), so comparing or sorting codes is comparing or sorting
the strings. Per-value work (a time, a subject key, a label) is done once per distinct value.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

_HEX = np.full(256, 255, dtype=np.uint8)
_HEX[np.frombuffer(b"0123456789", np.uint8)] = np.arange(10, dtype=np.uint8)
_HEX[np.frombuffer(b"abcdef", np.uint8)] = np.arange(10, 16, dtype=np.uint8)


def arrow_text(column) -> pa.Array:
    """Any column of strings (Arrow, pandas, numpy, list) as one Arrow string array, nulls as "".

    Values that are not strings (a number in a JSON Lines file) become their str(), as they
    would be written out.
    """
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    if isinstance(column, pa.Array):
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
            column = column.cast(pa.string())
        return pc.fill_null(column, "") if column.null_count else column
    values = pd.Series(column, dtype=object) if not isinstance(column, pd.Series) else column.astype(object)
    values = values.where(values.notna(), "")
    try:
        return pa.array(values, type=pa.string())
    except (pa.ArrowTypeError, pa.ArrowInvalid):
        return pa.array([v if isinstance(v, str) else str(v) for v in values], type=pa.string())


class Text:
    """A text column: `values[codes]` is the column, `values` sorted, so code order is string order."""

    __slots__ = ("codes", "values", "_dictionary")

    def __init__(self, codes: np.ndarray, values: np.ndarray, dictionary: pa.Array | None = None):
        self.codes = codes
        self.values = values  # object array of distinct str, sorted
        self._dictionary = dictionary  # the same values as Arrow strings, made once when needed

    @property
    def dictionary(self) -> pa.Array:
        """The values as an Arrow string array."""
        if self._dictionary is None:
            self._dictionary = pa.array(self.values, pa.string())
        return self._dictionary

    @classmethod
    def of(cls, column) -> Text:
        """From any column of strings (Arrow, chunked or not, plain or dictionary-encoded, pandas,
        numpy, a list); nulls are ""."""
        if not isinstance(column, (pa.Array, pa.ChunkedArray)):
            column = arrow_text(column)
        unique = not pa.types.is_dictionary(column.type)
        if unique:
            if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)):
                column = column.cast(pa.string())
            column = pc.dictionary_encode(column)  # one memo table for every chunk
        elif isinstance(column, pa.ChunkedArray):
            column = column.unify_dictionaries()
        chunks = column.chunks if isinstance(column, pa.ChunkedArray) else [column]
        chunks = [c for c in chunks if len(c)]
        if not chunks:
            return cls(np.zeros(0, np.int32), np.array([], dtype=object))
        dictionary = chunks[-1].dictionary  # shared by every chunk (the last holds them all)
        if not pa.types.is_string(dictionary.type):
            dictionary = dictionary.cast(pa.string())
        parts = [(pc.fill_null(c.indices, -1) if c.null_count else c.indices).to_numpy() for c in chunks]
        indices = parts[0] if len(parts) == 1 else np.concatenate(parts)
        if (indices < 0).any():  # missing: the empty string
            dictionary = pa.concat_arrays([dictionary, pa.array([""], pa.string())])
            indices = np.where(indices < 0, len(dictionary) - 1, indices)
            unique = False
        return cls.of_dictionary(indices, dictionary, unique)

    @classmethod
    def of_dictionary(cls, indices: np.ndarray, dictionary: pa.Array, unique: bool = False) -> Text:
        """From indices into an Arrow dictionary of strings (its values repeated unless `unique`)."""
        remap = None
        if not unique:
            encoded = pc.dictionary_encode(dictionary)
            dictionary, remap = encoded.dictionary, encoded.indices.to_numpy()
        order = pc.array_sort_indices(dictionary).to_numpy()
        rank = np.empty(len(order), dtype=np.int32)
        rank[order] = np.arange(len(order), dtype=np.int32)
        if remap is not None:
            rank = rank[remap]
        dictionary = dictionary.take(pa.array(order))
        return cls(rank[indices], np.asarray(dictionary.to_numpy(zero_copy_only=False), dtype=object), dictionary)

    @classmethod
    def coded(cls, indices: np.ndarray, values) -> Text:
        """Codes `indices` into `values` (str, possibly repeated, unsorted), renumbered in string order."""
        return cls.of_dictionary(np.asarray(indices), pa.array(np.asarray(values, dtype=object), pa.string()))

    @classmethod
    def from_strings(cls, strings) -> Text:
        """From an object array (or list) of str, one row each."""
        strings = np.asarray(strings, dtype=object)
        if not len(strings):
            return cls(np.zeros(0, np.int32), np.array([], dtype=object))
        return cls.coded(np.arange(len(strings)), strings)

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, rows) -> Text:
        return Text(self.codes[rows], self.values, self._dictionary)

    def strings(self, rows=None) -> np.ndarray:
        """The column (or its `rows`) as an object array of str."""
        return self.values[self.codes if rows is None else self.codes[rows]]

    def arrow(self, rows=None) -> pa.Array:
        """The column (or its `rows`) as an Arrow string array."""
        codes = self.codes if rows is None else self.codes[rows]
        if not len(self.values):
            return pa.array([""] * len(codes), pa.string()) if len(codes) else pa.array([], pa.string())
        return self.dictionary.take(pa.array(codes, pa.int64()))

    def code(self, value: str) -> int:
        """The code of `value`, -1 when absent."""
        at = int(np.searchsorted(self.values, value)) if len(self.values) else 0
        return at if at < len(self.values) and self.values[at] == value else -1

    def eq(self, value: str) -> np.ndarray:
        return self.codes == self.code(value)

    def isin(self, values: Sequence[str]) -> np.ndarray:
        wanted = np.zeros(len(self.values) + 1, dtype=bool)
        for value in values:
            wanted[self.code(value)] = True  # -1 (absent) marks the spare last slot
        wanted[-1] = False
        return wanted[self.codes]

    def per_value(self, func: Callable[[str], object]) -> np.ndarray:
        """func(value) for each distinct value, as an object array indexed by code."""
        out = np.empty(len(self.values), dtype=object)
        out[:] = [func(v) for v in self.values]
        return out

    def map(self, func: Callable[[str], str]) -> Text:
        """A new Text with func applied to each distinct value."""
        mapped = Text.from_strings(self.per_value(func)) if len(self.values) else Text(self.codes.copy(), self.values)
        if not len(self.values):
            return mapped
        return Text(mapped.codes[self.codes], mapped.values)


def where(condition: np.ndarray, value: str, text: Text) -> Text:
    """`value` where `condition`, else the text's own."""
    if not condition.any():
        return text
    at = text.code(value)
    if at >= 0:
        return Text(np.where(condition, at, text.codes), text.values)
    values = np.append(text.values, np.array([value], dtype=object))
    order = np.argsort(values.astype(str), kind="stable")
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    codes = np.where(condition, len(text.values), text.codes)
    return Text(rank[codes], values[order])


def combine(func: Callable[..., tuple], names: int, *texts: Text) -> list[Text]:
    """func(*strings) → `names` strings, once per distinct combination of the texts; one Text each."""
    gid, first = group(*[t.codes for t in texts])
    n = len(texts[0]) if texts else 0
    if not n:
        return [Text(np.zeros(0, np.int64), np.array([], dtype=object)) for _ in range(names)]
    rows = [func(*(t.values[t.codes[i]] for t in texts)) for i in first]
    out = []
    for k in range(names):
        part = Text.from_strings(np.array([r[k] for r in rows], dtype=object))
        out.append(Text(part.codes[gid], part.values))
    return out


def combined(keys: Sequence[np.ndarray]) -> np.ndarray:
    """One int64 key per row with the order of the key tuples (dense codes where they would overflow)."""
    key = np.asarray(keys[0], dtype=np.int64)
    for other in keys[1:]:
        other = np.asarray(other, dtype=np.int64)
        span = int(other.max()) + 1 if len(other) else 1
        if len(key) and int(key.max()) >= (1 << 62) // max(span, 1):
            key = dense(key)
        key = key * span + other
    return key


def dense(key: np.ndarray) -> np.ndarray:
    """Codes 0..k-1 of integer or float keys in ascending order (pandas' equality: NaN equals NaN,
    -0.0 equals 0.0), by hashing: no sort of the rows, only of their k distinct values."""
    codes, uniques = pd.factorize(key, use_na_sentinel=False)
    rank = np.empty(len(uniques), dtype=np.int64)
    rank[np.argsort(uniques, kind="stable")] = np.arange(len(uniques))
    return rank[codes]


def group(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(group number of each row, first row of each group), groups numbered in key order."""
    n = len(keys[0]) if keys else 0
    if not n:
        return np.zeros(n, np.int64), np.zeros(0, np.int64)
    gid = dense(combined(keys))
    first = np.full(int(gid.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, gid.astype(np.intp), np.arange(n, dtype=np.int64))
    return gid, first


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (np.unique without its hashing path, which is slower here)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def float_codes(values: np.ndarray) -> np.ndarray:
    """Dense codes of float keys in ascending order (NaN last and equal to NaN, -0.0 equal to 0.0)."""
    return dense(np.asarray(values, dtype=np.float64))


def id_ranks(ids: pa.Array) -> np.ndarray:
    """Ranks of string ids in code-point order (equal ids equal ranks); 16-hex ids parsed as numbers."""
    ids = arrow_text(ids)
    n = len(ids)
    if n and pc.all(pc.equal(pc.binary_length(ids), 16)).as_py():
        data = np.frombuffer(ids.buffers()[2], dtype=np.uint8)
        offsets = np.int64 if pa.types.is_large_string(ids.type) else np.int32
        start = int(np.frombuffer(ids.buffers()[1], dtype=offsets)[ids.offset])
        digits = _HEX[data[start:start + 16 * n]].reshape(n, 16)
        if not (digits == 255).any():  # lowercase hex: numeric order is byte order
            packed = np.ascontiguousarray((digits[:, 0::2] << 4) | digits[:, 1::2])
            return packed.view(">u8").reshape(n).astype(np.uint64)
    return Text.of(ids).codes


def group_starts(sorted_gid: np.ndarray) -> np.ndarray:
    """Where each group begins in rows sorted by group number."""
    if not len(sorted_gid):
        return np.zeros(0, np.int64)
    return np.flatnonzero(np.r_[True, sorted_gid[1:] != sorted_gid[:-1]])


def first_in_group(gid: np.ndarray, code: np.ndarray) -> np.ndarray:
    """Mask of the rows (in their order) that are the first of their (group, code) pair."""
    if not len(gid):
        return np.zeros(0, dtype=bool)
    return ~pd.Series(combined([gid, code])).duplicated(keep="first").to_numpy()


def joined(values: pa.Array, gid: np.ndarray, ngroups: int, separator: str = " ") -> pa.Array:
    """For rows sorted by group number: each group's values joined by `separator` ("" when none)."""
    counts = np.bincount(gid, minlength=ngroups) if len(gid) else np.zeros(ngroups, np.int64)
    offsets = np.zeros(ngroups + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    lists = pa.LargeListArray.from_arrays(pa.array(offsets, pa.int64()), values.cast(pa.large_string()))
    return pc.binary_join(lists, pa.scalar(separator, pa.large_string()))


def python_strings(array: pa.Array) -> np.ndarray:
    """An Arrow string array as an object array of Python str."""
    return np.asarray(array.to_numpy(zero_copy_only=False), dtype=object)


def to_pandas(table: pa.Table) -> pd.DataFrame:
    """An Arrow table as pandas holds the timeline's tables: text as Python str (object columns; a
    dictionary's values shared, not copied per row), numbers and booleans as numpy columns."""
    out = {}
    for name, column in zip(table.column_names, table.columns):
        column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
        if pa.types.is_dictionary(column.type):
            values = np.asarray(column.dictionary.to_numpy(zero_copy_only=False), dtype=object)
            out[name] = values[column.indices.to_numpy()] if len(column) else np.array([], dtype=object)
        elif pa.types.is_string(column.type) or pa.types.is_large_string(column.type):
            out[name] = np.asarray(column.to_numpy(zero_copy_only=False), dtype=object)
        else:
            out[name] = column.to_numpy(zero_copy_only=False)
    return pd.DataFrame(out, copy=False)
