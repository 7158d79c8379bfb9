"""`chitieu run` and `chitieu config check`: settings, the lock, the run summary, stage order."""
from __future__ import annotations

import errno
import json
import shutil

import pytest
from click.testing import CliRunner
from run_fixtures import baseline, copied, demo_site, settings_for, write_config  # noqa: F401

from pipeline.cli import cli
from pipeline.config import load_settings
from pipeline.errors import ConfigError, short_reason
from pipeline.jobs.lock import RunLock, RunLocked
from pipeline.jobs.run import os_error_text, run_nightly
from pipeline.jobs.summary import RunSummary, new_run_id
from pipeline.settings import PROJECT_ROOT, RULES_DIR
from pipeline.stages import StageReport


def test_config_paths_are_relative_to_the_file_and_flags_override(tmp_path):
    config = tmp_path / "conf" / "chitieu.toml"
    config.parent.mkdir()
    config.write_text('[paths]\ncorpus = "data/corpora"\n[crawl]\nmax_pages = 5\nsince = 2024-01-01\n'
                      "[extract]\nworkers = 0\n", encoding="utf-8")
    settings = load_settings(config)
    assert settings.corpus_dir == tmp_path / "conf" / "data" / "corpora"
    assert settings.max_pages == 5 and str(settings.since) == "2024-01-01" and settings.workers is None
    assert settings.log_path == settings.out_dir / "logs" / "chitieu.log"
    changed = settings.with_overrides(max_pages=1, out_dir=None)
    assert changed.max_pages == 1 and changed.out_dir == settings.out_dir
    assert load_settings(PROJECT_ROOT / "chitieu.toml").rules_dir == RULES_DIR  # the documented default is valid


@pytest.mark.parametrize("text, line, words", [
    ("[crawl]\n\nmax_pages = 'many'\n", 3, "max_pages"),
    ("[paths]\ncorpus = 'c'\n[crawl]\nspeed = 3\n", 4, "unknown key 'speed'"),
    ("[crawl]\ndelay = -1\n", 2, "must not be negative"),
    ("[extract\nworkers = 2\n", 1, "invalid TOML"),
    ("[crawl]\nsince = '2024-13-01'\n", 2, "YYYY-MM-DD"),
])
def test_config_errors_name_file_and_line(tmp_path, text, line, words):
    config = tmp_path / "chitieu.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    assert f"{config}:{line}:" in str(caught.value) and words in str(caught.value)


def test_config_check_loads_every_rule_file(tmp_path):
    runner = CliRunner()
    good = runner.invoke(cli, ["config", "check", "--config", str(PROJECT_ROOT / "chitieu.toml")])
    assert good.exit_code == 0 and "config check: ok" in good.output and "indicators" in good.output
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    text = (rules / "indicators.toml").read_text(encoding="utf-8")
    (rules / "indicators.toml").write_text(text.replace('id = "poor_household_rate"', 'id = "poor household"'),
                                           encoding="utf-8")
    config = tmp_path / "chitieu.toml"
    config.write_text(f'[paths]\nrules = "rules"\nsources = "{RULES_DIR / "sources.toml"}"\n', encoding="utf-8")
    bad = runner.invoke(cli, ["config", "check", "--config", str(config)])
    line = text[:text.index('id = "poor_household_rate"')].count("\n")  # the [[indicator]] line
    assert bad.exit_code == 2 and f"{rules / 'indicators.toml'}:{line}:" in bad.output, bad.output


def test_second_run_is_refused_while_the_lock_is_held(tmp_path, demo_site):  # noqa: F811
    config = write_config(tmp_path, demo_site.base)
    with RunLock(tmp_path / "extracted", "20260101T000000Z-abcdef", "2026-01-01T00:00:00+00:00"):
        result = CliRunner().invoke(cli, ["run", "--config", str(config), "--quiet"])
    assert result.exit_code == 2
    assert "run 20260101T000000Z-abcdef" in result.output and "still running" in result.output
    assert not (tmp_path / "corpora").exists()  # nothing was started


def test_a_lock_left_by_a_killed_run_is_taken_over(tmp_path):
    (tmp_path / ".chitieu-run.lock").write_text('{"pid": 999999, "run_id": "old", "host": "h"}\n')
    with RunLock(tmp_path, "new", "now") as lock:
        assert lock.previous["run_id"] == "old"
        with pytest.raises(RunLocked):
            RunLock(tmp_path, "third", "now").__enter__()
    assert (tmp_path / ".chitieu-run.lock").read_text() == ""  # a clean finish empties it
    with RunLock(tmp_path, "next", "now") as lock:
        assert lock.previous is None


def test_run_summary_log_and_stamps(copied, demo_site):  # noqa: F811
    result = CliRunner().invoke(cli, ["run", "--config", str(copied / "chitieu.toml")])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == ["check", "crawl", "extract", "timeline", "report", "export", "total"]
    out = copied / "extracted"
    run = json.loads((out / "run.json").read_text(encoding="utf-8"))
    summary = json.loads((out / "runs" / f"{run['run_id']}.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 0 and summary["new_facts"] == 0 and summary["new_conflicts"] == 0
    stages = {s["name"]: s for s in summary["stages"]}
    assert stages["crawl"]["counts"]["known"] == 0 and stages["crawl"]["counts"]["not_modified"] >= 3
    assert stages["extract"]["counts"]["unchanged"] == 8 and all(s["seconds"] >= 0 for s in stages.values())
    assert run["run_id"] in (out / "logs" / "chitieu.log").read_text(encoding="utf-8")
    assert run["run_id"] in (out / "report.html").read_text(encoding="utf-8")


def test_broken_rules_stop_the_run_before_anything_starts(tmp_path, demo_site):  # noqa: F811
    rules = tmp_path / "rules"
    shutil.copytree(RULES_DIR, rules)
    (rules / "patterns.toml").write_text("[[rule]\n", encoding="utf-8")
    summary = run_nightly(settings_for(tmp_path, demo_site.base, rules_dir=rules), progress=False)
    assert summary.exit_code == 2 and "patterns.toml:1" in summary.stage("check").error
    assert [s.status for s in summary.stages[1:]] == ["skipped"] * 5
    assert not (tmp_path / "corpora").exists()


def test_exit_codes_and_reasons():
    def summary(*statuses):
        return RunSummary(new_run_id(), "now", {}, [StageReport(str(i), s) for i, s in enumerate(statuses)])
    assert summary("ok", "ok").exit_code == 0
    assert summary("ok", "partial", "ok").exit_code == 1
    assert summary("ok", "failed", "skipped").exit_code == 2
    assert short_reason("invalid JSON: Expecting value (column 3)") == "invalid JSON"
    assert short_reason("line longer than 20971520 bytes (1073741825 bytes)") == "line longer than N bytes"
    error = OSError(errno.EROFS, "Read-only file system", "/data/out/.timeline.csv.k2j3l4.tmp")
    assert os_error_text(error, "/data/out") == "/data/out/timeline.csv: Read-only file system"
    assert "No space" in os_error_text(OSError(errno.ENOSPC, "No space left on device"), "/data/out")
