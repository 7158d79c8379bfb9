"""What the report shows of the observations, picked on their codes: a bounded set of rows.

The page draws a bounded number of charts, lists at most MAX_ROWS observations under each,
MAX_REVIEW_ROWS to review and MAX_SUBJECT_GROUPS subject groups. Those rows are chosen with integer
keys (timeline.tables.Columns, a pass over arrays) and only they become pandas rows, so the report
costs the same for a hundred thousand facts as for a million. The orders are pandas' (stable
sorts, NaN last) on the same columns, so the page is what sorting the whole table gave.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.report.tables import MAX_REVIEW_ROWS, MAX_ROWS, REVIEW_REASONS
from pipeline.timeline import SUBJECT_PREFIX, TIMELINE_COLUMNS
from pipeline.timeline.columns import float_codes, group, group_starts, to_pandas
from pipeline.timeline.tables import Columns

MAX_AREAS = 8  # series colours in one chart; the table under it lists every observation
MAX_POINTS = 400  # the latest points of the drawn areas
NEWEST_FIRST = ("time_end", "time_start", "area", "modality", "value")


@dataclass(frozen=True, slots=True)
class Group:
    """One indicator (and unit, for charts): its counts and the rows shown of it."""

    key: tuple[str, ...]
    label: str
    count: int
    conflicts: int
    areas: int
    dated: int
    top: pd.DataFrame  # its newest MAX_ROWS observations (in the table's order)
    drawn: pd.DataFrame | None = None  # the points its chart draws (charts only)


class Selection:
    """The observations (an Arrow table as built, or a DataFrame) as the report reads them."""

    def __init__(self, obs: pa.Table | pd.DataFrame):
        self.obs = obs
        self.columns = Columns(obs)
        self.n = len(obs)

    def frame(self, rows: np.ndarray) -> pd.DataFrame:
        """TIMELINE_COLUMNS of `rows`, in that order, as pandas holds them."""
        rows = np.asarray(rows, dtype=np.int64)
        if isinstance(self.obs, pa.Table):
            return to_pandas(self.obs.select(TIMELINE_COLUMNS).take(pa.array(rows)))
        return self.obs.iloc[rows]

    def _codes(self, name: str) -> np.ndarray:
        return self.columns.codes(name)

    def _sorted(self, rows: np.ndarray, keys: list[tuple[str, bool]]) -> np.ndarray:
        """`rows` (in the table's order) stably sorted by keys (name, ascending) as pandas does."""
        arrays = []
        for name, ascending in keys:
            if name in ("value", "value_max"):
                codes = float_codes(self.columns.numbers(name)[rows])
            else:
                codes = self._codes(name)[rows].astype(np.int64)
            arrays.append(codes if ascending else -codes)
        return rows[np.lexsort(arrays[::-1])] if len(rows) else rows

    def newest(self, rows: np.ndarray, limit: int = MAX_ROWS) -> np.ndarray:
        """The first `limit` of `rows` newest first (the order of the tables under the charts),
        returned in the table's order."""
        if len(rows) <= limit:
            return rows
        return np.sort(self._sorted(rows, [(k, False) for k in NEWEST_FIRST])[:limit])

    def groups(self, names: list[str], rows: np.ndarray | None = None) -> list[tuple[tuple, np.ndarray]]:
        """(key, rows) per distinct value of `names` among `rows`, in key order, rows in table order."""
        rows = np.arange(self.n) if rows is None else rows
        if not len(rows):
            return []
        gid, first = group(*[self._codes(k)[rows] for k in names])
        order = np.argsort(gid, kind="stable")
        starts = group_starts(gid[order])
        out = []
        for a, b in zip(starts, np.r_[starts[1:], len(order)]):
            members = rows[order[a:b]]
            out.append((tuple(self.columns.strings(k, members[:1])[0] for k in names), members))
        return out

    def describe(self, key: tuple, rows: np.ndarray, chart: bool) -> Group:
        """A Group of `rows` (one indicator and unit, or one subject group)."""
        dated = ~self.columns.equals("time_end", "")[rows]
        return Group(key=key, label=self.columns.strings("indicator_label", rows[:1])[0], count=len(rows),
                     conflicts=int(self.columns.numbers("conflict")[rows].sum()),
                     areas=len(np.unique(self._codes("area")[rows])), dated=int(dated.sum()),
                     top=self.frame(self.newest(rows)), drawn=self.frame(self.chart_rows(rows)) if chart else None)

    def chart_rows(self, rows: np.ndarray) -> np.ndarray:
        """The observations one chart draws: dated, in its MAX_AREAS areas with most dated
        observations (ties: alphabetical), the latest MAX_POINTS; ordered by series and time."""
        dated = rows[~self.columns.equals("time_end", "")[rows]]
        if not len(dated):
            return dated
        area = self._codes("area")[dated]
        found, counts = np.unique(area, return_counts=True)
        top = found[np.lexsort((found, -counts))][:MAX_AREAS]  # most observations, then the area's name
        shown = dated[np.isin(area, top)]
        shown = self._sorted(shown, [("time_end", False), ("time_start", False), ("observation_id", True)])
        return self._sorted(np.sort(shown[:MAX_POINTS]),
                            [("area", True), ("area_part", True), ("time_end", True), ("modality", True),
                             ("observation_id", True)])

    def subject_rows(self) -> np.ndarray:
        """The rows grouped by subject (no lexicon indicator)."""
        codes, values = self.columns.text("indicator")
        subject = np.array([str(v).startswith(SUBJECT_PREFIX) for v in values] + [False], dtype=bool)
        return np.flatnonzero(subject[codes])

    def review(self) -> tuple[pd.DataFrame, dict[str, int], int]:
        """(the MAX_REVIEW_ROWS first observations to review, with `reason`; count per reason; how
        many in all): conflicts first, then those left for review, then weak times; newest first."""
        reason = np.full(self.n, -1, dtype=np.int64)
        order = {r: k for k, (r, _) in enumerate(REVIEW_REASONS)}
        for name, mask in (("inherited", self.columns.equals("time_basis", "inherited")),
                           ("published", self.columns.equals("time_basis", "published")),
                           ("needs_review", self.columns.equals("status", "needs_review")),
                           ("conflict", self.columns.numbers("conflict").astype(bool))):
            reason[mask] = order[name]  # the last that holds wins, as before
        rows = np.flatnonzero(reason >= 0)
        counts = {r: int((reason[rows] == k).sum()) for r, k in order.items()}
        ranked = rows[np.lexsort((self._codes("area")[rows], self._codes("indicator")[rows],
                                  -self._codes("time_end")[rows].astype(np.int64), reason[rows]))]
        top = ranked[:MAX_REVIEW_ROWS]
        frame = self.frame(top)
        names = np.array([r for r, _ in REVIEW_REASONS], dtype=object)
        return frame.assign(reason=names[reason[top]]), counts, len(rows)

    def documents(self) -> int:
        """How many articles the observations come from (distinct ids in doc_ids)."""
        if not self.n:
            return 0
        if not isinstance(self.obs, pa.Table):
            return self.obs["doc_ids"].str.split().explode().nunique()
        ids = self.obs.column("doc_ids").combine_chunks().cast(pa.string())
        tokens = pc.unique(pc.list_flatten(pc.split_pattern(ids, " ")))
        tokens = tokens.filter(pc.not_equal(tokens, ""))
        if re.search(r"\s", "".join(tokens.to_pylist())):  # other whitespace: split as str.split() does
            return pd.Series(ids.to_pylist()).str.split().explode().nunique()
        return len(tokens)

    def count(self, name: str, value: str | None = None) -> int:
        if value is None:
            return int(self.columns.numbers(name).astype(bool).sum())
        return int(self.columns.equals(name, value).sum())

    def distinct(self, name: str) -> int:
        return len(np.unique(self._codes(name))) if self.n else 0
