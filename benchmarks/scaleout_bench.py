"""Scale-out: facts per second for the local executor (1 and 2 worker processes) and the Dask
executor on a LocalCluster of 2 worker processes, on the same input in one run, each output checked
against the single-process one (every fact id and value, in order).

Input: ../shared/realnews/articles.jsonl replicated ×3 with distinct ids. Every run is a full
re-extraction (no manifest reuse) writing facts.csv/.parquet/.jsonl. The models are warmed in this
process before timing, so the forked local workers start warm; Dask workers are separate processes
that load the models on their first task: "cold" is the first run on a fresh cluster, "warm" a second.

    python -m benchmarks scaleout
"""
from __future__ import annotations

import json
import os
import tempfile
import time
from pathlib import Path

from pipeline.settings import SHARED_DIR

REALNEWS = SHARED_DIR / "realnews" / "articles.jsonl"
COPIES = 3


def _input(workdir: Path) -> tuple[Path, int, float]:
    path = workdir / f"realnews_x{COPIES}.jsonl"
    docs = [json.loads(line) for line in REALNEWS.open(encoding="utf-8")]
    with path.open("w", encoding="utf-8") as handle:
        for n in range(COPIES):
            for d in docs:
                handle.write(json.dumps(dict(d, id=f"{d['id']}#{n}"), ensure_ascii=False) + "\n")
    return path, len(docs) * COPIES, path.stat().st_size / 1024


def _facts(out: Path):
    import pandas as pd

    return pd.read_parquet(out / "facts.parquet")


def main() -> None:
    from distributed import LocalCluster

    from pipeline.extract import extract_facts, load_rulebook
    from pipeline.extract.distributed import local_cluster_options
    from pipeline.extract.runner import run_extraction
    from pipeline.records import Article

    if not REALNEWS.exists():
        print(f"skipped: {REALNEWS} not found")
        return
    extract_facts(Article(id="w", url=None, title="", published=None, source="", fetched_at=None,
                          text="Tỷ lệ hộ nghèo còn 0,03% năm 2024, đạt 20/27 chỉ tiêu."), load_rulebook())
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path, n_docs, kb = _input(work)
        print(f"input: {n_docs} articles ({REALNEWS.name} ×{COPIES}), {kb:.0f} KB; {os.cpu_count()} cores")

        def timed(label: str, **kwargs) -> None:
            out = work / f"out{len(rows)}"
            t0 = time.perf_counter()
            summary = run_extraction(input_path=path, out_dir=out, incremental=False, progress=False, **kwargs)
            seconds = time.perf_counter() - t0
            rows.append((label, seconds, summary.facts, out))

        timed("local, 1 process", workers=1)
        timed("local, 2 processes", workers=2)
        t0 = time.perf_counter()
        with LocalCluster(**local_cluster_options(2)) as cluster:
            startup = time.perf_counter() - t0
            timed("dask LocalCluster, 2 workers (cold)", executor="dask", scheduler=cluster.scheduler_address)
            timed("dask LocalCluster, 2 workers (warm)", executor="dask", scheduler=cluster.scheduler_address)
        reference = _facts(rows[0][3])
        print(f"{'executor':<38} {'seconds':>8} {'facts':>7} {'facts/s':>8} {'speed-up':>8}  identical to 1 process")
        for label, seconds, n_facts, out in rows:
            same = _facts(out).equals(reference)
            print(f"{label:<38} {seconds:8.2f} {n_facts:7d} {n_facts / seconds:8.0f} {rows[0][1] / seconds:7.2f}x  "
                  f"{'yes' if same else 'NO'}")
        print(f"(LocalCluster start-up, not in the figures above: {startup:.2f} s; "
              f"partitioned output: {len(list((rows[-1][3] / 'facts.parquet.d').glob('*.parquet')))} parts)")
        if not all(_facts(out).equals(reference) for *_, out in rows):
            raise SystemExit("outputs differ from the single-process run")
