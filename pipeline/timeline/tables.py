"""Derived tables: the wide pivot (series × period) and the latest actual and target per series."""
from __future__ import annotations

import numpy as np
import pandas as pd

WIDE_INDEX = ["indicator", "indicator_label", "area", "area_part", "unit", "modality"]
LATEST_SERIES = ["indicator", "indicator_label", "area", "area_part", "unit"]
LATEST_PARTS = (("value", np.nan), ("values", ""), ("conflict", False), ("time_period", ""),
                ("period_label", ""), ("time_end", ""), ("time_basis", ""), ("n_sources", 0))


def wide(obs: pd.DataFrame) -> pd.DataFrame:
    """Series × period pivot of the settled observations (a conflicting cell lists every value).

    Only figures dated by a period the articles state: publication days are no period (and would
    make a column per day); observations left for review are not in it either.
    """
    shown = obs[(obs["status"] != "needs_review") & (obs["time_basis"] != "published")]
    if shown.empty:
        return pd.DataFrame(columns=WIDE_INDEX)
    keys = WIDE_INDEX + ["time_period"]
    counts = shown.groupby(keys, sort=False)["value"].transform("nunique")
    single = shown[counts == 1].drop_duplicates(keys).set_index(keys)["value"].astype(object)
    multi = shown[counts > 1]
    if len(multi):
        joined = _fmt_values(multi["value"], [multi[k] for k in keys])
        single = pd.concat([single, joined.astype(object)])
    table = single.unstack("time_period")
    order = shown.groupby("time_period")[["time_start", "time_end"]].min()
    order["unknown"] = order["time_start"] == ""
    columns = order.sort_values(["unknown", "time_start", "time_end"]).index
    table = table.reindex(columns=[c for c in columns if c in table.columns])
    table.columns.name = None
    return table.sort_index().reset_index()


def _fmt_values(values: pd.Series, groups: list[pd.Series]) -> pd.Series:
    """Per group, its distinct values joined ("93.5 | 94"); one value stays one number's text."""
    keys = [g.name for g in groups]
    frame = pd.DataFrame({"_v": values.to_numpy(), **{k: g.to_numpy() for k, g in zip(keys, groups)}})
    frame = frame.drop_duplicates().sort_values(keys + ["_v"])
    frame["_t"] = frame["_v"].map("{:.6g}".format)
    return frame.groupby(keys, sort=True)["_t"].agg(" | ".join)


def _latest_of(obs: pd.DataFrame, modality: str) -> pd.DataFrame:
    """Per series, the observation(s) with the latest period end (then latest start)."""
    rows = obs[(obs["modality"] == modality) & (obs["time_end"] != "") & (obs["status"] != "needs_review")]
    if rows.empty:
        return pd.DataFrame(columns=LATEST_SERIES)
    for column in ("time_end", "time_start"):  # latest end, then latest start among those
        day = pd.to_datetime(rows[column], format="%Y-%m-%d")
        rows = rows[day == day.groupby([rows[k] for k in LATEST_SERIES]).transform("max")]
    grouped = rows.groupby(LATEST_SERIES, sort=True)
    out = pd.DataFrame(index=grouped.size().index)
    count = grouped["value"].nunique()
    out[f"{modality}_value"] = grouped["value"].first().where(count == 1)
    out[f"{modality}_values"] = _fmt_values(rows["value"], [rows[k] for k in LATEST_SERIES])
    out[f"{modality}_conflict"] = count > 1
    for part in ("time_period", "period_label", "time_end", "time_basis"):
        out[f"{modality}_{part}"] = grouped[part].first()
    out[f"{modality}_n_sources"] = grouped["n_sources"].sum().astype("int64")
    return out.reset_index()


def latest(obs: pd.DataFrame) -> pd.DataFrame:
    """Latest actual and latest-deadline target per series (indicator, area, area_part, unit).

    Progress = actual / target, only between comparable figures: same series (so same area, part
    of it and unit), neither in dispute. The lexicon does not say whether an indicator should go
    up or down, so `gap` (target − actual) is given alongside.
    """
    actual, target = _latest_of(obs, "actual"), _latest_of(obs, "target")
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
