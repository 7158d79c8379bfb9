"""Exports for other tools: typed Parquet, CSV, JSON Lines, datapackage.json, SQLite."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from factfactory import hanoi_article, make_fact, seed_facts, write_corpus, write_rules
from pipeline.cli import cli
from pipeline.factstore import write_facts
from pipeline.review import Decision, append_decisions

TYPE_CHECKS = {
    "date": lambda v: dt.date.fromisoformat(v) and len(v) == 10,
    "number": float,
    "integer": int,
    "boolean": lambda v: v in ("True", "False") or (_ for _ in ()).throw(ValueError(v)),
    "string": str,
}


@pytest.fixture()
def exported(tmp_path):
    out, corpus = tmp_path / "extracted", tmp_path / "corpora"
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/b", published="2024-03-01T08:15:00+07:00")
    facts.append(make_fact("=1+1", value=93.0, indicator="health_insurance_coverage", modality="actual",
                           area="Hà Nội", as_of_start="2023-12-31", as_of_end="2023-12-31", doc_id="d3",
                           url="https://hanoimoi.vn/c", sentence="-93% theo một nguồn khác"))
    write_facts(out, facts)
    append_decisions(out, [Decision(facts[2].fact_id, "wrong", None, "", "an", "2024-03-01T00:00:00+00:00"),
                           Decision(facts[0].fact_id, "fix", 0.75, "", "an", "2024-03-01T00:00:00+00:00")])
    write_corpus(corpus, [hanoi_article()])
    rules = write_rules(tmp_path / "rules", {"hanoionline.vn": "Hà Nội"})  # hanoimoi.vn: no home area here
    result = CliRunner().invoke(cli, ["export", "--out", str(out), "--corpus", str(corpus), "--rules", str(rules),
                                      "--sqlite"])
    assert result.exit_code == 0, result.output
    return out / "export", facts, result.output


def test_summary_line(exported):
    dest, facts, output = exported
    assert output.strip() == (f"export: {len(facts)} facts, 9 observations, 6 latest rows as "
                              f"CSV, Parquet, JSON Lines, SQLite + datapackage.json → {dest}")


def test_parquet_has_real_types(exported):
    dest, facts, _ = exported
    table = pq.read_table(dest / "facts.parquet")
    schema = table.schema
    assert schema.field("published").type == pa.date32() and schema.field("as_of_end").type == pa.date32()
    assert schema.field("value").type == pa.float64() and schema.field("start").type == pa.int64()
    assert schema.field("date_start").type == pa.string()  # may be --MM-DD, so not a date
    frame = table.to_pandas()
    assert len(frame) == len(facts)
    assert str(frame["value"].dtype) == "float64" and str(frame["start"].dtype) == "int64"
    assert set(frame.loc[frame["text"] == "0,03%", "as_of_end"]) == {dt.date(2023, 12, 31)}
    assert set(frame["published"]) == {dt.date(2024, 2, 28), dt.date(2024, 3, 1)}
    assert frame.set_index("fact_id").loc[facts[0].fact_id, "verdict"] == "fix"
    assert frame.set_index("fact_id").loc[facts[0].fact_id, "corrected_value"] == 0.75

    timeline = pq.read_table(dest / "timeline.parquet")
    types = {f.name: f.type for f in timeline.schema}
    assert types["time_start"] == pa.date32() and types["first_seen"] == pa.date32()
    assert types["conflict"] == pa.bool_() and types["n_sources"] == pa.int64() and types["value"] == pa.float64()
    obs = timeline.to_pandas()
    hi = obs[(obs["indicator"] == "health_insurance_coverage") & (obs["modality"] == "actual") & (obs["area"] == "Hà Nội")]
    assert sorted(hi["value"]) == [93.0, 94.0] and hi["conflict"].all()
    programme = obs[obs["indicator"] == "programme_targets_met"].set_index("area")["value"]
    assert programme["Hà Nội"] == 0.75 and programme[""] == pytest.approx(20 / 27)  # fixed in doc 1 only
    assert "districts_without_poor_households" in set(obs["indicator"])  # only one of its two facts was wrong

    latest = pq.read_table(dest / "latest.parquet").to_pandas().set_index("series_id")
    hi_latest = latest.loc["health_insurance_coverage|Hà Nội|percent"]
    assert bool(hi_latest["actual_conflict"]) and hi_latest["target_value"] == 95.0
    assert hi_latest["target_time_end"] == dt.date(2025, 12, 31)


def test_datapackage_describes_every_csv(exported):
    dest, _, _ = exported
    package = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    assert package["profile"] == "tabular-data-package"
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"facts", "timeline", "latest"}
    assert resources["facts"]["schema"]["primaryKey"] == ["fact_id"]
    assert resources["timeline"]["schema"]["primaryKey"] == ["observation_id"]
    fields = {f["name"]: f for f in resources["timeline"]["schema"]["fields"]}
    assert fields["time_start"]["type"] == "date" and fields["value"]["type"] == "number"
    assert fields["n_sources"]["type"] == "integer" and fields["n_sources"]["unit"] == "articles"
    assert fields["conflict"]["type"] == "boolean" and "unit" in fields["value"]["description"]
    assert fields["modality"]["constraints"]["enum"] == ["target", "actual", "unknown"]
    assert resources["facts"]["alternates"] == {"parquet": "facts.parquet", "jsonl": "facts.jsonl"}

    for name, resource in resources.items():
        raw = (dest / resource["path"]).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(raw.decode("utf-8").splitlines()))
        schema_fields = resource["schema"]["fields"]
        assert rows[0] == [f["name"] for f in schema_fields], name
        keys = [tuple(r[rows[0].index(k)] for k in resource["schema"]["primaryKey"]) for r in rows[1:]]
        assert len(keys) == len(set(keys)) and all(all(k) for k in keys), f"{name}: primary key not unique"
        for row in rows[1:]:
            for cell, f in zip(row, schema_fields):
                if cell != "":
                    TYPE_CHECKS[f["type"]](cell)  # raises when a cell does not match its declared type
                if "enum" in f.get("constraints", {}):
                    assert cell in f["constraints"]["enum"], (name, f["name"], cell)


def test_tool_csv_is_not_formula_escaped_and_jsonl_is_typed(exported):
    dest, _, _ = exported
    with open(dest / "facts.csv", encoding="utf-8", newline="") as handle:
        texts = {r["text"] for r in csv.DictReader(handle)}
    assert "=1+1" in texts  # data for programs keeps its exact text
    lines = [json.loads(line) for line in (dest / "timeline.jsonl").read_text(encoding="utf-8").splitlines()]
    first = lines[0]
    assert isinstance(first["value"], float) and isinstance(first["n_sources"], int)
    assert isinstance(first["conflict"], bool) and len(first["time_start"]) == 10
    assert first["value_max"] is None


def test_sqlite_for_datasette(exported):
    dest, facts, _ = exported
    conn = sqlite3.connect(dest / "chitieu.sqlite")
    try:
        assert conn.execute("select count(*) from facts").fetchone()[0] == len(facts)
        row = conn.execute("select typeof(value), typeof(n_sources), time_start, conflict from timeline "
                           "where indicator = 'poor_household_rate'").fetchone()
        assert row == ("real", "integer", "2023-12-31", 0)
        pk = [r[1] for r in conn.execute("pragma table_info(timeline)") if r[5]]
        assert pk == ["observation_id"]
    finally:
        conn.close()
    metadata = json.loads((dest / "metadata.json").read_text(encoding="utf-8"))
    assert "n_sources" in metadata["databases"]["chitieu"]["tables"]["timeline"]["columns"]


def test_export_without_facts_fails_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 1 and "no facts.parquet" in result.output
