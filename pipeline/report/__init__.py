"""A report people want to look at: extracted/report.html plus the chart images in extracted/charts/.

One offline, self-contained page: interactive Vega-Lite charts (hover for value, period, area
and source; a filter by area; each chart's data as CSV and its sources linked), PNG charts as a
fallback for e-mail, the latest values, a "Cần duyệt" list, and under each chart the observations
with their quoted sentences. Only charts whose data changed are drawn again (charts/index.json).
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import html
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.corpus import atomic_write_bytes, atomic_write_text, safe_name
from pipeline.report.charts import MAX_AREAS, chart_observations, chart_rows, csv_data_uri, rows_csv, spec_json, vega_spec
from pipeline.report.fmt import UNIT_VI, fmt_number, fmt_value
from pipeline.report.page import page
from pipeline.report.png import chart_png
from pipeline.report.tables import (MAX_QUOTES, MAX_ROWS, MAX_REVIEW_ROWS, link, latest_table, observation_table,
                                    review_rows, review_section)
from pipeline.review import occurrences
from pipeline.timeline import SUBJECT_PREFIX, Timeline

REPORT_NAME = "report.html"
CHARTS_DIR = "charts"
CACHE_NAME = "index.json"
PNG_VERSION = "2"  # bump when chart_png draws differently: every PNG is drawn again
MAX_SUBJECT_GROUPS = 60
MAX_SOURCES = 12
QUOTE_COLUMNS = ["fact_id", "doc_id", "url", "published", "text", "sentence", "field", "start"]
__all__ = ["REPORT_NAME", "ReportResult", "fmt_number", "fmt_value", "write_report"]


@dataclass(frozen=True, slots=True)
class ReportResult:
    path: Path
    charts: tuple[Path, ...]
    sections: int
    redrawn: int = 0


def _quoted_ids(tables: list[pd.DataFrame]) -> list[str]:
    ids: set[str] = set()
    for rows in tables:
        for group in rows["fact_ids"]:
            ids.update(group.split()[:MAX_QUOTES + 2])
    return sorted(ids)


def quote_facts(out_dir: Path, ids: list[str], facts: pd.DataFrame | None = None) -> dict[str, dict]:
    """The facts a page quotes, by id: from `facts` when given, else read from facts.parquet."""
    if facts is None:
        path = Path(out_dir) / "facts.parquet"
        if not path.exists() or not ids:
            return {}
        wanted = pa.array(ids, type=pa.string())
        keys = pq.read_table(path, columns=["fact_id"]).column("fact_id")
        rows = pc.indices_nonzero(pc.is_in(keys, value_set=wanted))
        present = [c for c in QUOTE_COLUMNS if c in pq.read_schema(path).names]
        facts = pq.read_table(path, columns=present).take(rows).to_pandas()
    else:
        facts = facts[facts["fact_id"].isin(ids)]
    facts = facts.reindex(columns=QUOTE_COLUMNS).assign(_occurrence=lambda f: occurrences(f))
    return {f["fact_id"]: f for f in facts.to_dict("records")}


class ChartCache:
    """charts/<name>.png with the hash of the rows each was drawn from: unchanged charts are reused."""

    def __init__(self, directory: Path):
        self.directory = directory
        path = directory / CACHE_NAME
        try:
            self.known = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        except (OSError, ValueError):
            self.known = {}
        self.now: dict[str, str] = {}
        self.redrawn = 0

    def png(self, name: str, rows: pd.DataFrame, title: str, unit: str) -> tuple[bytes, Path]:
        digest = hashlib.sha256((PNG_VERSION + title + unit + rows.to_json(orient="records")).encode()).hexdigest()
        path = self.directory / f"{name}.png"
        self.now[name] = digest
        if self.known.get(name) == digest and path.exists():
            return path.read_bytes(), path
        data = chart_png(rows, title, unit)
        atomic_write_bytes(path, data)
        self.redrawn += 1
        return data, path

    def close(self) -> None:
        """Forget charts no longer drawn (their PNGs removed) and record what was drawn."""
        for stale in set(self.directory.glob("*.png")) - {self.directory / f"{n}.png" for n in self.now}:
            stale.unlink()
        atomic_write_text(self.directory / CACHE_NAME, json.dumps(self.now, indent=1, sort_keys=True) + "\n")


def _sources(rows: pd.DataFrame, titles: dict[str, str]) -> str:
    """Links to the articles behind a chart (most cited first)."""
    pairs = rows[["doc_ids", "sources"]].assign(doc=rows["doc_ids"].str.split(), url=rows["sources"].str.split())
    counted: dict[tuple[str, str], int] = {}
    for docs, urls in zip(pairs["doc"], pairs["url"]):
        for doc, url in zip(docs, urls if len(urls) == len(docs) else [""] * len(docs)):
            counted[(doc, url)] = counted.get((doc, url), 0) + 1
    best = sorted(counted, key=lambda k: (-counted[k], k))[:MAX_SOURCES]
    links = [link(url, titles.get(doc) or url or doc) for doc, url in best]
    more = f" … và {len(counted) - MAX_SOURCES} bài khác" if len(counted) > MAX_SOURCES else ""
    return f"<p class=sources>Nguồn: {' · '.join(links)}{more}</p>" if links else ""


def _chart_section(anchor: str, label: str, indicator: str, unit: str, obs: pd.DataFrame, cache: ChartCache,
                   facts: dict, titles: dict) -> tuple[str, Path]:
    drawn = chart_observations(obs)
    rows = chart_rows(drawn, titles)
    png, path = cache.png(anchor, rows, label, unit)
    image = base64.b64encode(png).decode("ascii")
    areas = obs["area"].nunique()
    notes = [f"{html.escape(indicator)} · {html.escape(UNIT_VI.get(unit, unit))} · {len(obs)} quan sát, "
             f"{int(obs['conflict'].sum())} mâu thuẫn"]
    if areas > MAX_AREAS or len(drawn) < (obs["time_end"] != "").sum():
        notes.append(f"biểu đồ vẽ {len(drawn)} điểm của {min(areas, MAX_AREAS)}/{areas} địa bàn nhiều số liệu nhất")
    hollow = ("<p class=muted>Điểm rỗng: số liệu bài báo không nêu kỳ, lấy theo ngày đăng bài; không nối vào "
              "đường và không so với số có kỳ.</p>") if rows["hollow"].any() else ""
    return (f'<section id="{anchor}"><h2>{html.escape(label)}</h2><p class=muted>{" · ".join(notes)}</p>'
            f'<div class=chart id="chart-{anchor}" role="img" aria-label="{html.escape(label, quote=True)}"></div>'
            f'<noscript><img class=chart alt="{html.escape(label, quote=True)}" src="data:image/png;base64,{image}">'
            f"</noscript>{hollow}"
            f'<p class=chart-links><a class=csv download="{anchor}.csv" href="{csv_data_uri(rows_csv(drawn))}">'
            f"Tải dữ liệu biểu đồ (CSV, {len(drawn)} dòng)</a></p>{_sources(drawn, titles)}"
            f'<script type="application/json" class="vl-spec" data-target="chart-{anchor}">'
            f"{spec_json(vega_spec(rows, unit))}</script>"
            f"{observation_table(obs, facts, titles)}</section>"), path


def render(timeline: Timeline, facts: dict, titles: dict, cache: ChartCache, generated: str) -> tuple[str, list]:
    """The whole page, and the PNG files drawn for it."""
    obs = timeline.observations
    is_subject = obs["indicator"].str.startswith(SUBJECT_PREFIX)
    indicators, subjects = obs[~is_subject], obs[is_subject]
    nav, sections, paths = [], [], []
    units = indicators.groupby("indicator")["unit"].nunique()
    for (indicator, unit), rows in indicators.groupby(["indicator", "unit"], sort=True):
        anchor = safe_name(f"{indicator}-{unit}")
        label = rows["indicator_label"].iloc[0]
        if units[indicator] > 1:  # one chart per unit: tell the sections apart
            label = f"{label} ({UNIT_VI.get(unit, unit)})"
        nav.append(f'<li><a href="#{anchor}">{html.escape(label)}</a> <span class=muted>({len(rows)})</span></li>')
        section, path = _chart_section(anchor, label, indicator, unit, rows, cache, facts, titles)
        sections.append(section)
        paths.append(path)
    if len(subjects):
        groups = subjects.groupby("indicator").size().sort_values(ascending=False, kind="stable")
        kept = groups.index[:MAX_SUBJECT_GROUPS]
        sections.append(
            "<section id=subjects><h2>Chưa khớp chỉ tiêu nào (nhóm theo chủ thể)</h2><p class=muted>"
            f"{len(subjects)} quan sát trong {len(groups)} nhóm; thêm thuật ngữ vào rules/indicators.toml để phân loại."
            + (f" Hiện {MAX_SUBJECT_GROUPS} nhóm lớn nhất." if len(groups) > MAX_SUBJECT_GROUPS else "") + "</p>"
            + "".join(f"<h3>{html.escape(subjects.loc[subjects['indicator'] == g, 'indicator_label'].iloc[0])}</h3>"
                      + observation_table(subjects[subjects["indicator"] == g], facts, titles) for g in kept)
            + "</section>")
        nav.append('<li><a href="#subjects">Chưa khớp chỉ tiêu</a></li>')
    nav.insert(0, '<li><a href="#can-duyet">Cần duyệt</a></li>')
    documents = obs["doc_ids"].str.split().explode().nunique() if len(obs) else 0
    summary = (f"{len(obs)} quan sát · {obs['indicator'].nunique()} chỉ tiêu/nhóm · {int(obs['conflict'].sum())} "
               f"mâu thuẫn · {int((obs['status'] == 'needs_review').sum())} cần duyệt · {int(obs['reviewed'].sum())} "
               f"đã duyệt · {len(timeline.changes)} số thay đổi (changes.csv) · {documents} bài báo")
    head = (f"<h1>Chỉ tiêu từ báo chí</h1><p class=muted>{html.escape(summary)} · tạo lúc {html.escape(generated)}</p>"
            "<p>Biểu đồ: di chuột lên một điểm để xem giá trị, kỳ, địa bàn và bài báo nguồn; chọn địa bàn ở ô phía "
            "trên mỗi biểu đồ. Chấm tròn là số thực tế (đường nối các số cùng chuỗi, có kỳ), ngôi sao là mục tiêu, "
            "điểm rỗng là số chỉ có ngày đăng bài, vòng đỏ là các số liệu mâu thuẫn cho cùng chỉ tiêu, địa bàn và kỳ "
            "(giữ nguyên cả hai, không lấy trung bình).</p>")
    body = (f"<h2>Mới nhất</h2>{latest_table(timeline.latest)}<nav><h2>Mục lục</h2><ul>{''.join(nav)}</ul></nav>"
            + review_section(obs, facts, titles) + "".join(sections))
    return page("chitieu – báo cáo chỉ tiêu", head, body, interactive=bool(paths)), paths


def write_report(out_dir: Path, timeline: Timeline, *, facts: pd.DataFrame | None = None,
                 documents: pd.DataFrame | None = None, generated: str | None = None) -> ReportResult:
    """report.html and charts/<indicator>-<unit>.png (charts of indicators no longer present are removed).

    The facts quoted under the charts are read from OUT/facts.parquet unless `facts` is given.
    """
    out_dir = Path(out_dir)
    obs = timeline.observations
    shown = [rows.sort_values(["time_end", "time_start", "area", "modality", "value"], ascending=False).head(MAX_ROWS)
             for _, rows in obs.groupby(["indicator", "unit"], sort=True)] if len(obs) else []
    shown.append(review_rows(obs).head(MAX_REVIEW_ROWS))
    quoted = quote_facts(out_dir, _quoted_ids(shown), facts)
    titles = (documents.set_index("doc_id")["title"].fillna("").to_dict()
              if documents is not None and len(documents) else {})
    cache = ChartCache(out_dir / CHARTS_DIR)
    generated = generated or dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    text, paths = render(timeline, quoted, titles, cache, generated)
    cache.close()
    atomic_write_text(out_dir / REPORT_NAME, text)
    return ReportResult(out_dir / REPORT_NAME, tuple(paths), len(paths), cache.redrawn)
