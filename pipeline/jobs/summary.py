"""What a nightly run did, stage by stage: printed on stdout and kept in OUT/runs/<run id>.json."""
from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.atomic import atomic_write_json
from pipeline.layout import RUNS_DIR, OutDir
from pipeline.stages import STATUS_EXIT, StageReport


def new_run_id(now: dt.datetime | None = None) -> str:
    """UTC timestamp plus a short random part: sortable, and unique even for runs started together."""
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


def utc_now() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass
class RunSummary:
    run_id: str
    started: str
    settings: dict
    stages: list[StageReport] = field(default_factory=list)
    finished: str | None = None
    seconds: float = 0.0
    new_articles: int = 0
    new_facts: int = 0
    new_conflicts: list[str] = field(default_factory=list)
    quarantined: list[dict] = field(default_factory=list)
    stale_lock: dict | None = None
    path: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 all good, 1 partial (some stage reported failures or skipped documents), 2 failed."""
        return max((STATUS_EXIT.get(s.status, 2) for s in self.stages if s.status != "skipped"), default=2)

    @property
    def status(self) -> str:
        return {0: "ok", 1: "partial", 2: "failed"}[self.exit_code]

    def stage(self, name: str) -> StageReport | None:
        return next((s for s in self.stages if s.name == name), None)

    def total_line(self) -> str:
        record = f" → {self.path}" if self.path else ""
        news = [(self.new_articles, "new articles"), (self.new_facts, "new facts"),
                (len(self.new_conflicts), "new conflicts"), (len(self.quarantined), "quarantined")]
        what = ", ".join(f"{n} {label}" for n, label in news if n) or "nothing new"
        return (f"{'total':<9} {self.status:<8} {self.seconds:6.1f} s  run {self.run_id}: {what}; "
                f"exit {self.exit_code}{record}")

    def lines(self) -> list[str]:
        return [s.describe() for s in self.stages] + [self.total_line()]

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id, "started": self.started, "finished": self.finished,
            "seconds": round(self.seconds, 3), "status": self.status, "exit_code": self.exit_code,
            "new_articles": self.new_articles, "new_facts": self.new_facts,
            "new_conflicts": len(self.new_conflicts), "new_conflict_keys": self.new_conflicts[:100],
            "quarantined": self.quarantined, "stale_lock": self.stale_lock,
            "stages": [asdict(s) | {"seconds": round(s.seconds, 3)} for s in self.stages],
            "settings": self.settings,
        }

    def write(self, out_dir: Path) -> Path:
        """OUT/runs/<run id>.json (atomically) and OUT/run.json, the last run's id and outcome."""
        out_dir = Path(out_dir)
        self.path = out_dir / RUNS_DIR / f"{self.run_id}.json"
        atomic_write_json(self.path, self.as_dict())
        latest = {"run_id": self.run_id, "finished": self.finished, "status": self.status,
                  "exit_code": self.exit_code, "summary": str(self.path)}
        atomic_write_json(OutDir(out_dir).latest_run, latest)
        return self.path
