"""Vietnamese display: numbers with a decimal comma, values as the articles give them, labels,
and the number/time locales handed to Vega."""
from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

MODALITY_VI = {"actual": "thực tế", "target": "mục tiêu", "unknown": "không rõ"}
UNIT_VI = {"percent": "%", "ratio": "tỷ lệ", "percentage_point": "điểm %"}
BASIS_VI = {"stated": "kỳ nêu trong câu", "inherited": "kỳ nêu ở đoạn/tiêu đề", "published": "theo ngày đăng bài",
            "none": "không rõ"}
STATUS_VI = {"reviewed": "đã duyệt", "corroborated": "nhiều nguồn", "single_source": "một nguồn",
             "needs_review": "cần duyệt"}
NO_AREA = "(không rõ địa bàn)"
VEGA_LOCALE = {
    "number": {"decimal": ",", "thousands": ".", "grouping": [3], "currency": ["", " ₫"]},
    "time": {"dateTime": "%A, %e %B %Y, %X", "date": "%d/%m/%Y", "time": "%H:%M:%S", "periods": ["SA", "CH"],
             "days": ["Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"],
             "shortDays": ["CN", "T2", "T3", "T4", "T5", "T6", "T7"],
             "months": [f"tháng {m}" for m in range(1, 13)], "shortMonths": [f"Th{m}" for m in range(1, 13)]},
}


def fmt_number(value: float, unit: str = "") -> str:
    """Vietnamese style: decimal comma, ratio shown as a percentage."""
    if value is None or pd.isna(value):
        return "–"
    shown = value * 100 if unit == "ratio" else value
    text = f"{shown:.4g}".replace(".", ",")
    return text + ("%" if unit in ("percent", "ratio") else " điểm %" if unit == "percentage_point" else "")


def fmt_value(row: Mapping) -> str:
    """The figure as the articles give it: 20/27 (74,07%), 94%, 90–95%."""
    text = fmt_number(row["value"], row["unit"])
    if not pd.isna(row.get("value_max")):
        text = f"{text} – {fmt_number(row['value_max'], row['unit'])}"
    if row["unit"] == "ratio" and not pd.isna(row.get("numerator")) and not pd.isna(row.get("denominator")):
        text = f"{row['numerator']:g}/{row['denominator']:g} ({text})"
    return text


def area_text(area: object, part: object = "") -> str:
    area = str(area or "") or NO_AREA
    return f"{area} – {part}" if part else area


def display_value(value: float, unit: str) -> float:
    """The value on a chart's axis: ratios as percentages."""
    return round(float(value) * 100, 9) if unit == "ratio" else float(value)
