"""What every stage reports, in one shape: a StageReport (status, counts, failures by reason, the first
messages, one summary line, an exit code). The crawl and extraction build theirs from their own
records; the nightly run (pipeline/jobs) keeps one per stage and prints them."""
from __future__ import annotations

from dataclasses import dataclass, field

STATUS_EXIT = {"ok": 0, "partial": 1, "failed": 2}


@dataclass
class StageReport:
    """One stage: ok, partial (it ran but reported failures), failed (it could not run) or
    skipped (an earlier stage it needs failed)."""

    name: str
    status: str = "ok"
    seconds: float = 0.0
    counts: dict = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)  # reason → how many
    messages: list[str] = field(default_factory=list)       # the first few failures, in words
    error: str | None = None                                # why a failed stage could not run
    line: str = ""                                          # the stage's own one-line summary

    @property
    def exit_code(self) -> int:
        """0 ok (or skipped), 1 partial, 2 failed."""
        return STATUS_EXIT.get(self.status, 0)

    def absorb(self, other: StageReport) -> None:
        """Take what a stage's own report says, after what the run already noted for it."""
        self.status = other.status if STATUS_EXIT.get(other.status, 0) > self.exit_code else self.status
        self.counts = {**self.counts, **other.counts}
        for reason, n in other.failures.items():
            self.failures[reason] = self.failures.get(reason, 0) + n
        self.messages += other.messages
        self.error = other.error or self.error
        self.line = other.line or self.line

    def describe(self) -> str:
        text = self.error if self.status == "failed" else self.line
        if self.status == "skipped":
            text = text or "not run"
        if self.failures and self.status != "failed":
            text += " [" + ", ".join(f"{reason} {n}" for reason, n in sorted(self.failures.items())) + "]"
        return f"{self.name:<9} {self.status:<8} {self.seconds:6.1f} s  {text}"


def status_of(exit_code: int) -> str:
    return {0: "ok", 1: "partial"}.get(exit_code, "failed")
