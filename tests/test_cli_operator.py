"""The operator's experience (issue 11): every command reads chitieu.toml, -v after the
subcommand, one exit-code rule, summaries on stdout, log lines above the progress bar,
`chitieu init`, `chitieu --version`, `chitieu demo` naming only outputs that exist."""
from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.settings import PROJECT_ROOT, RULES_DIR

GOOD = {"id": "good", "url": "https://example.vn/a.htm", "title": "Kết quả giảm nghèo", "published": "2024-02-28",
        "source": "example.vn", "text": "Thành phố đã có 20/27 chỉ tiêu hoàn thành.\nTỷ lệ hộ nghèo còn 0,03%."}


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


@pytest.fixture
def project(tmp_path, monkeypatch):
    """A directory with a chitieu.toml whose paths are not the defaults, as the working directory."""
    (tmp_path / "docs.jsonl").write_text(json.dumps(GOOD, ensure_ascii=False) + "\n", encoding="utf-8")
    (tmp_path / "chitieu.toml").write_text('[paths]\ncorpus = "data/corpora"\nout = "data/out"\n'
                                           "[extract]\nworkers = 1\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_command_reads_chitieu_toml(project):
    out = project / "data" / "out"
    assert invoke("extract", "--input", "docs.jsonl").exit_code == 0
    assert (out / "facts.parquet").exists() and not (project / "extracted").exists()
    for command in (["timeline"], ["report"], ["export"], ["review", "export"]):
        result = invoke(*command)
        assert result.exit_code == 0, (command, result.output)
    assert (out / "timeline.csv").exists() and (out / "report.html").exists()
    assert (out / "export" / "datapackage.json").exists() and (out / "review.csv").exists()


def test_config_option_after_the_subcommand_or_before_it_and_flags_override(project):
    other = project / "other.toml"
    other.write_text('[paths]\nout = "elsewhere"\n', encoding="utf-8")
    assert invoke("extract", "--input", "docs.jsonl", "--config", other, "--workers", "1").exit_code == 0
    assert (project / "elsewhere" / "facts.parquet").exists()
    assert invoke("--config", other, "timeline").exit_code == 0
    assert (project / "elsewhere" / "timeline.csv").exists()
    assert invoke("timeline", "--out", project / "elsewhere", "--config", project / "chitieu.toml").exit_code == 0


def test_broken_config_is_exit_2_naming_file_and_line_for_any_command(project):
    (project / "chitieu.toml").write_text("[paths]\nout = 3\n", encoding="utf-8")
    for command in (["timeline"], ["extract", "--input", "docs.jsonl"], ["review", "export"]):
        result = invoke(*command)
        assert result.exit_code == 2 and "chitieu.toml:2: [paths] out" in result.output, result.output


def test_verbose_works_after_the_subcommand(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    done = subprocess.run([sys.executable, "-m", "pipeline", "extract", "--input", str(docs), "--out",
                           str(tmp_path / "out"), "--workers", "1", "-vv"], env=env, capture_output=True,
                          text=True, timeout=300, cwd=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "DEBUG" in done.stderr or "INFO" in done.stderr, done.stderr[-2000:]


@pytest.mark.parametrize("command", [["timeline"], ["report"], ["export"], ["review", "export"]])
def test_nothing_could_be_done_is_exit_2_for_every_command(tmp_path, command):
    result = invoke(*command, "--out", tmp_path / "empty")
    assert result.exit_code == 2 and "no facts.parquet" in result.output, result.output
    assert "Traceback" not in result.output


def test_summaries_go_to_stdout_and_messages_to_stderr(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n{broken\n", encoding="utf-8")
    result = invoke("extract", "--input", docs, "--out", tmp_path / "out", "--workers", "1")
    assert result.exit_code == 1
    assert result.stdout.startswith("extract: 1 documents") and "skipped" not in result.stdout.split("\n")[1:]
    assert "docs.jsonl:2: invalid JSON" in result.stderr and "extract:" not in result.stderr


def test_summary_shows_non_zero_counters_only(tmp_path):
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n", encoding="utf-8")
    invoke("extract", "--input", docs, "--out", tmp_path / "out", "--workers", "1")
    line = invoke("extract", "--input", docs, "--out", tmp_path / "out", "--workers", "1").stdout.splitlines()[0]
    assert "1 unchanged" in line and " 0 " not in line and "skipped" not in line, line


def test_log_warnings_are_written_above_the_progress_bar(monkeypatch):
    import tqdm

    from pipeline.progress import bar_logging

    written = []
    monkeypatch.setattr(tqdm.tqdm, "write", classmethod(lambda cls, msg, file=None, **kw: written.append(msg)))
    root = logging.getLogger()
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.WARNING)
    saved = root.handlers[:], root.level
    root.handlers, root.level = [console], logging.INFO
    try:
        with bar_logging(True):
            logging.getLogger("pipeline.test").warning("a page failed")
            logging.getLogger("pipeline.test").info("not for the console")
    finally:
        root.handlers, root.level = saved
    assert written == ["a page failed"]


def test_version_names_rules_and_main_libraries():
    result = invoke("--version")
    assert result.exit_code == 0
    for word in ("chitieu 0.", "rules ", "python 3.", "underthesea", "spacy", "pandas", "pyarrow"):
        assert word in result.output, result.output


def test_init_writes_an_editable_copy_of_the_rules_and_a_config_using_it(tmp_path, monkeypatch):
    from pipeline.rules.book import rules_version

    target = tmp_path / "project"
    result = invoke("init", target)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (target / "rules").iterdir()) == sorted(p.name for p in RULES_DIR.iterdir()
                                                                          if p.is_file())
    check = invoke("config", "check", "--config", target / "chitieu.toml")
    assert check.exit_code == 0 and str(target / "rules") in check.output, check.output
    indicators = target / "rules" / "indicators.toml"
    indicators.write_text(indicators.read_text(encoding="utf-8").replace("Quận, huyện không còn hộ nghèo",
                                                                         "Quận huyện hết hộ nghèo"), encoding="utf-8")
    (target / "docs.jsonl").write_text(json.dumps(GOOD, ensure_ascii=False) + "\n", encoding="utf-8")
    monkeypatch.chdir(target)
    assert invoke("extract", "--input", "docs.jsonl", "--workers", "1").exit_code == 0
    manifest = json.loads((target / "extracted" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["rules_version"] == rules_version(target / "rules") != rules_version(RULES_DIR)
    again = invoke("init", target)
    assert again.exit_code == 2 and "already exists" in again.output  # nothing overwritten without --force


def test_demo_prints_only_the_outputs_that_exist(tmp_path, monkeypatch):
    import pipeline.jobs.demo
    from pipeline.jobs.summary import RunSummary
    from pipeline.stages import StageReport

    def failed_demo(workdir, quiet=False, progress=None):
        return RunSummary("20260101T000000Z-abcdef", "now", {},
                          [StageReport("check", "ok"), StageReport("crawl", "failed", error="no page could be fetched"),
                           StageReport("extract", "failed", error="no document could be read")])

    monkeypatch.setattr(pipeline.jobs.demo, "run_demo", failed_demo)
    result = invoke("demo", "--workdir", tmp_path / "demo")
    assert result.exit_code == 2
    for label in ("facts:", "timeline:", "report:", "export:", "summary:"):
        assert label not in result.stdout, result.stdout
