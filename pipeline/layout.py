"""Where everything lives: every file and folder name of a corpus and of an extracted-data directory, once.

Stages take a directory and ask `OutDir(out).facts_parquet` (or `CorpusDir(corpus).state`) instead
of spelling names; the names are public (the README documents them), so change them only with care.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

# extracted/ (--out)
FACTS = "facts"  # facts.parquet, facts.csv, facts.jsonl
PARTITIONS_DIR = "facts.parquet.d"  # Dask: one Parquet file per partition
DOCUMENTS = "documents"  # documents.parquet, documents.csv
MANIFEST = "manifest.json"
REVIEW_LOG = "review_log.jsonl"
REVIEW_SHEET = "review.csv"
TIMELINE_FILES = ("timeline", "timeline_wide", "latest", "changes")  # <name>.csv
REPORT = "report.html"
CHARTS_DIR = "charts"
CHART_INDEX = "index.json"
EXPORT_DIR = "export"
SQLITE = "chitieu.sqlite"
DATAPACKAGE = "datapackage.json"
RUNS_DIR = "runs"  # runs/<run id>.json; run.json is the latest
LATEST_RUN = "run.json"
LOGS_DIR = "logs"
LOG_FILE = "chitieu.log"
LOCK = ".chitieu-run.lock"
# corpora/ (--corpus)
STATE = "state.sqlite"
QUARANTINE = "quarantine"
NOT_DOCUMENTS = frozenset({RUNS_DIR, QUARANTINE})  # folders of a corpus that hold no article


@dataclass(frozen=True, slots=True)
class OutDir:
    """An extracted-data directory: what extraction writes and every later stage reads or writes."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def facts_parquet(self) -> Path:
        return self.root / f"{FACTS}.parquet"

    @property
    def facts_csv(self) -> Path:
        return self.root / f"{FACTS}.csv"

    @property
    def facts_jsonl(self) -> Path:
        return self.root / f"{FACTS}.jsonl"

    @property
    def partitions(self) -> Path:
        return self.root / PARTITIONS_DIR

    @property
    def documents_parquet(self) -> Path:
        return self.root / f"{DOCUMENTS}.parquet"

    @property
    def documents_csv(self) -> Path:
        return self.root / f"{DOCUMENTS}.csv"

    @property
    def manifest(self) -> Path:
        return self.root / MANIFEST

    @property
    def review_log(self) -> Path:
        return self.root / REVIEW_LOG

    @property
    def review_sheet(self) -> Path:
        return self.root / REVIEW_SHEET

    def timeline_csv(self, name: str = "timeline") -> Path:
        """timeline.csv, timeline_wide.csv, latest.csv or changes.csv."""
        if name not in TIMELINE_FILES:
            raise ValueError(f"no timeline file {name!r}; one of {TIMELINE_FILES}")
        return self.root / f"{name}.csv"

    @property
    def report(self) -> Path:
        return self.root / REPORT

    @property
    def charts(self) -> Path:
        return self.root / CHARTS_DIR

    @property
    def export(self) -> Path:
        return self.root / EXPORT_DIR

    @property
    def runs(self) -> Path:
        return self.root / RUNS_DIR

    @property
    def latest_run(self) -> Path:
        return self.root / LATEST_RUN

    @property
    def log_file(self) -> Path:
        return self.root / LOGS_DIR / LOG_FILE

    @property
    def lock(self) -> Path:
        return self.root / LOCK


@dataclass(frozen=True, slots=True)
class CorpusDir:
    """A corpus: corpora/<source>/<YYYY>/<id>.json (+ <id>.html.gz), the crawl state, quarantine."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @property
    def state(self) -> Path:
        return self.root / STATE

    @property
    def quarantine(self) -> Path:
        return self.root / QUARANTINE

    @property
    def runs(self) -> Path:
        return self.root / RUNS_DIR
