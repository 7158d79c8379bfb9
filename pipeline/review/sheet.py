"""The review sheet: one row per fact to check, with its context and the figure marked in its sentence.

Everything comes from extracted/ (facts and the documents table), never from the corpus.
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from pipeline.kinds import FACT_KINDS, FIGURE_KINDS
from pipeline.layout import REVIEW_SHEET
from pipeline.review.columns import FACT_CONTEXT, MARK_CLOSE, MARK_OPEN, SHEET_COLUMNS
from pipeline.tables.spreadsheet import write_csv

SHEET_NAME = REVIEW_SHEET
REVIEW_KINDS = FIGURE_KINDS  # dates and periods only give time to figures: not reviewed by default
ALL_KINDS = FACT_KINDS


def parse_kinds(text: str | None) -> tuple[str, ...]:
    """--kinds "fraction,percent" | "all" → the kinds; ValueError naming an unknown one."""
    if not text:
        return REVIEW_KINDS
    if text.strip().lower() == "all":
        return ALL_KINDS
    kinds = tuple(k.strip().lower() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in ALL_KINDS]
    if unknown or not kinds:
        raise ValueError(f"unknown kind(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(ALL_KINDS)} or all")
    return kinds


def occurrences(facts: pd.DataFrame) -> pd.Series:
    """Which occurrence of its surface text in its sentence each fact is (0 = first), from the offsets:
    facts with the same text in the same sentence are numbered in reading order."""
    if facts.empty:
        return pd.Series(dtype="int64")
    keys = [c for c in ("doc_id", "field", "sentence", "text") if c in facts]
    order = facts.sort_values(keys + ["start"], kind="stable") if "start" in facts else facts
    return order.groupby(keys, sort=False, dropna=False).cumcount().reindex(facts.index)


def figure_in_sentence(sentence: object, text: object, occurrence: int = 0) -> tuple[str, str, str]:
    """(before, figure, after): the sentence split around the n-th occurrence of the figure's text."""
    sentence, text = str(sentence or ""), str(text or "")
    if not sentence:
        return "", text, ""
    pos, n = -1, 0
    while text:
        pos = sentence.find(text, pos + 1)
        if pos < 0 or n == occurrence:
            break
        n += 1
    if pos < 0:
        pos = sentence.find(text) if text else -1
    if pos < 0:
        return sentence, "", ""
    return sentence[:pos], text, sentence[pos + len(text):]


def marked(before: str, figure: str, after: str) -> str:
    return f"{before}{MARK_OPEN}{figure}{MARK_CLOSE}{after}" if figure else before


def _blank(value: object) -> object:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else value


def review_sheet(facts: pd.DataFrame, decisions: Mapping[str, object], documents: pd.DataFrame | None = None,
                 include_all: bool = False, kinds: Iterable[str] = REVIEW_KINDS) -> pd.DataFrame:
    """One row a fact of the given kinds, in reading order; without `include_all`, only undecided facts."""
    frame = facts[facts["kind"].isin(tuple(kinds))]
    if not include_all:
        frame = frame[~frame["fact_id"].isin(list(decisions))]
    frame = frame.assign(_occurrence=occurrences(frame))
    titles = (documents.set_index("doc_id")["title"].fillna("").to_dict()
              if documents is not None and len(documents) else {})
    rows = []
    for fact in frame.to_dict("records"):
        previous = decisions.get(fact["fact_id"])
        as_of = [str(_blank(fact.get(k))) for k in ("as_of_start", "as_of_end")]
        rows.append({
            "fact_id": fact["fact_id"], "verdict": "", "corrected_value": "", "note": "",
            "previous_verdict": getattr(previous, "verdict", "") if previous else "",
            **{k: _blank(fact.get(k)) for k in FACT_CONTEXT},
            "as_of": as_of[0] if as_of[0] == as_of[1] else "..".join(as_of).strip("."),
            "sentence": marked(*figure_in_sentence(fact.get("sentence"), fact.get("text"), int(fact["_occurrence"]))),
            "title": titles.get(fact["doc_id"], ""),
            "_order": (str(_blank(fact.get("published"))), fact["doc_id"], str(fact.get("field")),
                       int(_blank(fact.get("start")) or 0), fact["fact_id"]),
        })
    rows.sort(key=lambda r: r["_order"])
    return pd.DataFrame([{k: r[k] for k in SHEET_COLUMNS} for r in rows], columns=SHEET_COLUMNS)


def write_sheet(path: Path, sheet: pd.DataFrame) -> None:
    """The sheet as CSV (UTF-8 with BOM, formula-safe) or, for a .xlsx path, as an Excel workbook."""
    path = Path(path)
    if path.suffix.lower() == ".xlsx":
        from pipeline.review.xlsx import write_xlsx  # openpyxl only when a workbook is asked for

        write_xlsx(path, sheet)
        return
    write_csv(path, sheet.astype(object))
