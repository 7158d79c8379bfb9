"""Facts → figure rows: what each figure is (level or change), where, when, and its review state.

Columnar over the fact table (see columns.py): text is coded once, per-value work (times, subject
keys, labels, home areas) is done once per distinct value, and rows are never Python objects, so a
million facts cost about a second and a few hundred megabytes.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipeline.kinds import FIGURE_KINDS
from pipeline.timeline.columns import Text, arrow_text, combine, group, id_ranks, where
from pipeline.timeline.periods import DATED_BASES, time_of

MODALITIES = ("actual", "target", "unknown")
CHANGE_KINDS = ("change", "share_of_plan", "contribution")
VALUE_KINDS = ("level",) + CHANGE_KINDS + ("other",)
SUBJECT_PREFIX = "subject:"
# what the timeline reads of a fact; the rest (sentence, offsets, rule) stays in facts.*
FACT_INPUT = ["fact_id", "doc_id", "url", "published", "kind", "value", "value_max", "unit", "qualifier",
              "numerator", "denominator", "subject", "indicator", "value_kind", "area", "area_part", "area_basis",
              "as_of_start", "as_of_end", "time_basis", "modality"]
NUMBERS = ("value", "value_max", "numerator", "denominator")
CONTEXT = ["text", "sentence", "why"]  # read for changes only (their baseline): the big columns
TIME_PARTS = ["time_start", "time_end", "grain", "time_period", "period_label", "time_basis"]
NO_DAY = np.iinfo(np.int64).min  # `seen` of a fact whose publication day is unknown
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


@dataclass(frozen=True, slots=True)
class Figures:
    """The usable figures (levels and changes), one row each, sorted by fact_id then doc_id."""

    fact_id: pa.Array
    doc: Text
    sources: Text  # the article's URL, or doc:<id> without one
    indicator: Text
    indicator_label: Text
    area: Text
    area_part: Text
    area_basis: Text
    unit: Text
    modality: Text
    value_kind: Text
    baseline: Text
    qualifier: Text
    time_start: Text
    time_end: Text
    grain: Text
    time_period: Text
    period_label: Text
    time_basis: Text
    dated: np.ndarray
    value: np.ndarray
    value_max: np.ndarray
    numerator: np.ndarray
    denominator: np.ndarray
    value_key: np.ndarray  # value rounded to 9 places: figures that agree share it
    value_max_key: np.ndarray  # the same for value_max, -inf without one
    reviewed: np.ndarray
    seen: np.ndarray  # publication day (days since 1970), NO_DAY when unknown

    def __len__(self) -> int:
        return len(self.value)

    def take(self, rows: np.ndarray) -> Figures:
        return Figures(*(self._take(getattr(self, f.name), rows) for f in fields(self)))

    @staticmethod
    def _take(column, rows):
        if isinstance(column, pa.Array):
            return column.take(pa.array(rows, pa.int64()))
        return column.take(rows) if isinstance(column, Text) else column[rows]


@dataclass(frozen=True, slots=True)
class FactColumns:
    """The timeline's input columns of the facts, coded: fact_id as an Arrow string array, other
    text as Text ("" for missing), numbers as float64 (NaN for missing or unreadable). A tenth of
    the memory of the same columns as Python objects, and a third of them as Arrow strings."""

    n: int
    columns: dict

    @classmethod
    def of(cls, facts: pd.DataFrame | pa.Table | FactColumns) -> FactColumns:
        if isinstance(facts, FactColumns):
            return facts
        arrow = isinstance(facts, pa.Table)
        names = set(facts.column_names if arrow else facts.columns)
        get = (lambda name: facts.column(name)) if arrow else (lambda name: facts[name])
        n = facts.num_rows if arrow else len(facts)
        return cls(n, {name: _coded(name, get(name) if name in names else None, n) for name in FACT_INPUT})

    @classmethod
    def read_parquet(cls, path, names: list[str] | None = None) -> FactColumns:
        """From facts.parquet, one column at a time (never the whole table in memory as strings);
        columns not in `names` or not in the file are empty."""
        import pyarrow.parquet as pq

        text = [c for c in FACT_INPUT if c not in NUMBERS and c != "fact_id"]
        source = pq.ParquetFile(path, read_dictionary=text)  # codes straight from Parquet's dictionaries
        present = set(source.schema_arrow.names) & set(names if names is not None else FACT_INPUT)
        n = source.metadata.num_rows
        return cls(n, {name: _coded(name, source.read(columns=[name]).column(0) if name in present else None, n)
                       for name in FACT_INPUT})


def _coded(name: str, column, n: int):
    """One input column coded (see FactColumns); `column` None when the facts lack it."""
    arrow = isinstance(column, (pa.Array, pa.ChunkedArray))
    if name in NUMBERS:
        if column is None:
            return np.full(n, np.nan)
        if arrow and (pa.types.is_floating(column.type) or pa.types.is_integer(column.type)):
            return np.asarray(column.cast(pa.float64()).to_numpy(), dtype=np.float64).copy()
        values = column.to_pandas() if arrow else column
        return pd.to_numeric(values, errors="coerce").astype("float64").to_numpy().copy()
    if name == "fact_id":
        return arrow_text(column if column is not None else [""] * n)
    return Text.of(column if column is not None else pa.array([""] * n, pa.string()))


def _verdicts(ids: pa.Array, decisions: Mapping[str, object]) -> np.ndarray:
    """Each fact's latest review verdict ("" when none)."""
    verdicts = np.array([getattr(d, "verdict", "") or "" for d in decisions.values()] + [""], dtype=object)
    if not decisions or not len(ids):
        return np.full(len(ids), "", dtype=object)
    at = pc.index_in(ids, value_set=pa.array(list(decisions), pa.string()))
    return verdicts[pc.fill_null(at, -1).to_numpy()]


def _corrected(ids: np.ndarray, decisions: Mapping[str, object]) -> np.ndarray:
    corrected = {f: getattr(d, "corrected_value", None) for f, d in decisions.items()
                 if getattr(d, "verdict", "") == "fix"}
    return pd.to_numeric(pd.Series(ids, dtype=object).map(corrected), errors="coerce").astype("float64").to_numpy()


def prepare(facts: pd.DataFrame | pa.Table | FactColumns, decisions: Mapping[str, object] | None = None,
            documents: pd.DataFrame | None = None, labels: Mapping[str, str] | None = None,
            context: pd.DataFrame | pa.Table | None = None) -> tuple[Figures, dict[str, int]]:
    """One row per usable figure (levels and changes) with its series, period, source and review state.

    The sentence, text and trace of changes (for their baseline) come from `facts` when it has
    them, else from `context` (fact_id + those columns, for the changes at least).
    """
    decisions, labels = decisions or {}, labels or {}
    present = [] if isinstance(facts, FactColumns) else (
        facts.column_names if isinstance(facts, pa.Table) else list(facts.columns))
    if context is None and all(c in present for c in CONTEXT):
        context = facts.select(["fact_id", *CONTEXT]) if isinstance(facts, pa.Table) else facts[["fact_id", *CONTEXT]]
    coded = FactColumns.of(facts)
    cols = coded.columns
    figure = cols["kind"].isin(FIGURE_KINDS)
    skipped: dict[str, int] = {"not_a_figure": int((~figure).sum())}
    verdicts = _verdicts(cols["fact_id"], decisions)
    wrong = figure & (verdicts == "wrong")
    skipped["marked_wrong"] = int(wrong.sum())
    rows = np.flatnonzero(figure & ~wrong)

    # in the order the figures keep from here on: by fact_id, then doc_id, then as they came
    fid = id_ranks(cols["fact_id"].take(pa.array(rows)))
    doc = cols["doc_id"].take(rows)
    order = np.lexsort((rows, doc.codes, fid))
    rows, fid, doc = rows[order], fid[order], doc.take(order)
    first = ~_repeated(fid, doc.codes, cols["value"][rows])  # the same fact twice: the first one counts
    rows, doc = rows[first], doc.take(first)

    value, value_max = cols["value"][rows], cols["value_max"][rows]
    numerator, denominator = cols["numerator"][rows], cols["denominator"][rows]
    verdict = verdicts[rows]
    fixed = verdict == "fix"
    if fixed.any():
        ids = np.asarray(cols["fact_id"].take(pa.array(rows[fixed])).to_numpy(zero_copy_only=False), dtype=object)
        value[fixed] = _corrected(ids, decisions)
        value_max[fixed] = numerator[fixed] = denominator[fixed] = np.nan
    reviewed = (verdict == "ok") | fixed
    has_value = ~np.isnan(value)
    skipped["no_value"] = int((~has_value).sum())
    keep = np.flatnonzero(has_value)
    rows, doc = rows[keep], doc.take(keep)
    value, value_max, numerator, denominator, reviewed = (
        value[keep], value_max[keep], numerator[keep], denominator[keep], reviewed[keep])

    def text(name: str) -> Text:
        return cols[name].take(rows)

    unit, value_kind = combine(_unit_and_kind, 2, text("unit"), text("kind"), text("value_kind"))
    usable = ~value_kind.eq("other")
    skipped["other_value_kind"] = int((~usable).sum())
    # "93% - 95%": the range's upper end is no level of its own beside the lower one (no conflict with it)
    upper = value_kind.eq("level") & text("qualifier").eq("range_high")
    skipped["range_upper_end"] = int(upper.sum())
    usable &= ~upper
    keep = np.flatnonzero(usable)
    rows, doc, unit, value_kind = rows[keep], doc.take(keep), unit.take(keep), value_kind.take(keep)
    value, value_max, numerator, denominator, reviewed = (
        value[keep], value_max[keep], numerator[keep], denominator[keep], reviewed[keep])
    modality = text("modality").map(lambda m: m if m in MODALITIES else "unknown")
    area, area_basis = _areas(doc, text("area"), text("area_basis"), documents)
    indicator, label = _indicators(text("indicator"), text("subject"), labels)
    times = _times(text("as_of_start"), text("as_of_end"), text("time_basis"), text("published"))
    sources = _sources(text("url"), doc)
    value_key = np.round(value, 9)
    value_max_key = np.round(value_max, 9)
    value_max_key[np.isnan(value_max_key)] = -np.inf
    change = ~value_kind.eq("level")
    baseline = _baselines(cols["fact_id"].take(pa.array(rows[change], pa.int64())), context, len(rows), change)

    figures = Figures(
        fact_id=cols["fact_id"].take(pa.array(rows, pa.int64())), doc=doc, sources=sources, indicator=indicator,
        indicator_label=label, area=area, area_part=text("area_part"), area_basis=area_basis, unit=unit,
        modality=modality, value_kind=value_kind, baseline=baseline, qualifier=text("qualifier"), **times,
        value=value, value_max=value_max, numerator=numerator, denominator=denominator, value_key=value_key,
        value_max_key=value_max_key, reviewed=reviewed, seen=_seen(text("published")))
    return figures, skipped


def _repeated(fid: np.ndarray, doc: np.ndarray, value: np.ndarray) -> np.ndarray:
    """Rows (sorted by fact_id, doc_id, position) repeating an earlier one's fact_id, doc_id and value."""
    out = np.zeros(len(fid), dtype=bool)
    if len(fid) < 2:
        return out
    same = (fid[1:] == fid[:-1]) & (doc[1:] == doc[:-1])
    if not same.any():
        return out
    runs = np.flatnonzero(np.r_[False, same] | np.r_[same, False])  # rows sharing fact_id and doc_id
    run = np.cumsum(np.r_[True, ~same])[runs]
    out[runs] = pd.DataFrame({"run": run, "value": value[runs]}).duplicated().to_numpy()
    return out


def _sources(url: Text, doc: Text) -> Text:
    """The article's URL, or doc:<doc_id> when it has none."""
    missing = np.flatnonzero(url.eq(""))
    if not len(missing):
        return url
    named = Text(doc.codes[missing], np.array(["doc:" + d for d in doc.values], dtype=object))  # order kept
    return _place(url, missing, named)


def _unit_and_kind(unit: str, kind: str, value_kind: str) -> tuple[str, str]:
    """The unit (by kind when missing) and the kind of value: a percentage-point figure is a change,
    an empty value kind (older extraction) a level, an unknown one `other`."""
    unit = unit or {"fraction": "ratio", "percent": "percent"}.get(kind, "")
    if unit == "percentage_point" and value_kind in ("", "level"):
        value_kind = "change"
    value_kind = value_kind or "level"
    return unit, value_kind if value_kind in VALUE_KINDS else "other"


def _areas(doc: Text, area: Text, basis: Text, documents: pd.DataFrame | None) -> tuple[Text, Text]:
    """The fact's own area; without one (and none marked by the extraction) the source's home area."""
    homes = np.full(len(doc.values), "", dtype=object)
    if documents is not None and len(documents):
        docs = documents.drop_duplicates("doc_id")
        at = pd.Index(docs["doc_id"]).get_indexer(doc.values)  # one lookup per distinct article
        found = at >= 0
        homes[found] = docs["home_area"].fillna("").to_numpy(dtype=object)[at[found]]
    home = Text.from_strings(np.array([str(h) for h in homes], dtype=object)) if len(homes) else Text(
        np.zeros(0, np.int64), np.array([], dtype=object))
    home = Text(home.codes[doc.codes], home.values) if len(doc) else Text(np.zeros(0, np.int64), home.values)

    def decide(area: str, basis: str, home: str) -> tuple[str, str]:
        if area == "" and basis == "" and home != "":
            return home, "source"
        return area, "stated" if basis == "" and area != "" else basis

    return tuple(combine(decide, 2, area, basis, home))


def _indicators(indicator: Text, subject: Text, labels: Mapping[str, str]) -> tuple[Text, Text]:
    """Lexicon indicators, else the normalised subject (labelled by its most frequent spelling)."""
    by_subject = indicator.eq("")
    flag = Text(by_subject.astype(np.int64), np.array(["lexicon", "subject"], dtype=object))
    key, = combine(lambda i, s: (i or subject_key(s),), 1, indicator, subject)
    best: dict[str, str] = {}
    if by_subject.any():  # the most frequent spelling of each subject group (ties: alphabetical)
        rows = np.flatnonzero(by_subject)
        pairs = key.codes[rows] * (len(subject.values) + 1) + subject.codes[rows]
        found, counts = np.unique(pairs, return_counts=True)
        k, s = found // (len(subject.values) + 1), found % (len(subject.values) + 1)
        order = np.lexsort((s, -counts, k))
        k, s = k[order], s[order]
        first = np.r_[True, k[1:] != k[:-1]]
        best = {key.values[a]: subject.values[b] for a, b in zip(k[first], s[first])}

    def label(i: str, kind: str) -> tuple[str]:
        if kind == "subject":
            return (f"({best.get(i) or 'không rõ chủ thể'})",)
        return (labels.get(i, i),)

    return key, combine(label, 1, key, flag)[0]


def _times(start: Text, end: Text, basis: Text, published: Text) -> dict[str, Text]:
    """TIME_PARTS of each figure (see periods.time_of) and whether it is dated by a period: once per
    distinct period and basis, and for figures without one once per distinct publication date."""
    from pipeline.timeline.periods import iso_date

    n = len(start)
    start_ok = start.per_value(lambda v: iso_date(v) is not None).astype(bool)
    end_ok = end.per_value(lambda v: iso_date(v) is not None).astype(bool)
    dated = (start_ok[start.codes] | end_ok[end.codes]) if n else np.zeros(0, dtype=bool)
    table: list[tuple] = []
    index = np.zeros(n, dtype=np.int64)
    rows = np.flatnonzero(dated)
    if len(rows):  # a period of their own: the publication day does not matter
        gid, first = group(start.codes[rows], end.codes[rows], basis.codes[rows])
        index[rows] = gid
        table += [time_of(start.values[start.codes[r]], end.values[end.codes[r]], None, basis.values[basis.codes[r]])
                  for r in rows[first]]
    rows = np.flatnonzero(~dated)
    if len(rows):  # no period: the publication day, whatever basis they were given
        gid, first = group(published.codes[rows])
        index[rows] = len(table) + gid
        table += [time_of(None, None, published.values[published.codes[r]], "") for r in rows[first]]
    out = {}
    for k, name in enumerate(TIME_PARTS):
        part = Text.from_strings([t[k] for t in table])
        out[name] = Text(part.codes[index] if n else part.codes, part.values)
    out["dated"] = out["time_basis"].isin(DATED_BASES)
    return out


def _place(whole: Text, rows: np.ndarray, part: Text) -> Text:
    """`whole` with its `rows` given by `part` (one Text over both)."""
    codes = whole.codes.astype(np.int64)
    codes[rows] = len(whole.values) + part.codes
    return Text.coded(codes, np.concatenate([whole.values, part.values]))


def _seen(published: Text) -> np.ndarray:
    """The publication day of each figure as days since 1970 (NO_DAY when it has none)."""
    days = pd.to_datetime(pd.Series(published.values, dtype=object).str.slice(0, 10), format="%Y-%m-%d",
                          errors="coerce")
    per_value = days.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    per_value[days.isna().to_numpy()] = NO_DAY
    return per_value[published.codes] if len(published) else np.zeros(0, np.int64)


def _baselines(ids: pa.Array, context, n: int, change: np.ndarray) -> Text:
    """The baseline of each change ("" for levels, and for changes whose sentence is unknown)."""
    codes = np.full(n, -1, dtype=np.int64)
    values = np.array([""], dtype=object)
    if change.any() and context is not None and len(context):
        if isinstance(context, pd.DataFrame):
            context = pa.table({c: arrow_text(context[c]) for c in ["fact_id", *CONTEXT]})
        at = pc.index_in(ids, value_set=arrow_text(context.column("fact_id")))  # its first row there
        found = pc.is_valid(at).to_numpy(zero_copy_only=False)
        if found.any():
            per_row, = combine(lambda s, t, w: (baseline_of(s, t, w),), 1,
                               *(Text.of(context.column(c)) for c in ("sentence", "text", "why")))
            codes[np.flatnonzero(change)[found]] = per_row.codes[pc.fill_null(at, 0).to_numpy()[found]]
            values = per_row.values
    return where(codes == -1, "", Text(codes, values))
