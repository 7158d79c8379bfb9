"""Where extraction runs, behind one call: worker processes on this machine or a Dask cluster.

Both read the same documents, go through the same runner.Ledger (counts, skips, incremental
state) and write the same facts; the executor is only how the documents are spread.
"""
from __future__ import annotations

from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.extract.runner import ExtractSummary, run_local_extraction
from pipeline.settings import RULES_DIR

EXECUTORS = ("local", "dask")


def run_extraction(*, corpus_dir: Path | None = None, input_path: Path | None = None,
                   out_dir: Path = Path("extracted"), rules_dir: Path = RULES_DIR, workers: int | None = None,
                   incremental: bool = True, progress: bool | None = None, executor: str = "local",
                   scheduler: str | None = None, partitions: int | None = None,
                   sources_file: Path | None = None) -> ExtractSummary:
    """Extract facts from every document and write facts.csv / .parquet / .jsonl + manifest.

    `executor="local"` uses worker processes on this machine; `"dask"` runs on a Dask cluster
    (`scheduler` address, or a LocalCluster of `workers` processes) and also writes
    facts.parquet.d/ partitions, see pipeline.extract.distributed.
    """
    common = dict(corpus_dir=corpus_dir, input_path=input_path, out_dir=out_dir, rules_dir=rules_dir,
                  workers=workers, incremental=incremental, progress=progress, sources_file=sources_file)
    if executor == "local":
        return run_local_extraction(**common)
    if executor == "dask":
        from pipeline.extract.distributed import run_dask_extraction  # Dask is imported only when asked for

        return run_dask_extraction(**common, scheduler=scheduler, partitions=partitions)
    raise PipelineError(f"unknown executor {executor!r}; use {' or '.join(map(repr, EXECUTORS))}")
