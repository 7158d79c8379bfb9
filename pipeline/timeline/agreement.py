"""When two figures of one cell agree: equal, or one a rounding of the other (93,5 and 93,52; 94 and
94,0), and which figure stands for each group of agreeing ones (the most precise).
"""
from __future__ import annotations

import numpy as np

from pipeline.timeline.columns import distinct, float_codes, group
from pipeline.timeline.prepare import Figures

HALF_UNIT = [0.5 * 10.0 ** -places - 1e-9 for places in range(64)]  # agrees(): as Python computes it
MAX_VECTOR_FIGURES = 32  # cells with more distinct figures are clustered one by one


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


def _places(values: np.ndarray) -> np.ndarray:
    """decimals() of each value, computed once per distinct value."""
    found, codes = np.unique(values, return_inverse=True)
    return np.array([decimals(float(v)) for v in found], dtype=np.int64)[codes.reshape(-1)].reshape(values.shape)


def _cluster_block(v: np.ndarray, m: np.ndarray, ratio: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """`cluster` for many cells at once: rows are cells, columns their k distinct figures in
    cluster's order (most precise first). Returns each figure's representative (value, max)."""
    cells, k = v.shape
    pv, pm = np.take(HALF_UNIT, _places(v)), np.take(HALF_UNIT, _places(np.where(m == -np.inf, 0.0, m)))
    no_max = m == -np.inf
    is_rep = np.zeros((cells, k), dtype=bool)
    rep_v, rep_m = v.copy(), m.copy()
    with np.errstate(invalid="ignore"):  # -inf - -inf: no maximum on either side, decided by no_max
        _pick_reps(v, m, ratio, pv, pm, no_max, is_rep, rep_v, rep_m)
    return rep_v, rep_m


def _pick_reps(v, m, ratio, pv, pm, no_max, is_rep, rep_v, rep_m) -> None:
    cells, k = v.shape
    for j in range(k):
        best = np.full(cells, -1)
        best_d, best_v = np.full(cells, np.inf), np.full(cells, np.inf)
        for i in range(j):
            d = np.abs(v[:, i] - v[:, j])
            exact = (v[:, i] == v[:, j]) & (m[:, i] == m[:, j])
            rounded = ((no_max[:, i] == no_max[:, j]) & (d < pv[:, j])
                       & (no_max[:, i] | (np.abs(m[:, i] - m[:, j]) < pm[:, j])))
            match = is_rep[:, i] & np.where(ratio, exact, rounded)
            better = match & ((best < 0) | (d < best_d) | ((d == best_d) & (v[:, i] < best_v)))
            best = np.where(better, i, best)
            best_d, best_v = np.where(better, d, best_d), np.where(better, v[:, i], best_v)
        is_rep[:, j] = best < 0
        found = np.flatnonzero(best >= 0)
        rep_v[found, j], rep_m[found, j] = v[found, best[found]], m[found, best[found]]


def merge_agreeing(f: Figures, cell: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """value_key/value_max_key of each figure replaced by the representative of its agreeing group."""
    value_key, value_max_key = f.value_key.copy(), f.value_max_key.copy()
    fig, first = group(cell, float_codes(value_key), float_codes(value_max_key))
    dcell, dv, dm = cell[first], value_key[first], value_max_key[first]
    per_cell = np.bincount(dcell)
    multi = np.flatnonzero(per_cell[dcell] > 1)
    if not len(multi):
        return value_key, value_max_key
    order = multi[np.lexsort((dm[multi], dv[multi], -_places(dv[multi]), dcell[multi]))]  # cluster's order
    rep_v, rep_m = dv.copy(), dm.copy()
    ratio_of_cell = f.unit.eq("ratio")[first]
    sizes = per_cell[dcell[order]]
    for k in distinct(sizes):
        block = order[sizes == k].reshape(-1, k)  # cells with k distinct figures, one row each
        if k <= MAX_VECTOR_FIGURES:
            rv, rm = _cluster_block(dv[block], dm[block], ratio_of_cell[block[:, 0]])
            rep_v[block], rep_m[block] = rv, rm
            continue
        for row in block:
            unit = "ratio" if ratio_of_cell[row[0]] else ""
            reps = cluster(list(zip(dv[row].tolist(), dm[row].tolist())), unit)
            rep_v[row] = [reps[(a, b)][0] for a, b in zip(dv[row].tolist(), dm[row].tolist())]
            rep_m[row] = [reps[(a, b)][1] for a, b in zip(dv[row].tolist(), dm[row].tolist())]
    return rep_v[fig], rep_m[fig]
