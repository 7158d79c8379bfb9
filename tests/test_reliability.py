"""The nightly run under stress: SIGKILL in every stage, a full disk, a read-only output
directory, a damaged corpus document, a damaged crawl-state database."""
from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from run_fixtures import (  # noqa: F401
    ARTICLE_PAGES,
    articles,
    baseline,
    check_outputs_readable,
    copied,
    demo_site,
    settings_for,
    write_config,
)

from pipeline.jobs.run import run_nightly
from pipeline.settings import PROJECT_ROOT

# stage → after how many replaced files the run pauses to be killed (crawl: 1½ articles in)
KILL_POINTS = [("crawl", 3), ("extract", 1), ("timeline", 1), ("report", 2), ("export", 2)]


def decision_for(fact_id: str) -> bytes:
    return (json.dumps({"fact_id": fact_id, "verdict": "fix", "corrected_value": 93.8, "note": "theo BHXH",
                        "who": "tester", "when": "2026-01-01T00:00:00+00:00"}, ensure_ascii=False) + "\n").encode()


def start(config, pause: str | None, marker):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT), CHITIEU_TEST_MARKER=str(marker))
    env.pop("CHITIEU_TEST_PAUSE", None)
    if pause:
        env["CHITIEU_TEST_PAUSE"] = pause
    return subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--config", str(config), "--quiet"],
                            cwd=config.parent, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_when_paused(process, marker, limit: float = 90.0) -> str:
    deadline = time.monotonic() + limit
    while not marker.exists():
        if process.poll() is not None:
            pytest.fail(f"run ended before the pause point: {process.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("run never reached its pause point")
        time.sleep(0.02)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    text = marker.read_text(encoding="utf-8")
    marker.unlink()
    return text


def facts_of(out) -> list[str]:
    return sorted(pd.read_parquet(out / "facts.parquet")["fact_id"])


def test_sigkill_in_every_stage_then_restart_loses_and_duplicates_nothing(baseline, demo_site, tmp_path):  # noqa: F811
    reference_articles = articles(baseline / "corpora")
    reference_facts = facts_of(baseline / "extracted")
    assert len(reference_articles) == ARTICLE_PAGES and len(set(reference_facts)) == len(reference_facts)
    target = pd.read_parquet(baseline / "extracted" / "facts.parquet").query("text == '94%'")["fact_id"].iloc[0]

    root = tmp_path / "killed"
    config = write_config(root, demo_site.base)
    log_path = root / "extracted" / "review_log.jsonl"
    log_path.parent.mkdir(parents=True)
    log_path.write_bytes(decision_for(target))  # a reviewer's verdict from before: it must survive
    marker = tmp_path / "paused"
    seen = []
    for stage, after in KILL_POINTS:
        paused = kill_when_paused(start(config, f"{stage}:{after}", marker), marker)
        assert paused.startswith(stage), paused  # the kill landed in the stage it was meant for
        assert check_outputs_readable(root) > 0
        docs = articles(root / "corpora")  # complete JSON, no duplicate
        assert all(docs[i] == reference_articles[i] for i in docs)
        assert log_path.read_bytes() == decision_for(target)
        seen.append((stage, len(docs)))

    process = start(config, None, marker)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 0, stderr.decode()[-3000:]
    assert articles(root / "corpora") == reference_articles
    assert facts_of(root / "extracted") == reference_facts
    assert log_path.read_bytes() == decision_for(target)
    check_outputs_readable(root)
    run = json.loads((root / "extracted" / "run.json").read_text(encoding="utf-8"))
    summary = json.loads((root / "extracted" / "runs" / f"{run['run_id']}.json").read_text(encoding="utf-8"))
    assert summary["stale_lock"]["pid"]  # the killed export run's lock was found and cleared
    exported = pd.read_csv(root / "extracted" / "export" / "facts.csv").set_index("fact_id")
    assert exported.loc[target, "verdict"] == "fix" and exported.loc[target, "corrected_value"] == 93.8
    timeline = pd.read_csv(root / "extracted" / "timeline.csv", encoding="utf-8-sig")
    assert timeline["reviewed"].sum() == 1 and 93.8 in set(timeline["value"])
    assert not list(root.rglob(".*.tmp"))
    print("articles stored when killed:", seen, "→ after restart:", len(reference_articles),
          "articles,", len(reference_facts), "facts")


def test_disk_full_names_the_path_and_keeps_earlier_outputs(copied, demo_site, monkeypatch):  # noqa: F811
    out = copied / "extracted"
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    real_replace = os.replace

    def full_disk(src, dst, *args, **kwargs):
        if str(dst).endswith("timeline_wide.csv"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", full_disk)
    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    assert summary.exit_code == 2
    timeline = summary.stage("timeline")
    assert timeline.status == "failed" and "No space left on device" in timeline.error
    assert str(out) in timeline.error
    assert [summary.stage(s).status for s in ("report", "export")] == ["skipped", "skipped"]
    for name in ("facts.csv", "facts.parquet", "facts.jsonl", "manifest.json", "report.html"):
        assert (out / name).read_bytes() == before[name], name
    assert not list(out.rglob(".*.tmp"))  # the failed write left no temporary file
    assert json.loads((out / "run.json").read_text(encoding="utf-8"))["exit_code"] == 2


def test_read_only_output_is_a_clear_error(copied, demo_site):  # noqa: F811
    corpus_before = articles(copied / "corpora")
    (copied / "extracted" / "export").rename(copied / "extracted" / "export.old")
    (copied / "extracted" / "export").write_text("not a directory\n")  # root ignores chmod; this is unwritable
    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    export = summary.stage("export")
    assert export.status == "failed" and str(copied / "extracted" / "export") in export.error, export.error
    assert summary.stage("report").status == "ok" and summary.exit_code == 2
    assert articles(copied / "corpora") == corpus_before

    blocked = copied / "blocked"
    blocked.write_text("a file where the output directory should be\n")
    summary = run_nightly(settings_for(copied, demo_site.base, out_dir=blocked / "extracted"), progress=False)
    assert summary.exit_code == 2 and str(blocked) in summary.stages[0].error, summary.stages[0].error


def test_corrupt_document_is_quarantined_and_fetched_again(copied, demo_site):  # noqa: F811
    corpus = copied / "corpora"
    reference = articles(corpus)
    victim = sorted(p for p in (corpus / "tintuc-thudo.demo").rglob("*.json"))[0]
    victim.write_text('{"id": "broken", "text": "half a docu', encoding="utf-8")
    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    assert summary.exit_code == 1
    moved = corpus / "quarantine" / victim.relative_to(corpus)
    assert moved.read_text(encoding="utf-8").startswith('{"id": "broken"') and not victim.exists()
    assert summary.quarantined[0]["path"] == str(moved) and "invalid JSON" in summary.quarantined[0]["reason"]
    extract = summary.stage("extract")
    assert extract.status == "partial" and extract.failures == {"invalid JSON": 1}
    assert summary.stage("report").status == "ok"  # the run went on

    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    assert summary.exit_code == 0 and summary.stage("crawl").counts["new"] == 1
    assert articles(corpus) == reference


def test_corrupt_state_database_is_quarantined_and_started_afresh(copied, demo_site):  # noqa: F811
    corpus = copied / "corpora"
    reference = articles(corpus)
    facts = facts_of(copied / "extracted")
    (corpus / "state.sqlite").write_bytes(b"\x00garbage, not SQLite\xff" * 500)
    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    crawl = summary.stage("crawl")
    assert crawl.status == "partial" and crawl.failures == {"corrupt_state": 1}
    assert (corpus / "quarantine" / "state.sqlite").read_bytes().startswith(b"\x00garbage")
    assert crawl.counts["fetched"] == ARTICLE_PAGES and crawl.counts["unchanged"] == ARTICLE_PAGES
    assert articles(corpus) == reference and facts_of(copied / "extracted") == facts
    assert summary.new_facts == 0 and summary.exit_code == 1
