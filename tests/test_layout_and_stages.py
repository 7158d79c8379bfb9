"""The shared pieces of issue 12: the directory layout, the spreadsheet CSV read back, the kinds
registry and the StageReport every stage returns."""
from __future__ import annotations

import tomllib

import pandas as pd
import pytest

from pipeline import layout
from pipeline.kinds import FACT_KINDS, FIGURE_KINDS, KINDS, RULE_KINDS, TIME_KINDS, kind_of, ratio_correction
from pipeline.layout import CorpusDir, OutDir
from pipeline.settings import RULES_DIR
from pipeline.stages import StageReport
from pipeline.tables.spreadsheet import read_csv, write_csv


def test_every_outdir_entry_is_a_distinct_path_under_its_root(tmp_path):
    out = OutDir(tmp_path)
    names = [n for n, v in vars(OutDir).items() if isinstance(v, layout._Entry)]
    paths = [getattr(out, n) for n in names] + [out.timeline_csv(n) for n in layout.TIMELINE_FILES]
    assert len(set(paths)) == len(paths)
    assert all(p.is_relative_to(tmp_path) for p in paths)
    assert out.facts_parquet == tmp_path / "facts.parquet" and out.log_file == tmp_path / "logs" / "chitieu.log"
    assert CorpusDir(tmp_path).state == tmp_path / "state.sqlite"
    with pytest.raises(ValueError, match="no timeline file"):
        out.timeline_csv("facts")
    assert OutDir(str(tmp_path)) == out and hash(OutDir(tmp_path)) == hash(out)


def test_the_spreadsheet_csv_reads_back_what_was_written(tmp_path):
    cells = ["=1+1", "+84 912", "-5%", "@home", "'apostrophe first", "''=", "plain", "", "a,b \"quoted\"\nline"]
    frame = pd.DataFrame({"text": cells, "n": [str(k) for k in range(len(cells))]})
    write_csv(tmp_path / "t.csv", frame)
    raw = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert "'=1+1" in raw  # escaped for the spreadsheet
    back = read_csv(tmp_path / "t.csv")
    assert back["text"].tolist() == cells and back["n"].tolist() == frame["n"].tolist()


def test_the_kinds_registry_covers_every_rule():
    assert set(FIGURE_KINDS) | set(TIME_KINDS) == set(FACT_KINDS) and not set(FIGURE_KINDS) & set(TIME_KINDS)
    rules = tomllib.loads((RULES_DIR / "patterns.toml").read_text(encoding="utf-8"))
    used = {rule["kind"] for rule in rules.get("rule", [])}
    assert used and used <= set(RULE_KINDS), used - set(RULE_KINDS)
    for name, kind in KINDS.items():
        assert kind.name == name and kind.compare and kind.description
    assert kind_of("money").role == kind_of("date").role  # an unknown kind is compared as text
    assert ratio_correction("11/12") == pytest.approx(11 / 12) and ratio_correction("74%") == pytest.approx(0.74)
    with pytest.raises(ValueError, match="is a date"):
        ratio_correction("11/12/2024")


def test_a_stage_report_takes_what_the_stage_said_after_what_the_run_noted():
    run = StageReport("crawl", failures={"corrupt_state": 1}, messages=["state moved aside"])
    run.absorb(StageReport("crawl", "partial", counts={"new": 3}, failures={"timeout": 2, "corrupt_state": 1},
                           messages=["https://a/1: timeout"], line="new 3, failed 2"))
    assert run.status == "partial" and run.exit_code == 1
    assert run.failures == {"corrupt_state": 2, "timeout": 2}
    assert run.messages == ["state moved aside", "https://a/1: timeout"] and run.counts == {"new": 3}
    failed = StageReport("extract", "partial")
    failed.absorb(StageReport("extract", "failed", error="no document could be read: 0 documents"))
    assert failed.exit_code == 2 and "no document could be read" in failed.describe()
    ok = StageReport("report", "partial")
    ok.absorb(StageReport("report", "ok", line="3 charts"))
    assert ok.status == "partial"  # a stage's own "ok" does not clear what the run found
    assert StageReport("timeline", "skipped").exit_code == 0
