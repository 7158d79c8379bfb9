"""Where everything lives: every file and folder name of a corpus and of an extracted-data directory, once.

Stages take a directory and ask `OutDir(out).facts_parquet` (or `CorpusDir(corpus).state`) instead
of spelling names; the names are public (the README documents them), so change them only with care.
"""
from __future__ import annotations

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


class _Entry:
    """A file or folder of a directory, by name: `OutDir(out).facts_parquet` is `out / "facts.parquet"`."""

    def __init__(self, *parts: str):
        self.parts = parts

    def __get__(self, directory, owner=None):
        return self if directory is None else directory.root.joinpath(*self.parts)


class _Directory:
    __slots__ = ("root",)

    def __init__(self, root: Path | str):
        self.root = Path(root)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({str(self.root)!r})"

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and other.root == self.root

    def __hash__(self) -> int:
        return hash((type(self), self.root))


class OutDir(_Directory):
    """An extracted-data directory: what extraction writes and every later stage reads or writes."""

    __slots__ = ()
    facts_parquet = _Entry(f"{FACTS}.parquet")
    facts_csv = _Entry(f"{FACTS}.csv")
    facts_jsonl = _Entry(f"{FACTS}.jsonl")
    partitions = _Entry(PARTITIONS_DIR)
    documents_parquet = _Entry(f"{DOCUMENTS}.parquet")
    documents_csv = _Entry(f"{DOCUMENTS}.csv")
    manifest = _Entry(MANIFEST)
    review_log = _Entry(REVIEW_LOG)
    review_sheet = _Entry(REVIEW_SHEET)
    report = _Entry(REPORT)
    charts = _Entry(CHARTS_DIR)
    export = _Entry(EXPORT_DIR)
    runs = _Entry(RUNS_DIR)
    latest_run = _Entry(LATEST_RUN)
    log_file = _Entry(LOGS_DIR, LOG_FILE)
    lock = _Entry(LOCK)

    def timeline_csv(self, name: str = "timeline") -> Path:
        """timeline.csv, timeline_wide.csv, latest.csv or changes.csv."""
        if name not in TIMELINE_FILES:
            raise ValueError(f"no timeline file {name!r}; one of {TIMELINE_FILES}")
        return self.root / f"{name}.csv"


class CorpusDir(_Directory):
    """A corpus: corpora/<source>/<YYYY>/<id>.json (+ <id>.html.gz), the crawl state, quarantine."""

    __slots__ = ()
    state = _Entry(STATE)
    quarantine = _Entry(QUARANTINE)
    runs = _Entry(RUNS_DIR)
