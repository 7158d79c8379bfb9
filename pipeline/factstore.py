"""Reading and writing the fact tables in extracted/: facts.csv, facts.parquet, facts.jsonl.

The CSV is for people (UTF-8 with BOM for Excel, formula injection neutralised); Parquet and
JSON Lines are for tools. All three are written atomically so a crash leaves the old version.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PipelineError
from pipeline.layout import OutDir
from pipeline.records import FACT_COLUMNS, Fact
from pipeline.tables.files import write_jsonl, write_parquet
from pipeline.tables.spreadsheet import write_csv

STORED_TYPES = {"integer": pa.int64(), "number": pa.float64()}  # anything else (dates too) is stored as text
FACT_SCHEMA = pa.schema([(f.name, STORED_TYPES.get(f.metadata["type"], pa.string())) for f in fields(Fact)])


GENERATION_KEY = b"chitieu.generation"


FLOAT_COLUMNS = ("value", "value_max", "numerator", "denominator")


def facts_frame(facts: Iterable[Fact]) -> pd.DataFrame:
    rows = [f.as_dict() for f in facts]
    frame = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    for name in ("start", "end"):
        frame[name] = frame[name].astype("int64")
    for name in FLOAT_COLUMNS:
        frame[name] = frame[name].astype("float64")
    return frame


def fact_rows(facts: Iterable[Fact]) -> list[dict]:
    """The facts as plain rows, numbers typed as the tables store them (int offsets, float values)."""
    rows = []
    for fact in facts:
        row = fact.as_dict()
        for name in FLOAT_COLUMNS:
            if row[name] is not None:
                row[name] = float(row[name])
        rows.append(row)
    return rows


def write_facts(out_dir: Path, facts: Iterable[Fact], generation: str | None = None) -> pa.Table:
    """Write facts.parquet, facts.jsonl and facts.csv into `out_dir`; returns the table written.

    Built with pyarrow from the rows, not through a DataFrame (a third of a second less on 4× the
    realnews corpus). `generation` (the run's token, also in manifest.json) is
    stored in facts.parquet's metadata, so a reader can tell whether facts and manifest belong together."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = fact_rows(facts)
    table = pa.Table.from_pylist(rows, schema=FACT_SCHEMA)
    if generation:
        table = table.replace_schema_metadata({GENERATION_KEY: generation.encode()})
    out = OutDir(out_dir)
    write_parquet(out.facts_parquet, table)
    write_jsonl(out.facts_jsonl, rows)
    write_csv(out.facts_csv, table)
    return table


def facts_generation(out_dir: Path) -> str | None:
    """The generation token stored in facts.parquet by write_facts, or None."""
    path = OutDir(out_dir).facts_parquet
    if not path.exists():
        return None
    try:
        metadata = pq.read_schema(path).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise PipelineError(f"{path}: unreadable Parquet ({exc})") from None
    value = metadata.get(GENERATION_KEY)
    return value.decode() if value else None


def read_facts(out_dir: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """The facts of an extracted-data directory (Parquet preferred, JSON Lines as fallback);
    only `columns` when given (columns the file lacks come back empty)."""
    out_dir = Path(out_dir)
    parquet, jsonl = OutDir(out_dir).facts_parquet, OutDir(out_dir).facts_jsonl
    if parquet.exists():
        if columns is None:
            return pq.read_table(parquet).to_pandas()
        present = set(pq.read_schema(parquet).names)
        frame = pq.read_table(parquet, columns=[c for c in columns if c in present]).to_pandas()
        return frame.reindex(columns=list(columns))
    if jsonl.exists():
        frame = pd.read_json(jsonl, lines=True, dtype=False)
        return frame.reindex(columns=list(columns or FACT_COLUMNS))
    raise PipelineError(f"{out_dir}: no facts.parquet or facts.jsonl; run `chitieu extract --out {out_dir}` first")
