"""The HTML report: self-contained, escaped, a chart per indicator; and a real headless browser check."""
from __future__ import annotations

import json
import os
import re
import select
import subprocess
import time
from pathlib import Path

import matplotlib.image as mpimg
import pytest
from click.testing import CliRunner

from factfactory import HANOI_TITLE, hanoi_article, make_fact, seed_facts, write_corpus, write_rules
from pipeline.cli import cli
from pipeline.factstore import write_facts
from pipeline.report import fmt_number, fmt_value

CHROMIUM = Path("/usr/bin/chromium")


def report_fixture(tmp_path: Path) -> tuple[Path, str]:
    """Seed facts + a second Hà Nội source + a conflicting, hostile article; returns (out, CLI output)."""
    out, corpus = tmp_path / "extracted", tmp_path / "corpora"
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/bai-2", published="2024-03-05")
    facts += [
        make_fact("90%", value=90.0, indicator="health_insurance_coverage", modality="actual", area="Hà Nội",
                  as_of_start="2022-12-31", as_of_end="2022-12-31", doc_id="d3", url="https://hanoimoi.vn/c",
                  published="2023-01-10", body="năm 2022 đạt 90% dân số"),
        make_fact("93%", value=93.0, indicator="health_insurance_coverage", modality="actual", area="Hà Nội",
                  as_of_start="2023-12-31", as_of_end="2023-12-31", doc_id="d4", url="javascript:alert(1)",
                  published="2024-01-10", body="<script>alert('x')</script> bao phủ 93% & hơn"),
        make_fact("11/12", value=11 / 12, numerator=11, denominator=12, subject="chỉ tiêu do Sở chủ trì",
                  modality="actual"),
    ]
    write_facts(out, facts)
    write_corpus(corpus, [hanoi_article()])
    rules = write_rules(tmp_path / "rules", {"hanoionline.vn": "Hà Nội", "hanoimoi.vn": "Hà Nội"})
    stale = out / "charts" / "gone-percent.png"
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"old")
    result = CliRunner().invoke(cli, ["report", "--out", str(out), "--corpus", str(corpus), "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    return out, result.output


@pytest.fixture()
def report(tmp_path):
    return report_fixture(tmp_path)


def test_report_has_a_chart_per_indicator_and_png_files(report):
    out, output = report
    assert output.strip() == f"report: 8 observations, 4 charts → {out / 'report.html'}"
    page = (out / "report.html").read_text(encoding="utf-8")
    assert page.count('src="data:image/png;base64,') == 4
    charts = sorted(p.name for p in (out / "charts").glob("*.png"))
    assert charts == ["districts_without_poor_households-ratio.png", "health_insurance_coverage-percent.png",
                      "poor_household_rate-percent.png", "programme_targets_met-ratio.png"]  # stale one removed
    assert all((out / "charts" / c).read_bytes().startswith(b"\x89PNG") for c in charts)
    image = mpimg.imread(out / "charts" / "health_insurance_coverage-percent.png")
    assert image.shape[1] == 900 and image.std() > 0.05  # drawn, not blank


def test_report_is_self_contained_and_escaped(report):
    out, _ = report
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "<script" not in page.replace("&lt;script", "")  # the article's <script> is shown as text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; bao phủ <mark>93%</mark> &amp; hơn" in page
    assert 'href="javascript:' not in page
    assert re.findall(r'src="(?!data:)', page) == [] and "<link" not in page
    assert "default-src 'none'" in page  # the browser may not fetch anything
    hrefs = re.findall(r'href="([^"#]+)"', page)
    assert hrefs and all(h.startswith("https://") for h in hrefs)


def test_report_shows_sources_quotes_conflicts_and_progress(report):
    out, _ = report
    page = (out / "report.html").read_text(encoding="utf-8")
    assert "Tỷ lệ bao phủ bảo hiểm y tế" in page and "Chưa khớp chỉ tiêu" in page
    assert f">{HANOI_TITLE}</a>" in page and 'href="https://hanoimoi.vn/bai-2"' in page
    assert "chỉ còn <mark>0,03%</mark> hộ nghèo" in page
    assert page.count('<tr class="conflict">') == 2  # 94% (two articles) and 93% for 2023-12-31
    assert "93% | 94% ⚠" in page  # the latest actual is disputed: both shown, no progress invented
    assert "20/27 (74,07%)" in page


def test_number_formatting():
    assert fmt_number(0.03, "percent") == "0,03%" and fmt_number(94.0, "percent") == "94%"
    assert fmt_number(20 / 27, "ratio") == "74,07%" and fmt_number(-0.5, "percentage_point") == "-0,5 điểm %"
    row = {"value": 90.0, "value_max": 95.0, "unit": "percent", "numerator": None, "denominator": None}
    assert fmt_value(row) == "90% – 95%"


def test_report_without_facts_fails_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["report", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no facts.parquet" in result.output


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
    out, _ = report_fixture(tmp_path)
    session = browser.open((out / "report.html").resolve().as_uri())
    assert browser.problems() == []
    assert browser.evaluate(session, "document.title") == "chitieu – báo cáo chỉ tiêu"
    images = browser.evaluate(session, "Array.from(document.images).map(i => i.complete && i.naturalWidth)")
    assert images == [900] * 4, "every chart decodes in the browser"
    assert browser.evaluate(session, "document.querySelectorAll('tr.conflict').length") == 2
    shot = Path(os.environ.get("CHITIEU_SCREENSHOT", tmp_path / "report.png"))
    browser.screenshot(session, shot)
    pixels = mpimg.imread(shot)
    assert pixels.shape[:2] == (1800, 1200) and pixels.std() > 0.05


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



def test_one_chart_per_unit_with_the_unit_in_its_title(tmp_path):
    from pipeline.factstore import facts_frame
    from pipeline.report import write_report
    from pipeline.timeline import build_timeline

    facts = seed_facts() + [make_fact("100%", value=100.0, subject="chỉ tiêu", indicator="programme_targets_met",
                                      modality="target", as_of_start="2025-12-31", as_of_end="2025-12-31")]
    frame = facts_frame(facts)
    result = write_report(tmp_path, build_timeline(frame, labels={"programme_targets_met": "Chỉ tiêu CT08"}),
                          frame, {}, generated="2024-03-01 09:00")
    page = result.path.read_text(encoding="utf-8")
    assert result.sections == 5
    assert "<h2>Chỉ tiêu CT08 (%)</h2>" in page and "<h2>Chỉ tiêu CT08 (tỷ lệ)</h2>" in page
    assert "tạo lúc 2024-03-01 09:00" in page
