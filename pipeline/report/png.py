"""PNG charts (matplotlib): the fallback for e-mail and for readers without JavaScript.

Actual values as lines per series (comparable points only), targets as stars, figures dated by
publication hollow, conflicting figures ringed in red. DejaVu Sans has the Vietnamese glyphs.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402  (after choosing the backend)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from pipeline.report.fmt import UNIT_VI  # noqa: E402

CONFLICT_COLOUR = "#d62728"
MARKERS = {"actual": ("o", 6), "target": ("*", 13), "unknown": ("X", 7)}
MONTHS = [f"Th{m}" for m in range(1, 13)]


def _dates(days: pd.Series) -> pd.Series:
    return pd.to_datetime(days, format="%Y-%m-%d")


def _ticks(value, _pos) -> str:
    day = mdates.num2date(value)
    return str(day.year) if day.month == 1 and day.day == 1 else f"{MONTHS[day.month - 1]}/{day.year}"


def chart_png(rows: pd.DataFrame, title: str, unit: str) -> bytes:
    """One chart from the rows a chart draws (see report.charts.chart_rows)."""
    plt.rcParams["font.family"] = "DejaVu Sans"
    fig, ax = plt.subplots(figsize=(9, 3.8), dpi=100)
    colours = plt.get_cmap("tab10")
    series = list(dict.fromkeys(rows["series"]))
    handles = []
    for n, name in enumerate(series):
        colour, mine = colours(n % 10), rows[rows["series"] == name]
        line = mine[mine["line"]].sort_values("date")
        for _, part in line.groupby("key"):
            ax.plot(_dates(part["date"]), part["value"], "-", color=colour, alpha=.6)
        for modality, (marker, size) in MARKERS.items():
            for hollow in (False, True):
                pts = mine[(mine["modality_id"] == modality) & (mine["hollow"] == hollow)]
                if len(pts):
                    ax.plot(_dates(pts["date"]), pts["value"], marker, ms=size, ls="none", color=colour,
                            mfc="none" if hollow else colour, mew=1.5)
        handles.append(Line2D([], [], marker="s", ls="none", color=colour, label=name))
    for modality, (marker, size) in MARKERS.items():
        if (rows["modality_id"] == modality).any():
            label = {"actual": "thực tế", "target": "mục tiêu", "unknown": "không rõ"}[modality]
            handles.append(Line2D([], [], marker=marker, ms=size, ls="none", color="#4b5563", label=label))
    if rows["hollow"].any():
        handles.append(Line2D([], [], marker="o", ms=6, ls="none", mfc="none", color="#4b5563",
                              label="theo ngày đăng"))
    conflicts = rows[rows["conflict"]]
    if len(conflicts):
        ax.scatter(_dates(conflicts["date"]), conflicts["value"], s=220, facecolors="none",
                   edgecolors=CONFLICT_COLOUR, linewidths=1.8, zorder=5)
        handles.append(Line2D([], [], marker="o", ms=12, ls="none", mfc="none", mec=CONFLICT_COLOUR, mew=2,
                              label="mâu thuẫn"))
    if unit in ("ratio", "percent"):
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}%".replace(".", ",")))
    ax.xaxis.set_major_locator(mdates.AutoDateLocator(minticks=3, maxticks=7))
    ax.xaxis.set_major_formatter(FuncFormatter(_ticks))
    if len(rows):
        days = pd.concat([_dates(rows["start"]), _dates(rows["date"])])
        ax.set_xlim(days.min() - pd.Timedelta(days=120), days.max() + pd.Timedelta(days=240))
        low, high = rows["value"].min(), rows["value"].max()
        pad = (high - low) * .15 or abs(high) * .1 or 1
        ax.set_ylim(low - pad, high + pad * 1.5)
    ax.set_title(title, fontsize=12, loc="left")
    ax.set_ylabel(UNIT_VI.get(unit, unit) if unit != "ratio" else "%")
    ax.grid(alpha=.3)
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()
