"""Facts → observations → timeline: the figures an analyst can line up and trust.

`timeline.csv` holds levels only, one observation per agreeing figure of one series
(indicator × area × area_part × unit × modality) at one period; changes, shares of plan and
contributions go to `changes.csv`. Output does not depend on the order of the input facts, and
everything is read from extracted/ (facts, documents, review log), so a re-run after a review
gives what the nightly run would.
"""
from __future__ import annotations

from pipeline.documents import host_key, url_host
from pipeline.timeline.agreement import decimals
from pipeline.timeline.build import Timeline, build_timeline
from pipeline.timeline.inputs import Inputs, load_inputs, write_timeline
from pipeline.timeline.observe import CHANGE_COLUMNS, SERIES_KEYS, TIMELINE_COLUMNS, changes, observations
from pipeline.timeline.periods import period_label, period_of, time_of
from pipeline.timeline.prepare import SUBJECT_PREFIX, prepare, subject_key
from pipeline.timeline.tables import LATEST_SERIES, latest, wide

__all__ = ["CHANGE_COLUMNS", "LATEST_SERIES", "SERIES_KEYS", "SUBJECT_PREFIX", "TIMELINE_COLUMNS", "Inputs",
           "Timeline", "build_timeline", "changes", "decimals", "host_key", "latest", "load_inputs",
           "observations", "period_label", "period_of", "prepare", "subject_key", "time_of", "url_host", "wide",
           "write_timeline"]
