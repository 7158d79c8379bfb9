"""`chitieu demo` end to end, twice, in a temporary directory: the second run finds nothing new."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pandas as pd

from pipeline.settings import PROJECT_ROOT


def demo(workdir, cwd):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    done = subprocess.run([sys.executable, "-m", "pipeline", "demo", "--workdir", str(workdir)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def test_demo_twice_shows_facts_then_nothing_new(tmp_path):
    first = demo("work", tmp_path)
    out = tmp_path / "work" / "extracted"
    facts = pd.read_csv(out / "facts.csv", encoding="utf-8-sig")
    assert {"20/27", "0,03%", "94%", "95%"} <= set(facts["text"])
    assert set(facts.loc[facts["text"] == "0,03%", "indicator"]) == {"poor_household_rate"}
    assert facts["doc_id"].nunique() == 8
    timeline = pd.read_csv(out / "timeline.csv", encoding="utf-8-sig")
    assert "health_insurance_coverage" in set(timeline["indicator"])
    assert timeline["conflict"].any()  # 93,5% and 94% for the end of 2023
    report = (out / "report.html").read_text(encoding="utf-8")
    assert "Tỷ lệ bao phủ bảo hiểm y tế" in report
    for path in ("facts.csv", "timeline.csv", "report.html"):
        assert f"work/extracted/{path}" in first
    assert "new 8" in first and "8 new articles" in first

    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run["run_id"] in report  # the report carries the id of the run that made it
    package = json.loads((out / "export" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["x-chitieu-run"]["run_id"] == run["run_id"]

    second = demo("work", tmp_path)
    crawl_line = next(line for line in second.splitlines() if line.startswith("crawl"))
    assert "fetched" not in crawl_line and "not_modified" in crawl_line, second  # zero counters left out
    assert "run " in second and ": nothing new; exit 0" in second and "nothing new: every page" in second, second
    record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert record["run_id"] != run["run_id"]
    summary = json.loads((out / "runs" / f"{record['run_id']}.json").read_text(encoding="utf-8"))
    crawl = next(s for s in summary["stages"] if s["name"] == "crawl")
    assert crawl["counts"]["fetched"] == 0 and crawl["counts"]["not_modified"] >= 3
    assert summary["new_facts"] == 0 and summary["new_articles"] == 0 and summary["exit_code"] == 0
    assert pd.read_csv(out / "facts.csv", encoding="utf-8-sig").equals(facts)
