"""Derived tables: the wide pivot (series × period) and the latest actual and target per series.

Both read the observations (an Arrow table as built, or a DataFrame) through their text columns'
codes, so they cost a pass over integer arrays, not a pandas group-by on text.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa

from pipeline.timeline.columns import Text, distinct, float_codes, group

WIDE_INDEX = ["indicator", "indicator_label", "area", "area_part", "unit", "modality"]
LATEST_SERIES = ["indicator", "indicator_label", "area", "area_part", "unit"]
LATEST_PARTS = (("value", np.nan), ("values", ""), ("conflict", False), ("time_period", ""),
                ("period_label", ""), ("time_end", ""), ("time_basis", ""), ("n_sources", 0))


class Columns:
    """The observations' columns: text as (codes in string order, sorted values), numbers as numpy.

    Missing text (NaN in a DataFrame) has code -1, as pandas' factorize gives it.
    """

    def __init__(self, obs: pa.Table | pd.DataFrame):
        self.obs = obs
        self.arrow = isinstance(obs, pa.Table)
        self._text: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self.obs)

    def text(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._text:
            if self.arrow:
                column = self.obs.column(name).combine_chunks()
                if pa.types.is_dictionary(column.type) and _sorted_unique(column.dictionary):
                    codes = column.indices.to_numpy(zero_copy_only=False).astype(np.int64)
                    values = np.asarray(column.dictionary.to_numpy(zero_copy_only=False), dtype=object)
                else:
                    text = Text.of(column)
                    codes, values = text.codes.astype(np.int64), text.values
            else:
                codes, values = pd.factorize(self.obs[name].to_numpy(), sort=True)
                values = np.asarray(values, dtype=object)
            self._text[name] = (codes, values)
        return self._text[name]

    def codes(self, name: str) -> np.ndarray:
        return self.text(name)[0]

    def strings(self, name: str, rows: np.ndarray) -> np.ndarray:
        codes, values = self.text(name)
        return values[codes[rows]]

    def equals(self, name: str, value: str) -> np.ndarray:
        codes, values = self.text(name)
        at = np.flatnonzero(values == value)
        return codes == at[0] if len(at) else np.zeros(len(codes), dtype=bool)

    def numbers(self, name: str) -> np.ndarray:
        column = self.obs.column(name) if self.arrow else self.obs[name]
        return np.asarray(column.to_numpy() if self.arrow else column.to_numpy())


def _sorted_unique(values: pa.Array) -> bool:
    """Whether a dictionary is strictly sorted (then its indices are codes in string order)."""
    items = values.to_pylist()
    return all(a < b for a, b in zip(items, items[1:]))


def wide(obs: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Series × period pivot of the settled observations (a conflicting cell lists every value).

    Only figures dated by a period the articles state: publication days are no period (and would
    make a column per day); observations left for review are not in it either.
    """
    columns = Columns(obs)
    rows = np.flatnonzero(~columns.equals("status", "needs_review") & ~columns.equals("time_basis", "published"))
    if not len(rows):
        return pd.DataFrame(columns=WIDE_INDEX)
    keys = WIDE_INDEX + ["time_period"]
    shown = rows
    rows = rows[np.logical_and.reduce([columns.codes(k)[rows] >= 0 for k in keys])]
    series, series_first = group(*[columns.codes(k)[rows] for k in WIDE_INDEX])  # numbered in sorted order
    period = columns.codes("time_period")[rows]
    cell, cell_first = group(series, period)
    values = columns.numbers("value")[rows]
    figure, figure_first = group(cell, float_codes(values))  # distinct values of a cell, first seen
    figure_cell = cell[figure_first]
    text = values[cell_first].astype(object)  # one value: the number (the first row's)
    multi = np.bincount(figure_cell, minlength=len(cell_first)) > 1
    if multi.any():  # several: every distinct value, ascending, as "93.5 | 94"
        several = np.flatnonzero(multi[figure_cell])
        order = several[np.lexsort((values[figure_first[several]], figure_cell[several]))]
        joined: dict[int, list[str]] = {}
        for c, v in zip(figure_cell[order].tolist(), values[figure_first[order]].tolist()):
            joined.setdefault(c, []).append(f"{v:.6g}")
        text[multi] = [" | ".join(joined[c]) for c in np.flatnonzero(multi).tolist()]
    used = distinct(period)
    table = np.full((len(series_first), len(used)), np.nan, dtype=object)
    table[series[cell_first], np.searchsorted(used, period[cell_first])] = text
    out = {k: np.asarray(columns.strings(k, rows[series_first]), dtype=object) for k in WIDE_INDEX}
    labels = columns.text("time_period")[1]
    for code in _period_order(columns, shown, used):
        out[labels[code]] = table[:, np.searchsorted(used, code)]
    return pd.DataFrame(out)


def _period_order(columns: Columns, rows: np.ndarray, used: np.ndarray) -> list[int]:
    """The periods (codes) in `used`, ordered by their earliest start and end (unknown ones last),
    each period's start and end being the least among `rows`."""
    period = columns.codes("time_period")[rows]
    known = period >= 0
    period, rows = period[known], rows[known]
    span = int(period.max()) + 1 if len(period) else 0
    out = []
    for name in ("time_start", "time_end"):
        low = np.full(span, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(low, period.astype(np.intp), columns.codes(name)[rows].astype(np.int64))
        out.append(low)
    starts, ends = out
    empty = columns.equals("time_start", "")[rows]
    unknown = np.zeros(span, dtype=bool)
    unknown[period[empty]] = True  # the least start is "" exactly when some start is ""
    return [int(c) for c in used[np.lexsort((ends[used], starts[used], unknown[used]))]]


def _latest_of(columns: Columns, modality: str) -> pd.DataFrame:
    """Per series, the observation(s) with the latest period end (then latest start)."""
    rows = np.flatnonzero(columns.equals("modality", modality) & ~columns.equals("time_end", "")
                          & ~columns.equals("status", "needs_review"))
    rows = rows[np.logical_and.reduce([columns.codes(k)[rows] >= 0 for k in LATEST_SERIES])]
    if not len(rows):
        return pd.DataFrame(columns=LATEST_SERIES)
    series, _ = group(*[columns.codes(k)[rows] for k in LATEST_SERIES])
    for name in ("time_end", "time_start"):  # latest end, then latest start among those (ISO days)
        day = columns.codes(name)[rows]
        latest = np.full(int(series.max()) + 1, -1, dtype=np.int64)
        np.maximum.at(latest, series.astype(np.intp), day.astype(np.int64))
        keep = day == latest[series]
        rows, series = rows[keep], series[keep]
    series, first = group(series)
    values = columns.numbers("value")[rows]
    figure, figure_first = group(series, float_codes(values))
    count = np.bincount(series[figure_first], minlength=len(first))
    out = {k: columns.strings(k, rows[first]) for k in LATEST_SERIES}
    out[f"{modality}_value"] = np.where(count == 1, values[first], np.nan)
    order = figure_first[np.lexsort((values[figure_first], series[figure_first]))]
    joined: dict[int, list[str]] = {}
    for s, v in zip(series[order].tolist(), values[order].tolist()):
        joined.setdefault(s, []).append(f"{v:.6g}")
    out[f"{modality}_values"] = np.array([" | ".join(joined[s]) for s in range(len(first))], dtype=object)
    out[f"{modality}_conflict"] = count > 1
    for part in ("time_period", "period_label", "time_end", "time_basis"):
        out[f"{modality}_{part}"] = columns.strings(part, rows[first])
    out[f"{modality}_n_sources"] = np.bincount(series, weights=columns.numbers("n_sources")[rows],
                                               minlength=len(first)).astype("int64")
    return pd.DataFrame(out)


def latest(obs: pa.Table | pd.DataFrame) -> pd.DataFrame:
    """Latest actual and latest-deadline target per series (indicator, area, area_part, unit).

    Progress = actual / target, only between comparable figures: same series (so same area, part
    of it and unit), neither in dispute. The lexicon does not say whether an indicator should go
    up or down, so `gap` (target − actual) is given alongside.
    """
    columns = Columns(obs)
    actual, target = _latest_of(columns, "actual"), _latest_of(columns, "target")
    table = actual.merge(target, on=LATEST_SERIES, how="outer")
    for modality in ("actual", "target"):
        for suffix, empty in LATEST_PARTS:
            column = f"{modality}_{suffix}"
            if column not in table:
                table[column] = empty
            elif suffix != "value":
                table[column] = table[column].astype(object).where(table[column].notna(), empty)
        table[f"{modality}_conflict"] = table[f"{modality}_conflict"].astype(bool)
        table[f"{modality}_n_sources"] = table[f"{modality}_n_sources"].astype("int64")
    actual_value = pd.to_numeric(table["actual_value"]).astype("float64")
    target_value = pd.to_numeric(table["target_value"]).astype("float64")
    table["progress"] = (actual_value / target_value.where(target_value != 0)).round(6)
    table["gap"] = (target_value - actual_value).round(9)
    return table.sort_values(LATEST_SERIES, kind="stable").reset_index(drop=True)
