"""Reading an edited review sheet back: CSV (any of `,` `;` tab, with or without BOM, decimal
commas) or .xlsx, streamed row by row; every row validated before anything is written.

Only the four columns a reviewer fills in are kept per row, and only rows that say something,
so a sheet of hundreds of megabytes costs memory in proportion to its decisions, not its size.
"""
from __future__ import annotations

import csv
import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import ReviewError
from pipeline.factstore import read_facts
from pipeline.kinds import kind_of
from pipeline.records import Decision
from pipeline.review.columns import FILLED
from pipeline.review.log import append_decisions
from pipeline.tables.spreadsheet import unsafe_cell

VERDICTS = {"ok": "ok", "đúng": "ok", "dung": "ok", "wrong": "wrong", "sai": "wrong",
            "fix": "fix", "sửa": "fix", "sua": "fix"}
MAX_CELL = 1 << 20  # characters; the sheet chitieu writes has no cell near this
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class ImportSummary:
    rows: int
    decisions: tuple[Decision, ...]

    def count(self, verdict: str) -> int:
        return sum(d.verdict == verdict for d in self.decisions)


def parse_corrected(text: str, kind: str) -> float:
    """A corrected value in the fact's own units, as its kind reads it (pipeline.kinds): percent facts
    94 for 94%; fraction facts a ratio ("0,74"), a fraction ("20/27", "11/12") or a percentage ("74%")."""
    return kind_of(kind).correct(text)


def _header(cells: list[str]) -> list[str]:
    return [re.sub(r"\s+", "_", str(c).strip().lstrip("\ufeff").lower()) for c in cells]


def _rows(path: Path, cells: Iterator[list[str]]) -> Iterator[dict[str, str]]:
    """Rows as {column: text} (the kept columns only), numbered as the spreadsheet shows them."""
    header = _header(next(cells, []))
    missing = [c for c in ("fact_id", "verdict") if c not in header]
    if missing:
        raise ReviewError(f"{path}: row 1: missing column(s) {', '.join(missing)}; is this a review sheet?")
    where = {name: header.index(name) for name in FILLED if name in header}
    for number, row in enumerate(cells, start=2):
        values = {name: str(unsafe_cell(row[i])).strip() if i < len(row) else "" for name, i in where.items()}
        if any(values.values()):
            values["_row"] = str(number)
            yield values


def _csv_cells(path: Path) -> Iterator[list[str]]:
    """CSV rows streamed, the delimiter chosen from the header line; decoding and size errors named."""
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise ReviewError(f"{path}: cannot read the sheet: {exc.strerror}") from None
    limit = csv.field_size_limit(MAX_CELL)  # process-wide: set for this read only
    with handle:
        number = 1
        try:
            first = handle.readline(MAX_CELL)
            candidates = [(len(_header(next(csv.reader([first], delimiter=d), []))), d) for d in (",", ";", "\t")
                          if "fact_id" in _header(next(csv.reader([first], delimiter=d), []))]
            if not candidates:
                raise ReviewError(f"{path}: row 1: no fact_id column; is this a review sheet?")
            delimiter = max(candidates)[1]
            yield next(csv.reader([first], delimiter=delimiter))
            for number, cells in enumerate(csv.reader(handle, delimiter=delimiter), start=2):
                yield cells
        except UnicodeDecodeError as exc:
            raise ReviewError(f"{path}: near row {number + 1}: not UTF-8 (byte {exc.start} of a block); save the "
                              "sheet as \"CSV UTF-8\"") from None
        except csv.Error as exc:
            if "field larger than field limit" in str(exc):
                raise ReviewError(f"{path}: row {number + 1}: a cell longer than {MAX_CELL:,} characters; this is "
                                  "not a review sheet as chitieu writes it (an unclosed quote?)") from None
            raise ReviewError(f"{path}: row {number + 1}: not valid CSV ({exc})") from None
        finally:
            csv.field_size_limit(limit)


def read_sheet(path: Path) -> Iterator[dict[str, str]]:
    """The rows of an edited sheet (.csv or .xlsx) that say something, each with its row number in "_row"."""
    path = Path(path)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from pipeline.review.xlsx import iter_xlsx

        return _rows(path, iter_xlsx(path))
    return _rows(path, _csv_cells(path))


def _known_id(fact: str, kinds: Mapping[str, str]) -> str | None:
    """The fact id a cell means: as written, or with the leading zeros a spreadsheet dropped."""
    if fact in kinds:
        return fact
    if fact.isdigit() and len(fact) < 16 and fact.zfill(16) in kinds:
        return fact.zfill(16)
    return None


def validate(rows, kinds: Mapping[str, str], who: str, when: str, source: str = "sheet") -> tuple[int, list[Decision]]:
    """(rows read, decisions) from sheet rows, or ReviewError listing every bad row and column."""
    problems, decisions, decided, count = [], [], {}, 0
    for row in rows:
        count += 1
        where = f"{source}: row {row['_row']}"
        fact_text, verdict_text = row.get("fact_id", ""), row.get("verdict", "")
        corrected_text, note = row.get("corrected_value", ""), row.get("note", "")
        if not (verdict_text or corrected_text or note):
            continue
        if not fact_text:
            problems.append(f"{where}, column fact_id: empty")
            continue
        fact = _known_id(fact_text, kinds)
        if fact is None:
            hint = (" (the spreadsheet turned the id into a number: format the column as Text, or use review.xlsx)"
                    if re.fullmatch(r"[\d.,]+(E\+?\d+)?", fact_text, re.IGNORECASE) else "")
            problems.append(f"{where}, column fact_id: unknown fact {fact_text!r} (not in the current facts){hint}")
            continue
        verdict = VERDICTS.get(verdict_text.lower())
        if verdict is None:
            what = "empty, but a corrected value or note was given" if not verdict_text else f"unknown verdict {verdict_text!r}"
            problems.append(f"{where}, column verdict: {what} (use ok, wrong or fix)")
            continue
        corrected = None
        if verdict == "fix":
            if not corrected_text:
                problems.append(f"{where}, column corrected_value: verdict fix needs a corrected value")
                continue
            try:
                corrected = parse_corrected(corrected_text, kinds[fact])
            except ValueError as exc:
                problems.append(f"{where}, column corrected_value: {exc}")
                continue
        elif corrected_text:
            problems.append(f"{where}, column corrected_value: given with verdict {verdict}; use fix")
            continue
        if fact in decided:
            problems.append(f"{where}, column fact_id: {fact} already decided in row {decided[fact]}")
            continue
        decided[fact] = row["_row"]
        decisions.append(Decision(fact, verdict, corrected, note, who, when))
    if problems:
        more = len(problems) - MAX_REPORTED_PROBLEMS
        shown = problems[:MAX_REPORTED_PROBLEMS] + ([f"... and {more} more"] if more > 0 else [])
        raise ReviewError("nothing was applied; fix the sheet and import it again:\n  " + "\n  ".join(shown))
    return count, decisions


def default_reviewer() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def import_sheet(path: Path, out_dir: Path, reviewer: str | None = None,
                 now: dt.datetime | None = None) -> ImportSummary:
    """Validate an edited sheet against the current facts, then append its decisions to the log."""
    facts = read_facts(out_dir, columns=["fact_id", "kind"])
    kinds = dict(zip(facts["fact_id"], facts["kind"]))
    del facts
    when = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    count, decisions = validate(read_sheet(path), kinds, reviewer or default_reviewer(), when,
                                source=Path(path).name)
    append_decisions(out_dir, decisions)
    return ImportSummary(rows=count, decisions=tuple(decisions))
