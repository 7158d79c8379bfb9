"""What the stages after extraction read, all from extracted/, and the timeline files they write."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa

from pipeline.documents import read_documents
from pipeline.factstore import read_facts, write_csv
from pipeline.rules import indicator_labels
from pipeline.timeline import Timeline, build_timeline
from pipeline.timeline.prepare import CHANGE_KINDS, CONTEXT, FACT_INPUT

TIMELINE_FILES = ("timeline", "timeline_wide", "latest", "changes")


@dataclass(frozen=True, slots=True)
class Inputs:
    """Facts, review decisions, documents and indicator labels, loaded once."""

    facts: pd.DataFrame
    decisions: Mapping[str, object]
    documents: pd.DataFrame
    labels: Mapping[str, str]
    context: pd.DataFrame | None = None  # sentence, text, trace of the changes (their baseline)

    def timeline(self) -> Timeline:
        return build_timeline(self.facts, decisions=self.decisions, documents=self.documents, labels=self.labels,
                              context=self.context)


def load_inputs(out_dir: Path, rules_dir: Path | None = None, *, columns: list[str] | None = FACT_INPUT) -> Inputs:
    """Everything in `out_dir` the timeline needs; labels from rules/indicators.toml (`rules_dir`).

    Only the fact columns the timeline reads are loaded unless `columns=None` (every column).
    """
    from pipeline.review import load_decisions  # review needs nothing from here; avoid a cycle

    kwargs = {"rules_dir": rules_dir} if rules_dir is not None else {}
    facts = read_facts(out_dir, columns=columns)
    return Inputs(facts=facts, decisions=load_decisions(out_dir), documents=read_documents(out_dir),
                  labels=indicator_labels(**kwargs), context=_change_context(Path(out_dir), facts))


def _change_context(out_dir: Path, facts: pd.DataFrame) -> pd.DataFrame | None:
    """Sentence, text and trace of the facts that may be changes, without loading every sentence."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    if all(c in facts for c in CONTEXT):
        return None  # already there
    path = out_dir / "facts.parquet"
    if not path.exists():
        return read_facts(out_dir, columns=["fact_id", *CONTEXT])
    present = set(pq.read_schema(path).names)
    table = pq.read_table(path, columns=[c for c in ["fact_id", "value_kind", "unit", *CONTEXT] if c in present])
    kinds = table.column("value_kind") if "value_kind" in present else pa.nulls(table.num_rows, pa.string())
    wanted = pc.or_(pc.is_in(kinds, value_set=pa.array(list(CHANGE_KINDS))),
                    pc.equal(table.column("unit"), "percentage_point"))
    rows = table.filter(pc.fill_null(wanted, False))
    return rows.to_pandas().reindex(columns=["fact_id", *CONTEXT])


def write_timeline(out_dir: Path, timeline: Timeline) -> dict[str, Path]:
    """timeline.csv, timeline_wide.csv, latest.csv and changes.csv in `out_dir`, written atomically."""
    out_dir = Path(out_dir)
    paths = {name: out_dir / f"{name}.csv" for name in TIMELINE_FILES}
    write_csv(paths["timeline"], timeline.observations)
    write_csv(paths["timeline_wide"], timeline.wide)
    write_csv(paths["latest"], timeline.latest)
    write_csv(paths["changes"], timeline.changes)
    return paths
