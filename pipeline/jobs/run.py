"""The nightly job: crawl → extract → timeline → report → export as one locked, logged run.

Each stage reads what the one before left on disk, and every output is written atomically, so a
run killed at any point leaves each file as the old or the new version and the next run simply
carries on. A stage that cannot run stops only the stages that need its output: extraction works
on the corpus already on disk even when the crawl failed; timeline, report and export need the
facts. Exit code 0 all good, 1 partial, 2 failed (see RunSummary.exit_code).
"""
from __future__ import annotations

import datetime as dt
import logging
import logging.handlers
import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from pipeline.atomic import os_error_text, remove_leftovers  # noqa: F401 (os_error_text: part of this API)
from pipeline.config import Settings, check_settings
from pipeline.errors import PipelineError
from pipeline.jobs.lock import RunLock
from pipeline.jobs.summary import RunSummary, new_run_id, utc_now
from pipeline.layout import DATAPACKAGE, OutDir
from pipeline.stages import StageReport
from pipeline.tables.spreadsheet import read_csv

log = logging.getLogger(__name__)
STAGES = ("check", "crawl", "extract", "timeline", "report", "export")
NEEDS = {"crawl": ("check",), "extract": ("check",), "timeline": ("extract",), "report": ("timeline",),
         "export": ("timeline",)}
CONFLICT_KEY = ["indicator", "area", "area_part", "unit", "modality", "time_period", "time_basis"]


def conflict_keys(frame: pd.DataFrame) -> set[str]:
    """indicator | area | area_part | unit | modality | period | time basis of every observation in conflict."""
    if frame is None or frame.empty or "conflict" not in frame:
        return set()
    rows = frame[frame["conflict"].astype(str).str.lower().isin(["true", "1"])]
    keys = rows.reindex(columns=CONFLICT_KEY).fillna("").astype(str)
    return {" | ".join(row) for row in keys.itertuples(index=False)}


def previous_conflicts(out_dir: Path) -> set[str]:
    path = OutDir(out_dir).timeline_csv()
    if not path.exists():
        return set()
    try:
        return conflict_keys(read_csv(path))
    except (OSError, ValueError, pd.errors.ParserError) as exc:
        log.warning("%s: previous timeline unreadable (%s); every conflict counts as new", path, exc)
        return set()


class _TestPause:
    """CHITIEU_TEST_PAUSE=<stage>[:n]: after the n-th file the stage replaces (default 1), touch
    $CHITIEU_TEST_MARKER and sleep, so a test can SIGKILL the run at a known point."""

    def __init__(self) -> None:
        spec = os.environ.get("CHITIEU_TEST_PAUSE", "")
        self.stage, _, n = spec.partition(":")
        self.after = int(n or 1)
        self.current = ""
        self.count = 0
        self._replace = real = os.replace
        if self.stage:

            def replace_then_pause(src, dst, *args, **kwargs):
                real(src, dst, *args, **kwargs)
                if self.current == self.stage:
                    self.count += 1
                    if self.count == self.after:
                        self._pause(dst)

            os.replace = replace_then_pause

    def _pause(self, last: object) -> None:
        marker = Path(os.environ.get("CHITIEU_TEST_MARKER", ".chitieu-test-paused"))
        ready = marker.with_name(marker.name + ".writing")  # the test sees the marker whole or not at all
        ready.write_text(f"{self.stage} {os.getpid()} {last}\n", encoding="utf-8")
        self._replace(ready, marker)
        time.sleep(float(os.environ.get("CHITIEU_TEST_PAUSE_SECONDS", "120")))


_pause = _TestPause()


@contextmanager
def run_logging(settings: Settings, run_id: str) -> Iterator[None]:
    """INFO and above into a rotating log file; stderr keeps its level (errors only with --quiet)."""
    root = logging.getLogger()
    saved = (root.level, [(h, h.level) for h in root.handlers])
    added: list[logging.Handler] = []
    if not root.handlers:  # called as a library: log to stderr like the CLI does
        added.append(logging.StreamHandler(sys.stderr))
        added[-1].setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        added[-1].setLevel(logging.WARNING)
    stderr_level = root.level if root.level != logging.NOTSET and root.handlers else logging.WARNING
    for handler in root.handlers:
        if not isinstance(handler, logging.FileHandler) and handler.level == logging.NOTSET:
            handler.setLevel(logging.ERROR if settings.quiet else stderr_level)
    path = settings.log_path
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file_handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=settings.log_max_bytes, backupCount=settings.log_backups, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(
            f"%(asctime)s {run_id} %(levelname)s %(name)s: %(message)s"))
        file_handler.setLevel(logging.INFO)
        added.append(file_handler)
    except OSError as exc:
        print(f"warning: cannot log to {path}: {exc.strerror or exc}; logging to stderr only", file=sys.stderr)
    for handler in added:
        root.addHandler(handler)
    root.setLevel(min(logging.INFO, root.level or logging.INFO))
    try:
        yield
    finally:
        for handler in added:
            root.removeHandler(handler)
            handler.close()
        root.setLevel(saved[0])
        for handler, level in saved[1]:
            handler.setLevel(level)


class NightlyRun:
    """One run; stages share what they loaded (sources, facts, timeline) in memory."""

    def __init__(self, settings: Settings, progress: bool | None = None):
        self.settings = settings
        self.progress = False if settings.quiet else progress
        started = dt.datetime.now(dt.timezone.utc)
        self.summary = RunSummary(run_id=new_run_id(started), started=started.isoformat(timespec="seconds"),
                                  settings=settings.as_dict())
        self.sources: list = []
        self.inputs = None
        self.timeline = None

    @property
    def run_id(self) -> str:
        return self.summary.run_id

    def stage(self, name: str, work: Callable[[StageReport], None]) -> StageReport:
        result = StageReport(name)
        self.summary.stages.append(result)
        blocked = [n for n in NEEDS.get(name, ()) if (s := self.summary.stage(n)) and s.status in ("failed", "skipped")]
        if blocked:
            result.status, result.line = "skipped", f"not run: {blocked[0]} failed"
            return result
        _pause.current = name
        started = time.perf_counter()
        directory = self.settings.corpus_dir if name == "crawl" else self.settings.out_dir
        try:
            work(result)
        except PipelineError as exc:
            result.status, result.error = "failed", str(exc)
        except OSError as exc:
            result.status, result.error = "failed", os_error_text(exc, directory)
        except Exception as exc:  # a bug in one stage must still leave a summary behind
            log.exception("%s stage: unexpected error", name)
            result.status, result.error = "failed", f"internal error: {type(exc).__name__}: {exc}"
        finally:
            _pause.current = ""
        result.seconds = time.perf_counter() - started
        if result.status == "failed":
            log.error("%s failed: %s", name, result.error)
        log.info("%s", result.describe())
        return result

    # -- stages ----------------------------------------------------------------------------
    def check(self, result: StageReport) -> None:
        problems, notes = check_settings(self.settings)
        result.messages = notes
        if problems:
            result.messages = problems + notes
            raise PipelineError("; ".join(problems))
        result.line = f"config, rules and sources valid ({self.settings.origin})"

    def crawl(self, result: StageReport) -> None:
        from pipeline.crawl.fetch import FetchConfig
        from pipeline.crawl.runner import CrawlOptions, crawl
        from pipeline.jobs.quarantine import quarantine_bad_state
        from pipeline.progress import bar_logging, progress_bar
        from pipeline.rules.sources import load_sources

        s = self.settings
        damaged = quarantine_bad_state(s.corpus_dir)
        if damaged:
            result.failures["corrupt_state"] = 1
            result.messages.append(f"crawl state damaged ({damaged[1]}): moved to {damaged[0]}, started afresh")
            self.summary.quarantined.append({"path": str(damaged[0]), "reason": damaged[1]})
        self.sources = [source for source in load_sources(s.sources_file) if source.enabled]
        fetch = {k: v for k, v in dict(delay=s.delay, concurrency=s.concurrency, per_host=s.per_host,
                                       read_timeout=s.timeout, retries=s.retries).items() if v is not None}
        options = CrawlOptions(corpus_dir=s.corpus_dir, since=s.since, max_pages=s.max_pages, refresh=s.refresh,
                               fetch=FetchConfig(**fetch))
        bar = progress_bar("crawl", "page", self.progress)

        def progress(done: int, total: int) -> None:
            bar.total, bar.n = total, done
            bar.refresh()

        try:
            with bar_logging(not bar.disable):
                report = crawl(self.sources, options, progress=progress)
        finally:
            bar.close()
        result.absorb(report.stage_report())
        result.counts["failed"] = sum(result.failures.values())  # agrees with failures by reason
        self.summary.new_articles = report.counts.get("new", 0)
        if damaged and result.status == "ok":
            result.status = "partial"

    def extract(self, result: StageReport) -> None:
        from pipeline.extract.executors import run_extraction
        from pipeline.jobs.quarantine import quarantine_documents

        s = self.settings
        summary = run_extraction(corpus_dir=s.corpus_dir, out_dir=s.out_dir, rules_dir=s.rules_dir,
                                 workers=s.workers, incremental=True, progress=self.progress,
                                 sources_file=s.sources_file)
        moved = quarantine_documents(s.corpus_dir, summary.skips, tried=summary.extracted + summary.skipped)
        self.summary.quarantined += [{"path": str(path), "reason": reason} for path, reason in moved]
        result.absorb(summary.stage_report(moved))
        self.summary.new_facts = summary.new_facts

    def build_timeline(self, result: StageReport) -> None:
        from pipeline.timeline import load_inputs, write_timeline

        s = self.settings
        before = previous_conflicts(s.out_dir)
        self.inputs = load_inputs(s.out_dir, s.rules_dir)  # extracted/ only: what `chitieu timeline` reads
        self.timeline = self.inputs.timeline()
        write_timeline(s.out_dir, self.timeline)
        obs = self.timeline.observations
        now = conflict_keys(obs)
        self.summary.new_conflicts = sorted(now - before)
        result.counts = {"observations": len(obs), "in_conflict": int(obs["conflict"].sum()),
                         "conflicts": len(now), "new_conflicts": len(now - before),
                         "reviewed": int(obs["reviewed"].sum()), "indicators": int(obs["indicator"].nunique()),
                         "skipped": {k: v for k, v in self.timeline.skipped.items() if v}}
        parts = [f"{len(obs)} observations"]
        if now:
            parts.append(f"{len(now)} conflicts" + (f" ({len(now - before)} new)" if now - before else ""))
        if result.counts["reviewed"]:
            parts.append(f"{result.counts['reviewed']} reviewed")
        result.line = ", ".join(parts) + f" → {OutDir(s.out_dir).timeline_csv()}"

    def report(self, result: StageReport) -> None:
        from pipeline.report import write_report

        stamp = dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M") + f" (lần chạy {self.run_id})"
        written = write_report(self.settings.out_dir, self.timeline, documents=self.inputs.documents,
                               generated=stamp)
        result.counts = {"charts": written.sections}
        result.line = f"{written.sections} charts → {written.path}"

    def export(self, result: StageReport) -> None:

        from pipeline.atomic import replace_directory
        from pipeline.export import EXPORT_DIR, export_all, facts_table

        dest = self.settings.out_dir / EXPORT_DIR
        with replace_directory(dest, replaceable=is_export_dir) as staging:  # export/ swapped in whole
            counts = export_all(staging, facts_table(self.settings.out_dir), self.timeline, self.inputs.decisions,
                                self.inputs.documents, sqlite=self.settings.sqlite,
                                run={"run_id": self.run_id, "started": self.summary.started})
        result.counts = counts
        result.line = (f"{counts['facts']} facts, {counts['timeline']} observations, {counts['latest']} latest rows "
                       f"→ {dest}")

    # -- the run ---------------------------------------------------------------------------
    def run(self) -> RunSummary:
        started = time.perf_counter()
        s = self.settings
        with run_logging(s, self.run_id):
            log.info("run %s started (config %s)", self.run_id, s.origin)
            try:
                lock = RunLock(s.out_dir, self.run_id, self.summary.started)
                lock.__enter__()
            except PipelineError as exc:
                self.summary.stages.append(StageReport("lock", "failed", error=str(exc)))
                log.error("%s", exc)
                self.summary.finished = utc_now()
                return self.summary
            try:
                self.summary.stale_lock = lock.previous
                _remove_temp_files(s.out_dir)
                for name, work in (("check", self.check), ("crawl", self.crawl), ("extract", self.extract),
                                   ("timeline", self.build_timeline), ("report", self.report),
                                   ("export", self.export)):
                    self.stage(name, work)
                self.summary.seconds = time.perf_counter() - started
                self.summary.finished = utc_now()
                try:
                    self.summary.write(s.out_dir)
                except OSError as exc:
                    log.error("cannot write the run summary: %s", os_error_text(exc, s.out_dir))
            finally:
                lock.__exit__(None, None, None)
            log.info("run %s finished: %s", self.run_id, self.summary.total_line())
        return self.summary


def is_export_dir(path: Path) -> bool:
    """An earlier `chitieu export` (it has a datapackage.json): safe to replace as a whole."""
    return (Path(path) / DATAPACKAGE).is_file()


def _remove_temp_files(out_dir: Path) -> None:
    """Temporary files and staging directories of a run killed mid-write (never complete
    outputs); we hold the lock."""
    remove_leftovers(out_dir, lambda p: log.info("%s: removing what an interrupted run left", p))


def run_nightly(settings: Settings, progress: bool | None = None) -> RunSummary:
    """Run every stage once under the lock; never raises for a stage, the summary says what failed."""
    return NightlyRun(settings, progress).run()
