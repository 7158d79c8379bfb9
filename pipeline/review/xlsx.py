"""The review sheet as an Excel workbook (openpyxl), and reading one back row by row.

Written for people: the verdict is a drop-down, ids and codes are text (Excel never turns a
digit-only id into a number), values are numbers shown with a decimal comma (Vietnamese number
format), the header row is frozen, the sentence is wrapped with the figure in bold red.
Read back in openpyxl's streaming mode, so a large sheet is never held in memory whole.
"""
from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from zipfile import BadZipFile

import pandas as pd

from pipeline.atomic import atomic_write_bytes
from pipeline.errors import ReviewError
from pipeline.review.columns import MARK_CLOSE, MARK_OPEN, NUMBER_COLUMNS, TEXT_COLUMNS

VERDICT_CHOICES = "ok,wrong,fix,đúng,sai,sửa"
NUMBER_FORMAT = "[$-42A]#,##0.######"  # Vietnamese: 1.234,5; LibreOffice and Excel (vi) show the comma
WIDTHS = {"fact_id": 18, "verdict": 10, "corrected_value": 14, "note": 24, "sentence": 80, "title": 40,
          "subject": 22, "url": 30}


def write_xlsx(path: Path, sheet: pd.DataFrame) -> None:
    """review.xlsx, written atomically."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.rich_text import CellRichText, TextBlock
    from openpyxl.cell.text import InlineFont
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook(write_only=True)
    ws = book.create_sheet("review")
    columns = list(sheet.columns)
    for n, name in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(n)].width = WIDTHS.get(name, 12)
    ws.freeze_panes = "B2"
    last = max(len(sheet) + 1, 2)
    verdict_col = get_column_letter(columns.index("verdict") + 1)
    choice = DataValidation(type="list", formula1=f'"{VERDICT_CHOICES}"', allow_blank=True, showDropDown=False,
                            errorTitle="Kết luận", error="Chọn ok, wrong hoặc fix (đúng, sai, sửa)")
    choice.add(f"{verdict_col}2:{verdict_col}{last}")
    ws.data_validations.append(choice)
    header_font, header_fill = Font(bold=True), PatternFill("solid", fgColor="E5E7EB")
    header = []
    for name in columns:
        cell = WriteOnlyCell(ws, value=name)
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    ws.append(header)
    wrap = Alignment(wrap_text=True, vertical="top")
    figure_font = InlineFont(b=True, color="C00000")
    for record in sheet.itertuples(index=False, name=None):
        cells = []
        for name, value in zip(columns, record):
            value = "" if value is None or (isinstance(value, float) and pd.isna(value)) else value
            if name == "sentence" and isinstance(value, str) and MARK_OPEN in value and MARK_CLOSE in value:
                before, rest = value.split(MARK_OPEN, 1)
                figure, after = rest.split(MARK_CLOSE, 1)
                value = CellRichText([before, TextBlock(figure_font, f"{MARK_OPEN}{figure}{MARK_CLOSE}"), after])
            cell = WriteOnlyCell(ws, value=value)
            if name in NUMBER_COLUMNS and isinstance(value, (int, float)):
                cell.number_format = NUMBER_FORMAT
            elif name in TEXT_COLUMNS:
                cell.number_format = "@"  # text: typed ids, "11/12" and "0,74" stay as written
                if not isinstance(value, str):
                    cell.value = str(value)
            if name in ("sentence", "title", "note"):
                cell.alignment = wrap
            cells.append(cell)
        ws.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(Path(path), buffer.getvalue())


def cell_text(value: object, number_format: str = "General") -> str:
    """A cell as the text the reviewer meant: whole numbers without ".0", 0.5 as "0.5", and a
    fraction that the spreadsheet turned into a date ("11/12" → 11 Dec) back into "11/12"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (dt.datetime, dt.date)):
        fmt = re.sub(r'\[[^\]]*\]|"[^"]*"', "", (number_format or "").lower())  # drop [$-42A] and "literals"
        if "y" in fmt or "d" not in fmt or "m" not in fmt:
            return value.isoformat()[:10]  # a real date, or one whose typed form cannot be told
        return f"{value.day}/{value.month}" if fmt.index("d") < fmt.index("m") else f"{value.month}/{value.day}"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value)


def iter_xlsx(path: Path) -> Iterator[list[str]]:
    """The rows of the first worksheet as lists of cell texts, streamed."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ReviewError(f"{path}: not a readable .xlsx workbook ({exc})") from None
    try:
        ws = book.worksheets[0]
        for row in ws.iter_rows():
            yield [cell_text(getattr(c, "value", None), getattr(c, "number_format", "General")) for c in row]
    finally:
        book.close()
