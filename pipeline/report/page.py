"""The report page: one self-contained HTML file.

The chart library (Vega, Vega-Lite, vega-embed: pipeline/report/vendor/, see scripts/vendor_charts.py)
is inlined, and the Content-Security-Policy allows exactly those scripts, by hash, and nothing from
the network. Vega runs with its expression interpreter (`ast: true`), so no `eval` is needed.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from functools import lru_cache
from pathlib import Path

from pipeline.report.fmt import VEGA_LOCALE

VENDOR = Path(__file__).resolve().parent / "vendor"
LIBRARIES = ("vega.min.js", "vega-lite.min.js", "vega-embed.min.js")
EMBED = """(function () {
  var locale = JSON.parse(document.getElementById('vi-locale').textContent);
  // warnings (an area filtered to no conflicts leaves a layer empty) are not errors: keep the console clean
  var options = {actions: false, ast: true, renderer: 'svg', logLevel: vega.Error, formatLocale: locale.number,
                 timeFormatLocale: locale.time, tooltip: {theme: 'light'}};
  window.chitieuViews = {};
  document.querySelectorAll('script.vl-spec').forEach(function (el) {
    var target = el.getAttribute('data-target');
    vegaEmbed('#' + target, JSON.parse(el.textContent), options).then(function (result) {
      window.chitieuViews[target] = result.view;
    }).catch(function (error) { console.error('chart ' + target + ': ' + error); });
  });
})();"""
CSS = """
body{font-family:"DejaVu Sans","Noto Sans",Arial,sans-serif;margin:0 auto;max-width:1100px;padding:1rem 1.5rem;
color:#1f2328;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:2px solid #e5e7eb;padding-bottom:.2rem}
.muted{color:#6b7280;font-size:.9rem}img.chart{max-width:100%;height:auto;border:1px solid #e5e7eb}
div.chart{width:100%;min-height:300px}.vega-bindings{font-size:.85rem;margin:.3rem 0}
table{border-collapse:collapse;width:100%;font-size:.85rem;margin:.6rem 0}
th,td{border-bottom:1px solid #e5e7eb;padding:.3rem .45rem;text-align:left;vertical-align:top}
th{background:#f3f4f6}td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
tr.conflict td{background:#fdecec}mark{background:#fff3b0;padding:0 .1em}
.badge{display:inline-block;white-space:nowrap;border-radius:.6rem;padding:0 .45rem;font-size:.75rem;margin:.05rem}
.b-conflict{background:#d62728;color:#fff}.b-reviewed{background:#2ca02c;color:#fff}
.b-review{background:#ff7f0e;color:#fff}.b-published{background:#e5e7eb;color:#374151}
.b-target{background:#1f77b4;color:#fff}blockquote{margin:.15rem 0;padding-left:.5rem;border-left:3px solid #d1d5db}
nav ul{columns:2;font-size:.9rem}.chart-links{font-size:.85rem}.sources{font-size:.8rem;color:#4b5563}
"""


@lru_cache(maxsize=1)
def libraries() -> tuple[str, ...]:
    """The vendored scripts, as text; a missing file says how to re-create it."""
    out = []
    for name in LIBRARIES:
        path = VENDOR / name
        if not path.exists():
            raise FileNotFoundError(f"{path} is missing: run `python scripts/vendor_charts.py`")
        out.append(path.read_text(encoding="utf-8"))
    return tuple(out)


def script_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def csp(scripts: list[str]) -> str:
    """Only these inline scripts; inline styles (Vega's tooltip and bindings); images as data: URLs."""
    return ("default-src 'none'; script-src " + " ".join(script_hash(s) for s in scripts)
            + "; style-src 'unsafe-inline'; img-src data:")


def page(title: str, head_note: str, body: str, interactive: bool) -> str:
    """The whole document around `body`; the chart library only when there is a chart to draw."""
    scripts = [*libraries(), EMBED] if interactive else []
    policy = csp(scripts) if scripts else "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    locale = json.dumps(VEGA_LOCALE, ensure_ascii=False).replace("<", "\\u003c")
    tail = (f'<script type="application/json" id="vi-locale">{locale}</script>'
            + "".join(f"<script>{s}</script>" for s in scripts)) if scripts else ""
    return ("<!DOCTYPE html>\n<html lang=vi><head><meta charset=utf-8>"
            f'<meta http-equiv="Content-Security-Policy" content="{html.escape(policy, quote=True)}">'
            '<meta name=viewport content="width=device-width, initial-scale=1">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>{head_note}{body}{tail}"
            "</body></html>\n")
