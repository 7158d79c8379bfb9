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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.atomic import atomic_write_bytes, atomic_write_text
from pipeline.corpus import safe_name
from pipeline.layout import CHART_INDEX, CHARTS_DIR, REPORT, OutDir
from pipeline.report.charts import chart_rows, csv_data_uri, rows_csv, spec_json, vega_spec
from pipeline.report.fmt import UNIT_VI, fmt_number, fmt_value
from pipeline.report.page import page
from pipeline.report.png import chart_png
from pipeline.report.select import MAX_AREAS, Group, Selection
from pipeline.report.tables import MAX_QUOTES, latest_table, link, observation_table, review_section
from pipeline.review import occurrences
from pipeline.tables.files import plain
from pipeline.timeline import Timeline

REPORT_NAME, CACHE_NAME = REPORT, CHART_INDEX
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
        path = OutDir(out_dir).facts_parquet
        if not path.exists() or not ids:
            return {}
        wanted = pa.array(ids, type=pa.string())
        keys = pq.read_table(path, columns=["fact_id"]).column("fact_id")
        rows = pc.indices_nonzero(pc.is_in(keys, value_set=wanted))
        schema = pq.read_schema(path)
        present = [c for c in QUOTE_COLUMNS if c in schema.names]
        text = [f.name for f in schema if f.name in present and f.name != "fact_id" and pa.types.is_string(f.type)]
        # text read as dictionaries: a million sentences are not made into strings to keep a few hundred
        quoted = pq.read_table(path, columns=present, read_dictionary=text).take(rows)
        facts = plain(quoted).to_pandas()
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


def _chart_section(anchor: str, label: str, indicator: str, unit: str, group: Group, cache: ChartCache,
                   facts: dict, titles: dict) -> tuple[str, Path]:
    drawn = group.drawn
    rows = chart_rows(drawn, titles)
    png, path = cache.png(anchor, rows, label, unit)
    image = base64.b64encode(png).decode("ascii")
    notes = [f"{html.escape(indicator)} · {html.escape(UNIT_VI.get(unit, unit))} · {group.count} quan sát, "
             f"{group.conflicts} mâu thuẫn"]
    if group.areas > MAX_AREAS or len(drawn) < group.dated:
        notes.append(f"biểu đồ vẽ {len(drawn)} điểm của {min(group.areas, MAX_AREAS)}/{group.areas} địa bàn "
                     "nhiều số liệu nhất")
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
            f"{observation_table(group.top, facts, titles, group.count)}</section>"), path


@dataclass(frozen=True, slots=True)
class Shown:
    """What the page shows of the observations: a bounded set of rows, whatever their number."""

    selection: Selection
    charts: list[Group]  # one per indicator and unit, in key order
    subjects: list[Group]  # the MAX_SUBJECT_GROUPS largest subject groups
    subject_groups: int
    subject_rows: int
    review: tuple[pd.DataFrame, dict[str, int], int]
    subject_quotes: pd.DataFrame  # the newest rows of each subject group and unit, in one frame

    @classmethod
    def pick(cls, timeline: Timeline) -> Shown:
        sel = Selection(timeline.arrow("observations"))
        subject = sel.subject_rows()
        indicator = np.setdiff1d(np.arange(sel.n), subject, assume_unique=True)
        charts = [sel.describe(key, rows, chart=True) for key, rows in sel.groups(["indicator", "unit"], indicator)]
        groups = sel.groups(["indicator"], subject)
        biggest = sorted(range(len(groups)), key=lambda k: -len(groups[k][1]))[:MAX_SUBJECT_GROUPS]  # stable
        subjects = [sel.describe(*groups[k], chart=False) for k in biggest]
        # the facts quoted are those of the newest rows of every indicator and unit, subjects too: which of
        # several equal figures in one sentence a quote marks is counted among them (review.occurrences)
        newest = [sel.newest(rows) for _, rows in sel.groups(["indicator", "unit"], subject)]
        quoted = sel.frame(np.concatenate(newest) if newest else np.zeros(0, np.int64))  # one frame, not one a group
        return cls(sel, charts, subjects, len(groups), len(subject), sel.review(), quoted)

    def quoted(self) -> list[pd.DataFrame]:
        return [g.top for g in self.charts] + [self.subject_quotes, self.review[0]]


def _titles(documents: pd.DataFrame | None, shown: Shown, quoted: dict[str, dict]) -> dict[str, str]:
    """Titles of the articles the page names (charts' sources, quoted sentences), by doc_id."""
    if documents is None or not len(documents):
        return {}
    named = {doc for g in shown.charts if g.drawn is not None for ids in g.drawn["doc_ids"] for doc in ids.split()}
    named |= {fact["doc_id"] for fact in quoted.values()}
    docs = documents[documents["doc_id"].isin(named)]
    return docs.set_index("doc_id")["title"].fillna("").to_dict()


def render(timeline: Timeline, shown: Shown, facts: dict, titles: dict, cache: ChartCache,
           generated: str) -> tuple[str, list]:
    """The whole page, and the PNG files drawn for it."""
    sel = shown.selection
    nav, sections, paths = [], [], []
    units: dict[str, int] = {}
    for group in shown.charts:
        units[group.key[0]] = units.get(group.key[0], 0) + 1
    for group in shown.charts:
        indicator, unit = group.key
        anchor = safe_name(f"{indicator}-{unit}")
        label = group.label
        if units[indicator] > 1:  # one chart per unit: tell the sections apart
            label = f"{label} ({UNIT_VI.get(unit, unit)})"
        nav.append(f'<li><a href="#{anchor}">{html.escape(label)}</a> <span class=muted>({group.count})</span></li>')
        section, path = _chart_section(anchor, label, indicator, unit, group, cache, facts, titles)
        sections.append(section)
        paths.append(path)
    if shown.subject_rows:
        sections.append(
            "<section id=subjects><h2>Chưa khớp chỉ tiêu nào (nhóm theo chủ thể)</h2><p class=muted>"
            f"{shown.subject_rows} quan sát trong {shown.subject_groups} nhóm; thêm thuật ngữ vào "
            "rules/indicators.toml để phân loại."
            + (f" Hiện {MAX_SUBJECT_GROUPS} nhóm lớn nhất." if shown.subject_groups > MAX_SUBJECT_GROUPS else "")
            + "</p>"
            + "".join(f"<h3>{html.escape(g.label)}</h3>" + observation_table(g.top, facts, titles, g.count)
                      for g in shown.subjects)
            + "</section>")
        nav.append('<li><a href="#subjects">Chưa khớp chỉ tiêu</a></li>')
    nav.insert(0, '<li><a href="#can-duyet">Cần duyệt</a></li>')
    summary = (f"{sel.n} quan sát · {sel.distinct('indicator')} chỉ tiêu/nhóm · {sel.count('conflict')} "
               f"mâu thuẫn · {sel.count('status', 'needs_review')} cần duyệt · {sel.count('reviewed')} "
               f"đã duyệt · {timeline.rows('changes')} số thay đổi (changes.csv) · {sel.documents()} bài báo")
    head = (f"<h1>Chỉ tiêu từ báo chí</h1><p class=muted>{html.escape(summary)} · tạo lúc {html.escape(generated)}</p>"
            "<p>Biểu đồ: di chuột lên một điểm để xem giá trị, kỳ, địa bàn và bài báo nguồn; chọn địa bàn ở ô phía "
            "trên mỗi biểu đồ. Chấm tròn là số thực tế (đường nối các số cùng chuỗi, có kỳ), ngôi sao là mục tiêu, "
            "điểm rỗng là số chỉ có ngày đăng bài, vòng đỏ là các số liệu mâu thuẫn cho cùng chỉ tiêu, địa bàn và kỳ "
            "(giữ nguyên cả hai, không lấy trung bình).</p>")
    body = (f"<h2>Mới nhất</h2>{latest_table(timeline.latest)}<nav><h2>Mục lục</h2><ul>{''.join(nav)}</ul></nav>"
            + review_section(*shown.review, facts, titles) + "".join(sections))
    return page("chitieu – báo cáo chỉ tiêu", head, body, interactive=bool(paths)), paths


def write_report(out_dir: Path, timeline: Timeline, *, facts: pd.DataFrame | None = None,
                 documents: pd.DataFrame | None = None, generated: str | None = None) -> ReportResult:
    """report.html and charts/<indicator>-<unit>.png (charts of indicators no longer present are removed).

    The facts quoted under the charts are read from OUT/facts.parquet unless `facts` is given. Only
    the rows the page shows become pandas rows (report.select), so its cost does not grow with the
    number of facts.
    """
    out_dir = Path(out_dir)
    shown = Shown.pick(timeline)
    quoted = quote_facts(out_dir, _quoted_ids(shown.quoted()), facts)
    titles = _titles(documents, shown, quoted)
    cache = ChartCache(out_dir / CHARTS_DIR)
    generated = generated or dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    text, paths = render(timeline, shown, quoted, titles, cache, generated)
    cache.close()
    atomic_write_text(out_dir / REPORT_NAME, text)
    return ReportResult(out_dir / REPORT_NAME, tuple(paths), len(paths), cache.redrawn)
