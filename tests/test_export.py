"""Exports for other tools: typed Parquet, CSV, JSON Lines, SDMX-CSV, datapackage.json, SQLite."""
from __future__ import annotations

import csv
import datetime as dt
import json
import sqlite3

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from factfactory import documents_of, make_fact, seed_facts
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.cli import cli
from pipeline.documents import Document, write_documents
from pipeline.factstore import write_facts
from pipeline.review import Decision, append_decisions

TYPE_CHECKS = {
    "date": lambda v: dt.date.fromisoformat(v) and len(v) == 10,
    "number": float,
    "integer": int,
    "boolean": lambda v: v in ("true", "false") or (_ for _ in ()).throw(ValueError(v)),
    "string": str,
}


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("export")
    out = tmp_path / "extracted"
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/b", published="2024-03-01T08:15:00+07:00")
    facts.append(make_fact("=1+1", value=93.0, indicator="health_insurance_coverage", modality="actual",
                           area="Hà Nội", as_of_start="2023-12-31", as_of_end="2023-12-31", doc_id="d3",
                           url="https://hanoimoi.vn/c", sentence="-93% theo một nguồn khác"))
    facts.append(make_fact("1,2%", value=1.2, value_kind="change", indicator="health_insurance_coverage",
                           area="Hà Nội", modality="actual", body="tăng 1,2% so với năm 2022"))
    write_facts(out, facts)
    docs = documents_of(facts, {"hanoionline.vn": "Hà Nội"})  # hanoimoi.vn: no home area here
    write_documents(out, [Document(**r) for r in docs[docs["doc_id"] != "d3"].to_dict("records")])  # d3 missing
    append_decisions(out, [Decision(facts[2].fact_id, "wrong", None, "", "an", "2024-03-01T00:00:00+00:00"),
                           Decision(facts[0].fact_id, "fix", 0.75, "", "an", "2024-03-01T00:00:00+00:00")])
    result = CliRunner().invoke(cli, ["export", "--out", str(out), "--sqlite"])
    assert result.exit_code == 0, result.output
    return out / "export", facts, result.output


def test_summary_line(exported):
    dest, facts, output = exported
    assert output.strip() == (f"export: {len(facts)} facts, 9 observations, 1 changes, 6 latest rows, 3 articles as "
                              f"CSV, Parquet, JSON Lines, SDMX-CSV, SQLite + datapackage.json → {dest}")


def test_parquet_has_real_types(exported):
    dest, facts, _ = exported
    table = pq.read_table(dest / "facts.parquet")
    schema = table.schema
    assert schema.field("published").type == pa.date32() and schema.field("as_of_end").type == pa.date32()
    assert schema.field("value").type == pa.float64() and schema.field("start").type == pa.int64()
    assert schema.field("date_start").type == pa.string()  # may be --MM-DD, so not a date
    frame = table.to_pandas()
    assert len(frame) == len(facts)
    assert set(frame.loc[frame["text"] == "0,03%", "as_of_end"]) == {dt.date(2023, 12, 31)}
    assert set(frame["published"]) == {dt.date(2024, 2, 28), dt.date(2024, 3, 1)}
    assert frame.set_index("fact_id").loc[facts[0].fact_id, "verdict"] == "fix"
    assert frame.set_index("fact_id").loc[facts[0].fact_id, "corrected_value"] == 0.75

    obs = pq.read_table(dest / "timeline.parquet")
    types = {f.name: f.type for f in obs.schema}
    assert types["time_start"] == pa.date32() and types["first_seen"] == pa.date32()
    assert types["conflict"] == pa.bool_() and types["n_sources"] == pa.int64() and types["value"] == pa.float64()
    obs = obs.to_pandas()
    hi = obs[(obs["indicator"] == "health_insurance_coverage") & (obs["modality"] == "actual") & (obs["area"] == "Hà Nội")]
    assert sorted(hi["value"]) == [93.0, 94.0] and hi["conflict"].all()
    programme = obs[obs["indicator"] == "programme_targets_met"].set_index("area")["value"]
    assert programme["Hà Nội"] == 0.75 and programme[""] == pytest.approx(20 / 27)  # fixed in doc 1 only

    latest = pq.read_table(dest / "latest.parquet").to_pandas().set_index("series_id")
    hi_latest = latest.loc["health_insurance_coverage|Hà Nội||percent"]
    assert bool(hi_latest["actual_conflict"]) and hi_latest["target_value"] == 95.0
    assert hi_latest["target_time_end"] == dt.date(2025, 12, 31)
    changes = pq.read_table(dest / "changes.parquet").to_pandas()
    assert changes[["value", "value_kind", "baseline"]].values.tolist() == [[1.2, "change", "năm 2022"]]


def test_datapackage_describes_every_csv_and_frictionless_validates_it(exported):
    from frictionless import Package, validate

    dest, _, _ = exported
    package = json.loads((dest / "datapackage.json").read_text(encoding="utf-8"))
    resources = {r["name"]: r for r in package["resources"]}
    assert set(resources) == {"articles", "facts", "timeline", "changes", "latest", "timeline_sdmx"}
    assert resources["facts"]["schema"]["foreignKeys"] == [
        {"fields": "doc_id", "reference": {"resource": "articles", "fields": "doc_id"}}]
    fields = {f["name"]: f for f in resources["timeline"]["schema"]["fields"]}
    assert fields["time_start"]["type"] == "date" and fields["n_sources"]["unit"] == "articles"
    assert fields["status"]["constraints"]["enum"] == ["reviewed", "corroborated", "single_source", "needs_review"]
    assert resources["facts"]["alternates"] == {"parquet": "facts.parquet", "jsonl": "facts.jsonl"}
    report = validate(dest / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:10]
    assert Package(dest / "datapackage.json").get_resource("timeline_sdmx").read_rows()

    for name, res in resources.items():
        raw = (dest / res["path"]).read_bytes()
        assert not raw.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(raw.decode("utf-8").splitlines()))
        schema_fields = res["schema"]["fields"]
        assert rows[0] == [f["name"] for f in schema_fields], name
        for row in rows[1:]:
            for cell, f in zip(row, schema_fields):
                if cell != "":
                    TYPE_CHECKS[f["type"]](cell)


def test_sdmx_csv_rendering_of_the_timeline(exported):
    dest, _, _ = exported
    with open(dest / "timeline_sdmx.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0])[:5] == ["STRUCTURE", "STRUCTURE_ID", "ACTION", "INDICATOR", "REF_AREA"]
    target = next(r for r in rows if r["INDICATOR"] == "health_insurance_coverage" and r["MODALITY"] == "T"
                  and r["REF_AREA"] == "Hà Nội")
    assert (target["STRUCTURE"], target["STRUCTURE_ID"], target["ACTION"]) == ("dataflow", "CHITIEU:TIMELINE(1.0)", "I")
    assert (target["TIME_PERIOD"], target["OBS_VALUE"], target["UNIT_MEASURE"]) == ("2025", "95", "PC")
    assert target["OBS_STATUS"] == "P" and target["N_SOURCES"] == "1"  # one article: provisional
    poor = next(r for r in rows if r["INDICATOR"] == "poor_household_rate")
    assert poor["OBS_STATUS"] == "A" and poor["N_SOURCES"] == "2"
    assert {r["TIME_PERIOD"] for r in rows} >= {"2023-12-31", "2025"}


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
    programme = next(r for r in lines if r["indicator"] == "programme_targets_met" and r["area"] == "")
    assert programme["value"] == pytest.approx(20 / 27, rel=1e-14)


def test_sqlite_for_datasette(exported):
    dest, facts, _ = exported
    conn = sqlite3.connect(dest / "chitieu.sqlite")
    try:
        assert conn.execute("select count(*) from facts").fetchone()[0] == len(facts)
        row = conn.execute("select typeof(value), typeof(n_sources), time_start, conflict from timeline "
                           "where indicator = 'poor_household_rate'").fetchone()
        assert row == ("real", "integer", "2023-12-31", 0)
        assert [r[1] for r in conn.execute("pragma table_info(timeline)") if r[5]] == ["observation_id"]
        assert ("doc_id", "articles", "doc_id") in [(r[3], r[2], r[4]) for r in conn.execute("pragma foreign_key_list(facts)")]
        links = {(r[2], r[3]) for r in conn.execute("pragma foreign_key_list(observation_facts)")}
        assert links == {("timeline", "observation_id"), ("facts", "fact_id")}
        assert conn.execute("pragma foreign_key_check").fetchall() == []
        indexed = {r[2] for t in ("facts", "timeline") for i in conn.execute(f"pragma index_list({t})")
                   for r in conn.execute(f"pragma index_info('{i[1]}')")}
        assert {"indicator", "area", "time_period"} <= indexed
        hits = conn.execute("select facts.text from facts_fts join facts on facts.rowid = facts_fts.rowid "
                            "where facts_fts match 'ho ngheo'").fetchall()  # diacritics folded
        assert ("0,03%",) in hits
        assert conn.execute("select count(*) from articles_fts where articles_fts match 'chuong trinh'").fetchone()[0]
        n_links = conn.execute("select count(*) from observation_facts").fetchone()[0]
        assert n_links == conn.execute("select sum(n_facts) from timeline").fetchone()[0]
    finally:
        conn.close()
    metadata = json.loads((dest / "metadata.json").read_text(encoding="utf-8"))
    tables = metadata["databases"]["chitieu"]["tables"]
    assert "n_sources" in tables["timeline"]["columns"] and "indicator" in tables["timeline"]["facets"]
    assert tables["facts"]["fts_table"] == "facts_fts"


def test_export_without_facts_fails_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["export", "--out", str(tmp_path)])
    assert result.exit_code == 2 and "no facts.parquet" in result.output  # nothing could be done


# --- JSON Lines built with pyarrow: exactly what pandas' to_json wrote before --------------------

JSON_TEXT = st.text(alphabet=st.sampled_from(list('ab /"\\\'\r\n\t\b\f\x00\x01\x1f\x7f<>&ệĐ') + ["\u2028", "😀"]),
                    max_size=8)
DOUBLES = st.one_of(st.floats(allow_nan=True, allow_infinity=True, width=64),
                    st.sampled_from([94.0, 93.5, 93.52, -0.0, 1e16, 1e16 - 2, 1.5e16, 1e-15, 9e-16, 20 / 27, 0.03,
                                     0.9999999999999999, 123.456, -0.5, 2.5, 5e-324]))


@st.composite
def typed_tables(draw):
    n = draw(st.sampled_from([1, 3, 20, 200]))
    columns = {}
    for k in range(draw(st.integers(1, 5))):
        kind = draw(st.sampled_from(["string", "repeated", "float", "int", "bool", "date"]))
        nulls = draw(st.booleans())
        maybe = (lambda s: st.one_of(s, st.none())) if nulls else (lambda s: s)
        if kind == "repeated":  # a few values many times: encoded once each
            pool = draw(st.lists(maybe(JSON_TEXT), min_size=1, max_size=4))
            columns[f"r{k}"] = pa.array(draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n)), pa.string())
        elif kind == "string":
            columns[f"s{k}"] = pa.array(draw(st.lists(maybe(JSON_TEXT), min_size=n, max_size=n)), pa.string())
        elif kind == "float":
            columns[f"f{k}"] = pa.array(draw(st.lists(maybe(DOUBLES), min_size=n, max_size=n)), pa.float64())
        elif kind == "int":
            columns[f"i{k}"] = pa.array(draw(st.lists(maybe(st.integers(-2**62, 2**62)), min_size=n, max_size=n)),
                                        pa.int64())
        elif kind == "bool":
            columns[f"b{k}"] = pa.array(draw(st.lists(maybe(st.booleans()), min_size=n, max_size=n)), pa.bool_())
        else:
            columns[f"d{k}"] = pa.array(draw(st.lists(maybe(st.integers(-1000, 30000)), min_size=n, max_size=n)),
                                        pa.int32()).cast(pa.date32())
    return pa.table(columns)


def pandas_jsonl(table: pa.Table) -> bytes:
    """The JSON Lines as the export wrote them before (pandas' to_json)."""
    import io

    from pipeline.tables.files import jsonl_frame

    buffer = io.StringIO()
    jsonl_frame(table).to_json(buffer, orient="records", lines=True, force_ascii=False, double_precision=15)
    return buffer.getvalue().encode("utf-8")


@settings(max_examples=400, deadline=None)
@given(table=typed_tables())
def test_jsonl_is_what_pandas_wrote(table):
    from pipeline.tables.jsonl import jsonl_chunks

    assert b"".join(jsonl_chunks(table)) == pandas_jsonl(table)
