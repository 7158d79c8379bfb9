"""Scale-out: facts per second for the local executor (1 and 2 worker processes) and the Dask
executor on a LocalCluster of 2 worker processes, on the same input in one run, each output checked
against the single-process one (every fact id and value, in order).

Input: ../shared/realnews/articles.jsonl replicated ×3 with distinct ids. Every run is a full
re-extraction (no manifest reuse) writing facts.csv/.parquet/.jsonl. The models are warmed in this
process before timing, so the forked local workers start warm; Dask workers are separate processes
that load the models on their first task, so the first Dask run is reported apart. The machine is
shared: each executor's figure is its best of three alternating rounds.

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
ROUNDS = 3


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
    best: dict[str, tuple[float, int, Path]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path, n_docs, kb = _input(work)
        print(f"input: {n_docs} articles ({REALNEWS.name} ×{COPIES}), {kb:.0f} KB; {os.cpu_count()} cores; "
              f"best of {ROUNDS} alternating rounds")

        def timed(label: str, **kwargs) -> float:
            out = work / label.replace(" ", "_").replace(",", "")
            t0 = time.perf_counter()
            summary = run_extraction(input_path=path, out_dir=out, incremental=False, progress=False, **kwargs)
            seconds = time.perf_counter() - t0
            if label not in best or seconds < best[label][0]:
                best[label] = (seconds, summary.facts, out)
            return seconds

        t0 = time.perf_counter()
        with LocalCluster(**local_cluster_options(2)) as cluster:
            startup = time.perf_counter() - t0
            dask = {"executor": "dask", "scheduler": cluster.scheduler_address}
            cold = timed("dask, first run on a new cluster", **dask)
            for _ in range(ROUNDS):
                timed("local, 1 process", workers=1)
                timed("local, 2 processes", workers=2)
                timed("dask LocalCluster, 2 workers", **dask)
        reference = _facts(best["local, 1 process"][2])
        base = best["local, 1 process"][0]
        print(f"{'executor':<34} {'seconds':>8} {'facts':>7} {'facts/s':>8} {'speed-up':>8}  identical to 1 process")
        same_all = True
        for label in ("local, 1 process", "local, 2 processes", "dask LocalCluster, 2 workers",
                      "dask, first run on a new cluster"):
            seconds, n_facts, out = best[label]
            same = _facts(out).equals(reference)
            same_all &= same
            print(f"{label:<34} {seconds:8.2f} {n_facts:7d} {n_facts / seconds:8.0f} {base / seconds:7.2f}x  "
                  f"{'yes' if same else 'NO'}")
        parts = len(list((best["dask LocalCluster, 2 workers"][2] / "facts.parquet.d").glob("*.parquet")))
        print(f"(LocalCluster start-up {startup:.2f} s, not included; the first run also loads the models in "
              f"each worker: {cold:.2f} s; partitioned output: {parts} parts)")
        if not same_all:
            raise SystemExit("outputs differ from the single-process run")
