"""Facts → observations → timeline: the figures an analyst can line up and trust.

`timeline.csv` holds levels only, one observation per agreeing figure of one series
(indicator × area × area_part × unit × modality) at one period; changes, shares of plan and
contributions go to `changes.csv`. Output does not depend on the order of the input facts, and
everything is read from extracted/ (facts, documents, review log), so a re-run after a review
gives what the nightly run would.
"""
from __future__ import annotations

from collections.abc import Mapping
import pandas as pd
import pyarrow as pa

from pipeline.documents import host_key, url_host
from pipeline.timeline.columns import to_pandas
from pipeline.timeline.observe import (CHANGE_COLUMNS, SERIES_KEYS, TIMELINE_COLUMNS, changes, decimals,
                                       observations)
from pipeline.timeline.periods import period_label, period_of, time_of
from pipeline.timeline.prepare import SUBJECT_PREFIX, prepare, subject_key
from pipeline.timeline.tables import LATEST_SERIES, latest, wide

__all__ = ["CHANGE_COLUMNS", "LATEST_SERIES", "SERIES_KEYS", "SUBJECT_PREFIX", "TIMELINE_COLUMNS", "Inputs",
           "Timeline", "build_timeline", "changes", "decimals", "host_key", "latest", "load_inputs",
           "observations", "period_label", "period_of", "prepare", "subject_key", "time_of", "url_host", "wide",
           "write_timeline"]


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


from pipeline.timeline.inputs import Inputs, load_inputs, write_timeline  # noqa: E402  (needs Timeline)
