"""Facts → observations → timeline: the figures an analyst can line up and trust.

`timeline.csv` holds levels only, one observation per agreeing figure of one series
(indicator × area × area_part × unit × modality) at one period; changes, shares of plan and
contributions go to `changes.csv`. Output does not depend on the order of the input facts, and
everything is read from extracted/ (facts, documents, review log), so a re-run after a review
gives what the nightly run would.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd
import pyarrow as pa

from pipeline.documents import host_key, url_host
from pipeline.timeline.observe import (CHANGE_COLUMNS, SERIES_KEYS, TIMELINE_COLUMNS, changes, decimals,
                                       observations)
from pipeline.timeline.periods import period_label, period_of, time_of
from pipeline.timeline.prepare import SUBJECT_PREFIX, prepare, subject_key
from pipeline.timeline.tables import LATEST_SERIES, latest, wide

__all__ = ["CHANGE_COLUMNS", "LATEST_SERIES", "SERIES_KEYS", "SUBJECT_PREFIX", "TIMELINE_COLUMNS", "Inputs",
           "Timeline", "build_timeline", "changes", "decimals", "host_key", "latest", "load_inputs",
           "observations", "period_label", "period_of", "prepare", "subject_key", "time_of", "url_host", "wide",
           "write_timeline"]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The tables written by `chitieu timeline`, plus why facts were left out."""

    observations: pd.DataFrame
    wide: pd.DataFrame
    latest: pd.DataFrame
    changes: pd.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)


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
