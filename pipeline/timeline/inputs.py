"""What the stages after extraction read, all from extracted/, and the timeline files they write."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.documents import read_documents
from pipeline.factstore import read_facts
from pipeline.layout import TIMELINE_FILES, OutDir
from pipeline.rules import indicator_labels
from pipeline.tables.spreadsheet import write_csvs
from pipeline.timeline.build import Timeline, build_timeline
from pipeline.timeline.prepare import CHANGE_KINDS, CONTEXT, FACT_INPUT, FactColumns

BATCH_ROWS = 65_536  # facts.parquet is read in batches of this many rows where it holds long texts


@dataclass(frozen=True, slots=True)
class Inputs:
    """Facts, review decisions, documents and indicator labels, loaded once."""

    facts: FactColumns | pd.DataFrame
    decisions: Mapping[str, object]
    documents: pd.DataFrame
    labels: Mapping[str, str]
    context: pd.DataFrame | pa.Table | None = None  # sentence, text, trace of the changes (their baseline)

    def timeline(self) -> Timeline:
        return build_timeline(self.facts, decisions=self.decisions, documents=self.documents, labels=self.labels,
                              context=self.context)


def load_inputs(out_dir: Path, rules_dir: Path | None = None, *, columns: list[str] | None = FACT_INPUT) -> Inputs:
    """Everything in `out_dir` the timeline needs; labels from rules/indicators.toml (`rules_dir`).

    Only the fact columns the timeline reads are loaded, coded (FactColumns), from facts.parquet;
    `columns` narrows them (None: all it reads). The long texts are read only for the changes.
    """
    from pipeline.review import load_decisions  # review needs nothing from here; avoid a cycle

    kwargs = {"rules_dir": rules_dir} if rules_dir is not None else {}
    parquet = OutDir(out_dir).facts_parquet
    facts = FactColumns.read_parquet(parquet, columns) if parquet.exists() else read_facts(out_dir, columns)
    return Inputs(facts=facts, decisions=load_decisions(out_dir), documents=read_documents(out_dir),
                  labels=indicator_labels(**kwargs), context=_change_context(Path(out_dir), facts))


def _change_context(out_dir: Path, facts: FactColumns | pd.DataFrame) -> pd.DataFrame | pa.Table | None:
    """Sentence, text and trace of the facts that may be changes, without holding every sentence:
    facts.parquet is read in batches (as dictionaries where the file stores them so) and only
    those rows are kept."""
    present = list(facts.columns) if isinstance(facts, pd.DataFrame) else []
    if all(c in present for c in CONTEXT):
        return None  # already there
    path = OutDir(out_dir).facts_parquet
    if not path.exists() or not isinstance(facts, FactColumns):
        return read_facts(out_dir, columns=["fact_id", *CONTEXT])
    kinds, units = facts.columns["value_kind"], facts.columns["unit"]
    wanted = kinds.isin(CHANGE_KINDS) | units.eq("percentage_point")
    names = set(pq.read_schema(path).names)
    columns = [c for c in ["fact_id", *CONTEXT] if c in names]
    source = pq.ParquetFile(path, read_dictionary=[c for c in CONTEXT if c in names and _dictionary_coded(path, c)])
    kept, at = [], 0
    for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=columns):
        rows = batch.filter(pa.array(wanted[at:at + batch.num_rows]))
        at += batch.num_rows
        kept.append(pa.table({c: _plain(rows.column(c)) if c in names else pa.nulls(rows.num_rows, pa.string())
                              for c in ["fact_id", *CONTEXT]}))
    if not kept:
        return pa.table({c: pa.array([], pa.string()) for c in ["fact_id", *CONTEXT]})
    return pa.concat_tables(kept)


def _dictionary_coded(path: Path, column: str) -> bool:
    """Whether every row group of the file stores `column` dictionary-encoded (cheap to read so)."""
    meta = pq.ParquetFile(path).metadata
    at = meta.schema.names.index(column)
    return all(any("DICTIONARY" in e for e in meta.row_group(g).column(at).encodings)
               for g in range(meta.num_row_groups))


def _plain(column: pa.Array) -> pa.Array:
    return column.cast(column.type.value_type) if pa.types.is_dictionary(column.type) else column


def write_timeline(out_dir: Path, timeline: Timeline) -> dict[str, Path]:
    """timeline.csv, timeline_wide.csv, latest.csv and changes.csv in `out_dir`, written atomically."""
    out_dir = Path(out_dir)
    paths = {name: OutDir(out_dir).timeline_csv(name) for name in TIMELINE_FILES}
    write_csvs([(paths["timeline"], timeline.arrow("observations")),  # as built: no Python object per cell
                (paths["timeline_wide"], timeline.wide), (paths["latest"], timeline.latest),
                (paths["changes"], timeline.arrow("changes"))])
    return paths
