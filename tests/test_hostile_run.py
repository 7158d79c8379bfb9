"""The nightly run under attack, each test named after it (issue 11, items 11, 12, 15)."""
from __future__ import annotations

import errno
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from run_fixtures import baseline, copied, demo_site, settings_for, write_config  # noqa: F401

from pipeline.cli import cli
from pipeline.jobs.lock import RunLock, RunLocked
from pipeline.settings import PROJECT_ROOT


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


# ---------------------------------------------------------------- item 11
def test_sigkill_of_run_during_extraction_leaves_no_worker_holding_the_lock(copied, demo_site):  # noqa: F811
    config = write_config(copied, demo_site.base)
    config.write_text(config.read_text().replace("workers = 1", "workers = 2"))
    (copied / "extracted" / "manifest.json").unlink()  # every document is extracted again, by 2 workers
    slow = copied / "corpora" / "aaa.example" / "2024" / "0000000000000000.json"  # sorted first: a worker
    slow.parent.mkdir(parents=True)                                            # is busy with it for long
    slow.write_text(json.dumps({"id": "slow", "text": "Năm 2023: " + ", ".join(
        f"xã thứ {k} đạt {k % 90},5%" for k in range(20_000)) + "."}, ensure_ascii=False), encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    process = subprocess.Popen([sys.executable, "-m", "pipeline", "run", "--config", str(config), "--quiet"],
                               cwd=copied, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    workers: list[int] = []
    while not workers:  # the run starts no process but its extraction workers
        if process.poll() is not None:
            pytest.fail("the run ended before its extraction workers started: "
                        + process.stderr.read().decode()[-2000:])
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("no extraction worker appeared")
        workers = children_of(process.pid)
        time.sleep(0.01)
    time.sleep(1.5)  # the workers have their documents
    workers = children_of(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)

    taken, started = None, time.monotonic()
    while taken is None and time.monotonic() - started < 10:  # today: refused for ~40 s
        try:
            with RunLock(copied / "extracted", "next", "now") as lock:
                taken = lock.previous
        except RunLocked as exc:
            refused = str(exc)
            time.sleep(0.2)
    assert taken is not None, f"the next run is still refused: {refused}"
    assert taken["pid"] == process.pid  # the dead run's lock file was found stale and taken over
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if alive(pid)], "orphaned extraction workers are still running"


# ---------------------------------------------------------------- item 12
def test_outputs_and_corpus_files_are_readable_by_group_and_others_under_umask_022(tmp_path, demo_site):  # noqa: F811
    from pipeline.jobs.run import run_nightly

    old = os.umask(0o022)
    try:
        summary = run_nightly(settings_for(tmp_path, demo_site.base), progress=False)
    finally:
        os.umask(old)
    assert summary.exit_code == 0, summary.lines()
    private = []
    for path in sorted((tmp_path / "corpora").rglob("*")) + sorted((tmp_path / "extracted").rglob("*")):
        mode = stat.S_IMODE(path.stat().st_mode)
        wanted = 0o755 if path.is_dir() else 0o644
        if mode != wanted:
            private.append(f"{path.relative_to(tmp_path)} {mode:o}")
    assert not private, "not readable under umask 022: " + ", ".join(private[:10])


def test_atomic_write_fsyncs_the_directory_after_the_rename(tmp_path, monkeypatch):
    from pipeline.atomic import atomic_write_bytes

    events = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (events.append(
        "dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda *a, **k: (events.append("rename"), real_replace(*a, **k))[1])
    atomic_write_bytes(tmp_path / "facts.csv", b"a,b\n")
    assert events == ["file", "rename", "dir"]


# ---------------------------------------------------------------- item 15
def full_disk_after(monkeypatch, n: int, where: str = ""):
    """os.replace fails with ENOSPC from the n-th replacement on (below `where`)."""
    real = os.replace
    count = [0]

    def replace(src, dst, *args, **kwargs):
        if where in str(dst):
            count[0] += 1
            if count[0] >= n:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(src))
        return real(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)


@pytest.mark.parametrize("command", [["timeline"], ["report"], ["export"], ["extract", "--workers", "1", "--full"],
                                     ["review", "export"]])
def test_disk_full_in_a_standalone_command_is_a_message_not_a_traceback(copied, monkeypatch, command):  # noqa: F811
    out, corpus = copied / "extracted", copied / "corpora"
    full_disk_after(monkeypatch, 1)
    args = command + ["--out", str(out)] + (["--corpus", str(corpus)] if command[0] != "review" else [])
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2, result.output
    assert not isinstance(result.exception, OSError), "a traceback, not a message"
    assert "No space left on device" in result.output and str(out) in result.output, result.output
    assert "Traceback" not in result.output


def test_export_killed_or_full_halfway_leaves_the_old_export_whole(copied, monkeypatch):  # noqa: F811
    export = copied / "extracted" / "export"
    before = {p.name: p.read_bytes() for p in export.iterdir()}
    full_disk_after(monkeypatch, 4, where=str(copied / "extracted"))  # three tables written, then the disk is full
    result = CliRunner().invoke(cli, ["export", "--out", str(copied / "extracted"), "--corpus", str(copied / "corpora")])
    assert result.exit_code == 2, result.output
    assert {p.name: p.read_bytes() for p in export.iterdir()} == before  # not half new and half old
    assert not [p for p in export.parent.iterdir() if p.name.endswith(".tmp")]  # the staging copy is gone


def test_export_dest_that_is_not_an_export_is_not_replaced(copied, tmp_path):  # noqa: F811
    documents = tmp_path / "Documents"
    documents.mkdir()
    (documents / "thesis.docx").write_bytes(b"precious")
    result = CliRunner().invoke(cli, ["export", "--out", str(copied / "extracted"), "--corpus", str(copied / "corpora"),
                                      "--dest", str(documents)])
    assert result.exit_code == 2 and "not replacing it" in result.output, result.output
    assert (documents / "thesis.docx").read_bytes() == b"precious"
