"""The HTML report: self-contained, escaped, interactive charts with PNG fallbacks; a real headless browser check."""
from __future__ import annotations

import json
import os
import re
import select
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote

import matplotlib.image as mpimg
import pytest
from click.testing import CliRunner
from factfactory import documents_of, make_fact, seed_facts

from pipeline.cli import cli
from pipeline.documents import Document, write_documents
from pipeline.factstore import facts_frame, write_facts
from pipeline.report import fmt_number, fmt_value, write_report
from pipeline.review import Decision, append_decisions
from pipeline.timeline import build_timeline

CHROMIUM = Path("/usr/bin/chromium")
HOMES = {"hanoionline.vn": "Hà Nội", "hanoimoi.vn": "Hà Nội"}


def fixture_facts():
    """Seed facts + a second Hà Nội source + a conflicting, hostile article + Đà Nẵng figures."""
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/bai-2", published="2024-03-05")
    facts += [
        make_fact("90%", value=90.0, indicator="health_insurance_coverage", modality="actual", area="Hà Nội",
                  as_of_start="2022-12-31", as_of_end="2022-12-31", doc_id="d3", url="https://hanoimoi.vn/c",
                  published="2023-01-10", body="năm 2022 đạt 90% dân số"),
        make_fact("93%", value=93.0, indicator="health_insurance_coverage", modality="actual", area="Hà Nội",
                  as_of_start="2023-12-31", as_of_end="2023-12-31", doc_id="d4", url="javascript:alert(1)",
                  published="2024-01-10", body="<script>alert('x')</script> bao phủ 93% & hơn"),
        make_fact("92%", value=92.0, indicator="health_insurance_coverage", modality="actual", area="Đà Nẵng",
                  doc_id="d5", url="https://baodanang.vn/a", published="2024-05-10", body="hiện đạt 92% dân số"),
        make_fact("89,5%", value=89.5, indicator="health_insurance_coverage", modality="actual", area="Đà Nẵng",
                  as_of_start="2023-01-01", as_of_end="2023-12-31", time_basis="inherited", doc_id="d6",
                  url="https://baodanang.vn/b", published="2024-01-12", body="năm 2023 đạt 89,5%"),
        make_fact("11/12", value=11 / 12, numerator=11, denominator=12, subject="chỉ tiêu do Sở chủ trì",
                  modality="actual"),
    ]
    return facts


def report_fixture(tmp_path: Path) -> tuple[Path, str]:
    out = tmp_path / "extracted"
    facts = fixture_facts()
    write_facts(out, facts)
    titles = {"d5": "Đà Nẵng: bao phủ BHYT", "d6": "Đà Nẵng năm 2023"}
    write_documents(out, [Document(**r) for r in documents_of(facts, HOMES, titles).to_dict("records")])
    stale = out / "charts" / "gone-percent.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    result = CliRunner().invoke(cli, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture()
def report(tmp_path):
    return report_fixture(tmp_path)


def page_of(out: Path) -> str:
    return (out / "report.html").read_text(encoding="utf-8")


def specs(page: str) -> dict[str, dict]:
    return {m.group(1): json.loads(m.group(2)) for m in
            re.finditer(r'<script type="application/json" class="vl-spec" data-target="([^"]+)">(.*?)</script>', page)}


def test_report_has_an_interactive_chart_and_a_png_per_indicator(report):
    out, output = report
    assert output.strip() == f"report: 10 observations, 4 charts (4 redrawn) → {out / 'report.html'}"
    page = page_of(out)
    assert len(specs(page)) == 4 and page.count('<div class=chart id="chart-') == 4
    assert page.count('<noscript><img class=chart alt="') == 4  # PNG fallback for e-mail / no script
    charts = sorted(p.name for p in (out / "charts").glob("*.png"))
    assert charts == ["districts_without_poor_households-ratio.png", "health_insurance_coverage-percent.png",
                      "poor_household_rate-percent.png", "programme_targets_met-ratio.png"]  # stale one removed
    image = mpimg.imread(out / "charts" / "health_insurance_coverage-percent.png")
    assert image.shape[1] == 900 and image.std() > 0.05  # drawn, not blank


def test_report_is_self_contained_escaped_and_allows_only_its_own_scripts(report):
    out, _ = report
    page = page_of(out)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; bao phủ <mark>93%</mark> &amp; hơn" in page
    assert 'href="javascript:' not in page and "<link" not in page
    markup = re.sub(r"<script>.*?</script>", "", page, flags=re.S)  # the HTML outside the inlined libraries
    assert re.findall(r'<script[^>]* src=', markup) == [] and re.findall(r'<img[^>]* src="(?!data:)', markup) == []
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert policy.startswith("default-src &#x27;none&#x27;; script-src &#x27;sha256-")
    assert "unsafe-eval" not in policy and "unsafe-inline&#x27;; img-src" in policy  # inline style only
    executable = re.findall(r"<script>(.*?)</script>", page, re.S)
    assert len(executable) == 4 and policy.count("sha256-") == 4  # vega, vega-lite, vega-embed, the embed call
    hrefs = re.findall(r'href="([^"#]+)"', markup)
    assert hrefs and all(h.startswith(("https://", "data:text/csv")) for h in hrefs)


def test_charts_draw_levels_by_series_with_hollow_publication_dated_points(report):
    out, _ = report
    spec = specs(page_of(out))["chart-health_insurance_coverage-percent"]
    rows = spec["data"]["values"]
    by_value = {r["value"]: r for r in rows}
    assert by_value[92.0]["hollow"] and not by_value[92.0]["line"] and by_value[92.0]["basis"] == "theo ngày đăng bài"
    assert by_value[90.0]["line"] and not by_value[94.0]["line"]  # 93 and 94 conflict: not joined
    assert by_value[94.0]["conflict"] and by_value[93.0]["conflict"]
    assert by_value[95.0]["modality"] == "mục tiêu" and by_value[95.0]["period"] == "Năm 2025"
    assert by_value[89.5]["period"] == "Năm 2023" and by_value[89.5]["title"] == "Đà Nẵng năm 2023"
    assert {r["series"] for r in rows} == {"Hà Nội", "Đà Nẵng"}
    assert spec["params"][0]["bind"]["options"] == ["Tất cả", "Hà Nội", "Đà Nẵng"]
    [tooltip] = {tuple(t["title"] for t in layer["encoding"]["tooltip"]) for layer in spec["layer"]
                 if "tooltip" in layer.get("encoding", {})}
    assert tooltip[:4] == ("Giá trị", "Kỳ", "Địa bàn", "Loại") and "Nguồn" in tooltip
    assert "Điểm rỗng: số liệu bài báo không nêu kỳ" in page_of(out)


def test_each_chart_offers_its_rows_as_csv_and_links_its_sources(report):
    out, _ = report
    page = page_of(out)
    link = re.search(r'<a class=csv download="health_insurance_coverage-percent.csv" href="data:text/csv;'
                     r'charset=utf-8,([^"]+)">', page)
    lines = unquote(link.group(1)).lstrip("\ufeff").splitlines()
    assert lines[0].startswith("indicator,indicator_label,area,area_part,time_period,period_label")
    spec = specs(page)["chart-health_insurance_coverage-percent"]
    ids = {r["observation_id"] for r in spec["data"]["values"]}
    assert len(lines) - 1 == len(ids) and all(line.split(",")[-1] in ids for line in lines[1:])
    section = page[page.index('id="health_insurance_coverage-percent"'):]
    sources = section[section.index("<p class=sources>"):section.index("</p>", section.index("<p class=sources>"))]
    assert 'href="https://baodanang.vn/a" rel="noopener noreferrer">Đà Nẵng: bao phủ BHYT</a>' in sources
    assert 'href="javascript' not in sources and "javascript:alert(1)" in sources  # shown, never a link


def test_vietnamese_labels_periods_and_decimal_commas(report):
    out, _ = report
    page = page_of(out)
    assert "Năm 2025" in page and "31/12/2023" in page and "89,5%" in page and "20/27 (74,07%)" in page
    assert '"decimal":","' in page.replace(" ", "") and '"shortMonths":["Th1"' in page.replace(" ", "")
    assert "93% | 94% ⚠" in page  # the latest actual is disputed: both shown, no progress invented


def test_the_review_section_lists_conflicts_needs_review_and_weak_times(tmp_path):
    out = tmp_path / "o"
    facts = fixture_facts()
    write_facts(out, facts)
    write_documents(out, [Document(**r) for r in documents_of(facts, HOMES).to_dict("records")])
    ok = next(f for f in facts if f.doc_id == "d3")  # 90% for 2022: no other figure, stays reviewed
    append_decisions(out, [Decision(ok.fact_id, "ok", None, "", "an", "t")])
    CliRunner().invoke(cli, ["report", "--out", str(out)], catch_exceptions=False)
    page = page_of(out)
    section = page[page.index("<section id=can-duyet>"):page.index("</section>", page.index("<section id=can-duyet>"))]
    # 92% (Đà Nẵng) and 11/12 (no period in its sentence) are dated by publication
    assert "Mâu thuẫn chưa giải quyết: 2" in section and "Thời điểm theo ngày đăng bài: 2" in section
    assert "Thời điểm kế thừa từ đoạn/tiêu đề: 1" in section
    assert "bao phủ <mark>93%</mark>" in section and "hiện đạt <mark>92%</mark>" in section


def test_only_charts_whose_data_changed_are_redrawn(tmp_path):
    facts = fixture_facts()
    frame = facts_frame(facts)
    timeline = build_timeline(frame, documents=documents_of(facts, HOMES))
    assert write_report(tmp_path, timeline, facts=frame).redrawn == 4
    assert write_report(tmp_path, timeline, facts=frame).redrawn == 0
    more = facts + [make_fact("0,02%", value=0.02, indicator="poor_household_rate", area="Hà Nội", modality="actual",
                              as_of_start="2024-06-30", as_of_end="2024-06-30", body="còn 0,02% hộ nghèo")]
    frame = facts_frame(more)
    again = write_report(tmp_path, build_timeline(frame, documents=documents_of(more, HOMES)), facts=frame)
    assert again.redrawn == 1 and again.sections == 4


def test_number_formatting():
    assert fmt_number(0.03, "percent") == "0,03%" and fmt_number(94.0, "percent") == "94%"
    assert fmt_number(20 / 27, "ratio") == "74,07%" and fmt_number(-0.5, "percentage_point") == "-0,5 điểm %"
    row = {"value": 90.0, "value_max": 95.0, "unit": "percent", "numerator": None, "denominator": None}
    assert fmt_value(row) == "90% – 95%"


def test_report_without_facts_fails_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "no facts.parquet" in result.output  # nothing could be done


def test_vendored_chart_library_matches_its_checksums_and_pins():
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "scripts" / "vendor_charts.py"
    spec = importlib.util.spec_from_file_location("vendor_charts", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.check() == []


# --- headless Chromium over the DevTools protocol (stdlib only: --remote-debugging-pipe) ------

class Browser:
    """Chromium with DevTools on fds 3/4: precise console levels, exceptions and failed loads."""

    def __init__(self, profile: Path):
        cmd_read, self._cmd_write = os.pipe()
        self._res_read, res_write = os.pipe()

        def wire_fds():  # in the child: DevTools reads commands on fd 3, writes replies on fd 4
            os.dup2(cmd_read, 3)
            os.dup2(res_write, 4)

        self.proc = subprocess.Popen(
            [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--disable-extensions", f"--user-data-dir={profile}", "--remote-debugging-pipe", "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            pass_fds=(3, 4), preexec_fn=wire_fds)
        os.close(cmd_read)
        os.close(res_write)
        self._buffer, self._next_id, self.events = b"", 0, []

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._cmd_write, json.dumps(message).encode() + b"\0")
        while True:
            reply = self._read(timeout)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for(self, method: str, timeout: float = 30) -> dict:
        while True:
            event = self._read(timeout)
            self.events.append(event)
            if event.get("method") == method:
                return event

    def _read(self, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([self._res_read], [], [], remaining)[0]:
                raise TimeoutError("no answer from Chromium")
            chunk = os.read(self._res_read, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed the DevTools pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def problems(self) -> list[str]:
        """Console errors/warnings, uncaught exceptions, failed loads and CSP violations seen so far."""
        found = []
        for e in self.events:
            method, params = e.get("method"), e.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                found.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in params["args"]))
            elif method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(f"exception: {details.get('text', '')} {details.get('exception', {}).get('description', '')}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in ("error", "warning"):
                found.append(f"log {params['entry']['source']}: {params['entry']['text']}")
            elif method == "Network.loadingFailed":
                found.append(f"load failed: {params.get('errorText')}")
        return found

    def open(self, url: str, width: int = 1200, height: int = 1800) -> str:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False}, session=session)
        self.send("Page.navigate", {"url": url}, session=session)
        self.wait_for("Page.loadEventFired")
        time.sleep(0.3)  # let late console messages arrive
        self.send("Runtime.evaluate", {"expression": "1"}, session=session)
        return session

    def evaluate(self, session: str, expression: str):
        return self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                         session=session)["result"].get("value")

    def screenshot(self, session: str, path: Path) -> None:
        import base64
        data = self.send("Page.captureScreenshot", {"format": "png"}, session=session)["data"]
        path.write_bytes(base64.b64decode(data))

    def mouse_move(self, session: str, x: float, y: float) -> None:
        self.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y}, session=session)

    def wait(self, session: str, seconds: float) -> None:
        self.send("Runtime.evaluate", {"expression": f"new Promise(r => setTimeout(r, {int(seconds * 1000)}))",
                                       "awaitPromise": True}, session=session)

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._cmd_write)
        os.close(self._res_read)


@pytest.fixture()
def browser(tmp_path):
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium not installed at /usr/bin/chromium: run `make browser` (Debian package "
                    "'chromium', needs root) to enable this test")
    instance = Browser(tmp_path / "chromium-profile")
    yield instance
    instance.close()


@pytest.mark.browser
def test_report_in_headless_chromium(tmp_path, browser):
    """Charts draw without console errors; hover shows a tooltip; the area filter changes what is drawn;
    the CSV link holds the chart's rows."""
    out, _ = report_fixture(tmp_path)
    session = browser.open((out / "report.html").resolve().as_uri())
    browser.wait(session, 1.5)
    assert browser.problems() == []
    assert browser.evaluate(session, "document.title") == "chitieu – báo cáo chỉ tiêu"
    assert browser.evaluate(session, "Object.keys(window.chitieuViews).length") == 4
    chart = "#chart-health_insurance_coverage-percent"
    points = (f"Array.from(document.querySelectorAll('{chart} .mark-symbol path'))"
              ".filter(e => e.__data__ && e.__data__.datum && e.__data__.datum.observation_id)")  # not legend symbols
    count = points + ".length"
    drawn = browser.evaluate(session, count)
    assert drawn >= 6  # points of both areas (+ conflict rings)

    point = browser.evaluate(session, f"""(() => {{
        const p = Array.from(document.querySelectorAll('{chart} .mark-symbol path'))
            .find(e => e.__data__ && e.__data__.datum && e.__data__.datum.value === 89.5);
        p.scrollIntoView({{block: 'center'}});
        const r = p.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; }})()""")
    browser.mouse_move(session, *point)
    browser.wait(session, 0.5)
    tooltip = browser.evaluate(session, "(() => { const t = document.getElementById('vg-tooltip-element');"
                                        " return t && t.classList.contains('visible') ? t.innerText : ''; })()")
    assert "89,5%" in tooltip and "Năm 2023" in tooltip and "Đà Nẵng" in tooltip and "Đà Nẵng năm 2023" in tooltip

    browser.evaluate(session, f"""(() => {{ const s = document.querySelector('{chart} .vega-bindings select');
        s.value = 'Đà Nẵng'; s.dispatchEvent(new Event('change')); s.dispatchEvent(new Event('input')); }})()""")
    browser.wait(session, 0.5)
    filtered = browser.evaluate(session, count)
    assert 0 < filtered < drawn
    shown = browser.evaluate(session, points + ".map(e => e.__data__.datum.area)")
    assert set(shown) == {"Đà Nẵng"}

    csv_rows = browser.evaluate(session, """(() => {
        const a = document.querySelector('a.csv[download="health_insurance_coverage-percent.csv"]');
        return decodeURIComponent(a.href.split(',').slice(1).join(',')).trim().split('\\n').length - 1; })()""")
    assert csv_rows == 6  # Hà Nội 90, 93, 94, target 95; Đà Nẵng 92, 89,5
    shot = Path(os.environ.get("CHITIEU_SCREENSHOT", tmp_path / "report.png"))
    browser.screenshot(session, shot)
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (1800, 1200) and pixels.std() > 0.05
    assert browser.problems() == []


@pytest.mark.browser
def test_browser_check_catches_console_errors(tmp_path, browser):
    """The check above can fail: a page with a script error, console.error and a blocked fetch."""
    page = tmp_path / "bad.html"
    page.write_text("<!DOCTYPE html><meta http-equiv=Content-Security-Policy content=\"default-src 'none'; "
                    "script-src 'unsafe-inline'\"><img src=\"https://example.invalid/x.png\">"
                    "<script>console.error('boom'); missingFunction();</script>", encoding="utf-8")
    browser.open(page.as_uri())
    problems = "\n".join(browser.problems())
    assert "console: boom" in problems and "missingFunction" in problems and "Content Security Policy" in problems
