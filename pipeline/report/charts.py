"""What each chart draws (its rows: report.select picks them) and its Vega-Lite spec.

Rows carry everything a tooltip shows (value as written, period, area, source title); a line
joins only comparable points of one series: actual figures of the same series dated by a period
of their own, neither disputed nor waiting for review. Publication-dated points are hollow.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from urllib.parse import quote

import pandas as pd

from pipeline.report.fmt import BASIS_VI, MODALITY_VI, STATUS_VI, UNIT_VI, area_text, display_value, fmt_value

ALL_AREAS = "Tất cả"
STAR = "M0,-1L0.24,-0.33L0.95,-0.31L0.39,0.12L0.59,0.81L0,0.4L-0.59,0.81L-0.39,0.12L-0.95,-0.31L-0.24,-0.33Z"
CSV_COLUMNS = ["indicator", "indicator_label", "area", "area_part", "time_period", "period_label", "time_start",
               "time_end", "time_basis", "value", "value_max", "unit", "modality", "status", "conflict", "n_sources",
               "sources", "observation_id"]


def chart_rows(obs: pd.DataFrame, titles: Mapping[str, str]) -> pd.DataFrame:
    """One row a point: what Vega and the PNG draw, in display units, with tooltip texts."""
    first_doc = obs["doc_ids"].str.split(" ", n=1).str[0]
    first_url = obs["sources"].str.split(" ", n=1).str[0]
    hollow = obs["time_basis"] == "published"
    return pd.DataFrame({
        "date": obs["time_end"], "start": obs["time_start"], "period": obs["period_label"],
        "value": [display_value(v, u) for v, u in zip(obs["value"], obs["unit"])],
        "value_text": [fmt_value(r) for r in obs[["value", "value_max", "unit", "numerator", "denominator"]]
                       .to_dict("records")],
        "area": obs["area"].where(obs["area"] != "", "(không rõ)"),
        "series": [area_text(a, p) for a, p in zip(obs["area"], obs["area_part"])],
        "modality": obs["modality"].map(MODALITY_VI), "modality_id": obs["modality"],
        "basis": obs["time_basis"].map(BASIS_VI).fillna(""), "hollow": hollow,
        "conflict": obs["conflict"].astype(bool), "status": obs["status"].map(STATUS_VI).fillna(obs["status"]),
        "n_sources": obs["n_sources"].astype(int), "title": [titles.get(d) or u for d, u in zip(first_doc, first_url)],
        "url": first_url, "key": obs["series_id"],
        "line": (obs["modality"] == "actual") & ~hollow & ~obs["conflict"].astype(bool)
        & (obs["status"] != "needs_review"),
        "observation_id": obs["observation_id"],
    }).reset_index(drop=True)


def vega_spec(rows: pd.DataFrame, unit: str) -> dict:
    """A layered Vega-Lite spec: lines of comparable points, points by series and kind, red rings on
    conflicts, an area drop-down, Vietnamese tooltips."""
    areas = sorted(set(rows["area"]))
    tooltip = [{"field": "value_text", "title": "Giá trị"}, {"field": "period", "title": "Kỳ"},
               {"field": "series", "title": "Địa bàn"}, {"field": "modality", "title": "Loại"},
               {"field": "basis", "title": "Thời điểm"}, {"field": "status", "title": "Trạng thái"},
               {"field": "title", "title": "Nguồn"}, {"field": "n_sources", "title": "Số bài"}]
    colour = {"field": "series", "type": "nominal", "title": "Địa bàn", "scale": {"scheme": "tableau10"}}
    shape = {"field": "modality", "type": "nominal", "title": "Loại",
             "scale": {"domain": ["thực tế", "mục tiêu", "không rõ"], "range": ["circle", STAR, "cross"]}}
    values = rows.drop(columns=["modality_id"]).to_dict("records")
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v6.json",
        "width": "container", "height": 280, "autosize": {"type": "fit-x", "contains": "padding"},
        "data": {"values": values},
        "params": [{"name": "dia_ban", "value": ALL_AREAS,
                    "bind": {"input": "select", "options": [ALL_AREAS, *areas], "name": "Địa bàn: "}}],
        "transform": [{"filter": f"dia_ban == '{ALL_AREAS}' || datum.area == dia_ban"}],
        "encoding": {
            "x": {"field": "date", "type": "temporal", "title": None, "scale": {"padding": 24},
                  "axis": {"labelOverlap": True}},
            "y": {"field": "value", "type": "quantitative", "scale": {"zero": False, "padding": 16},
                  "axis": {"format": ",.4~g"},
                  "title": "%" if unit in ("percent", "ratio") else UNIT_VI.get(unit, unit)},
        },
        "layer": [layer for layer, used in zip(_layers(colour, shape, tooltip), (
            rows["line"].any(), (~rows["hollow"]).any(), rows["hollow"].any(), rows["conflict"].any())) if used],
    }


def _layers(colour: dict, shape: dict, tooltip: list) -> list[dict]:
    """Lines, filled points, hollow (publication-dated) points, conflict rings."""
    return [
            {"transform": [{"filter": "datum.line"}], "mark": {"type": "line", "opacity": 0.6},
             "encoding": {"color": colour, "detail": {"field": "key"}}},
            *({"transform": [{"filter": "datum.hollow" if hollow else "!datum.hollow"}],  # hollow: dated by publication
               "mark": {"type": "point", "size": 80, "strokeWidth": 1.8, "filled": not hollow, "opacity": 1},
               "encoding": {"color": colour, "shape": shape, "tooltip": tooltip}} for hollow in (False, True)),
            {"transform": [{"filter": "datum.conflict"}],
             "mark": {"type": "point", "size": 420, "stroke": "#d62728", "strokeWidth": 2, "filled": False}},
    ]


def rows_csv(obs: pd.DataFrame) -> str:
    """The chart's rows (the observations it draws) as CSV text."""
    buffer = io.StringIO()
    obs.reindex(columns=CSV_COLUMNS).to_csv(buffer, index=False, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    return buffer.getvalue()


def csv_data_uri(text: str) -> str:
    return "data:text/csv;charset=utf-8," + quote("\ufeff" + text, safe="")


def spec_json(spec: dict) -> str:
    """JSON safe inside a <script type="application/json"> element."""
    text = json.dumps(spec, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
