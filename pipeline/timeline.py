"""Facts → observations → timeline: the figures an analyst can line up and trust.

One observation is one figure (value, unit) for one indicator, area, period and modality. The
same figure repeated by several articles becomes one observation with several sources; different
figures for the same indicator/area/period/modality are all kept and flagged as a conflict, never
averaged. Output does not depend on the order of the input facts.
"""
from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import logging
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd

from pipeline.corpus import iter_articles
from pipeline.errors import CorpusError, PipelineError
from pipeline.factstore import read_facts, write_csv
from pipeline.records import FACT_COLUMNS, Article, parse_published
from pipeline.rules import indicator_labels

log = logging.getLogger(__name__)

OBSERVATION_KINDS = ("fraction", "percent")
MODALITIES = ("actual", "target", "unknown")
SUBJECT_PREFIX = "subject:"
SERIES_KEYS = ["indicator", "area", "unit", "modality"]
TIME_KEYS = ["time_start", "time_end"]
TIMELINE_COLUMNS = [
    "indicator", "indicator_label", "area", "time_period", "time_start", "time_end", "grain",
    "time_basis", "value", "value_max", "unit", "qualifier", "numerator", "denominator", "modality",
    "n_sources", "sources", "status", "conflict", "reviewed", "n_facts", "fact_ids", "doc_ids",
    "first_seen", "last_seen", "observation_id",
]
LATEST_SERIES = ["indicator", "indicator_label", "area", "unit"]


@dataclass(frozen=True, slots=True)
class Timeline:
    """The three tables written by `chitieu timeline`, plus why facts were left out."""

    observations: pd.DataFrame
    wide: pd.DataFrame
    latest: pd.DataFrame
    skipped: dict[str, int] = field(default_factory=dict)


def load_articles(corpus_dir: Path, doc_ids: Iterable[str] | None = None) -> dict[str, Article]:
    """Corpus articles by id (only `doc_ids` when given); a missing corpus gives an empty map."""
    wanted = set(doc_ids) if doc_ids is not None else None
    found: dict[str, Article] = {}
    try:
        for article in iter_articles(Path(corpus_dir), lambda exc: log.warning("skipping %s", exc)):
            if wanted is None or article.id in wanted:
                found[article.id] = article
    except CorpusError as exc:
        log.info("no corpus to join (%s): titles and sources come from the facts alone", exc)
    return found


def home_areas(rules_dir: Path) -> dict[str, str]:
    """Source host → home area from rules/sources.toml; absent file or keys give no defaults."""
    path = Path(rules_dir) / "sources.toml"
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise PipelineError(f"{path}: cannot read home areas: {exc}") from None
    areas = {}
    for entry in data.get("source", []):
        if isinstance(entry, dict) and entry.get("name") and entry.get("home_area"):
            areas[host_key(str(entry["name"]))] = str(entry["home_area"])
    return areas


def host_key(host: str) -> str:
    host = host.strip().lower()
    return host[4:] if host.startswith("www.") else host


def url_host(url: object) -> str:
    if not isinstance(url, str) or not url:
        return ""
    return host_key(urlsplit(url).hostname or "")


def subject_key(subject: object) -> str:
    """A stable ASCII id for a free-text subject: "Chỉ tiêu" → "subject:chi_tieu"."""
    text = str(subject or "").replace("đ", "d").replace("Đ", "D")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "_", text).strip("_")
    return SUBJECT_PREFIX + (slug or "none")


def _iso_date(value: object) -> dt.date | None:
    if not isinstance(value, str) or len(value.strip()) != 10:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        return None


def _month_end(year: int, month: int) -> int:
    return calendar.monthrange(year, month)[1]


def period_of(start: dt.date, end: dt.date) -> tuple[str, str]:
    """(grain, SDMX-like label) of a period: 2023-12-31, 2023-12, 2023-Q4, 2023-S2, 2023, 2021/2025."""
    if start == end:
        return "day", start.isoformat()
    whole_months = start.day == 1 and end.day == _month_end(end.year, end.month)
    if whole_months and start.year == end.year:
        months = end.month - start.month + 1
        if months == 1:
            return "month", f"{start.year}-{start.month:02d}"
        if months == 3 and start.month % 3 == 1:
            return "quarter", f"{start.year}-Q{start.month // 3 + 1}"
        if months == 6 and start.month in (1, 7):
            return "half", f"{start.year}-S{1 if start.month == 1 else 2}"
        if months == 12:
            return "year", str(start.year)
    if whole_months and start.month == 1 and end.month == 12 and end.year > start.year:
        return "multi-year", f"{start.year}/{end.year}"
    return "period", f"{start.isoformat()}/{end.isoformat()}"


def _time_of(as_of_start: object, as_of_end: object, published: object) -> tuple[str, str, str, str, str]:
    """(time_start, time_end, grain, time_period, time_basis): the as-of period, else publication day."""
    start, end = _iso_date(as_of_start), _iso_date(as_of_end)
    basis = "as_of"
    if start is None and end is None:
        try:
            start = end = parse_published(published) if isinstance(published, str) else None
        except ValueError:
            start = end = None
        basis = "published"
    start, end = start or end, end or start
    if start is None or end is None:
        return "", "", "", "unknown", "none"
    if end < start:
        start, end = end, start
    grain, label = period_of(start, end)
    return start.isoformat(), end.isoformat(), grain, label, basis


def _value_key(values: pd.Series) -> pd.Series:
    """Equal figures compare equal even when computed differently (20/27 vs 40/54); -inf for none."""
    return values.astype("float64").round(9).fillna(float("-inf"))


def prepare(facts: pd.DataFrame, decisions: Mapping[str, object] | None = None,
            articles: Mapping[str, Article] | None = None, areas: Mapping[str, str] | None = None,
            labels: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, dict[str, int]]:
    """Facts → one row per usable figure with its series, period, source and review state."""
    decisions, articles, areas, labels = decisions or {}, articles or {}, areas or {}, labels or {}
    frame = facts.reindex(columns=list(FACT_COLUMNS)).copy()
    frame = frame.astype({c: object for c in frame.columns if frame[c].dtype == object})
    frame = frame.drop_duplicates().reset_index(drop=True)
    skipped: dict[str, int] = {}

    is_obs = frame["kind"].isin(OBSERVATION_KINDS)
    skipped["not_a_figure"] = int((~is_obs).sum())
    frame = frame[is_obs].copy()

    verdicts = frame["fact_id"].map(lambda f: getattr(decisions.get(f), "verdict", ""))
    skipped["marked_wrong"] = int((verdicts == "wrong").sum())
    frame, verdicts = frame[verdicts != "wrong"].copy(), verdicts[verdicts != "wrong"]
    fixed = verdicts == "fix"
    if fixed.any():
        frame.loc[fixed, "value"] = frame.loc[fixed, "fact_id"].map(
            lambda f: float(decisions[f].corrected_value))
        frame.loc[fixed, ["value_max", "numerator", "denominator"]] = float("nan")
    frame["reviewed"] = verdicts.isin(["ok", "fix"]).astype(bool)

    frame["value"] = pd.to_numeric(frame["value"], errors="coerce")
    frame["value_max"] = pd.to_numeric(frame["value_max"], errors="coerce")
    skipped["no_value"] = int(frame["value"].isna().sum())
    frame = frame[frame["value"].notna()].copy()

    default_unit = frame["kind"].map({"fraction": "ratio", "percent": "percent"})
    frame["unit"] = frame["unit"].where(frame["unit"].fillna("").astype(str) != "", default_unit)
    frame["modality"] = frame["modality"].where(frame["modality"].isin(MODALITIES), "unknown")

    hosts = {d: host_key(a.source) for d, a in articles.items() if a.source}
    frame["source"] = [hosts.get(d) or url_host(u) for d, u in zip(frame["doc_id"], frame["url"])]
    own_area = frame["area"].fillna("").astype(str).str.strip()
    frame["area"] = own_area.where(own_area != "", frame["source"].map(lambda h: areas.get(h, "")))

    indicator = frame["indicator"].fillna("").astype(str).str.strip()
    by_subject = indicator == ""
    indicator = indicator.where(~by_subject, frame["subject"].map(subject_key))
    frame["indicator"] = indicator
    frame["indicator_label"] = indicator.map(lambda i: labels.get(i, i))
    if by_subject.any():
        frame.loc[by_subject, "indicator_label"] = _subject_labels(frame[by_subject])

    times = {key: _time_of(*key) for key in
             set(zip(frame["as_of_start"], frame["as_of_end"], frame["published"]))}
    parts = [times[k] for k in zip(frame["as_of_start"], frame["as_of_end"], frame["published"])]
    for n, name in enumerate(["time_start", "time_end", "grain", "time_period", "time_basis"]):
        frame[name] = [p[n] for p in parts]
    seen = {p: _iso_date(str(p)[:10]) for p in frame["published"].dropna().unique()}
    frame["seen"] = frame["published"].map(lambda p: seen.get(p).isoformat() if seen.get(p) else None)
    frame["sources"] = [u if isinstance(u, str) and u else f"doc:{d}" for u, d in zip(frame["url"], frame["doc_id"])]
    frame["value_key"] = _value_key(frame["value"])
    frame["value_max_key"] = _value_key(frame["value_max"])
    frame["qualifier"] = frame["qualifier"].fillna("").astype(str)
    frame = frame.sort_values(["fact_id", "doc_id", "value_key", "time_start", "time_end"], kind="stable")
    return frame.reset_index(drop=True), skipped


def _subject_labels(rows: pd.DataFrame) -> pd.Series:
    """The most frequent spelling of each subject group (ties: alphabetical), so labels are stable."""
    counts = rows.groupby(["indicator", "subject"], dropna=False).size().reset_index(name="n")
    counts["subject"] = counts["subject"].fillna("").astype(str)
    counts = counts.sort_values(["indicator", "n", "subject"], ascending=[True, False, True])
    best = counts.drop_duplicates("indicator").set_index("indicator")["subject"]
    return rows["indicator"].map(lambda i: f"({best[i] or 'không rõ chủ thể'})")


def _joined(frame: pd.DataFrame, column: str, sep: str) -> pd.Series:
    """Sorted distinct non-empty values of `column` per group id, joined."""
    distinct = frame[["gid", column]].dropna().drop_duplicates()
    distinct = distinct[distinct[column].astype(str) != ""].sort_values(["gid", column])
    return distinct.groupby("gid", sort=True)[column].agg(sep.join)


def observations(prepared: pd.DataFrame) -> pd.DataFrame:
    """One row per distinct figure; repeated figures merged, conflicting ones flagged side by side."""
    keys = SERIES_KEYS + TIME_KEYS + ["value_key", "value_max_key"]
    if prepared.empty:
        return pd.DataFrame(columns=TIMELINE_COLUMNS)
    # Group once on an integer id: the per-column aggregations then stay on pandas' fast paths.
    frame = prepared.assign(gid=prepared.groupby(keys, sort=True).ngroup(),
                            seen_day=pd.to_datetime(prepared["seen"], format="%Y-%m-%d"),
                            stated=prepared["time_basis"] == "as_of")
    # prepared is sorted by fact_id, so the first row of a group is the same whatever the input order
    obs = frame.drop_duplicates("gid").set_index("gid").sort_index()[
        keys + ["indicator_label", "time_period", "grain", "value", "value_max", "numerator", "denominator"]]
    grouped = frame.groupby("gid", sort=True)
    obs["n_sources"] = grouped["doc_id"].nunique()
    obs["n_facts"] = grouped.size()
    obs["reviewed"] = grouped["reviewed"].any()
    obs["time_basis"] = grouped["stated"].any().map({True: "as_of", False: "published"})
    obs.loc[obs["time_period"] == "unknown", "time_basis"] = "none"
    for name, how in (("first_seen", "min"), ("last_seen", "max")):
        obs[name] = grouped["seen_day"].agg(how).dt.strftime("%Y-%m-%d")
    for column, source_column, sep in (("qualifier", "qualifier", "|"), ("sources", "sources", " "),
                                       ("fact_ids", "fact_id", " "), ("doc_ids", "doc_id", " ")):
        obs[column] = _joined(frame, source_column, sep)
        obs[column] = obs[column].fillna("")
    obs = obs.reset_index(drop=True)
    obs["observation_id"] = [hashlib.sha1("|".join(map(str, k)).encode("utf-8")).hexdigest()[:16]
                             for k in obs[keys].itertuples(index=False)]
    obs["conflict"] = obs.groupby(SERIES_KEYS + TIME_KEYS)["value_key"].transform("size") > 1
    obs["status"] = "single_source"
    obs.loc[obs["n_sources"] > 1, "status"] = "corroborated"
    obs.loc[obs["reviewed"], "status"] = "reviewed"
    obs["n_sources"] = obs["n_sources"].astype("int64")
    obs["n_facts"] = obs["n_facts"].astype("int64")
    obs = obs.sort_values(SERIES_KEYS + TIME_KEYS + ["value", "value_max", "observation_id"], kind="stable")
    return obs[TIMELINE_COLUMNS].reset_index(drop=True)


def _cell(values: list[float]) -> object:
    """A single figure stays a number; a conflict shows every figure, never an average."""
    distinct = sorted(set(values))
    return distinct[0] if len(distinct) == 1 else " | ".join(f"{v:.6g}" for v in distinct)


def wide(obs: pd.DataFrame) -> pd.DataFrame:
    """Indicator × period pivot of the observations (conflicting cells list every value)."""
    index = ["indicator", "indicator_label", "area", "unit", "modality"]
    if obs.empty:
        return pd.DataFrame(columns=index)
    cells = obs.groupby(index + ["time_period"], sort=True)["value"].agg(lambda s: _cell(list(s)))
    table = cells.unstack("time_period")
    order = obs.groupby("time_period")[["time_start", "time_end"]].min()
    order["unknown"] = order["time_start"] == ""
    columns = order.sort_values(["unknown", "time_start", "time_end"]).index
    table = table.reindex(columns=[c for c in columns if c in table.columns])
    table.columns.name = None
    return table.reset_index()


def _latest_of(obs: pd.DataFrame, modality: str) -> pd.DataFrame:
    """Per series, the observation(s) with the latest period end (then latest start)."""
    rows = obs[(obs["modality"] == modality) & (obs["time_end"] != "")]
    if rows.empty:
        return pd.DataFrame(columns=LATEST_SERIES)
    rows = rows.assign(when=rows["time_end"] + "|" + rows["time_start"])
    rows = rows[rows["when"] == rows.groupby(LATEST_SERIES)["when"].transform("max")]
    agg = rows.groupby(LATEST_SERIES, sort=True).agg(
        values=("value", lambda s: sorted(set(s))), time_period=("time_period", "first"),
        time_end=("time_end", "first"), n_sources=("n_sources", "sum"),
    )
    out = pd.DataFrame(index=agg.index)
    out[f"{modality}_value"] = agg["values"].map(lambda v: v[0] if len(v) == 1 else float("nan"))
    out[f"{modality}_values"] = agg["values"].map(lambda v: " | ".join(f"{x:.6g}" for x in v))
    out[f"{modality}_conflict"] = agg["values"].map(len) > 1
    out[f"{modality}_time_period"] = agg["time_period"]
    out[f"{modality}_time_end"] = agg["time_end"]
    out[f"{modality}_n_sources"] = agg["n_sources"].astype("int64")
    return out.reset_index()


def latest(obs: pd.DataFrame) -> pd.DataFrame:
    """Latest actual and latest-deadline target per indicator/area/unit, and progress = actual/target.

    Progress is a plain ratio: the lexicon does not say whether an indicator should go up or
    down, so `gap` (target − actual, in the series unit) is given alongside.
    """
    actual, target = _latest_of(obs, "actual"), _latest_of(obs, "target")
    table = actual.merge(target, on=LATEST_SERIES, how="outer")
    for modality in ("actual", "target"):
        for suffix, empty in (("value", float("nan")), ("values", ""), ("conflict", False),
                              ("time_period", ""), ("time_end", ""), ("n_sources", 0)):
            column = f"{modality}_{suffix}"
            if column not in table:
                table[column] = empty
            elif suffix != "value":
                table[column] = table[column].astype(object).where(table[column].notna(), empty)
        table[f"{modality}_conflict"] = table[f"{modality}_conflict"].astype(bool)
        table[f"{modality}_n_sources"] = table[f"{modality}_n_sources"].astype("int64")
    actual_value = pd.to_numeric(table["actual_value"]).astype("float64")
    target_value = pd.to_numeric(table["target_value"]).astype("float64")
    table["progress"] = (actual_value / target_value.where(target_value != 0)).round(6)
    table["gap"] = (target_value - actual_value).round(9)
    return table.sort_values(LATEST_SERIES, kind="stable").reset_index(drop=True)


def build_timeline(facts: pd.DataFrame, *, decisions: Mapping[str, object] | None = None,
                   articles: Mapping[str, Article] | None = None, areas: Mapping[str, str] | None = None,
                   labels: Mapping[str, str] | None = None) -> Timeline:
    """The pure core: facts (+ review decisions, corpus, home areas, labels) → timeline tables."""
    prepared, skipped = prepare(facts, decisions, articles, areas, labels)
    obs = observations(prepared)
    return Timeline(observations=obs, wide=wide(obs), latest=latest(obs), skipped=skipped)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything the stages after extraction read from disk, loaded once."""

    facts: pd.DataFrame
    decisions: Mapping[str, object]
    articles: Mapping[str, Article]
    areas: Mapping[str, str]
    labels: Mapping[str, str]

    def timeline(self) -> Timeline:
        return build_timeline(self.facts, decisions=self.decisions, articles=self.articles,
                              areas=self.areas, labels=self.labels)


def load_inputs(out_dir: Path, corpus_dir: Path, rules_dir: Path) -> Inputs:
    """Facts, review decisions, the articles they come from, home areas and indicator labels."""
    from pipeline.review import load_decisions  # review needs nothing from here; avoid a cycle

    facts = read_facts(out_dir)
    return Inputs(facts=facts, decisions=load_decisions(out_dir),
                  articles=load_articles(corpus_dir, facts["doc_id"].dropna().unique()),
                  areas=home_areas(rules_dir), labels=indicator_labels(rules_dir))


def write_timeline(out_dir: Path, timeline: Timeline) -> dict[str, Path]:
    """timeline.csv, timeline_wide.csv and latest.csv in `out_dir`, written atomically."""
    out_dir = Path(out_dir)
    paths = {name: out_dir / f"{name}.csv" for name in ("timeline", "timeline_wide", "latest")}
    write_csv(paths["timeline"], timeline.observations)
    write_csv(paths["timeline_wide"], timeline.wide)
    write_csv(paths["latest"], timeline.latest)
    return paths
