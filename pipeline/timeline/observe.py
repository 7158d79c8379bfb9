"""Figure rows → observations (levels) and changes: agreement, conflicts and review precedence.

A *cell* is one series (indicator × area × area_part × unit × modality) at one period, on one time
basis (a stated/inherited period, or the publication day): figures in one cell are comparable,
figures in different cells never conflict. Within a cell, figures that agree (equal, or one a
rounding of the other: 93,5 and 93,52) are one observation, the most precise figure its value.
Several observations in a cell are a conflict, unless a reviewer settled it: reviewed (ok/fixed)
observations win and the others are marked `needs_review`.

Everything is done on coded columns (columns.py): a group's representative, counts and joined ids
come from sorted integer keys, never from a Python loop over groups or rows.
"""
from __future__ import annotations

import dataclasses
import hashlib
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.records import OBSERVATION_COLUMNS
from pipeline.timeline.agreement import merge_agreeing
from pipeline.timeline.columns import (
    Text,
    combined,
    dense,
    distinct,
    first_in_group,
    float_codes,
    group,
    group_starts,
    id_ranks,
    joined,
    python_strings,
)
from pipeline.timeline.prepare import NO_DAY, Figures

SERIES_KEYS = ["indicator", "area", "area_part", "unit", "modality"]
TIME_KEYS = ["time_start", "time_end"]
CELL_KEYS = SERIES_KEYS + TIME_KEYS + ["dated"]
TIMELINE_COLUMNS = list(OBSERVATION_COLUMNS)  # timeline.csv's columns, as records.Observation declares them
CHANGE_COLUMNS = [
    "indicator", "indicator_label", "area", "area_part", "area_basis", "time_period", "period_label", "time_start",
    "time_end", "grain", "time_basis", "value", "value_max", "unit", "value_kind", "baseline", "qualifier",
    "modality", "n_sources", "sources", "reviewed", "n_facts", "fact_ids", "doc_ids", "first_seen", "last_seen",
    "change_id",
]
BASIS_RANK = {"stated": 0, "inherited": 1, "source": 2, "published": 3, "none": 4, "": 5}
MAX_NAMED = 20  # articles named in disagrees_with
STATUS = ("reviewed", "corroborated", "single_source", "needs_review")
RANK_BASIS = {rank: basis for basis, rank in BASIS_RANK.items()}
FIRST = ("indicator", "indicator_label", "area", "area_part", "unit", "modality", "value_kind", "baseline",
         "time_start", "time_end", "grain", "time_period", "period_label")  # the representative's own
NUMBERS = ("value", "value_max", "numerator", "denominator")


@dataclasses.dataclass(slots=True)
class Groups:
    """Figures aggregated by key: one entry per group, in key order."""

    first: np.ndarray  # the figure that speaks for the group
    columns: dict  # output columns (object / numeric arrays)
    doc_group: np.ndarray  # (group, article) pairs: each group's distinct articles
    doc_code: np.ndarray


def aggregate(f: Figures, keys: list[np.ndarray]) -> Groups:
    """One row per distinct `keys`: the lowest fact_id's figure, sources, counts, first/last seen."""
    gid, _ = group(*keys)
    n = len(gid)
    # rows come sorted by fact_id (prepare): a stable sort keeps that order within a group; a fact
    # with the group's own figure speaks for it
    rep = (np.round(f.value, 9) != f.value_key).astype(np.int8)
    order = np.lexsort((np.arange(n), rep, gid))
    g = gid[order]
    starts = group_starts(g)
    count = len(starts)
    first = order[starts]
    out: dict = {name: getattr(f, name).take(first) for name in FIRST}  # columns, made into Python below
    for name in NUMBERS:
        out[name] = getattr(f, name)[first]
    out["n_facts"] = np.diff(np.r_[starts, n]).astype(np.int64)
    docs = f.doc.codes[order]
    distinct_doc = first_in_group(g, docs)
    out["n_sources"] = np.bincount(g[distinct_doc], minlength=count).astype(np.int64)
    out["reviewed"] = np.bincount(g, weights=f.reviewed[order], minlength=count) > 0
    basis_of_rank = np.array([RANK_BASIS.get(r, "") for r in range(len(BASIS_RANK) + 1)], dtype=object)
    for name in ("time_basis", "area_basis"):  # the strongest basis among the supporting facts
        text: Text = getattr(f, name)
        ranks = np.array([BASIS_RANK.get(v, len(BASIS_RANK)) for v in text.values], dtype=np.int64)
        best = np.minimum.reduceat(ranks[text.codes[order]], starts) if n else np.zeros(0, np.int64)
        out[name] = Text.coded(best, basis_of_rank)
    seen = f.seen[order]
    known = seen != NO_DAY
    low = np.minimum.reduceat(np.where(known, seen, np.iinfo(np.int64).max), starts) if n else seen
    high = np.maximum.reduceat(np.where(known, seen, NO_DAY), starts) if n else seen
    out["first_seen"] = _days(np.where(low == np.iinfo(np.int64).max, NO_DAY, low))
    out["last_seen"] = _days(high)
    out["qualifier"] = pc.replace_substring(_distinct_joined(f.qualifier, order, g, count), " ", "|")
    if _one_to_one(f.doc, f.sources) and f.doc.code("") < 0:  # a source per article: its first rows
        out["sources"] = joined(f.sources.arrow(order[distinct_doc]), g[distinct_doc], count)
    else:
        out["sources"] = _distinct_joined(f.sources, order, g, count)
    ids = f.fact_id.take(pa.array(order, pa.int64()))
    nonempty = pc.not_equal(ids, "").to_numpy(zero_copy_only=False)
    out["fact_ids"] = joined(ids.filter(pa.array(nonempty)), g[nonempty], count)
    out["doc_ids"] = _distinct_joined(f.doc, order, g, count)
    empty = f.doc.code("")
    pairs = distinct_doc & (docs != empty)
    return Groups(first=first, columns=out, doc_group=g[pairs], doc_code=docs[pairs])


def _one_to_one(a: Text, b: Text) -> bool:
    """Whether the two columns determine each other (one b per a and one a per b)."""
    if not len(a.codes):
        return True
    for x, y in ((a, b), (b, a)):
        low = np.full(len(x.values), np.iinfo(np.int64).max, dtype=np.int64)
        high = np.full(len(x.values), -1, dtype=np.int64)
        codes, values = x.codes.astype(np.intp), y.codes.astype(np.int64)  # ufunc.at is fast on these
        np.minimum.at(low, codes, values)
        np.maximum.at(high, codes, values)
        used = high >= 0
        if not (low[used] == high[used]).all():
            return False
    return True


def _distinct_joined(text: Text, order: np.ndarray, g: np.ndarray, count: int) -> pa.Array:
    """Each group's distinct non-empty values, in order of first appearance, space-joined."""
    codes = text.codes[order]
    keep = first_in_group(g, codes) & (codes != text.code(""))
    return joined(text.arrow(order[keep]), g[keep], count)


def _table(columns: dict, names: list[str], order: np.ndarray) -> pa.Table:
    """The output table, each column in `order`: text with few values as a dictionary (sorted), the
    rest as Arrow strings and numbers; as pandas only when someone asks (Timeline)."""
    out = {}
    take = pa.array(order, pa.int64())
    for name in names:
        value = columns[name]
        if isinstance(value, Text):
            out[name] = pa.DictionaryArray.from_arrays(pa.array(value.codes[order], pa.int32()), value.dictionary)
        elif isinstance(value, pa.Array):
            out[name] = value.take(take).cast(pa.string())
        elif value.dtype == object:
            out[name] = pa.array(value[order], pa.string())
        else:
            out[name] = pa.array(value[order])
    return pa.table(out)


def _days(days: np.ndarray) -> Text:
    """Days since 1970 as YYYY-MM-DD ("" for NO_DAY), formatted once per distinct day."""
    codes, distinct = pd.factorize(days)
    return Text.coded(codes, np.array(["" if d == NO_DAY else str(np.datetime64(int(d), "D")) for d in distinct],
                                        dtype=object))


def _stable_id(parts: list[pa.Array]) -> np.ndarray:
    """First 16 hex of the SHA-1 of the key values joined by "|" (str() of each)."""
    keys = pc.binary_join_element_wise(*parts, "|").cast(pa.binary()).to_pylist()
    return np.array([h.hexdigest()[:16] for h in map(hashlib.sha1, keys)], dtype=object)


def _key_strings(f: Figures, first: np.ndarray, names: list[str], value_key, value_max_key) -> list[pa.Array]:
    """str() of each key of each group, as Arrow strings (each distinct value formatted once)."""
    out = []
    for name in names:
        if name == "dated":
            out.append(pa.array(["False", "True"]).take(pa.array(f.dated[first].astype(np.int8))))
        elif name in ("value_key", "value_max_key"):
            values = (value_key if name == "value_key" else value_max_key)[first]
            codes, distinct = pd.factorize(values.view(np.int64))  # per bit pattern, as str() tells them
            out.append(pa.array(np.asarray(distinct).view(np.float64).astype(str)).take(pa.array(codes)))
        else:
            out.append(getattr(f, name).arrow(first))
    return out


def _sort_codes(f: Figures, first: np.ndarray, names: list[str], columns: dict, ids: np.ndarray) -> np.ndarray:
    """The order of the groups by `names` (then the id), as pandas sorts them (NaN last)."""
    keys = []
    for name in names:
        if name == "dated":
            keys.append(f.dated[first].astype(np.int64))
        elif name in NUMBERS:
            keys.append(float_codes(columns[name]))  # ascending, NaN last, -0.0 tied with 0.0
        else:
            keys.append(getattr(f, name).codes[first])
    return np.lexsort((id_ranks(pa.array(ids, pa.string())), combined(keys)))


def _codes(f: Figures, names: list[str], value_key: np.ndarray, value_max_key: np.ndarray) -> list[np.ndarray]:
    out = []
    for name in names:
        if name == "dated":
            out.append(f.dated.astype(np.int64))
        elif name == "value_key":
            out.append(float_codes(value_key))
        elif name == "value_max_key":
            out.append(float_codes(value_max_key))
        else:
            out.append(getattr(f, name).codes)
    return out


def observations(f: Figures) -> pa.Table | pd.DataFrame:
    """Levels only: one row per agreeing group of figures in a cell, conflicts and review settled."""
    levels = f.take(np.flatnonzero(f.value_kind.eq("level")))
    if not len(levels):
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    cell = group(*_codes(levels, CELL_KEYS, levels.value_key, levels.value_max_key))[0]
    value_key, value_max_key = merge_agreeing(levels, cell)
    levels = dataclasses.replace(levels, value_key=value_key, value_max_key=value_max_key)
    keys = CELL_KEYS + ["value_key", "value_max_key"]
    groups = aggregate(levels, [cell, float_codes(value_key), float_codes(value_max_key)])
    columns, first = groups.columns, groups.first
    columns["observation_id"] = _stable_id(_key_strings(levels, first, keys, value_key, value_max_key))
    columns["series_id"] = _series_id(levels, first)
    _settle(columns, cell[first], groups, levels.doc)
    order = _sort_codes(levels, first, SERIES_KEYS + TIME_KEYS + ["dated", "value", "value_max"], columns,
                        columns["observation_id"])
    return _table(columns, TIMELINE_COLUMNS, order)


def _series_id(f: Figures, first: np.ndarray) -> Text:
    """indicator|area|area_part|unit|modality, built once per distinct series."""
    series, at = group(*[getattr(f, k).codes[first] for k in SERIES_KEYS])
    text = np.array(["|".join(getattr(f, k).values[getattr(f, k).codes[first[a]]] for k in SERIES_KEYS)
                     for a in at], dtype=object)
    return Text.coded(series, text)


def _settle(columns: dict, cell: np.ndarray, groups: Groups, docs: Text) -> None:
    """Conflict flags, review precedence and which articles disagree, per cell (in place)."""
    cell = dense(cell)
    size = np.bincount(cell)[cell]
    reviewed = columns["reviewed"]
    reviewed_in_cell = np.bincount(cell, weights=reviewed)[cell]
    settled = reviewed_in_cell > 0
    status = np.where(columns["n_sources"] > 1, 1, 2)  # codes into STATUS
    status[reviewed] = 0
    status[settled & ~reviewed] = 3
    columns["status"] = Text.coded(status, np.array(STATUS, dtype=object))
    columns["conflict"] = np.where(settled, reviewed & (reviewed_in_cell > 1), size > 1)
    shared = size > 1
    if re.search(r"\s", "".join(docs.values)):  # ids that a space-split would cut: word by word, as before
        columns["disagrees_with"] = _disagrees_by_text(cell, python_strings(columns["doc_ids"]), shared)
    else:
        columns["disagrees_with"] = _disagrees_with(cell, shared, groups.doc_group, groups.doc_code, docs)


def _disagrees_with(cell: np.ndarray, shared: np.ndarray, pair_group: np.ndarray, pair_doc: np.ndarray,
                    docs: Text) -> np.ndarray:
    """For each observation of a shared cell, the articles giving the cell's other figures (sorted,
    at most MAX_NAMED and how many more), or all the cell's articles when none is another's."""
    out = np.full(len(cell), "", dtype=object)
    obs = np.flatnonzero(shared)
    if not len(obs):
        return out
    span = len(docs.values) + 1
    mine = shared[pair_group]
    pair_group, pair_doc = pair_group[mine], pair_doc[mine]
    union = distinct(cell[pair_group] * span + pair_doc)  # each cell's articles, sorted
    union_cell, union_doc = union // span, union % span
    start = np.searchsorted(union_cell, np.arange(cell.max() + 1))
    total = np.bincount(union_cell, minlength=cell.max() + 1)[cell[obs]]
    own = np.bincount(pair_group, minlength=len(cell))[obs]
    others = total - own
    window = np.minimum(total, MAX_NAMED + own)  # the first MAX_NAMED not its own lie in here
    at = np.repeat(np.cumsum(window) - window, window)
    position = np.arange(window.sum()) - at
    candidate = union_doc[np.repeat(start[cell[obs]], window) + position]
    owner = np.repeat(obs, window)
    own_keys = np.sort(pair_group * span + pair_doc)
    keys = owner * span + candidate
    keep = np.repeat(others == 0, window)
    if len(own_keys):
        hit = np.minimum(np.searchsorted(own_keys, keys), len(own_keys) - 1)
        keep |= own_keys[hit] != keys
    kept = np.cumsum(keep)
    before = np.where(at > 0, kept[np.maximum(at - 1, 0)], 0)
    keep &= kept - before <= MAX_NAMED
    names = docs.dictionary.take(pa.array(candidate[keep]))
    text = python_strings(joined(names, np.repeat(np.arange(len(obs)), window)[keep], len(obs)))
    named = np.where(others == 0, total, others)
    more = named > MAX_NAMED
    text[more] = [f"{t} (+{k - MAX_NAMED})" for t, k in zip(text[more], named[more])]
    out[obs] = text
    return out


def _disagrees_by_text(cell: np.ndarray, doc_ids: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """disagrees_with from the space-separated doc_ids, word by word (ids that hold spaces)."""
    out = np.full(len(cell), "", dtype=object)
    docs: dict[int, set[str]] = {}
    for c, ids in zip(cell[shared], doc_ids[shared]):
        docs.setdefault(int(c), set()).update(ids.split())
    for at in np.flatnonzero(shared):
        own = set(doc_ids[at].split())
        out[at] = _some(sorted(docs[int(cell[at])] - own) or sorted(docs[int(cell[at])]))
    return out


def _some(ids: list[str]) -> str:
    """At most MAX_NAMED ids, and how many more."""
    return " ".join(ids[:MAX_NAMED]) + (f" (+{len(ids) - MAX_NAMED})" if len(ids) > MAX_NAMED else "")


def changes(f: Figures) -> pa.Table | pd.DataFrame:
    """Changes, shares of plan and contributions: one row per figure reported, with its sources."""
    rows = f.take(np.flatnonzero(~f.value_kind.eq("level")))
    if not len(rows):
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    keys = SERIES_KEYS + ["value_kind", "baseline"] + TIME_KEYS + ["dated", "value_key", "value_max_key"]
    groups = aggregate(rows, _codes(rows, keys, rows.value_key, rows.value_max_key))
    columns, first = groups.columns, groups.first
    columns["change_id"] = _stable_id(_key_strings(rows, first, keys, rows.value_key, rows.value_max_key))
    order = _sort_codes(rows, first, SERIES_KEYS + ["value_kind"] + TIME_KEYS + ["value"], columns,
                        columns["change_id"])
    return _table(columns, CHANGE_COLUMNS, order)
