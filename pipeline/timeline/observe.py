"""Figure rows → observations (levels) and changes: agreement, conflicts and review precedence.

A *cell* is one series (indicator × area × area_part × unit × modality) at one period, on one time
basis (a stated/inherited period, or the publication day): figures in one cell are comparable,
figures in different cells never conflict. Within a cell, figures that agree (equal, or one a
rounding of the other: 93,5 and 93,52) are one observation, the most precise figure its value.
Several observations in a cell are a conflict, unless a reviewer settled it: reviewed (ok/fixed)
observations win and the others are marked `needs_review`.
"""
from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd

SERIES_KEYS = ["indicator", "area", "area_part", "unit", "modality"]
TIME_KEYS = ["time_start", "time_end"]
CELL_KEYS = SERIES_KEYS + TIME_KEYS + ["dated"]
TIMELINE_COLUMNS = [
    "indicator", "indicator_label", "area", "time_period", "time_start", "time_end", "grain",
    "time_basis", "value", "value_max", "unit", "qualifier", "numerator", "denominator", "modality",
    "n_sources", "sources", "status", "conflict", "reviewed", "n_facts", "fact_ids", "doc_ids",
    "first_seen", "last_seen", "observation_id",
    # added with issue 10
    "area_part", "area_basis", "period_label", "disagrees_with", "series_id",
]
CHANGE_COLUMNS = [
    "indicator", "indicator_label", "area", "area_part", "area_basis", "time_period", "period_label", "time_start",
    "time_end", "grain", "time_basis", "value", "value_max", "unit", "value_kind", "baseline", "qualifier",
    "modality", "n_sources", "sources", "reviewed", "n_facts", "fact_ids", "doc_ids", "first_seen", "last_seen",
    "change_id",
]
BASIS_RANK = {"stated": 0, "inherited": 1, "source": 2, "published": 3, "none": 4, "": 5}
MAX_NAMED = 20  # articles named in disagrees_with
RANK_BASIS = {rank: basis for basis, rank in BASIS_RANK.items()}


def decimals(value: float) -> int:
    """Decimal places as written: 94 → 0, 93.5 → 1, 93.52 → 2."""
    text = f"{value:.10g}"
    if "e" in text or "." not in text:
        return 0
    return len(text.split(".")[1].rstrip("0"))


def agrees(precise: float, rough: float, places: int) -> bool:
    """`rough`, written with `places` decimals, is `precise` rounded: strictly nearer than half a unit
    of its last place, so a half-way figure (93,5 against 94) is a disagreement, not a rounding."""
    return abs(precise - rough) < 0.5 * 10.0 ** -places - 1e-9


def _agree(a: tuple[float, float], b: tuple[float, float], unit: str) -> bool:
    if unit == "ratio":  # fractions are exact: 20/27 and 40/54 are equal, 0.74 is not 20/27
        return a == b
    (v1, m1), (v2, m2) = a, b
    if (m1 == -np.inf) != (m2 == -np.inf):
        return False
    places = decimals(v2)
    return agrees(v1, v2, places) and (m1 == -np.inf or agrees(m1, m2, decimals(m2)))


def cluster(figures: list[tuple[float, float]], unit: str) -> dict[tuple[float, float], tuple[float, float]]:
    """Distinct (value, value_max) of one cell → the figure that represents its group of agreeing ones.

    Most precise figures first; a rougher figure joins the nearest group whose figure it rounds.
    """
    order = sorted(figures, key=lambda f: (-decimals(f[0]), f[0], f[1]))
    reps: list[tuple[float, float]] = []
    out = {}
    for figure in order:
        matches = [r for r in reps if _agree(r, figure, unit)]
        if matches:
            out[figure] = min(matches, key=lambda r: (abs(r[0] - figure[0]), r[0]))
        else:
            reps.append(figure)
            out[figure] = figure
    return out


def merge_agreeing(frame: pd.DataFrame, cell_keys: list[str]) -> pd.DataFrame:
    """Replace value_key/value_max_key by the representative of their agreeing group (in place)."""
    cells = frame.groupby(cell_keys, sort=False, dropna=False).ngroup().to_numpy()
    frame["cell"] = cells
    distinct = frame.drop_duplicates(["cell", "value_key", "value_max_key"])
    multi = distinct["cell"].duplicated(keep=False)
    if not multi.any():
        return frame
    pairs = []
    groups = distinct[multi].sort_values("cell", kind="stable")
    cells, units = groups["cell"].to_numpy(), groups["unit"].to_numpy()
    values, maxes = groups["value_key"].to_numpy().tolist(), groups["value_max_key"].to_numpy().tolist()
    cuts = np.flatnonzero(cells[1:] != cells[:-1]) + 1
    for a, b in zip(np.r_[0, cuts], np.r_[cuts, len(cells)]):  # plain lists: no DataFrame per cell
        figures = list(zip(values[a:b], maxes[a:b]))
        pairs += [(cells[a], *figure, *rep) for figure, rep in cluster(figures, units[a]).items() if figure != rep]
    if pairs:
        reps = pd.DataFrame(pairs, columns=["cell", "value_key", "value_max_key", "_rv", "_rm"])
        merged = frame[["cell", "value_key", "value_max_key"]].merge(reps, how="left", on=["cell", "value_key",
                                                                                        "value_max_key"])
        hit = merged["_rv"].notna().to_numpy()
        frame.loc[hit, "value_key"] = merged.loc[hit, "_rv"].to_numpy()
        frame.loc[hit, "value_max_key"] = merged.loc[hit, "_rm"].to_numpy()
    return frame


def _stable_id(rows: pd.DataFrame) -> list[str]:
    return [hashlib.sha1("|".join(map(str, k)).encode("utf-8")).hexdigest()[:16]
            for k in rows.itertuples(index=False, name=None)]


def _joined(sorted_frame: pd.DataFrame, column: str, distinct: bool) -> pd.Series:
    """Non-empty values of `column` per group, space-joined, for a frame sorted by gid (then value)."""
    rows = sorted_frame[["gid", column]]
    if distinct:
        rows = rows.drop_duplicates()
    rows = rows[rows[column].notna() & (rows[column].astype(str) != "")]
    gids = rows["gid"].to_numpy()
    values = rows[column].astype(str).to_numpy(dtype=object)
    if not len(gids):
        return pd.Series(dtype=object)
    cuts = np.flatnonzero(gids[1:] != gids[:-1]) + 1
    starts, ends = np.r_[0, cuts], np.r_[cuts, len(gids)]
    return pd.Series([" ".join(values[a:b]) for a, b in zip(starts, ends)], index=gids[starts])


def aggregate(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """One row per distinct `keys`: the lowest fact_id's figure, sources, counts, first/last seen."""
    frame = frame.assign(gid=frame.groupby(keys, sort=True, dropna=False).ngroup(),
                         _rep=(frame["value"].round(9) != frame["value_key"]).astype("int8"))
    # rows come sorted by fact_id (prepare): a stable sort keeps that order within a group; a fact
    # with the group's own figure speaks for it
    frame = frame.sort_values(["gid", "_rep"], kind="stable")
    first = frame.drop_duplicates("gid").set_index("gid")
    grouped = frame.groupby("gid", sort=True)
    out = first.drop(columns=["fact_id", "doc_id", "sources", "reviewed", "seen", "time_basis", "area_basis",
                              "qualifier", "_rep"], errors="ignore")
    out["n_sources"] = grouped["doc_id"].nunique().astype("int64")
    out["n_facts"] = grouped.size().astype("int64")
    out["reviewed"] = grouped["reviewed"].any()
    for column in ("time_basis", "area_basis"):  # the strongest basis among the supporting facts
        ranks = frame[column].map(BASIS_RANK).fillna(len(BASIS_RANK)).astype("int64")
        out[column] = ranks.groupby(frame["gid"]).min().map(RANK_BASIS).fillna("")
    seen = frame["seen"].groupby(frame["gid"])
    out["first_seen"] = seen.min().dt.strftime("%Y-%m-%d")
    out["last_seen"] = seen.max().dt.strftime("%Y-%m-%d")
    for column, source, distinct in (("qualifier", "qualifier", True), ("sources", "sources", True),
                                     ("fact_ids", "fact_id", False), ("doc_ids", "doc_id", True)):
        out[column] = _joined(frame, source, distinct).reindex(out.index).fillna("")
    out["qualifier"] = out["qualifier"].str.replace(" ", "|")
    out["first_seen"] = out["first_seen"].fillna("")
    out["last_seen"] = out["last_seen"].fillna("")
    return out.reset_index(drop=True)


def _series_id(frame: pd.DataFrame) -> pd.Series:
    parts = [frame[k].astype(str) for k in SERIES_KEYS]
    out = parts[0]
    for part in parts[1:]:
        out = out + "|" + part
    return out


def observations(prepared: pd.DataFrame) -> pd.DataFrame:
    """Levels only: one row per agreeing group of figures in a cell, conflicts and review settled."""
    levels = prepared[prepared["value_kind"] == "level"]
    if levels.empty:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    levels = merge_agreeing(levels.copy(), CELL_KEYS)
    keys = CELL_KEYS + ["value_key", "value_max_key"]
    obs = aggregate(levels, keys)
    obs["observation_id"] = _stable_id(obs[keys])
    obs["series_id"] = _series_id(obs)
    _settle(obs)
    obs = obs.sort_values(SERIES_KEYS + TIME_KEYS + ["dated", "value", "value_max", "observation_id"], kind="stable")
    return obs[TIMELINE_COLUMNS].reset_index(drop=True)


def _settle(obs: pd.DataFrame) -> None:
    """Conflict flags, review precedence and which articles disagree, per cell (in place)."""
    cell = obs.groupby(CELL_KEYS, sort=False, dropna=False).ngroup()
    size = cell.map(cell.value_counts())
    reviewed_in_cell = obs["reviewed"].groupby(cell).transform("sum")
    settled = reviewed_in_cell > 0
    obs["status"] = np.where(obs["n_sources"] > 1, "corroborated", "single_source")
    obs.loc[obs["reviewed"], "status"] = "reviewed"
    needs = settled & ~obs["reviewed"]
    obs.loc[needs, "status"] = "needs_review"
    obs["conflict"] = np.where(settled, obs["reviewed"] & (reviewed_in_cell > 1), size > 1)
    obs["disagrees_with"] = ""
    shared = size > 1
    if shared.any():
        rows = obs[shared].assign(cell=cell[shared])
        docs = rows.groupby("cell")["doc_ids"].agg(lambda s: set(" ".join(s).split()))
        named = [_some(sorted(docs[c] - set(own.split())) or sorted(docs[c]))
                 for c, own in zip(rows["cell"], rows["doc_ids"])]
        obs.loc[shared, "disagrees_with"] = pd.Series(named, index=rows.index, dtype=object)


def _some(ids: list[str]) -> str:
    """At most MAX_NAMED ids, and how many more."""
    return " ".join(ids[:MAX_NAMED]) + (f" (+{len(ids) - MAX_NAMED})" if len(ids) > MAX_NAMED else "")


def changes(prepared: pd.DataFrame) -> pd.DataFrame:
    """Changes, shares of plan and contributions: one row per figure reported, with its sources."""
    rows = prepared[prepared["value_kind"] != "level"]
    if rows.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    keys = SERIES_KEYS + ["value_kind", "baseline"] + TIME_KEYS + ["dated", "value_key", "value_max_key"]
    out = aggregate(rows.copy(), keys)
    out["change_id"] = _stable_id(out[keys])
    out = out.sort_values(SERIES_KEYS + ["value_kind"] + TIME_KEYS + ["value", "change_id"], kind="stable")
    return out[CHANGE_COLUMNS].reset_index(drop=True)
