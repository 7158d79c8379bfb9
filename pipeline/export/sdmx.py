"""An SDMX-CSV 2.0 rendering of the timeline, for statistics tools (.Stat Suite, sdmx1, pandasdmx).

One row per settled observation (levels only; figures left `needs_review` are not in it).
Dimensions use our own names and codes (INDICATOR = the lexicon id, REF_AREA = the area as the
article names it, AREA_PART, MODALITY); TIME_PERIOD in SDMX's reporting-period forms; OBS_STATUS
from SDMX's code list CL_OBS_STATUS: A (normal: reviewed or corroborated) or P (provisional:
one source).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.export.schema import Field, Table
from pipeline.timeline.columns import group

STRUCTURE_ID = "CHITIEU:TIMELINE(1.0)"
UNIT_CODES = {"percent": "PC", "ratio": "RATIO", "percentage_point": "PP"}
DIMENSIONS = ("INDICATOR", "REF_AREA", "AREA_PART", "MODALITY", "TIME_PERIOD")
SDMX = Table("timeline_sdmx", "The timeline as SDMX-CSV 2.0 (dataflow CHITIEU:TIMELINE(1.0))", (
    Field("STRUCTURE", description="SDMX-CSV 2.0: kind of structure, always dataflow", enum=("dataflow",)),
    Field("STRUCTURE_ID", description="agency:id(version) of the dataflow", enum=(STRUCTURE_ID,)),
    Field("ACTION", description="SDMX action: I (information: merge)", enum=("I",)),
    Field("INDICATOR", description="dimension: indicator id from rules/indicators.toml"),
    Field("REF_AREA", description="dimension: the area as articles name it (Hà Nội, cả nước, huyện Ba Vì)"),
    Field("AREA_PART", description="dimension: part of the area the figure covers; empty = all of it"),
    Field("MODALITY", description="dimension: A actual, T target, U unknown", enum=("A", "T", "U")),
    Field("TIME_PERIOD", description="dimension: 2023-12-31, 2023-M12, 2023-Q4, 2023-S2, 2023, or a range "
                                     "2021-01-01/P5Y"),
    Field("OBS_VALUE", "number", "the value, in the unit UNIT_MEASURE"),
    Field("UNIT_MEASURE", description="attribute: PC percent (94 = 94%), RATIO (0..1), PP percentage points",
          enum=tuple(UNIT_CODES.values())),
    Field("OBS_STATUS", description="attribute, CL_OBS_STATUS: A normal (reviewed or several articles), "
                                    "P provisional (one article)", enum=("A", "P")),
    Field("CONFLICT", "boolean", "attribute: another figure exists for the same key"),
    Field("TIME_BASIS", description="attribute: stated | inherited | published (dated by publication)"),
    Field("N_SOURCES", "integer", "attribute: number of articles", unit="articles"),
    Field("SOURCES", description="attribute: space-separated URLs of the articles"),
    Field("OBSERVATION_ID", description="attribute: id of the row in timeline.csv"),
), (), description="Keys are not unique where figures conflict (CONFLICT true): every figure is kept.")


def sdmx_period(grain: str, start: str, end: str, code: str) -> str:
    """SDMX reporting-period form of a period (ISO 8601 time range for odd spans)."""
    if grain == "month":
        return f"{code[:4]}-M{code[5:7]}"
    if grain in ("day", "quarter", "half", "year"):
        return code
    s, e = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    if grain == "multi-year":
        return f"{start}/P{e.year - s.year + 1}Y"
    return f"{start}/P{(e - s).days + 1}D"


def sdmx_frame(obs: pd.DataFrame) -> pd.DataFrame:
    """The SDMX-CSV columns for the settled, dated observations of a timeline."""
    rows = obs[(obs["status"] != "needs_review") & (obs["time_start"] != "")]
    periods = {k: sdmx_period(*k) for k in set(zip(rows["grain"], rows["time_start"], rows["time_end"],
                                                   rows["time_period"]))}
    return pd.DataFrame({
        "STRUCTURE": "dataflow", "STRUCTURE_ID": STRUCTURE_ID, "ACTION": "I",
        "INDICATOR": rows["indicator"], "REF_AREA": rows["area"], "AREA_PART": rows["area_part"],
        "MODALITY": rows["modality"].map({"actual": "A", "target": "T"}).fillna("U"),
        "TIME_PERIOD": [periods[k] for k in zip(rows["grain"], rows["time_start"], rows["time_end"],
                                                rows["time_period"])],
        "OBS_VALUE": rows["value"], "UNIT_MEASURE": rows["unit"].map(UNIT_CODES).fillna(rows["unit"]),
        "OBS_STATUS": np.where(rows["status"].isin(["reviewed", "corroborated"]), "A", "P"),
        "CONFLICT": rows["conflict"].astype(bool), "TIME_BASIS": rows["time_basis"],
        "N_SOURCES": rows["n_sources"], "SOURCES": rows["sources"], "OBSERVATION_ID": rows["observation_id"],
    }).reset_index(drop=True)


def sdmx_table(obs: pa.Table) -> pa.Table:
    """sdmx_frame() of the timeline as built (an Arrow table), typed as SDMX declares it: the same
    rows and values, each text computed once per distinct value."""
    keep = pc.and_(pc.invert(_is(obs.column("status"), "needs_review")), pc.invert(_is(obs.column("time_start"), "")))
    rows = obs.filter(keep)
    n = rows.num_rows
    parts = [pc.dictionary_encode(_text(rows.column(c))) for c in ("grain", "time_start", "time_end", "time_period")]
    gid, first = group(*[p.indices.to_numpy() for p in parts])  # each distinct period once
    names = [p.dictionary.to_pylist() for p in parts]
    periods = [sdmx_period(*(names[k][int(parts[k].indices[r].as_py())] for k in range(4))) for r in first.tolist()]
    time_period = pa.array(periods, pa.string()).take(pa.array(gid)) if n else pa.array([], pa.string())
    columns = {
        "STRUCTURE": _constant("dataflow", n), "STRUCTURE_ID": _constant(STRUCTURE_ID, n), "ACTION": _constant("I", n),
        "INDICATOR": _text(rows.column("indicator")), "REF_AREA": _text(rows.column("area")),
        "AREA_PART": _text(rows.column("area_part")),
        "MODALITY": _map(rows.column("modality"), lambda m: {"actual": "A", "target": "T"}.get(m, "U")),
        "TIME_PERIOD": time_period,
        "OBS_VALUE": pc.if_else(pc.is_nan(rows.column("value")), pa.scalar(None, pa.float64()), rows.column("value")),
        "UNIT_MEASURE": _map(rows.column("unit"), lambda u: UNIT_CODES.get(u, u)),
        "OBS_STATUS": _map(rows.column("status"), lambda s: "A" if s in ("reviewed", "corroborated") else "P"),
        "CONFLICT": rows.column("conflict"), "TIME_BASIS": _text(rows.column("time_basis")),
        "N_SOURCES": rows.column("n_sources"), "SOURCES": _text(rows.column("sources")),
        "OBSERVATION_ID": _text(rows.column("observation_id")),
    }
    return pa.Table.from_arrays([pa.chunked_array([columns[f.name]]) if isinstance(columns[f.name], pa.Array)
                                 else columns[f.name] for f in SDMX.fields], schema=SDMX.arrow_schema())


def _text(column) -> pa.Array:
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    return column.cast(pa.string())


def _is(column, value: str) -> pa.Array:
    return pc.fill_null(pc.equal(_text(column), value), False)


def _constant(value: str, n: int) -> pa.Array:
    return pa.DictionaryArray.from_arrays(pa.array(np.zeros(n, dtype=np.int32)), pa.array([value])).cast(pa.string())


def _map(column, func) -> pa.Array:
    """func() of each distinct text of the column, spread over its rows."""
    column = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    encoded = column if pa.types.is_dictionary(column.type) else pc.dictionary_encode(column)
    mapped = pa.array([func(v) for v in encoded.dictionary.to_pylist()], pa.string())
    return mapped.take(encoded.indices)
