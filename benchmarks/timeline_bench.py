"""Timeline, export and report on 100,000 synthetic facts: sizes and timings of each stage.

    python -m benchmarks timeline            (or: python -m benchmarks.timeline_bench [N])

The facts mimic the extraction's output: ~5 figures an article, a handful of lexicon indicators
plus free subjects, 40 areas, day/quarter/year periods, targets and actuals, the same figure
repeated by several articles (dedup) and some disagreeing figures (conflicts).
"""
from __future__ import annotations

import random
import resource
import sys
import tempfile
import time
from pathlib import Path

from pipeline.export import export_all
from pipeline.factstore import read_facts, write_facts
from pipeline.records import Fact
from pipeline.report import write_report
from pipeline.review import Decision
from pipeline.rules import indicator_labels
from pipeline.timeline import build_timeline, prepare, write_timeline

INDICATORS = ["poor_household_rate", "health_insurance_coverage", "unemployment_rate", "trained_labour_rate",
              "social_insurance_coverage", "programme_targets_met", ""]
SUBJECTS = ["chỉ tiêu", "doanh nghiệp", "xã nông thôn mới", "trường chuẩn quốc gia", "hộ dân"]


def _period(rng: random.Random) -> tuple[str, str]:
    year = rng.randint(2015, 2025)
    grain = rng.choice(["day", "quarter", "year"])
    if grain == "day":
        return f"{year}-12-31", f"{year}-12-31"
    if grain == "quarter":
        q = rng.randint(1, 4)
        return f"{year}-{3 * q - 2:02d}-01", f"{year}-{3 * q:02d}-{30 if q in (2, 3) else 31}"
    return f"{year}-01-01", f"{year}-12-31"


def synthetic_facts(n: int, seed: int = 7) -> list[Fact]:
    """Articles report points of a fixed pool of true figures; 1 in 40 misreports (a conflict)."""
    rng = random.Random(seed)
    areas = ["Hà Nội", "Đà Nẵng", "TP.HCM", ""] + [f"Tỉnh {i}" for i in range(36)]
    truth: dict[tuple, tuple[bool, float]] = {}  # one true figure per indicator/area/period/modality
    for _ in range(max(n // 3, 1)):
        fraction = rng.random() < 0.2
        indicator = rng.choice(INDICATORS)
        subject = rng.choice(SUBJECTS) if not indicator else SUBJECTS[0]  # the subject only groups unmatched
        cell = (indicator, subject, rng.choice(areas), _period(rng),
                rng.choice(["actual", "actual", "target", "unknown"]), fraction)
        truth.setdefault(cell, rng.randint(1, 30) if fraction else rng.randint(1, 990) / 10)
    pool = [(*cell, base) for cell, base in truth.items()]
    facts = []
    for i in range(n):
        doc = i // 5
        # most figures are reported once or twice; a few popular ones by many articles
        point = rng.randrange(len(pool)) if rng.random() < 0.8 else int(rng.paretovariate(1.5) * 10) % len(pool)
        indicator, subject, area, (start, end), modality, fraction, base = pool[point]
        if rng.random() < 1 / 40:
            base = base + 1 if fraction else round(base + rng.choice([-0.5, 0.5, 1.0]), 1)
        value = base / 30 if fraction else base
        year = int(end[:4])
        facts.append(Fact(
            fact_id=f"{i:016x}", doc_id=f"doc{doc:06d}", url=f"https://bao{doc % 9}.vn/bai-{doc}.htm",
            published=f"{min(year + 1, 2025)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            kind="fraction" if fraction else rng.choice(["percent"] * 9 + ["date"]),
            text=f"{base}%", start=0, end=4, value=value, unit="ratio" if fraction else "percent",
            numerator=base if fraction else None, denominator=30 if fraction else None,
            subject=subject, indicator=indicator, area=area,
            as_of_start=start if rng.random() < 0.9 else None, as_of_end=end if rng.random() < 0.9 else None,
            modality=modality, sentence=f"… {base}% …", rule="bench",
        ))
    return facts


def _timed(label: str, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"  {label:<34} {time.perf_counter() - start:7.2f} s", flush=True)
    return result


def _size(path: Path) -> str:
    total = sum(p.stat().st_size for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file())
    return f"{total / 1e6:.1f} MB"


def main(n: int = 100_000) -> None:
    labels = indicator_labels()
    facts = _timed(f"generate {n:,} facts", synthetic_facts, n)
    decisions = {f.fact_id: Decision(f.fact_id, v, 50.0 if v == "fix" else None, "", "bench", "")
                 for f, v in zip(facts[::50], ["ok", "wrong", "fix"] * n)}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        _timed("write facts (csv+parquet+jsonl)", write_facts, out, facts)
        frame = _timed("read facts.parquet", read_facts, out)
        prepared, _ = _timed("prepare (review, area, time)", prepare, frame, decisions, {}, {}, labels)
        timeline = _timed("build_timeline (all stages)", build_timeline, frame, decisions=decisions, labels=labels)
        _timed("write timeline/wide/latest csv", write_timeline, out, timeline)
        _timed("export (csv+parquet+jsonl+sqlite)", export_all, out / "export", frame, timeline, decisions, True)
        _timed("report (html + charts)", write_report, out, timeline, frame, {})
        obs = timeline.observations
        print(f"  facts {len(frame):,} → usable {len(prepared):,} → observations {len(obs):,} "
              f"({int(obs['conflict'].sum()):,} in conflict, {int((obs['n_sources'] > 1).sum()):,} with several "
              f"sources, {int(obs['reviewed'].sum()):,} reviewed); skipped {timeline.skipped}")
        print(f"  wide {timeline.wide.shape[0]:,} × {timeline.wide.shape[1]:,}; latest {len(timeline.latest):,} rows")
        print(f"  sizes: facts.parquet {_size(out / 'facts.parquet')}, timeline.csv {_size(out / 'timeline.csv')}, "
              f"timeline_wide.csv {_size(out / 'timeline_wide.csv')}, export/ {_size(out / 'export')}, "
              f"report.html {_size(out / 'report.html')}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"  peak memory {peak:,.0f} MB", flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
