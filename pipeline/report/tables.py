"""HTML pieces of the report: quotes with the figure marked, observation tables, latest values, and
the "Cần duyệt" list. Every text from articles is HTML-escaped; only http(s) URLs become links."""
from __future__ import annotations

import html
from collections.abc import Mapping

import pandas as pd

from pipeline.report.fmt import BASIS_VI, MODALITY_VI, area_text, fmt_number, fmt_value
from pipeline.review import figure_in_sentence

MAX_ROWS = 200
MAX_QUOTES = 4
MAX_REVIEW_ROWS = 150


def link(url: object, text: str) -> str:
    """Only http(s) URLs become links: a javascript: URL in a corpus must not run in the report."""
    label = html.escape(text)
    if isinstance(url, str) and url.lower().startswith(("http://", "https://")):
        return f'<a href="{html.escape(url, quote=True)}" rel="noopener noreferrer">{label}</a>'
    return label


def quotes(fact_ids: str, facts: Mapping[str, dict], titles: Mapping[str, str]) -> str:
    """The supporting sentences, figure marked, each with a link to its article."""
    parts, seen = [], set()
    ids = fact_ids.split()
    for fid in ids:
        fact = facts.get(fid)
        if fact is None:
            continue
        before, figure, after = figure_in_sentence(fact.get("sentence"), fact.get("text"), fact.get("_occurrence", 0))
        key = (before, figure, after, fact["doc_id"])
        if key in seen:
            continue
        seen.add(key)
        source = titles.get(fact["doc_id"]) or fact.get("url") or fact["doc_id"]
        published = str(fact.get("published") or "")[:10]
        parts.append(f"<blockquote>“{html.escape(before)}<mark>{html.escape(figure)}</mark>{html.escape(after)}”"
                     f"<br><span class=muted>— {link(fact.get('url'), str(source))}"
                     f"{html.escape(f', {published}') if published else ''}</span></blockquote>")
        if len(parts) == MAX_QUOTES:
            break
    if len(ids) > len(parts) and len(parts) == MAX_QUOTES:
        parts.append(f"<span class=muted>… và {len(ids) - MAX_QUOTES} nguồn khác (timeline.csv)</span>")
    return "".join(parts)


def badges(row: Mapping) -> str:
    out = []
    if row["conflict"]:
        out.append('<span class="badge b-conflict">mâu thuẫn</span>')
    if row["status"] == "needs_review":
        out.append('<span class="badge b-review">cần duyệt</span>')
    if row["reviewed"]:
        out.append('<span class="badge b-reviewed">đã duyệt</span>')
    if row["modality"] == "target":
        out.append('<span class="badge b-target">mục tiêu</span>')
    if row["time_basis"] == "published":
        out.append('<span class="badge b-published">theo ngày đăng</span>')
    return "".join(out)


def observation_table(obs: pd.DataFrame, facts: Mapping[str, dict], titles: Mapping[str, str],
                      total: int | None = None) -> str:
    """Newest first; conflicting rows highlighted. `obs` may be only the newest MAX_ROWS of the
    `total` observations (report.select picks them)."""
    rows = obs.sort_values(["time_end", "time_start", "area", "modality", "value"], ascending=False)
    total = len(rows) if total is None else total
    body = []
    for row in rows.head(MAX_ROWS).to_dict("records"):
        css = ' class="conflict"' if row["conflict"] else ""
        body.append(
            f"<tr{css}><td>{html.escape(row['period_label'])}</td>"
            f"<td>{html.escape(area_text(row['area'], row['area_part']))}</td>"
            f"<td>{html.escape(MODALITY_VI.get(row['modality'], row['modality']))}</td>"
            f"<td class=num>{html.escape(fmt_value(row))}</td><td class=num>{row['n_sources']}</td>"
            f"<td>{badges(row)}</td><td>{quotes(row['fact_ids'], facts, titles)}</td></tr>")
    more = (f"<p class=muted>… {total - MAX_ROWS} quan sát khác trong timeline.csv</p>"
            if total > MAX_ROWS else "")
    return ("<table><thead><tr><th>Kỳ</th><th>Địa bàn</th><th>Loại</th><th>Giá trị</th><th>Số bài</th>"
            "<th>Trạng thái</th><th>Trích dẫn</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>" + more)


def fmt_multi(row: Mapping, modality: str) -> str:
    """A latest value, or every value when they conflict."""
    if row[f"{modality}_conflict"]:
        return " | ".join(fmt_number(float(v), row["unit"]) for v in row[f"{modality}_values"].split(" | ")) + " ⚠"
    return fmt_number(row[f"{modality}_value"], row["unit"])


def latest_table(latest: pd.DataFrame, max_rows: int = MAX_ROWS) -> str:
    body = []
    for row in latest.head(max_rows).to_dict("records"):
        progress = "–" if pd.isna(row["progress"]) else fmt_number(row["progress"] * 100, "percent")
        body.append(
            f"<tr><td>{html.escape(row['indicator_label'])}</td>"
            f"<td>{html.escape(area_text(row['area'], row['area_part']))}</td>"
            f"<td class=num>{html.escape(row['actual_values'] and fmt_multi(row, 'actual') or '–')}</td>"
            f"<td>{html.escape(row['actual_period_label'])}</td>"
            f"<td class=num>{html.escape(row['target_values'] and fmt_multi(row, 'target') or '–')}</td>"
            f"<td>{html.escape(row['target_period_label'])}</td><td class=num>{html.escape(progress)}</td></tr>")
    more = f"<p class=muted>… {len(latest) - max_rows} dòng khác trong latest.csv</p>" if len(latest) > max_rows else ""
    return ("<table><thead><tr><th>Chỉ tiêu</th><th>Địa bàn</th><th>Thực tế mới nhất</th><th>Kỳ</th>"
            "<th>Mục tiêu</th><th>Hạn</th><th>Tiến độ</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>"
            + more)


REVIEW_REASONS = (("conflict", "Mâu thuẫn chưa giải quyết"), ("needs_review", "Khác với số đã duyệt"),
                  ("published", "Thời điểm theo ngày đăng bài"), ("inherited", "Thời điểm kế thừa từ đoạn/tiêu đề"))


def review_section(rows: pd.DataFrame, counts: Mapping[str, int], total: int, facts: Mapping[str, dict],
                   titles: Mapping[str, str]) -> str:
    """"Cần duyệt": open conflicts, figures left for review, figures with inherited or publication-day time.

    `rows`: the first MAX_REVIEW_ROWS of them with their `reason` (report.select), `counts` per
    reason, `total` how many there are."""
    summary = " · ".join(f"{label}: {int(counts.get(r, 0))}" for r, label in REVIEW_REASONS)
    body = []
    labels = dict(REVIEW_REASONS)
    for row in rows.head(MAX_REVIEW_ROWS).to_dict("records"):
        body.append(
            f"<tr><td>{html.escape(labels[row['reason']])}</td><td>{html.escape(row['indicator_label'])}</td>"
            f"<td>{html.escape(area_text(row['area'], row['area_part']))}</td>"
            f"<td>{html.escape(row['period_label'])}<br><span class=muted>"
            f"{html.escape(BASIS_VI.get(row['time_basis'], ''))}</span></td>"
            f"<td class=num>{html.escape(fmt_value(row))}</td><td>{quotes(row['fact_ids'], facts, titles)}</td></tr>")
    more = (f"<p class=muted>… {total - MAX_REVIEW_ROWS} mục khác (xem timeline.csv: conflict, status, "
            "time_basis)</p>" if total > MAX_REVIEW_ROWS else "")
    table = ("<table><thead><tr><th>Lý do</th><th>Chỉ tiêu</th><th>Địa bàn</th><th>Kỳ</th><th>Giá trị</th>"
             "<th>Câu trích</th></tr></thead><tbody>" + "".join(body) + "</tbody></table>") if body else \
        "<p>Không có mục nào cần duyệt.</p>"
    return (f"<section id=can-duyet><h2>Cần duyệt</h2><p class=muted>{html.escape(summary)}. Ghi kết luận bằng "
            f"<code>chitieu review export</code> / <code>review import</code>.</p>{table}{more}</section>")
