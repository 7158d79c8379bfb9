"""What the stages after extraction read, all from extracted/, and the timeline files they write."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pipeline.documents import read_documents
from pipeline.factstore import read_fact_table, read_facts, write_csv
from pipeline.rules import indicator_labels
from pipeline.timeline import Timeline, build_timeline
from pipeline.timeline.prepare import CHANGE_KINDS, CONTEXT, FACT_INPUT

TIMELINE_FILES = ("timeline", "timeline_wide", "latest", "changes")
BATCH_ROWS = 65_536  # facts.parquet is read in batches of this many rows where it holds long texts


@dataclass(frozen=True, slots=True)
class Inputs:
    """Facts, review decisions, documents and indicator labels, loaded once."""

    facts: pd.DataFrame | pa.Table
    decisions: Mapping[str, object]
    documents: pd.DataFrame
    labels: Mapping[str, str]
    context: pd.DataFrame | pa.Table | None = None  # sentence, text, trace of the changes (their baseline)

    def timeline(self) -> Timeline:
        return build_timeline(self.facts, decisions=self.decisions, documents=self.documents, labels=self.labels,
                              context=self.context)


def load_inputs(out_dir: Path, rules_dir: Path | None = None, *, columns: list[str] | None = FACT_INPUT) -> Inputs:
    """Everything in `out_dir` the timeline needs; labels from rules/indicators.toml (`rules_dir`).

    Only the fact columns the timeline reads are loaded (as an Arrow table from facts.parquet)
    unless `columns=None` (every column).
    """
    from pipeline.review import load_decisions  # review needs nothing from here; avoid a cycle

    kwargs = {"rules_dir": rules_dir} if rules_dir is not None else {}
    facts = read_fact_table(out_dir, columns=columns)
    return Inputs(facts=facts, decisions=load_decisions(out_dir), documents=read_documents(out_dir),
                  labels=indicator_labels(**kwargs), context=_change_context(Path(out_dir), facts))


def _change_context(out_dir: Path, facts: pd.DataFrame | pa.Table) -> pd.DataFrame | pa.Table | None:
    """Sentence, text and trace of the facts that may be changes, without holding every sentence:
    facts.parquet is read in batches and only those rows are kept."""
    present = facts.column_names if isinstance(facts, pa.Table) else list(facts.columns)
    if all(c in present for c in CONTEXT):
        return None  # already there
    path = out_dir / "facts.parquet"
    if not path.exists():
        return read_facts(out_dir, columns=["fact_id", *CONTEXT])
    source = pq.ParquetFile(path)
    names = set(source.schema_arrow.names)
    wanted_kinds = pa.array(list(CHANGE_KINDS))
    kept = []
    for batch in source.iter_batches(batch_size=BATCH_ROWS, columns=[c for c in ["fact_id", "value_kind", "unit",
                                                                                 *CONTEXT] if c in names]):
        kinds = batch.column("value_kind") if "value_kind" in names else pa.nulls(batch.num_rows, pa.string())
        units = batch.column("unit") if "unit" in names else pa.nulls(batch.num_rows, pa.string())
        wanted = pc.fill_null(pc.or_(pc.is_in(kinds, value_set=wanted_kinds), pc.equal(units, "percentage_point")),
                              False)
        rows = batch.filter(wanted)
        kept.append(pa.table({c: rows.column(c) if c in names else pa.nulls(rows.num_rows, pa.string())
                              for c in ["fact_id", *CONTEXT]}))
    if not kept:
        return pa.table({c: pa.array([], pa.string()) for c in ["fact_id", *CONTEXT]})
    return pa.concat_tables(kept)


def write_timeline(out_dir: Path, timeline: Timeline) -> dict[str, Path]:
    """timeline.csv, timeline_wide.csv, latest.csv and changes.csv in `out_dir`, written atomically."""
    out_dir = Path(out_dir)
    paths = {name: out_dir / f"{name}.csv" for name in TIMELINE_FILES}
    write_csv(paths["timeline"], timeline.observations)
    write_csv(paths["timeline_wide"], timeline.wide)
    write_csv(paths["latest"], timeline.latest)
    write_csv(paths["changes"], timeline.changes)
    return paths
