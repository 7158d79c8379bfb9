"""Feeding other tools: facts, articles, timeline, changes and latest values as typed CSV, Parquet
and JSON Lines, the timeline as SDMX-CSV, all described by a Frictionless Data Package
(datapackage.json); optionally a SQLite database for Datasette (sqlite-utils).

The files in export/ are for programs: plain UTF-8 CSV without BOM or formula escaping, dates as
dates and numbers as numbers. The spreadsheet-friendly CSVs stay in the extracted-data directory.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.atomic import atomic_write_text
from pipeline.documents import DOCUMENT_COLUMNS, url_host
from pipeline.errors import PipelineError
from pipeline.export.files import datapackage, resource, typed, typed_arrow
from pipeline.export.schema import ARTICLES, CHANGES, FACTS, LATEST, OBSERVATION_FACTS, TABLES, TIMELINE, Field, Table
from pipeline.export.sdmx import SDMX, sdmx_frame, sdmx_table
from pipeline.export.sqlite import datasette_metadata, write_sqlite
from pipeline.factstore import read_facts
from pipeline.layout import DATAPACKAGE, EXPORT_DIR, SQLITE, OutDir
from pipeline.tables.files import Disk, plain, write_formats, write_tool_csv
from pipeline.timeline import Timeline

log = logging.getLogger(__name__)
SQLITE_NAME = SQLITE
__all__ = ["EXPORT_DIR", "SQLITE_NAME", "TABLES", "Field", "Table", "export_all", "facts_table", "typed"]


def facts_table(out_dir: Path) -> pa.Table:
    """Every column of the facts as an Arrow table (Parquet read as is, JSON Lines as a fallback)."""
    path = OutDir(out_dir).facts_parquet
    if path.exists():  # text as dictionaries: each distinct value made (and later written) once
        text = [f.name for f in pq.read_schema(path) if pa.types.is_string(f.type) and f.name != "fact_id"]
        return pq.read_table(path, read_dictionary=text)
    return pa.Table.from_pandas(read_facts(out_dir), preserve_index=False)


def facts_with_verdicts(facts: pa.Table | pd.DataFrame, decisions: Mapping[str, object]) -> pa.Table:
    """Facts plus their latest review verdict; one row per fact_id (the primary key)."""
    if isinstance(facts, pd.DataFrame):
        facts = pa.Table.from_pandas(facts, preserve_index=False)
    ids = facts.column("fact_id")
    if pc.count_distinct(ids).as_py() < facts.num_rows:
        frame = plain(facts).to_pandas().sort_values(["fact_id", "doc_id"], kind="stable").drop_duplicates("fact_id")
        log.warning("%d facts share a fact_id with another fact; kept the first", facts.num_rows - len(frame))
        facts, ids = pa.Table.from_pandas(frame, preserve_index=False), pa.array(frame["fact_id"])
    decided = pa.array(list(decisions), type=pa.string())
    where = pc.index_in(ids, value_set=decided)
    verdicts = pa.array([getattr(d, "verdict", "") for d in decisions.values()], type=pa.string())
    corrected = pa.array([getattr(d, "corrected_value", None) for d in decisions.values()], type=pa.float64())
    return (facts.append_column("verdict", pc.take(verdicts, where))
            .append_column("corrected_value", pc.take(corrected, where)))


def articles_frame(documents: pd.DataFrame | None, facts: pa.Table) -> pd.DataFrame:
    """The documents table, plus a row (from the facts) for any article it lacks: every fact has its article."""
    docs = documents if documents is not None else pd.DataFrame(columns=list(DOCUMENT_COLUMNS))
    ids = facts.column("doc_id").combine_chunks()
    if ids.null_count:  # an article without an id: as pandas would treat it
        seen = plain(facts.select(["doc_id", "url", "published"])).to_pandas().drop_duplicates("doc_id")
        missing = seen[~seen["doc_id"].isin(set(docs["doc_id"]))]
    else:
        encoded = pc.dictionary_encode(ids)  # in order of first appearance
        first = np.full(len(encoded.dictionary), len(ids), dtype=np.int64)
        np.minimum.at(first, encoded.indices.to_numpy().astype(np.intp), np.arange(len(ids), dtype=np.int64))
        known = pc.is_in(encoded.dictionary, value_set=pa.array(list(set(docs["doc_id"].dropna())), pa.string()))
        rows = first[np.flatnonzero(~known.to_numpy(zero_copy_only=False))]
        missing = plain(facts.select(["doc_id", "url", "published"]).take(pa.array(rows))).to_pandas()
    if len(missing):
        extra = missing.assign(source=missing["url"].map(url_host), home_area="", title="", content_hash="")
        docs = pd.concat([docs, extra.reindex(columns=list(DOCUMENT_COLUMNS))], ignore_index=True)
    return docs.sort_values("doc_id", kind="stable").reset_index(drop=True)


def observation_links(obs: pd.DataFrame) -> pd.DataFrame:
    """observation_id × fact_id, one row per supporting fact."""
    ids = obs["fact_ids"].str.split()
    return pd.DataFrame({"observation_id": obs["observation_id"].repeat(ids.str.len()).to_numpy(),
                         "fact_id": [f for group in ids for f in group]})


def with_series_id(latest: pd.DataFrame) -> pd.DataFrame:
    parts = [latest[k].astype(str) for k in ("indicator", "area", "area_part", "unit")]
    return latest.assign(series_id=parts[0] + "|" + parts[1] + "|" + parts[2] + "|" + parts[3])


def export_all(dest: Path, facts: pa.Table | pd.DataFrame, timeline: Timeline, decisions: Mapping[str, object],
               documents: pd.DataFrame | None = None, sqlite: bool = False,
               run: Mapping[str, object] | None = None) -> dict[str, int]:
    """Write every table in every format into `dest`; returns rows written per table. `run` (the
    nightly run's id and start) is recorded in datapackage.json as x-chitieu-run.

    Each table is typed and written (the files go to disk on a thread of their own while the next
    one is encoded), then let go unless SQLite needs them all."""
    dest = Path(dest)
    fact_rows = facts_with_verdicts(facts, decisions)
    makers = [(ARTICLES, lambda: typed(articles_frame(documents, fact_rows), ARTICLES)),
              (FACTS, lambda: typed_arrow(fact_rows, FACTS)),
              (TIMELINE, lambda: typed(timeline.arrow("observations"), TIMELINE)),
              (CHANGES, lambda: typed(timeline.arrow("changes"), CHANGES)),
              (LATEST, lambda: typed(with_series_id(timeline.latest), LATEST))]
    counts, kept = {}, []
    try:
        with Disk() as disk:
            for spec, make in makers:
                data = make()
                write_formats(dest, spec.name, data, disk)
                counts[spec.name] = data.num_rows
                if sqlite:
                    kept.append((spec, data))
                del data
            observations = timeline.arrow("observations")
            sdmx = (sdmx_table(observations) if isinstance(observations, pa.Table)
                    else typed(sdmx_frame(observations), SDMX))
            write_tool_csv(dest / f"{SDMX.name}.csv", sdmx, disk)
        resources = [resource(spec) for spec, _ in makers] + [resource(SDMX, formats=("csv",))]
        if sqlite:
            links = (OBSERVATION_FACTS, typed(observation_links(timeline.observations), OBSERVATION_FACTS))
            write_sqlite(dest / SQLITE_NAME, kept + [links])
            metadata = datasette_metadata([spec for spec, _ in makers] + [OBSERVATION_FACTS])
            atomic_write_text(dest / "metadata.json", json.dumps(metadata, ensure_ascii=False, indent=2) + "\n")
        package = datapackage(resources)
        if sqlite:
            package["x-sqlite"] = SQLITE_NAME
        if run is not None:
            package["x-chitieu-run"] = dict(run)
        atomic_write_text(dest / DATAPACKAGE, json.dumps(package, ensure_ascii=False, indent=2) + "\n")
    except pa.ArrowInvalid as exc:
        raise PipelineError(f"{dest}: cannot convert a table for export: {exc}") from None
    return counts
