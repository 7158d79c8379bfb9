"""Review in a spreadsheet: a sheet of facts out (CSV or .xlsx), verdicts back in, kept in an
append-only log.

Decisions key on fact_id, which is stable across re-extraction, so a verdict outlives the run
that produced the fact. Sheets come back from Excel and LibreOffice in many shapes (";" or ",",
with or without BOM, decimal commas, extra columns, .xlsx); all of it is validated before anything
is written, and nothing is applied unless every row is valid.
"""
from pipeline.kinds import typed_number as parse_number
from pipeline.records import Decision
from pipeline.review.importer import (
                                      VERDICTS,
                                      ImportSummary,
                                      default_reviewer,
                                      import_sheet,
                                      parse_corrected,
                                      read_sheet,
                                      validate,
)
from pipeline.review.log import LOG_NAME, append_decisions, load_decisions, read_log
from pipeline.review.sheet import (
                                      ALL_KINDS,
                                      REVIEW_KINDS,
                                      SHEET_COLUMNS,
                                      SHEET_NAME,
                                      figure_in_sentence,
                                      marked,
                                      occurrences,
                                      parse_kinds,
                                      review_sheet,
                                      write_sheet,
)

__all__ = ["ALL_KINDS", "LOG_NAME", "REVIEW_KINDS", "SHEET_COLUMNS", "SHEET_NAME", "VERDICTS", "Decision",
           "ImportSummary", "append_decisions", "default_reviewer", "figure_in_sentence", "import_sheet",
           "load_decisions", "marked", "occurrences", "parse_corrected", "parse_kinds", "parse_number", "read_log",
           "read_sheet", "review_sheet", "validate", "write_sheet"]
