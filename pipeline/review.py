"""Review in a spreadsheet: a CSV sheet of facts out, verdicts back in, kept in an append-only log.

Decisions key on fact_id, which is stable across re-extraction, so a verdict outlives the run
that produced the fact. Sheets come back from Excel and LibreOffice in many shapes (";" or ",",
with or without BOM, decimal commas, extra columns); all of it is validated before anything is
written, and nothing is applied unless every row is valid.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from pipeline.corpus import atomic_write_bytes
from pipeline.errors import ReviewError
from pipeline.factstore import read_facts, unsafe_cell, write_csv
from pipeline.records import Article

LOG_NAME = "review_log.jsonl"
SHEET_NAME = "review.csv"
VERDICTS = {"ok": "ok", "đúng": "ok", "dung": "ok", "wrong": "wrong", "sai": "wrong",
            "fix": "fix", "sửa": "fix", "sua": "fix"}
SHEET_COLUMNS = [
    "fact_id", "verdict", "corrected_value", "note", "previous_verdict", "kind", "text", "value",
    "unit", "qualifier", "subject", "indicator", "area", "as_of", "modality", "sentence", "title",
    "url", "published", "doc_id", "rule",
]
MAX_REPORTED_PROBLEMS = 20


@dataclass(frozen=True, slots=True)
class Decision:
    """One reviewer verdict on one fact, as stored in extracted/review_log.jsonl."""

    fact_id: str
    verdict: str  # ok | wrong | fix
    corrected_value: float | None
    note: str
    who: str
    when: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    rows: int
    decisions: tuple[Decision, ...]

    def count(self, verdict: str) -> int:
        return sum(d.verdict == verdict for d in self.decisions)


def read_log(out_dir: Path) -> list[Decision]:
    """Every decision ever recorded, oldest first."""
    path = Path(out_dir) / LOG_NAME
    if not path.exists():
        return []
    decisions = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            decisions.append(Decision(**{k: data.get(k) for k in Decision.__slots__}))
        except (json.JSONDecodeError, TypeError) as exc:
            raise ReviewError(f"{path}:{lineno}: not a review decision ({exc})") from None
    return decisions


def load_decisions(out_dir: Path) -> dict[str, Decision]:
    """The latest decision per fact (the log is in the order decisions were made)."""
    return {d.fact_id: d for d in read_log(out_dir)}


def append_decisions(out_dir: Path, decisions: Iterable[Decision]) -> None:
    """Append to the log; rewritten atomically so a crash never leaves half a line."""
    path = Path(out_dir) / LOG_NAME
    old = path.read_bytes() if path.exists() else b""
    if old and not old.endswith(b"\n"):
        old += b"\n"
    new = "".join(json.dumps(asdict(d), ensure_ascii=False) + "\n" for d in decisions)
    atomic_write_bytes(path, old + new.encode("utf-8"))


def figure_in_sentence(fact: Mapping, article: Article | None) -> tuple[str, str, str]:
    """(before, figure, after): the sentence split around the figure, using the article offsets."""
    sentence, text = str(fact.get("sentence") or ""), str(fact.get("text") or "")
    if not sentence:
        return "", text, ""
    pos = -1
    body = getattr(article, str(fact.get("field") or "text"), None) if article else None
    start = fact.get("start")
    if isinstance(body, str) and isinstance(start, (int, float)) and not pd.isna(start):
        begin = body.rfind(sentence, 0, int(start) + 1)
        if begin >= 0:
            pos = int(start) - begin
    if pos < 0 or sentence[pos:pos + len(text)] != text:
        pos = sentence.find(text) if text else -1
    if pos < 0:
        return sentence, "", ""
    return sentence[:pos], text, sentence[pos + len(text):]


def _blank(value: object) -> object:
    return "" if value is None or (isinstance(value, float) and math.isnan(value)) else value


def review_sheet(facts: pd.DataFrame, decisions: Mapping[str, Decision],
                 articles: Mapping[str, Article], include_all: bool = False) -> pd.DataFrame:
    """One row a fact, in reading order; without `include_all`, only facts with no decision yet."""
    rows = []
    for fact in facts.to_dict("records"):
        previous = decisions.get(fact["fact_id"])
        if previous is not None and not include_all:
            continue
        article = articles.get(fact["doc_id"])
        before, figure, after = figure_in_sentence(fact, article)
        as_of = [str(_blank(fact.get(k))) for k in ("as_of_start", "as_of_end")]
        rows.append({
            "fact_id": fact["fact_id"], "verdict": "", "corrected_value": "", "note": "",
            "previous_verdict": previous.verdict if previous else "",
            **{k: _blank(fact.get(k)) for k in ("kind", "text", "value", "unit", "qualifier", "subject",
                                                "indicator", "area", "modality", "url", "published",
                                                "doc_id", "rule")},
            "as_of": as_of[0] if as_of[0] == as_of[1] else "..".join(as_of).strip("."),
            "sentence": f"{before}«{figure}»{after}" if figure else before,
            "title": article.title if article else "",
            "_order": (str(_blank(fact.get("published"))), fact["doc_id"], str(fact.get("field")),
                       int(_blank(fact.get("start")) or 0), fact["fact_id"]),
        })
    rows.sort(key=lambda r: r["_order"])
    return pd.DataFrame([{k: r[k] for k in SHEET_COLUMNS} for r in rows], columns=SHEET_COLUMNS)


def write_sheet(path: Path, sheet: pd.DataFrame) -> None:
    """UTF-8 with BOM, formula-safe: opens cleanly in Excel and LibreOffice."""
    write_csv(Path(path), sheet.astype(object))


_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def parse_number(text: str) -> float:
    """A number as people type it: "0,5", "0.5", "1.234,5", "1,234.5", "94%" (sign dropped)."""
    s = text.strip().replace("\u00a0", "").replace(" ", "").removesuffix("%")
    if "," in s and "." in s:
        s = s.replace(".", "").replace(",", ".") if s.rfind(",") > s.rfind(".") else s.replace(",", "")
    elif s.count(",") == 1:
        s = s.replace(",", ".")
    elif re.fullmatch(r"[+-]?\d{1,3}([,.]\d{3}){2,}", s):
        s = re.sub(r"[,.]", "", s)
    if not _PLAIN_NUMBER.fullmatch(s):
        raise ValueError(f"not a number: {text!r}")
    value = float(s)
    if not math.isfinite(value):
        raise ValueError(f"not a finite number: {text!r}")
    return value


def parse_corrected(text: str, kind: str) -> float:
    """A corrected value in the fact's own units: percent facts 94 for 94%; fraction facts a
    ratio ("0,74"), a fraction ("20/27") or a percentage ("74%" → 0.74)."""
    text = text.strip()
    if "/" in text:
        if kind != "fraction":
            raise ValueError("a fraction like 20/27 is only valid for fraction facts")
        numerator, denominator = (parse_number(p) for p in text.split("/", 1))
        if denominator == 0:
            raise ValueError("denominator is zero")
        return numerator / denominator
    value = parse_number(text)
    return value / 100 if kind == "fraction" and text.endswith("%") else value


def _decode(path: Path) -> str:
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ReviewError(f"{path}: cannot read the sheet: {exc.strerror}") from None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReviewError(f"{path}: not UTF-8 (byte {exc.start}); save the sheet as \"CSV UTF-8\"") from None


def _header(cells: list[str]) -> list[str]:
    return [re.sub(r"\s+", "_", c.strip().lstrip("\ufeff").lower()) for c in cells]


def read_sheet(path: Path) -> list[dict[str, str]]:
    """The rows of an edited sheet as {column: text}, each with its spreadsheet row number in "_row"."""
    text = _decode(path)
    first_line = text.split("\n", 1)[0]
    candidates = []
    for delimiter in (",", ";", "\t"):
        header = _header(next(csv.reader([first_line], delimiter=delimiter), []))
        if "fact_id" in header:
            candidates.append((len(header), delimiter))
    if not candidates:
        raise ReviewError(f"{path}: row 1: no fact_id column; is this a review sheet?")
    delimiter = max(candidates)[1]
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = _header(next(reader))
    missing = [c for c in ("fact_id", "verdict") if c not in header]
    if missing:
        raise ReviewError(f"{path}: row 1: missing column(s) {', '.join(missing)}")
    rows = []
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        row = {name: str(unsafe_cell(cells[i])).strip() if i < len(cells) else ""
               for i, name in enumerate(header) if name and name != "_row"}
        row["_row"] = str(number)
        rows.append(row)
    return rows


def validate(rows: list[dict[str, str]], kinds: Mapping[str, str], who: str, when: str,
             source: str = "sheet") -> list[Decision]:
    """Decisions from sheet rows, or ReviewError listing every bad row and column."""
    problems, decisions, decided = [], [], {}
    for row in rows:
        where = f"{source}: row {row['_row']}"
        fact, verdict_text = row.get("fact_id", ""), row.get("verdict", "")
        corrected_text, note = row.get("corrected_value", ""), row.get("note", "")
        if not (verdict_text or corrected_text or note):
            continue
        if not fact:
            problems.append(f"{where}, column fact_id: empty")
            continue
        if fact not in kinds:
            problems.append(f"{where}, column fact_id: unknown fact {fact!r} (not in the current facts)")
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
    return decisions


def default_reviewer() -> str:
    return os.environ.get("USER") or os.environ.get("USERNAME") or "unknown"


def import_sheet(path: Path, out_dir: Path, reviewer: str | None = None,
                 now: dt.datetime | None = None) -> ImportSummary:
    """Validate an edited sheet against the current facts, then append its decisions to the log."""
    facts = read_facts(out_dir)
    kinds = dict(zip(facts["fact_id"], facts["kind"]))
    rows = read_sheet(path)
    when = (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    decisions = validate(rows, kinds, reviewer or default_reviewer(), when, source=Path(path).name)
    if decisions:
        append_decisions(out_dir, decisions)
    return ImportSummary(rows=len(rows), decisions=tuple(decisions))
