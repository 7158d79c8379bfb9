"""Reading and writing the fact tables in extracted/: facts.csv, facts.parquet, facts.jsonl.

The CSV is for people (UTF-8 with BOM for Excel, formula injection neutralised); Parquet and
JSON Lines are for tools. All three are written atomically so a crash leaves the old version.
"""
from __future__ import annotations

import io
import math
from collections.abc import Iterable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.atomic import atomic_write_bytes, dumps_json
from pipeline.errors import PipelineError
from pipeline.records import FACT_COLUMNS, Fact

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

FACT_SCHEMA = pa.schema([
    (name, pa.int64() if name in ("start", "end")
     else pa.float64() if name in ("value", "value_max", "numerator", "denominator")
     else pa.string())
    for name in FACT_COLUMNS
])


def safe_cell(value: object) -> object:
    """Prefix a text cell that a spreadsheet would run as a formula with an apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def unsafe_cell(value: object) -> object:
    """Undo safe_cell when a sheet comes back from a reviewer."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def write_csv(path: Path, frame: pd.DataFrame) -> None:
    """A spreadsheet-safe CSV: UTF-8 with BOM, comma-separated, formula-looking text escaped."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object:
            safe[column] = safe[column].map(safe_cell)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False, lineterminator="\r\n")
    atomic_write_bytes(Path(path), buffer.getvalue().encode("utf-8-sig"))


GENERATION_KEY = b"chitieu.generation"


def write_parquet(path: Path, frame: pd.DataFrame, schema: pa.Schema | None = None,
                  metadata: dict[bytes, bytes] | None = None) -> None:
    table = pa.Table.from_pandas(frame, schema=schema, preserve_index=False)
    if metadata:
        table = table.replace_schema_metadata({**(table.schema.metadata or {}), **metadata})
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink)
    atomic_write_bytes(Path(path), sink.getvalue().to_pybytes())


def _json_ready(value: object) -> object:
    """A missing number (NaN) and a number JSON cannot hold (±inf, e.g. a progress ratio over a
    target of 0) become null: the file stays JSON, and allow_nan=False guards the rest."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def write_jsonl(path: Path, records: Iterable[dict]) -> None:
    lines = (dumps_json({k: _json_ready(v) for k, v in r.items()}) for r in records)
    atomic_write_bytes(Path(path), ("\n".join(lines) + "\n").encode("utf-8"))


def facts_frame(facts: Iterable[Fact]) -> pd.DataFrame:
    rows = [f.as_dict() for f in facts]
    frame = pd.DataFrame(rows, columns=list(FACT_COLUMNS))
    for name in ("start", "end"):
        frame[name] = frame[name].astype("int64")
    for name in ("value", "value_max", "numerator", "denominator"):
        frame[name] = frame[name].astype("float64")
    return frame


def write_facts(out_dir: Path, facts: Iterable[Fact], generation: str | None = None) -> pd.DataFrame:
    """Write facts.parquet, facts.jsonl and facts.csv into `out_dir`; returns the frame written.

    `generation` (the run's token, also in manifest.json) is stored in facts.parquet's metadata,
    so a reader can tell whether the facts and the manifest belong together."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    frame = facts_frame(facts)
    metadata = {GENERATION_KEY: generation.encode()} if generation else None
    write_parquet(out_dir / "facts.parquet", frame, FACT_SCHEMA, metadata)
    write_jsonl(out_dir / "facts.jsonl", frame.to_dict("records"))
    write_csv(out_dir / "facts.csv", frame)
    return frame


def facts_generation(out_dir: Path) -> str | None:
    """The generation token stored in facts.parquet by write_facts, or None."""
    path = Path(out_dir) / "facts.parquet"
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
    parquet, jsonl = out_dir / "facts.parquet", out_dir / "facts.jsonl"
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
