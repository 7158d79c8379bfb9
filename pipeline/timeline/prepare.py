"""Facts → figure rows: what each figure is (level or change), where, when, and its review state.

Vectorised over the fact table: per-value work (times, subject keys, home areas) is done once per
distinct value and mapped back, so a million facts cost seconds, not minutes.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping

import numpy as np
import pandas as pd

from pipeline.documents import url_host
from pipeline.timeline.periods import DATED_BASES, time_of

FIGURE_KINDS = ("fraction", "percent")
MODALITIES = ("actual", "target", "unknown")
CHANGE_KINDS = ("change", "share_of_plan", "contribution")
VALUE_KINDS = ("level",) + CHANGE_KINDS + ("other",)
SUBJECT_PREFIX = "subject:"
# what the timeline reads of a fact; the rest (sentence, offsets, rule) stays in facts.*
FACT_INPUT = ["fact_id", "doc_id", "url", "published", "kind", "value", "value_max", "unit", "qualifier",
              "numerator", "denominator", "subject", "indicator", "value_kind", "area", "area_part", "area_basis",
              "as_of_start", "as_of_end", "time_basis", "modality"]
CONTEXT = ["text", "sentence", "why"]  # read for changes only (their baseline): the big columns
TIME_PARTS = ["time_start", "time_end", "grain", "time_period", "period_label", "time_basis"]
BASELINE = re.compile(
    r"so với\s+(cùng kỳ(?:\s+năm\s+(?:trước|ngoái|\d{4}))?|(?:cuối\s+|đầu\s+)?năm\s+(?:\d{4}|trước|ngoái)"
    r"|(?:quý|tháng)\s+[IVX\d]+(?:[/\s]+(?:năm\s+)?\d{4})?|đầu năm|kỳ trước|tháng trước|quý trước"
    r"|(?:giai đoạn|nhiệm kỳ)\s+\d{4}\s*-\s*\d{4})", re.IGNORECASE)


def subject_key(subject: object) -> str:
    """A stable ASCII id for a free-text subject: "Chỉ tiêu" → "subject:chi_tieu"."""
    text = str(subject or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return SUBJECT_PREFIX + (slug or "none")


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    """A string column with missing values as "" (extraction writes stripped strings)."""
    if column not in frame:
        return pd.Series("", index=frame.index, dtype=object)
    return frame[column].astype(object).fillna("")


def _per_distinct(frame: pd.DataFrame, columns: list[str], func, names: list[str]) -> pd.DataFrame:
    """func(*row) for each distinct combination of `columns`, spread back over every row."""
    codes = frame.groupby(columns, sort=False, dropna=False).ngroup().to_numpy()
    first = np.unique(codes, return_index=True)[1]
    keys = frame[columns].iloc[first].itertuples(index=False, name=None)
    results = [func(*k) for k in keys]
    order = np.empty(len(first), dtype=np.int64)
    order[codes[first]] = np.arange(len(first))
    table = pd.DataFrame(results, columns=names)
    return table.iloc[order[codes]].set_axis(frame.index) if len(frame) else table


def baseline_of(sentence: object, figure: object, why: object) -> str:
    """The baseline period a change is measured against: "cùng kỳ năm trước", "năm 2020" ("" when none).

    The extraction's trace wins ("baseline=…" in `why`); else the first "so với …" after the figure.
    """
    for part in str(why or "").split(";"):
        if part.startswith("baseline="):
            return part.removeprefix("baseline=").strip()
    sentence, figure = str(sentence or ""), str(figure or "")
    at = sentence.find(figure) if figure else -1
    match = BASELINE.search(sentence, max(at, 0) + len(figure) if at >= 0 else 0)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else ""


def prepare(facts: pd.DataFrame, decisions: Mapping[str, object] | None = None,
            documents: pd.DataFrame | None = None, labels: Mapping[str, str] | None = None,
            context: pd.DataFrame | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """One row per usable figure (levels and changes) with its series, period, source and review state.

    The sentence, text and trace of changes (for their baseline) come from `facts` when it has
    them, else from `context` (fact_id + those columns, for the changes only).
    """
    decisions, labels = decisions or {}, labels or {}
    if context is None and all(c in facts for c in CONTEXT):
        context = facts[["fact_id", "kind", *CONTEXT]]
    frame = facts.reindex(columns=FACT_INPUT)
    figure = frame["kind"].isin(FIGURE_KINDS)
    skipped: dict[str, int] = {"not_a_figure": int((~figure).sum())}
    verdicts = frame["fact_id"].map({f: getattr(d, "verdict", "") for f, d in decisions.items()}).fillna("")
    wrong = figure & (verdicts == "wrong")
    skipped["marked_wrong"] = int(wrong.sum())
    keep = figure & ~wrong
    frame, verdicts = frame[keep], verdicts[keep]
    if frame.duplicated(subset=["fact_id", "doc_id", "value"]).any():
        unique = ~frame.duplicated(subset=["fact_id", "doc_id", "value"])
        frame, verdicts = frame[unique], verdicts[unique]
    frame = frame.copy()
    frame["value"] = pd.to_numeric(frame["value"], errors="coerce").astype("float64")
    frame["value_max"] = pd.to_numeric(frame["value_max"], errors="coerce").astype("float64")
    fixed = verdicts == "fix"
    if fixed.any():
        corrected = {f: getattr(d, "corrected_value", None) for f, d in decisions.items()
                     if getattr(d, "verdict", "") == "fix"}
        frame.loc[fixed, "value"] = pd.to_numeric(frame.loc[fixed, "fact_id"].map(corrected), errors="coerce")
        frame.loc[fixed, ["value_max", "numerator", "denominator"]] = np.nan
    frame["reviewed"] = verdicts.isin(["ok", "fix"]).to_numpy()
    skipped["no_value"] = int(frame["value"].isna().sum())
    frame = frame[frame["value"].notna()].copy()

    unit = _text(frame, "unit")
    frame["unit"] = unit.where(unit != "", frame["kind"].map({"fraction": "ratio", "percent": "percent"}))
    kind = _text(frame, "value_kind")
    # a percentage-point figure is a change; an empty value kind (older extraction) a level
    kind = kind.where(~((frame["unit"] == "percentage_point") & kind.isin(["", "level"])), "change")
    frame["value_kind"] = kind.where(kind != "", "level")
    unknown_kind = ~frame["value_kind"].isin(VALUE_KINDS)
    frame.loc[unknown_kind, "value_kind"] = "other"
    other = frame["value_kind"] == "other"
    skipped["other_value_kind"] = int(other.sum())
    frame = frame[~other].copy()
    modality = _text(frame, "modality")
    frame["modality"] = modality.where(modality.isin(MODALITIES), "unknown")

    _areas(frame, documents)
    indicator = _text(frame, "indicator")
    by_subject = indicator == ""
    if by_subject.any():
        subjects = frame.loc[by_subject, "subject"].fillna("")
        indicator = indicator.copy()
        indicator[by_subject] = subjects.map({s: subject_key(s) for s in subjects.unique()})
    frame["indicator"] = indicator
    frame["indicator_label"] = indicator.map(lambda i: labels.get(i, i)) if len(frame) else indicator
    if by_subject.any():
        frame.loc[by_subject, "indicator_label"] = _subject_labels(frame[by_subject])

    frame["time_basis"] = _text(frame, "time_basis")
    times = _per_distinct(frame, ["as_of_start", "as_of_end", "published", "time_basis"], time_of, TIME_PARTS)
    for name in TIME_PARTS:
        frame[name] = times[name].to_numpy() if len(frame) else ""
    frame["dated"] = frame["time_basis"].isin(DATED_BASES)
    frame["seen"] = _per_distinct(frame, ["published"], lambda p: pd.to_datetime(
        str(p)[:10], format="%Y-%m-%d", errors="coerce"), ["seen"])["seen"].to_numpy() if len(frame) else pd.NaT
    has_url = frame["url"].astype(object).fillna("") != ""
    frame["sources"] = frame["url"].where(has_url, "doc:" + frame["doc_id"].astype(str))
    frame["value_key"] = frame["value"].round(9)
    frame["value_max_key"] = frame["value_max"].round(9).fillna(-np.inf)
    frame["qualifier"] = _text(frame, "qualifier")
    change = frame["value_kind"] != "level"
    frame["baseline"] = ""
    if change.any() and context is not None and len(context):
        ids = frame.loc[change, "fact_id"]
        known = context[context["fact_id"].isin(ids)].drop_duplicates("fact_id").set_index("fact_id")
        rows = known.reindex(ids)
        frame.loc[change, "baseline"] = [baseline_of(s, t, w) for s, t, w in
                                         zip(rows["sentence"], rows["text"], rows["why"])]
    frame = frame.drop(columns=["as_of_start", "as_of_end", "subject", "published", "url"])
    frame = frame.sort_values(["fact_id", "doc_id"], kind="stable")
    return frame.reset_index(drop=True), skipped


def _areas(frame: pd.DataFrame, documents: pd.DataFrame | None) -> None:
    """The fact's own area; without one (and none marked by the extraction) the source's home area."""
    n = len(frame)
    home, source = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    if documents is not None and len(documents):
        docs = documents.drop_duplicates("doc_id")
        at = pd.Index(docs["doc_id"]).get_indexer(frame["doc_id"])  # one hash lookup per fact
        found = at >= 0
        home[found] = docs["home_area"].fillna("").to_numpy(dtype=object)[at[found]]
        source[found] = docs["source"].fillna("").to_numpy(dtype=object)[at[found]]
    missing = source == ""
    if missing.any():
        urls = frame["url"].to_numpy(dtype=object)[missing]
        hosts = {u: url_host(u) for u in pd.unique(urls)}
        source[missing] = [hosts[u] for u in urls]
    area, basis = _text(frame, "area").to_numpy(dtype=object), _text(frame, "area_basis").to_numpy(dtype=object)
    inherit = (area == "") & (basis == "") & (home != "")
    area = np.where(inherit, home, area)
    basis = np.where(inherit, "source", np.where((basis == "") & (area != ""), "stated", basis))
    frame["source"], frame["area"], frame["area_basis"] = source, area, basis
    frame["area_part"] = _text(frame, "area_part")


def _subject_labels(rows: pd.DataFrame) -> pd.Series:
    """The most frequent spelling of each subject group (ties: alphabetical), so labels are stable."""
    counts = rows.assign(subject=rows["subject"].fillna("").astype(str)).groupby(
        ["indicator", "subject"]).size().reset_index(name="n")
    counts = counts.sort_values(["indicator", "n", "subject"], ascending=[True, False, True])
    best = counts.drop_duplicates("indicator").set_index("indicator")["subject"].to_dict()
    return rows["indicator"].map(lambda i: f"({best.get(i) or 'không rõ chủ thể'})")
