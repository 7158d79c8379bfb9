"""Timeline, report and exports at scale, each beside a plain baseline measured in the same run.

    python -m benchmarks timeline            (or: python -m benchmarks.timeline_bench [N])

Synthetic facts (default 1,000,000, columnar, written straight to facts.parquet) mimic the
extraction: ~5 figures an article, lexicon indicators and free subjects, 40 areas and some
sub-areas, day/quarter/year periods, levels and changes, targets and actuals, the same figure
repeated by several articles, some disagreeing figures and some roundings, 1 in 10 dated only by
publication, 2% reviewed. Every stage runs in a fresh process (its own time and peak memory):

- baseline: pyarrow read of facts.parquet + pandas groupby on the series key + CSV write;
- timeline: `chitieu timeline` (load_inputs + build_timeline + write_timeline);
- report at 100,000 facts and at N (the report draws a bounded number of charts);
- exports (CSV + Parquet + JSON Lines + SDMX + datapackage) beside pyarrow writing the same
  tables as CSV + Parquet; SQLite reported on its own.
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

INDICATORS = ["poor_household_rate", "health_insurance_coverage", "unemployment_rate", "trained_labour_rate",
              "social_insurance_coverage", "programme_targets_met", ""]
SUBJECTS = ["chỉ tiêu", "doanh nghiệp", "xã nông thôn mới", "trường chuẩn quốc gia", "hộ dân"]
PARTS = ["", "", "", "", "khu vực nông thôn", "khu vực thành thị"]
KINDS = ["level"] * 8 + ["change", "share_of_plan"]
SERIES_KEY = ["indicator", "area", "area_part", "unit", "modality"]


def synthetic(n: int, seed: int = 7) -> tuple[pa.Table, pd.DataFrame]:
    """(facts as an Arrow table in the facts.parquet schema, the documents table)."""
    from pipeline.factstore import FACT_SCHEMA

    rng = np.random.default_rng(seed)
    areas = np.array(["Hà Nội", "Đà Nẵng", "TP.HCM", ""] + [f"Tỉnh {i}" for i in range(36)], dtype=object)
    cells = max(n // 3, 1)  # a pool of true figures; articles report them, some several times
    year = rng.integers(2015, 2026, cells)
    grain = rng.integers(0, 3, cells)  # day (end of year), quarter, year
    quarter = rng.integers(1, 5, cells)
    q_end = np.array(["", "03-31", "06-30", "09-30", "12-31"], dtype=object)[quarter]
    q_start = np.array(["", "01-01", "04-01", "07-01", "10-01"], dtype=object)[quarter]
    ys = year.astype(str).astype(object)
    start = np.where(grain == 0, ys + "-12-31", np.where(grain == 1, ys + "-" + q_start, ys + "-01-01"))
    end = np.where(grain == 0, ys + "-12-31", np.where(grain == 1, ys + "-" + q_end, ys + "-12-31"))
    fraction = rng.random(cells) < 0.2
    base = np.where(fraction, rng.integers(1, 30, cells) / 30, rng.integers(1, 990, cells) / 10)
    pool = pd.DataFrame({
        "indicator": np.array(INDICATORS, dtype=object)[rng.integers(0, len(INDICATORS), cells)],
        "subject": np.array(SUBJECTS, dtype=object)[rng.integers(0, len(SUBJECTS), cells)],
        "area": areas[rng.integers(0, len(areas), cells)],
        "area_part": np.array(PARTS, dtype=object)[rng.integers(0, len(PARTS), cells)],
        "value_kind": np.array(KINDS, dtype=object)[rng.integers(0, len(KINDS), cells)],
        "modality": np.array(["actual", "actual", "target", "unknown"], dtype=object)[rng.integers(0, 4, cells)],
        "start": start, "end": end, "fraction": fraction, "base": base, "year": year,
    })
    pick = np.where(rng.random(n) < 0.8, rng.integers(0, cells, n), (rng.pareto(1.5, n) * 10).astype(int) % cells)
    f = pool.iloc[pick].reset_index(drop=True)
    value = f["base"].to_numpy().copy()
    wrong = rng.random(n) < 1 / 40
    value[wrong & ~f["fraction"]] += rng.choice([-0.5, 0.5, 1.0], int((wrong & ~f["fraction"]).sum()))
    value[wrong & f["fraction"]] += 1 / 30
    rounded = (rng.random(n) < 0.05) & ~f["fraction"].to_numpy()
    value[rounded] = np.round(value[rounded])  # "94%" for "93,8%": agreement, not a conflict
    dated = rng.random(n) < 0.9
    doc = np.arange(n) // 5
    published = (np.minimum(f["year"].to_numpy() + 1, 2025).astype(str).astype(object) + "-0"
                 + rng.integers(1, 10, n).astype(str).astype(object) + "-1" + rng.integers(0, 10, n).astype(str).astype(object))
    text = pd.Series(value).map("{:g}%".format).to_numpy(dtype=object)
    sentence = ("Theo báo cáo của Sở, tính đến cuối kỳ toàn địa bàn đã đạt " + text
                + " so với kế hoạch đề ra, góp phần hoàn thành các mục tiêu của chương trình giai đoạn 2021-2025.")
    doc_ids = pd.Series(doc).map("doc{:07d}".format).to_numpy(dtype=object)
    urls = pd.Series(doc).map(lambda d: f"https://bao{d % 9}.vn/bai-{d}.htm").to_numpy(dtype=object)
    frame = pd.DataFrame({
        "fact_id": pd.Series(np.arange(n)).map("{:016x}".format), "doc_id": doc_ids, "url": urls,
        "published": published, "kind": np.where(f["fraction"], "fraction", "percent"), "text": text,
        "start": np.full(n, 58), "end": np.full(n, 58) + pd.Series(text).str.len().to_numpy(), "value": value,
        "value_max": np.nan, "unit": np.where(f["fraction"], "ratio", "percent"), "qualifier": "",
        "numerator": np.where(f["fraction"], np.round(value * 30), np.nan),
        "denominator": np.where(f["fraction"], 30.0, np.nan), "date_start": None, "date_end": None, "grain": "",
        "subject": f["subject"], "indicator": f["indicator"], "value_kind": f["value_kind"], "area": f["area"],
        "area_part": f["area_part"], "area_basis": np.where(f["area"] != "", "stated", ""),
        "as_of_start": np.where(dated, f["start"], None), "as_of_end": np.where(dated, f["end"], None),
        "time_basis": np.where(dated, "stated", "published"), "modality": f["modality"], "sentence": sentence,
        "rule": "bench", "field": "text", "why": "",
    })
    facts = pa.Table.from_pandas(frame, schema=FACT_SCHEMA, preserve_index=False)
    docs = pd.DataFrame({"doc_id": pd.unique(doc_ids)})
    docs = docs.assign(url=docs["doc_id"].map(lambda d: f"https://bao{int(d[3:]) % 9}.vn/bai-{int(d[3:])}.htm"),
                       source=docs["doc_id"].map(lambda d: f"bao{int(d[3:]) % 9}.vn"),
                       home_area=np.where(np.arange(len(docs)) % 3 == 0, "Hà Nội", ""),
                       title=docs["doc_id"].map("Bài báo {}".format), published="2024-01-01", content_hash="x")
    return facts, docs


def prepare_dir(directory: Path, n: int) -> None:
    """facts.parquet, documents.parquet and a review log of 2% of the facts in `directory`."""
    from pipeline.documents import DOCUMENT_SCHEMA

    facts, docs = synthetic(n)
    directory.mkdir(parents=True, exist_ok=True)
    pq.write_table(facts, directory / "facts.parquet")
    pq.write_table(pa.Table.from_pandas(docs, schema=DOCUMENT_SCHEMA, preserve_index=False),
                   directory / "documents.parquet")
    ids = facts.column("fact_id").to_pylist()[::50]
    verdicts = ["ok", "wrong", "fix"]
    with open(directory / "review_log.jsonl", "w", encoding="utf-8") as handle:
        for k, fid in enumerate(ids):
            verdict = verdicts[k % 3]
            handle.write(json.dumps({"fact_id": fid, "verdict": verdict, "corrected_value": 50.0 if verdict == "fix"
                                     else None, "note": "", "who": "bench", "when": "t"}) + "\n")


# ---------------------------------------------------------------- stages (each in its own process)

def stage_baseline(directory: Path) -> dict:
    columns = SERIES_KEY + ["as_of_start", "as_of_end", "value", "fact_id", "doc_id"]
    frame = pq.read_table(directory / "facts.parquet", columns=columns).to_pandas()
    grouped = frame.groupby(SERIES_KEY + ["as_of_start", "as_of_end"], dropna=False).agg(
        value=("value", "first"), n=("fact_id", "size"), docs=("doc_id", "nunique")).reset_index()
    grouped.to_csv(directory / "baseline.csv", index=False)
    return {"rows": len(grouped)}


def stage_timeline(directory: Path) -> dict:
    from pipeline.timeline import load_inputs, write_timeline

    timeline = load_inputs(directory).timeline()
    write_timeline(directory, timeline)
    obs = timeline.observations
    return {"observations": len(obs), "conflicts": int(obs["conflict"].sum()), "changes": len(timeline.changes),
            "needs_review": int((obs["status"] == "needs_review").sum()), "skipped": timeline.skipped}


def _timeline(directory: Path):
    from pipeline.timeline import load_inputs

    inputs = load_inputs(directory)
    return inputs, inputs.timeline()


def stage_report(directory: Path) -> dict:
    from pipeline.report import write_report

    inputs, timeline = _timeline(directory)  # not timed: the run hands the report its timeline
    started = time.perf_counter()
    result = write_report(directory, timeline, documents=inputs.documents, generated="bench")
    return {"timed": time.perf_counter() - started, "charts": result.sections, "redrawn": result.redrawn,
            "html_mb": round(result.path.stat().st_size / 1e6, 1)}


def stage_export(directory: Path) -> dict:
    from pipeline.export import export_all, facts_table

    inputs, timeline = _timeline(directory)
    started = time.perf_counter()
    counts = export_all(directory / "export", facts_table(directory), timeline, inputs.decisions, inputs.documents)
    return {"timed": time.perf_counter() - started, "rows": counts}


def stage_sqlite(directory: Path) -> dict:
    from pipeline.export import export_all, facts_table

    inputs, timeline = _timeline(directory)
    started = time.perf_counter()
    export_all(directory / "export-sqlite", facts_table(directory), timeline, inputs.decisions, inputs.documents,
               sqlite=True)
    return {"timed": time.perf_counter() - started}


def stage_export_baseline(directory: Path) -> dict:
    """pyarrow alone writing the same tables (as exported) as CSV and Parquet."""
    inputs, timeline = _timeline(directory)
    tables = {name: pq.read_table(directory / "export" / f"{name}.parquet")
              for name in ("articles", "facts", "timeline", "changes", "latest")}
    started = time.perf_counter()
    out = directory / "export-pyarrow"
    out.mkdir(exist_ok=True)
    for name, table in tables.items():
        pacsv.write_csv(table, out / f"{name}.csv")
        pq.write_table(table, out / f"{name}.parquet")
    return {"timed": time.perf_counter() - started}


def stage_generate(directory: Path) -> dict:
    prepare_dir(directory, int(directory.name.rsplit("-", 1)[1]))
    return {"mb": round((directory / "facts.parquet").stat().st_size / 1e6)}


STAGES = {"generate": stage_generate, "baseline": stage_baseline, "timeline": stage_timeline, "report": stage_report, "export": stage_export,
          "sqlite": stage_sqlite, "export_baseline": stage_export_baseline}


def run_stage(name: str, directory: Path) -> dict:
    """One stage in a fresh interpreter: wall time of the work (imports excluded) and peak RSS."""
    out = subprocess.run([sys.executable, "-m", "benchmarks.timeline_bench", "--stage", name, str(directory)],
                         capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"stage {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _child(name: str, directory: Path) -> None:
    import pipeline.export  # noqa: F401  (imports are not the stage's work)
    import pipeline.report  # noqa: F401
    import pipeline.timeline  # noqa: F401

    started = time.perf_counter()
    result = STAGES[name](directory)
    result.setdefault("timed", time.perf_counter() - started)
    result["peak_mb"] = peak_mb()
    print(json.dumps(result, default=str))


def peak_mb() -> float:
    """This process's peak RSS (VmHWM: reset by exec, unlike ru_maxrss, which a child inherits)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(n: int = 1_000_000) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        small, big = Path(tmp) / f"facts-{min(100_000, n)}", Path(tmp) / f"facts-{n}"
        print(f"timeline benchmark: {n:,} synthetic facts (report also at 100,000)", flush=True)
        started = time.perf_counter()
        size = run_stage("generate", big)["mb"]  # in a child: this process stays small
        run_stage("generate", small)
        print(f"  generated in {time.perf_counter() - started:.1f} s; facts.parquet {size:.0f} MB", flush=True)
        results = {}
        for name in ("baseline", "timeline", "export", "export_baseline", "sqlite", "report"):
            results[name] = run_stage(name, big)
            print(f"  {name:<16} {results[name]['timed']:7.2f} s   peak {results[name]['peak_mb']:7.0f} MB   "
                  f"{ {k: v for k, v in results[name].items() if k not in ('timed', 'peak_mb')} }", flush=True)
        run_stage("timeline", small)
        small_report = run_stage("report", small)
        base, tl = results["baseline"]["timed"], results["timeline"]["timed"]
        exp, exp_base = results["export"]["timed"], results["export_baseline"]["timed"]
        print(f"  timeline / baseline        {tl / base:5.2f}×   (target ≤ 4×)")
        print(f"  timeline peak memory       {results['timeline']['peak_mb']:5.0f} MB (target ≤ 1,500 MB)")
        print(f"  report at 100,000 / {n:,}   {small_report['timed']:.2f} s / {results['report']['timed']:.2f} s "
              f"({small_report['charts']} / {results['report']['charts']} charts)")
        print(f"  exports / pyarrow alone    {exp / exp_base:5.2f}×   (target ≤ 3×); with SQLite "
              f"{results['sqlite']['timed']:.1f} s", flush=True)


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--stage":
        _child(sys.argv[2], Path(sys.argv[3]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
