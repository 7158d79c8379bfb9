"""Every output after extraction, byte for byte, on fixed inputs: the guard for changes that must not
change what is written (timeline, changes, latest, wide, exports, report).

    python tests/golden_outputs.py record            write tests/golden/outputs.json from this checkout
    python tests/golden_outputs.py digest OUT_DIR    digests of the outputs made from an extracted-data
                                                     directory (copied first; e.g. a demo run's extracted/)

Run `record` with the code whose outputs are the reference (PYTHONPATH=<that checkout>);
tests/test_outputs_unchanged.py compares this checkout's outputs with the recorded digests.
Inputs: the synthetic facts of the timeline benchmark (a few hundred), the facts of the report and
export tests, and a random mix of every kind of fact the timeline meets (ranges, qualifiers,
dates, unknown kinds, missing areas and URLs, month-only publication dates, reviews of each verdict).
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
sys.path += [str(HERE), str(HERE.parent)]  # after PYTHONPATH: `record` can run another checkout's code
GOLDEN = HERE / "golden" / "outputs.json"
INPUTS = {"facts.parquet", "facts.csv", "facts.jsonl", "documents.parquet", "documents.csv", "review_log.jsonl"}
CREATED = re.compile(rb'"created": "[^"]*"')


def _log(directory: Path, decisions: list[tuple[str, str, float | None]]) -> None:
    with open(directory / "review_log.jsonl", "w", encoding="utf-8") as handle:
        for fid, verdict, value in decisions:
            handle.write(json.dumps({"fact_id": fid, "verdict": verdict, "corrected_value": value, "note": "",
                                     "who": "golden", "when": "t"}, ensure_ascii=False) + "\n")


def synthetic_case(directory: Path, n: int, seed: int, every: int) -> None:
    """The benchmark's synthetic facts (n of them), with a review decision for every `every`-th fact."""
    from benchmarks.timeline_bench import synthetic
    from pipeline.documents import DOCUMENT_SCHEMA

    facts, docs = synthetic(n, seed)
    directory.mkdir(parents=True)
    pq.write_table(facts, directory / "facts.parquet")
    pq.write_table(pa.Table.from_pandas(docs, schema=DOCUMENT_SCHEMA, preserve_index=False),
                   directory / "documents.parquet")
    ids = facts.column("fact_id").to_pylist()[::every]
    verdicts = ["ok", "wrong", "fix"]
    _log(directory, [(f, verdicts[k % 3], 50.0 if k % 3 == 2 else None) for k, f in enumerate(ids)])


def fixture_case(directory: Path) -> None:
    """The facts of the report and export tests, one directory."""
    from factfactory import documents_of, make_fact
    from test_report import HOMES, fixture_facts

    from pipeline.documents import Document, write_documents
    from pipeline.factstore import write_facts

    facts = fixture_facts()
    facts.append(make_fact("=1+1", value=93.0, indicator="health_insurance_coverage", modality="actual",
                           area="Hà Nội", as_of_start="2023-12-31", as_of_end="2023-12-31", doc_id="d7",
                           url="https://hanoimoi.vn/c7", sentence="-93% theo một nguồn khác"))
    facts.append(make_fact("1,2%", value=1.2, value_kind="change", indicator="health_insurance_coverage",
                           area="Hà Nội", modality="actual", body="tăng 1,2% so với năm 2022"))
    facts.append(make_fact("0,5 điểm phần trăm", value=0.5, unit="percentage_point", indicator="poor_household_rate",
                           area="Hà Nội", modality="actual", body="giảm 0,5 điểm phần trăm so với cùng kỳ năm trước",
                           doc_id="d8", url="https://hanoimoi.vn/d8"))
    facts.append(make_fact("73,7%", value=73.7, value_kind="share_of_plan", indicator="budget_revenue",
                           area="Hà Nội", modality="actual", as_of_start="2024-01-01", as_of_end="2024-06-30",
                           why="baseline=dự toán năm", body="thu ngân sách đạt 73,7% dự toán", doc_id="d8",
                           url="https://hanoimoi.vn/d8"))
    write_facts(directory, facts)
    docs = documents_of(facts, HOMES, {"d5": "Đà Nẵng: bao phủ BHYT"})
    write_documents(directory, [Document(**r) for r in docs[docs["doc_id"] != "d7"].to_dict("records")])
    _log(directory, [(facts[2].fact_id, "wrong", None), (facts[0].fact_id, "fix", 0.75),
                     (facts[10].fact_id, "ok", None), (facts[4].fact_id, "ok", None)])


def random_case(directory: Path, n: int, seed: int, dense: bool = False) -> None:
    """A random mix of every kind of fact, as the timeline property tests draw them, and more;
    `dense`: few series and periods, so that figures meet in cells (agreement, conflicts, review)."""
    from factfactory import documents_of, make_fact

    from pipeline.documents import Document, write_documents
    from pipeline.factstore import write_facts

    rng = np.random.default_rng(seed)

    def pick(*options):
        return options[rng.integers(0, len(options))]

    def few(*options):  # a series key or a period: only the first two options when dense
        return options[rng.integers(0, 2 if dense else len(options))]

    facts, decisions = [], []
    for k in range(n):
        kind = pick("fraction", "fraction", "percent", "percent", "percent", "date", "period", "mystery")
        doc = int(rng.integers(0, 12))
        fields: dict = {}
        if kind == "fraction":
            num, den = pick((20, 27), (40, 54), (1, 2), (18, 30), (11, 12))
            fields.update(value=num / den, numerator=num, denominator=den)
        elif kind in ("date", "period"):
            fields.update(date_start="2024-01-01", date_end=pick("2024-01-01", "2024-12-31"),
                          grain=pick("day", "year"))
        else:
            fields.update(value=pick(94.0, 95.0, 94.02, 93.5, 94.4, 0.03, 1.2, 100.0, None),
                          value_max=pick(None, None, None, 96.0, 95.0),
                          qualifier=pick("", "", "approx", "more_than", "range"),
                          unit=pick("percent", "percent", "", "percentage_point"))
        start = few("2023-12-31", None, "2023-12-31", "2023-01-01", "2021-01-01", "2023-10-01", "--12-31",
                    "2024-07-01")
        end = {None: None, "2023-12-31": "2023-12-31", "2023-01-01": "2023-12-31", "2021-01-01": "2025-12-31",
               "2023-10-01": "2023-12-31", "--12-31": "--12-31", "2024-07-01": "2024-07-31"}[start]
        fact = make_fact(
            f"{k}%", doc_id=f"r{doc}", url=few(f"https://hanoimoi.vn/r{doc}", f"https://baodanang.vn/r{doc}", None),
            published=few("2024-01-05", "2024-02", "2024-03-01T08:15:00+07:00", None, "2023-12-30"), kind=kind,
            indicator=few("", "health_insurance_coverage", "poor_household_rate", "not_in_lexicon", ""),
            subject=pick("chỉ tiêu", "Chỉ tiêu", "hộ nghèo", "", "Đường giao thông"),
            value_kind=pick("", "level", "level", "level", "change", "share_of_plan", "contribution", "other",
                            "weird"),
            area=few("", "Hà Nội", "Đà Nẵng", "cả nước"), area_part=few("", "", "khu vực nông thôn"),
            area_basis=pick("", "", "stated", "inherited"), modality=few("actual", "target", "unknown", "maybe", ""),
            as_of_start=start, as_of_end=end, time_basis=pick("", "stated", "inherited", "published"),
            fact_id=f"f{k:04d}", body=f"Năm 2023 đạt {k}% so với cùng kỳ năm trước, {k}% kế hoạch.",
            occurrence=int(rng.integers(0, 2)), **fields)
        facts.append(fact)
        verdict = pick("", "", "", "", "ok", "wrong", "fix")
        if verdict:
            decisions.append((fact.fact_id, verdict, 42.0 if verdict == "fix" else None))
    facts += facts[:3]  # the same fact twice
    write_facts(directory, facts)
    homes = {"hanoimoi.vn": "Hà Nội", "baodanang.vn": "Đà Nẵng"}
    write_documents(directory, [Document(**r) for r in documents_of(facts, homes).to_dict("records")])
    _log(directory, decisions)


CASES = {
    "synthetic-400": lambda d: synthetic_case(d, 400, 7, 50),
    "synthetic-600-dense-review": lambda d: synthetic_case(d, 600, 3, 7),
    "test-fixtures": fixture_case,
    "random-mix": lambda d: random_case(d, 400, 11),
    "random-dense": lambda d: random_case(d, 300, 5, dense=True),
}


def write_outputs(directory: Path) -> None:
    """What `chitieu timeline`, `report` and `export --sqlite` write, from the inputs in `directory`."""
    from pipeline.export import export_all, facts_table
    from pipeline.report import write_report
    from pipeline.timeline import load_inputs, write_timeline

    inputs = load_inputs(directory)
    timeline = inputs.timeline()
    write_timeline(directory, timeline)
    write_report(directory, timeline, documents=inputs.documents, generated="golden")
    export_all(directory / "export", facts_table(directory), timeline, inputs.decisions, inputs.documents,
               sqlite=True)


def digests(directory: Path) -> dict[str, str]:
    """sha256 of every output file (the datapackage's creation time left out)."""
    out = {}
    for path in sorted(directory.rglob("*")):
        name = path.relative_to(directory).as_posix()
        if path.is_dir() or name in INPUTS:
            continue
        data = path.read_bytes()
        if path.name == "datapackage.json":
            data = CREATED.sub(b'"created": ""', data)
        out[name] = hashlib.sha256(data).hexdigest()
    return out


def case_digests(name: str, work: Path) -> dict[str, str]:
    directory = work / name
    CASES[name](directory)
    write_outputs(directory)
    return digests(directory)


def digest_copy(source: Path, work: Path) -> dict[str, str]:
    """Digests of the outputs made from a copy of the inputs in `source` (an extracted-data directory)."""
    directory = work / "copy"
    directory.mkdir()
    for name in INPUTS:
        if (source / name).exists():
            shutil.copy2(source / name, directory / name)
    write_outputs(directory)
    return digests(directory)


def main(argv: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if argv[:1] == ["record"]:
            recorded = {name: case_digests(name, Path(tmp)) for name in CASES}
            GOLDEN.parent.mkdir(exist_ok=True)
            GOLDEN.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n", encoding="utf-8")
            print(f"recorded {sum(map(len, recorded.values()))} files of {len(recorded)} cases → {GOLDEN}")
        elif argv[:1] == ["digest"] and len(argv) == 2:
            print(json.dumps(digest_copy(Path(argv[1]), Path(tmp)), indent=1, sort_keys=True))
        else:
            sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
