"""The review sheet's columns: the fact id, what a reviewer fills in (the Decision's fields), the
previous verdict, then the fact's context as records.Fact declares it, and how a workbook formats them."""
from __future__ import annotations

from dataclasses import fields

from pipeline.records import FACT_COLUMNS, Decision, Fact

# fact_id, verdict, corrected_value, note: the columns read back from an edited sheet
FILLED = tuple(f.name for f in fields(Decision) if f.name not in ("who", "when"))
CONTEXT = ("kind", "text", "value", "unit", "qualifier", "subject", "indicator", "value_kind", "area", "area_part",
           "as_of", "time_basis", "modality", "sentence", "title", "url", "published", "doc_id", "rule")
SHEET_COLUMNS = [*FILLED, "previous_verdict", *CONTEXT]
# context columns copied from the fact as they are ("as_of" joins two fields, "sentence" marks the figure)
FACT_CONTEXT = tuple(c for c in CONTEXT if c in FACT_COLUMNS and c != "sentence")
_TYPES = {f.name: f.metadata["type"] for f in fields(Fact)}
NUMBER_COLUMNS = {c for c in FACT_CONTEXT if _TYPES[c] == "number"}  # numbers in a workbook
# ids and codes a workbook keeps as text (a digit-only id never becomes a number, "11/12" no date)
TEXT_COLUMNS = {"fact_id", "doc_id", "text", "indicator", "kind", "unit", "rule", "url", "published", "as_of",
                "verdict", "previous_verdict", "corrected_value", "note"}
MARK_OPEN, MARK_CLOSE = "«", "»"
