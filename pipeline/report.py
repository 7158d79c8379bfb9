"""A report people want to look at: extracted/report.html plus the chart images in extracted/charts/.

The page is self-contained (inline CSS, charts as base64 PNG, a CSP that forbids any fetch), so it
works offline and from an e-mail attachment. Charts are drawn by matplotlib with DejaVu Sans, which
has the Vietnamese glyphs; every text from articles is HTML-escaped.
"""
from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402  (after choosing the backend)
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from pipeline.corpus import atomic_write_bytes, atomic_write_text, safe_name  # noqa: E402
from pipeline.records import Article  # noqa: E402
from pipeline.review import figure_in_sentence  # noqa: E402
from pipeline.timeline import SUBJECT_PREFIX, Timeline, url_host  # noqa: E402

REPORT_NAME = "report.html"
CHARTS_DIR = "charts"
MAX_ROWS = 200
MAX_QUOTES = 4
MAX_SUBJECT_GROUPS = 60
MAX_AREAS = 6  # colours in one chart; more areas are listed in the table under it
MAX_LABELS = 30  # value labels next to points only while they stay readable
MODALITY_VI = {"actual": "thực tế", "target": "mục tiêu", "unknown": "không rõ"}
UNIT_VI = {"percent": "%", "ratio": "tỷ lệ", "percentage_point": "điểm %"}
CONFLICT_COLOUR = "#d62728"
CSS = """
body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;
color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #e5e7eb;padding-bottom:.2rem}
.muted{color:#6b7280;font-size:.9rem}img.chart{max-width:100%;height:auto;border:1px solid #e5e7eb}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.conflict td{background:#fdecec}mark{background:#fff3b0;padding:0 .1em}
.badge{display:inline-block;white-space:nowrap;border-radius:.6rem;padding:0 .45rem;font-size:.75rem;margin:.05rem}
.b-conflict{background:#d62728;color:#fff}.b-reviewed{background:#2ca02c;color:#fff}
.b-target{background:#1f77b4;color:#fff}blockquote{margin:.15rem 0;padding-left:.5rem;border-left:3px solid #d1d5db}
nav ul{columns:2;font-size:.9rem}
"""


@dataclass(frozen=True, slots=True)
class ReportResult:
    path: Path
    charts: tuple[Path, ...]
    sections: int


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


def chart_areas(obs: pd.DataFrame) -> list[str]:
    """The areas a chart draws: the MAX_AREAS with most observations (the table lists them all)."""
    counts = obs[obs["time_end"] != ""].groupby("area").size().reset_index(name="n")
    counts = counts.sort_values(["n", "area"], ascending=[False, True])
    return list(counts["area"][:MAX_AREAS])


def _dates(days: pd.Series) -> pd.Series:
    return pd.to_datetime(days, format="%Y-%m-%d")


def _legend(ax, areas: list[str], colours, shown: pd.DataFrame) -> None:
    """One entry per area colour, one per marker meaning: readable with many points."""
    handles = [Line2D([], [], marker="s", ls="none", color=colours(n % 10), label=a or "không rõ địa bàn")
               for n, a in enumerate(areas)]
    for modality, marker, size, label in (("actual", "o", 6, "thực tế"), ("target", "*", 12, "mục tiêu"),
                                          ("unknown", "x", 6, "không rõ")):
        if (shown["modality"] == modality).any():
            handles.append(Line2D([], [], marker=marker, ms=size, ls="none", color="#4b5563", label=label))
    if shown["conflict"].any():
        handles.append(Line2D([], [], marker="o", ms=12, ls="none", mfc="none", mec=CONFLICT_COLOUR, mew=2,
                              label="mâu thuẫn"))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)


def chart_png(obs: pd.DataFrame, title: str, unit: str) -> bytes:
    """Actual values as lines per area, targets as stars, conflicting figures ringed in red."""
    plt.rcParams["font.family"] = "DejaVu Sans"
    fig, ax = plt.subplots(figsize=(9, 3.8), dpi=100)
    areas = chart_areas(obs)
    shown = obs[(obs["time_end"] != "") & obs["area"].isin(areas)]
    colours = plt.get_cmap("tab10")
    for n, area in enumerate(areas):
        colour, rows = colours(n % 10), shown[shown["area"] == area]
        actual = rows[rows["modality"] == "actual"].sort_values(["time_end", "value"])
        clean = actual[~actual["conflict"]]
        ax.plot(_dates(clean["time_end"]), clean["value"], "-", color=colour, alpha=.6)
        ax.plot(_dates(actual["time_end"]), actual["value"], "o", color=colour, ms=5)
        spans = actual[actual["time_start"] != actual["time_end"]]
        ax.hlines(spans["value"], _dates(spans["time_start"]), _dates(spans["time_end"]), color=colour, lw=3,
                  alpha=.25)
        target = rows[rows["modality"] == "target"]
        ax.plot(_dates(target["time_end"]), target["value"], "*", ms=14, color=colour, markeredgecolor="black",
                markeredgewidth=.6, ls="none")
        unknown = rows[rows["modality"] == "unknown"]
        ax.plot(_dates(unknown["time_end"]), unknown["value"], "x", color=colour, ls="none")
    if len(shown) <= MAX_LABELS:
        for r in shown.to_dict("records"):
            text = fmt_number(r["value"], unit) + (f" ({r['time_period']})" if r["modality"] == "target" else "")
            ax.annotate(text, (_dates(pd.Series([r["time_end"]]))[0], r["value"]), textcoords="offset points",
                        xytext=(7, 5), fontsize=8, color="#374151")
    conflicts = shown[shown["conflict"]]
    ax.scatter(_dates(conflicts["time_end"]), conflicts["value"], s=220, facecolors="none",
               edgecolors=CONFLICT_COLOUR, linewidths=1.8, zorder=5)
    if unit == "ratio":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v * 100:.3g}%".replace(".", ",")))
    elif unit == "percent":
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.3g}%".replace(".", ",")))
    locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator, show_offset=False))
    if len(shown):
        days = pd.concat([_dates(shown["time_start"]), _dates(shown["time_end"])])
        ax.set_xlim(days.min() - pd.Timedelta(days=120), days.max() + pd.Timedelta(days=240))
        low, high = shown["value"].min(), shown["value"].max()
        pad = (high - low) * .15 or abs(high) * .1 or 1
        ax.set_ylim(low - pad, high + pad * 1.5)
    ax.set_title(title, fontsize=12, loc="left")
    ax.set_ylabel(UNIT_VI.get(unit, unit))
    ax.grid(alpha=.3)
    _legend(ax, areas, colours, shown)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _link(url: object, text: str) -> str:
    """Only http(s) URLs become links: a javascript: URL in a corpus must not run in the report."""
    label = html.escape(text)
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{label}</a>'
    return label


def _quotes(fact_ids: str, facts: Mapping[str, dict], articles: Mapping[str, Article]) -> str:
    """The supporting sentences, figure marked, each with a link to its article."""
    parts, seen = [], set()
    ids = fact_ids.split()
    for fid in ids:
        fact = facts.get(fid)
        if fact is None:
            continue
        article = articles.get(fact["doc_id"])
        before, figure, after = figure_in_sentence(fact, article)
        key = (before, figure, after, fact["doc_id"])
        if key in seen:
            continue
        seen.add(key)
        source = (article.title if article and article.title else "") or url_host(fact.get("url")) or fact["doc_id"]
        published = fact.get("published") or ""
        parts.append(f"<blockquote>“{html.escape(before)}<mark>{html.escape(figure)}</mark>{html.escape(after)}”"
                     f"<br><span class=muted>— {_link(fact.get('url'), source)}"
                     f"{html.escape(f', {str(published)[:10]}') if published else ''}</span></blockquote>")
        if len(parts) == MAX_QUOTES:
            break
    if len(ids) > len(parts) and len(parts) == MAX_QUOTES:
        parts.append(f"<span class=muted>… và {len(ids) - MAX_QUOTES} nguồn khác (timeline.csv)</span>")
    return "".join(parts)


def _badges(row: Mapping) -> str:
    out = []
    if row["conflict"]:
        out.append('<span class="badge b-conflict">mâu thuẫn</span>')
    if row["reviewed"]:
        out.append('<span class="badge b-reviewed">đã duyệt</span>')
    if row["modality"] == "target":
        out.append('<span class="badge b-target">mục tiêu</span>')
    return "".join(out)


def observation_table(obs: pd.DataFrame, facts: Mapping[str, dict], articles: Mapping[str, Article]) -> str:
    """Newest first; conflicting rows highlighted."""
    rows = obs.sort_values(["time_end", "time_start", "area", "modality", "value"], ascending=False)
    body = []
    for row in rows.head(MAX_ROWS).to_dict("records"):
        css = ' class="conflict"' if row["conflict"] else ""
        body.append(
            f"<tr{css}><td>{html.escape(row['time_period'])}</td><td>{html.escape(row['area'] or '–')}</td>"
            f"<td>{html.escape(MODALITY_VI.get(row['modality'], row['modality']))}</td>"
            f"<td class=num>{html.escape(fmt_value(row))}</td><td class=num>{row['n_sources']}</td>"
            f"<td>{_badges(row)}</td><td>{_quotes(row['fact_ids'], facts, articles)}</td></tr>")
    more = (f"<p class=muted>… {len(rows) - MAX_ROWS} quan sát khác trong timeline.csv</p>"
            if len(rows) > MAX_ROWS else "")
    return ("<table><thead><tr><th>Kỳ</th><th>Địa bàn</th><th>Loại</th><th>Giá trị</th><th>Số bài</th>"
            "<th>Trạng thái</th><th>Trích dẫn</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>" + more)


def _area_note(rows: pd.DataFrame) -> str:
    total = rows["area"].nunique()
    drawn = len(chart_areas(rows))
    return f" · biểu đồ vẽ {drawn}/{total} địa bàn nhiều số liệu nhất" if total > drawn else ""


def latest_table(latest: pd.DataFrame) -> str:
    body = []
    for row in latest.to_dict("records"):
        progress = "–" if pd.isna(row["progress"]) else fmt_number(row["progress"] * 100, "percent")
        body.append(
            f"<tr><td>{html.escape(row['indicator_label'])}</td><td>{html.escape(row['area'] or '–')}</td>"
            f"<td class=num>{html.escape(row['actual_values'] and fmt_multi(row, 'actual') or '–')}</td>"
            f"<td>{html.escape(row['actual_time_period'])}</td>"
            f"<td class=num>{html.escape(row['target_values'] and fmt_multi(row, 'target') or '–')}</td>"
            f"<td>{html.escape(row['target_time_period'])}</td><td class=num>{html.escape(progress)}</td></tr>")
    return ("<table><thead><tr><th>Chỉ tiêu</th><th>Địa bàn</th><th>Thực tế mới nhất</th><th>Kỳ</th>"
            "<th>Mục tiêu</th><th>Hạn</th><th>Tiến độ</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>")


def fmt_multi(row: Mapping, modality: str) -> str:
    """A latest value, or every value when they conflict."""
    if row[f"{modality}_conflict"]:
        return " | ".join(fmt_number(float(v), row["unit"]) for v in row[f"{modality}_values"].split(" | ")) + " ⚠"
    return fmt_number(row[f"{modality}_value"], row["unit"])


def render(timeline: Timeline, facts: pd.DataFrame, articles: Mapping[str, Article],
           charts: Mapping[tuple[str, str], bytes], generated: str) -> str:
    """The whole page as one string."""
    obs = timeline.observations
    fact_map = {f["fact_id"]: f for f in facts.to_dict("records")}
    indicators = obs[~obs["indicator"].str.startswith(SUBJECT_PREFIX)]
    subjects = obs[obs["indicator"].str.startswith(SUBJECT_PREFIX)]
    nav, sections = [], []
    units = indicators.groupby("indicator")["unit"].nunique()
    for (indicator, unit), rows in indicators.groupby(["indicator", "unit"], sort=True):
        anchor = safe_name(f"{indicator}-{unit}")
        label = rows["indicator_label"].iloc[0]
        if units[indicator] > 1:  # one chart per unit: tell the sections apart
            label = f"{label} ({UNIT_VI.get(unit, unit)})"
        nav.append(f'<li><a href="#{anchor}">{html.escape(label)}</a> <span class=muted>({len(rows)})</span></li>')
        image = base64.b64encode(charts[(indicator, unit)]).decode("ascii")
        sections.append(
            f'<section id="{anchor}"><h2>{html.escape(label)}</h2><p class=muted>{html.escape(indicator)} · '
            f'{html.escape(UNIT_VI.get(unit, unit))} · {len(rows)} quan sát, {int(rows["conflict"].sum())} mâu thuẫn'
            f'{_area_note(rows)}</p>'
            f'<img class=chart alt="{html.escape(label, quote=True)}" src="data:image/png;base64,{image}">'
            f"{observation_table(rows, fact_map, articles)}</section>")
    if len(subjects):
        groups = subjects.groupby("indicator").size().sort_values(ascending=False, kind="stable")
        kept = groups.index[:MAX_SUBJECT_GROUPS]
        sections.append(
            "<section id=subjects><h2>Chưa khớp chỉ tiêu nào (nhóm theo chủ thể)</h2><p class=muted>"
            f"{len(subjects)} quan sát trong {len(groups)} nhóm; thêm thuật ngữ vào rules/indicators.toml để phân loại."
            + (f" Hiện {MAX_SUBJECT_GROUPS} nhóm lớn nhất." if len(groups) > MAX_SUBJECT_GROUPS else "") + "</p>"
            + "".join(f"<h3>{html.escape(subjects.loc[subjects['indicator'] == g, 'indicator_label'].iloc[0])}</h3>"
                      + observation_table(subjects[subjects["indicator"] == g], fact_map, articles) for g in kept)
            + "</section>")
        nav.append('<li><a href="#subjects">Chưa khớp chỉ tiêu</a></li>')
    summary = (f"{len(obs)} quan sát · {obs['indicator'].nunique()} chỉ tiêu/nhóm · "
               f"{int(obs['conflict'].sum())} mâu thuẫn · {int(obs['reviewed'].sum())} đã duyệt · "
               f"{obs['doc_ids'].str.split().explode().nunique() if len(obs) else 0} bài báo")
    return (
        "<!DOCTYPE html>\n<html lang=vi><head><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; img-src data:; style-src 'unsafe-inline'\">"
        "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
        f"<title>chitieu – báo cáo chỉ tiêu</title><style>{CSS}</style></head><body>"
        f"<h1>Chỉ tiêu từ báo chí</h1><p class=muted>{html.escape(summary)} · tạo lúc {html.escape(generated)}</p>"
        "<p>Biểu đồ: đường và chấm tròn là số thực tế, ngôi sao là mục tiêu, vòng đỏ là các số liệu mâu thuẫn "
        "cho cùng chỉ tiêu, địa bàn và kỳ (giữ nguyên cả hai, không lấy trung bình).</p>"
        f"<h2>Mới nhất</h2>{latest_table(timeline.latest)}<nav><h2>Mục lục</h2><ul>{''.join(nav)}</ul></nav>"
        + "".join(sections) + "</body></html>\n")


def write_report(out_dir: Path, timeline: Timeline, facts: pd.DataFrame, articles: Mapping[str, Article],
                 generated: str | None = None) -> ReportResult:
    """report.html and charts/<indicator>-<unit>.png (charts of indicators no longer present are removed)."""
    out_dir = Path(out_dir)
    obs = timeline.observations
    charts: dict[tuple[str, str], bytes] = {}
    paths = []
    for (indicator, unit), rows in obs[~obs["indicator"].str.startswith(SUBJECT_PREFIX)].groupby(
            ["indicator", "unit"], sort=True):
        png = chart_png(rows, rows["indicator_label"].iloc[0], unit)
        charts[(indicator, unit)] = png
        path = out_dir / CHARTS_DIR / f"{safe_name(f'{indicator}-{unit}')}.png"
        atomic_write_bytes(path, png)
        paths.append(path)
    chart_dir = out_dir / CHARTS_DIR
    for stale in set(chart_dir.glob("*.png")) - set(paths) if chart_dir.exists() else ():
        stale.unlink()
    generated = generated or dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
    page = render(timeline, facts, articles, charts, generated)
    atomic_write_text(out_dir / REPORT_NAME, page)
    return ReportResult(out_dir / REPORT_NAME, tuple(paths), len(charts))
