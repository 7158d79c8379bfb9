"""The timeline's pure core: facts + decisions + documents + labels → the Timeline tables."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pyarrow as pa

from pipeline.timeline.columns import to_pandas
from pipeline.timeline.observe import changes, observations
from pipeline.timeline.prepare import prepare
from pipeline.timeline.tables import latest, wide


class Timeline:
    """The tables written by `chitieu timeline`, plus why facts were left out.

    `observations` and `changes` are built as Arrow tables (no Python object per cell; `arrow()`
    gives them) and become pandas DataFrames on first use, once.
    """

    __slots__ = ("_arrow", "_frames", "wide", "latest", "skipped")

    def __init__(self, observations: pd.DataFrame | pa.Table, wide: pd.DataFrame, latest: pd.DataFrame,
                 changes: pd.DataFrame | pa.Table, skipped: dict[str, int] | None = None):
        self._arrow: dict[str, pa.Table] = {}
        self._frames: dict[str, pd.DataFrame] = {}
        for name, table in (("observations", observations), ("changes", changes)):
            (self._arrow if isinstance(table, pa.Table) else self._frames)[name] = table
        self.wide, self.latest, self.skipped = wide, latest, dict(skipped or {})

    @property
    def observations(self) -> pd.DataFrame:
        return self._frame("observations")

    @property
    def changes(self) -> pd.DataFrame:
        return self._frame("changes")

    def arrow(self, name: str) -> pa.Table | pd.DataFrame:
        """"observations" or "changes" as built: an Arrow table (a DataFrame when it has no rows)."""
        return self._arrow[name] if name in self._arrow else self._frames[name]

    def rows(self, name: str) -> int:
        return len(self._arrow[name]) if name in self._arrow else len(self._frames[name])

    def _frame(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            self._frames[name] = to_pandas(self._arrow[name])
        return self._frames[name]


def build_timeline(facts: pd.DataFrame | pa.Table, *, decisions: Mapping[str, object] | None = None,
                   documents: pd.DataFrame | None = None, labels: Mapping[str, str] | None = None,
                   context: pd.DataFrame | None = None) -> Timeline:
    """The pure core: facts (a DataFrame, or an Arrow table as read from facts.parquet) + review
    decisions, documents table, indicator labels → timeline tables."""
    prepared, skipped = prepare(facts, decisions, documents, labels, context)
    obs = observations(prepared)
    return Timeline(observations=obs, wide=wide(obs), latest=latest(obs), changes=changes(prepared),
                    skipped=skipped)
