"""Review sheet round trip: export, edit like a spreadsheet would, import, and what the timeline makes of it."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner
from factfactory import HANOI_TITLE, documents_of, make_fact, seed_facts

from pipeline.cli import cli
from pipeline.documents import Document, write_documents
from pipeline.errors import ReviewError
from pipeline.factstore import facts_frame, read_facts, write_facts
from pipeline.review import (
    ALL_KINDS,
    LOG_NAME,
    import_sheet,
    load_decisions,
    parse_corrected,
    parse_number,
    read_log,
    review_sheet,
    write_sheet,
)
from pipeline.timeline import build_timeline

NOW = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


def exported(tmp_path, include_all=False):
    """Write the sheet the way `chitieu review export` does and read it back as dict rows."""
    facts = read_facts(tmp_path)
    sheet = review_sheet(facts, load_decisions(tmp_path), documents_of(seed_facts()), include_all=include_all,
                         kinds=ALL_KINDS)
    path = tmp_path / "review.csv"
    write_sheet(path, sheet)
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle)), path


def save_like_excel_vi(path, rows, columns, bom=True, delimiter=";"):
    """What Excel in a Vietnamese locale writes: ';' separated, BOM, the columns the reviewer kept."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter, extrasaction="ignore",
                            lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode("utf-8-sig" if bom else "utf-8"))


def by_text(rows):
    return {r["text"]: r for r in rows}


def test_sheet_has_context_and_marks_the_figure(tmp_path):
    write_facts(tmp_path, seed_facts())
    rows, path = exported(tmp_path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(rows) == 6 and all(r["verdict"] == "" for r in rows)
    poor = by_text(rows)["0,03%"]
    assert "chỉ còn «0,03%» hộ nghèo" in poor["sentence"]
    assert (poor["title"], poor["published"], poor["as_of"]) == (HANOI_TITLE, "2024-02-28", "2023-12-31")
    assert poor["url"].startswith("https://hanoionline.vn/") and poor["indicator"] == "poor_household_rate"
    target = by_text(rows)["95%"]
    assert target["as_of"] == "2025-01-01..2025-12-31" and target["modality"] == "target"
    # reading order within the article
    assert [r["text"] for r in rows][:3] == ["20/27", "0,03%", "18/30"]


def test_sheet_is_formula_safe(tmp_path):
    write_facts(tmp_path, [make_fact("5%", value=5.0, subject="=HYPERLINK(\"http://evil\")", sentence="-5% @home")])
    rows, _ = exported(tmp_path)
    assert rows[0]["subject"].startswith("'=") and rows[0]["sentence"].startswith("'-")


def test_round_trip_through_a_semicolon_bom_sheet_with_decimal_commas(tmp_path):
    write_facts(tmp_path, seed_facts())
    rows, _ = exported(tmp_path)
    facts = by_text(rows)
    facts["18/30"].update(verdict="sai", note="đếm sai")
    facts["94%"].update(verdict="fix", corrected_value="94,5")
    facts["0,03%"].update(verdict="OK ")
    facts["20/27"].update(verdict="fix", corrected_value="21/27")
    for r in rows:
        r["Ghi chú riêng"] = "cột thêm"  # an extra column the reviewer added
    columns = ["note", "Ghi chú riêng", "corrected_value", "verdict", "text", "fact_id"]  # reordered
    edited = tmp_path / "edited.csv"
    save_like_excel_vi(edited, rows, columns)

    summary = import_sheet(edited, tmp_path, reviewer="lan", now=NOW)
    assert (len(summary.decisions), summary.count("fix"), summary.count("wrong"), summary.count("ok")) == (4, 2, 1, 1)
    log = [json.loads(line) for line in (tmp_path / LOG_NAME).read_text(encoding="utf-8").splitlines()]
    assert {entry["who"] for entry in log} == {"lan"} and log[0]["when"] == "2024-03-01T09:30:00+00:00"
    fixed = {e["fact_id"]: e for e in log}[facts["94%"]["fact_id"]]
    assert fixed["verdict"] == "fix" and fixed["corrected_value"] == 94.5
    assert {e["fact_id"]: e for e in log}[facts["18/30"]["fact_id"]]["note"] == "đếm sai"

    t = build_timeline(read_facts(tmp_path), decisions=load_decisions(tmp_path))
    obs = t.observations.set_index("indicator")
    assert "districts_without_poor_households" not in obs.index
    assert obs.loc["programme_targets_met", "value"] == pytest.approx(21 / 27)
    hi_actual = t.observations[(t.observations["indicator"] == "health_insurance_coverage")
                               & (t.observations["modality"] == "actual")].iloc[0]
    assert hi_actual["value"] == 94.5 and hi_actual["reviewed"]
    assert bool(obs.loc["poor_household_rate", "reviewed"])

    remaining, _ = exported(tmp_path)
    assert sorted(r["text"] for r in remaining) == ["95%", "năm 2025"]
    everything, _ = exported(tmp_path, include_all=True)
    assert by_text(everything)["18/30"]["previous_verdict"] == "wrong" and len(everything) == 6


def test_comma_sheet_without_bom_is_accepted(tmp_path):
    write_facts(tmp_path, seed_facts())
    rows, _ = exported(tmp_path)
    by_text(rows)["95%"].update(verdict="fix", corrected_value="95.5")
    edited = tmp_path / "edited.csv"
    save_like_excel_vi(edited, rows, ["fact_id", "verdict", "corrected_value"], bom=False, delimiter=",")
    summary = import_sheet(edited, tmp_path, reviewer="an", now=NOW)
    assert [d.corrected_value for d in summary.decisions] == [95.5]


def test_a_bad_row_means_nothing_is_applied(tmp_path):
    write_facts(tmp_path, seed_facts())
    rows, _ = exported(tmp_path)
    rows[0].update(verdict="ok")  # valid
    rows[1].update(verdict="maybe")  # sheet row 3
    rows[2].update(verdict="fix", corrected_value="chín mươi")  # row 4
    rows[3].update(fact_id="0000000000000000", verdict="ok")  # row 5
    rows[4].update(verdict="", corrected_value="12")  # row 6
    edited = tmp_path / "edited.csv"
    save_like_excel_vi(edited, rows, ["fact_id", "verdict", "corrected_value", "note"])
    with pytest.raises(ReviewError) as caught:
        import_sheet(edited, tmp_path, reviewer="an", now=NOW)
    message = str(caught.value)
    assert "nothing was applied" in message
    assert "row 3, column verdict: unknown verdict 'maybe'" in message
    assert "row 4, column corrected_value: not a number: 'chín mươi'" in message
    assert "row 5, column fact_id: unknown fact '0000000000000000'" in message
    assert "row 6, column verdict: empty, but a corrected value or note was given" in message
    assert "row 2" not in message
    assert not (tmp_path / LOG_NAME).exists()


def test_duplicate_rows_for_a_fact_are_rejected(tmp_path):
    write_facts(tmp_path, seed_facts())
    rows, _ = exported(tmp_path)
    edited = tmp_path / "edited.csv"
    save_like_excel_vi(edited, [dict(rows[0], verdict="ok"), dict(rows[0], verdict="wrong")], ["fact_id", "verdict"])
    with pytest.raises(ReviewError, match="row 3, column fact_id: .* already decided in row 2"):
        import_sheet(edited, tmp_path, reviewer="an", now=NOW)


def test_sheet_without_fact_id_or_not_utf8_is_rejected(tmp_path):
    write_facts(tmp_path, seed_facts())
    bad = tmp_path / "bad.csv"
    bad.write_text("id;verdict\nx;ok\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="row 1: no fact_id column"):
        import_sheet(bad, tmp_path)
    bad.write_bytes("fact_id;verdict;note\nx;ok;Hà\n".encode("cp1258"))
    with pytest.raises(ReviewError, match="not UTF-8"):
        import_sheet(bad, tmp_path)


def test_re_extraction_keeps_verdicts_and_the_latest_decision_wins(tmp_path):
    facts = seed_facts()
    write_facts(tmp_path, facts)
    rows, _ = exported(tmp_path)
    by_text(rows)["94%"].update(verdict="wrong")
    edited = tmp_path / "edited.csv"
    save_like_excel_vi(edited, rows, ["fact_id", "verdict"])
    import_sheet(edited, tmp_path, reviewer="an", now=NOW)

    # a new run of the extraction: same article, same ids, another order, one new fact
    extra = make_fact("5%", value=5.0, indicator="unemployment_rate", modality="actual", body="thất nghiệp 5%")
    write_facts(tmp_path, list(reversed(facts)) + [extra])
    t = build_timeline(read_facts(tmp_path), decisions=load_decisions(tmp_path))
    hi = t.observations[t.observations["indicator"] == "health_insurance_coverage"]
    assert list(hi["modality"]) == ["target"]  # the actual 94% is still marked wrong
    remaining, _ = exported(tmp_path)
    assert "5%" in {r["text"] for r in remaining} and "94%" not in {r["text"] for r in remaining}

    # a later sheet changes its mind
    save_like_excel_vi(edited, [{"fact_id": by_text(rows)["94%"]["fact_id"], "verdict": "ok"}], ["fact_id", "verdict"])
    import_sheet(edited, tmp_path, reviewer="binh", now=NOW)
    assert [d.verdict for d in read_log(tmp_path)] == ["wrong", "ok"]  # the log only grows
    t = build_timeline(read_facts(tmp_path), decisions=load_decisions(tmp_path))
    assert set(t.observations[t.observations["indicator"] == "health_insurance_coverage"]["modality"]) == {
        "actual", "target"}


@pytest.mark.parametrize("text,expected", [
    ("0,5", 0.5), ("0.5", 0.5), ("94", 94.0), ("94%", 94.0), (" 1.234,5 ", 1234.5), ("1,234.5", 1234.5),
    ("1.234.567", 1234567.0), ("-0,2", -0.2), ("1 234,5", 1234.5),
])
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["", "abc", "1,2,3", "nan", "inf", "1e999", "0,5,", "--1"])
def test_parse_number_rejects(text):
    with pytest.raises(ValueError):
        parse_number(text)


def test_parse_corrected_in_the_units_of_the_fact():
    assert parse_corrected("20/27", "fraction") == pytest.approx(20 / 27)
    assert parse_corrected("74%", "fraction") == pytest.approx(0.74)
    assert parse_corrected("0,74", "fraction") == pytest.approx(0.74)
    assert parse_corrected("94,5%", "percent") == pytest.approx(94.5)
    for text, kind in (("20/27", "percent"), ("1/0", "fraction")):
        with pytest.raises(ValueError):
            parse_corrected(text, kind)


def write_extracted(out, facts):
    write_facts(out, facts)
    write_documents(out, [Document(**r) for r in documents_of(facts).to_dict("records")])


def test_cli_review_export_and_import(tmp_path, monkeypatch):
    out = tmp_path / "extracted"
    write_extracted(out, seed_facts())
    runner = CliRunner()
    result = runner.invoke(cli, ["review", "export", "--out", str(out), "--kinds", "all"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == (f"review export: 6 of 6 facts to review (fraction, percent, date, period) "
                                     f"→ {out / 'review.csv'}")
    with open(out / "review.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows[0]["title"] == HANOI_TITLE
    rows[0]["verdict"] = "ok"
    sheet = tmp_path / "sheet.csv"
    save_like_excel_vi(sheet, rows, list(rows[0]))

    monkeypatch.setenv("USER", "tester")
    result = runner.invoke(cli, ["review", "import", str(sheet), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("review import: 1 decisions from 6 rows (1 ok, 0 wrong, 0 fix)")
    assert read_log(out)[0].who == "tester"

    result = runner.invoke(cli, ["review", "export", "--out", str(out), "--sheet", str(tmp_path / "again.csv"),
                                 "--all"])
    assert result.exit_code == 0 and "5 of 6 facts to review (fraction, percent)" in result.output

    rows[1]["verdict"] = "perhaps"
    save_like_excel_vi(sheet, rows, list(rows[0]))
    result = runner.invoke(cli, ["review", "import", str(sheet), "--out", str(out), "--reviewer", "x"])
    assert result.exit_code == 2 and "row 3, column verdict" in result.output  # nothing applied
    assert len(read_log(out)) == 1


def test_review_sheet_without_documents_still_marks_the_figure():
    fact = make_fact("94%", value=94.0)
    sheet = review_sheet(facts_frame([fact]), {}, None)
    assert "đã đạt «94%»" in sheet.loc[0, "sentence"] and sheet.loc[0, "title"] == ""


def test_the_right_occurrence_is_marked_when_a_figure_repeats_in_its_sentence():
    body = "Năm 2022 đạt 5%, năm 2023 vẫn 5% hộ."
    facts = [make_fact("5%", value=5.0, body=body, occurrence=n, sentence=body) for n in (0, 1)]
    sheet = review_sheet(facts_frame(facts), {}, None)
    assert list(sheet["sentence"]) == ["Năm 2022 đạt «5%», năm 2023 vẫn 5% hộ.", "Năm 2022 đạt 5%, năm 2023 vẫn «5%» hộ."]


def test_dates_and_periods_are_not_review_rows_unless_asked(tmp_path):
    out = tmp_path / "x"
    write_extracted(out, seed_facts())
    default = review_sheet(read_facts(out), {}, None)
    assert set(default["kind"]) == {"fraction", "percent"} and len(default) == 5
    periods = review_sheet(read_facts(out), {}, None, kinds=("period",))
    assert list(periods["text"]) == ["năm 2025"]
    result = CliRunner().invoke(cli, ["review", "export", "--out", str(out), "--kinds", "percent,moon"])
    assert result.exit_code == 2 and "unknown kind(s) moon" in result.output


# --- .xlsx ------------------------------------------------------------------------------------

def _xlsx(tmp_path, facts):
    out = tmp_path / "out"
    write_extracted(out, facts)
    path = tmp_path / "review.xlsx"
    result = CliRunner().invoke(cli, ["review", "export", "--out", str(out), "--sheet", str(path)])
    assert result.exit_code == 0, result.output
    return out, path


def test_xlsx_sheet_has_a_verdict_dropdown_text_ids_vietnamese_numbers_and_a_frozen_header(tmp_path):
    import openpyxl
    from openpyxl.cell.rich_text import CellRichText

    facts = seed_facts() + [make_fact("7%", value=7.0, fact_id="1234567890123456", body="thất nghiệp 7%")]
    out, path = _xlsx(tmp_path, facts)
    book = openpyxl.load_workbook(path, rich_text=True)
    ws = book.active
    header = [c.value for c in ws[1]]
    col = {name: n + 1 for n, name in enumerate(header)}
    assert ws.freeze_panes == "B2"
    [validation] = ws.data_validations.dataValidation
    assert validation.type == "list" and "ok,wrong,fix" in validation.formula1
    assert str(validation.sqref).startswith(openpyxl.utils.get_column_letter(col["verdict"]) + "2")
    rows = list(ws.iter_rows(min_row=2))
    ids = [r[col["fact_id"] - 1] for r in rows]
    assert all(isinstance(c.value, str) and c.number_format == "@" for c in ids)
    assert "1234567890123456" in [c.value for c in ids]  # a digit-only id stays text
    value = next(r[col["value"] - 1] for r in rows if r[col["text"] - 1].value == "0,03%")
    assert value.value == pytest.approx(0.03) and "[$-42A]" in value.number_format  # a number, decimal comma
    sentence = next(r[col["sentence"] - 1] for r in rows if r[col["text"] - 1].value == "94%")
    assert isinstance(sentence.value, CellRichText) and sentence.alignment.wrap_text
    marked_block = [b for b in sentence.value if not isinstance(b, str)][0]
    assert marked_block.text == "«94%»" and marked_block.font.b
    assert next(r[col["title"] - 1].value for r in rows) == HANOI_TITLE


def test_xlsx_edited_in_a_spreadsheet_imports_with_types_kept(tmp_path):
    import openpyxl

    facts = seed_facts() + [make_fact("7%", value=7.0, fact_id="0123456789012345", body="thất nghiệp 7%")]
    out, path = _xlsx(tmp_path, facts)
    book = openpyxl.load_workbook(path)
    ws = book.active
    col = {c.value: c.column for c in ws[1]}
    for row in ws.iter_rows(min_row=2):
        text = row[col["text"] - 1].value
        if text == "20/27":
            row[col["verdict"] - 1].value = "sửa"
            row[col["corrected_value"] - 1].value = dt.datetime(2024, 12, 11)  # "11/12" typed in a vi locale
            row[col["corrected_value"] - 1].number_format = "dd/mm"
        elif text == "94%":
            row[col["verdict"] - 1].value = "fix"
            row[col["corrected_value"] - 1].value = 94.5  # a number
        elif text == "7%":
            row[col["fact_id"] - 1].value = 123456789012345  # the spreadsheet made the id a number
            row[col["verdict"] - 1].value = "ok"
    book.save(path)
    result = CliRunner().invoke(cli, ["review", "import", str(path), "--out", str(out), "--reviewer", "an"])
    assert result.exit_code == 0, result.output
    decisions = {d.fact_id: d for d in read_log(out)}
    by = {f.text: f.fact_id for f in facts}
    assert decisions[by["20/27"]].corrected_value == pytest.approx(11 / 12)
    assert decisions[by["94%"]].corrected_value == 94.5
    assert decisions["0123456789012345"].verdict == "ok"  # leading zero restored, never a number


def test_a_csv_id_turned_into_a_number_gets_a_clear_message(tmp_path):
    write_facts(tmp_path, [make_fact("7%", value=7.0, fact_id="1234567890123456")])
    sheet = tmp_path / "s.csv"
    sheet.write_text("fact_id;verdict\n1,23457E+15;ok\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="turned the id into a number"):
        import_sheet(sheet, tmp_path)


def test_a_fraction_saved_as_a_date_by_a_spreadsheet_is_refused_with_a_reason(tmp_path):
    facts = seed_facts()
    write_facts(tmp_path, facts)
    sheet = tmp_path / "s.csv"
    sheet.write_text(f"fact_id;verdict;corrected_value\n{facts[0].fact_id};fix;11/12/2024\n", encoding="utf-8")
    with pytest.raises(ReviewError, match="turned the value into a date"):
        import_sheet(sheet, tmp_path)
    sheet.write_text(f"fact_id;verdict;corrected_value\n{facts[0].fact_id};fix;11/12\n", encoding="utf-8")
    assert import_sheet(sheet, tmp_path).decisions[0].corrected_value == pytest.approx(11 / 12)


# --- hostile sizes and concurrent imports (issue 11, items 10 and 13) --------------------------

def test_an_oversized_csv_cell_gives_a_message_not_a_traceback(tmp_path):
    write_facts(tmp_path, seed_facts())
    sheet = tmp_path / "big.csv"
    sheet.write_text("fact_id;verdict;note\nx;ok;\"" + "a" * (2 << 20) + "\"\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["review", "import", str(sheet), "--out", str(tmp_path)])
    assert result.exit_code == 2 and "row 2: a cell longer than 1,048,576 characters" in result.output  # nothing applied
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_a_large_sheet_is_streamed_not_held_in_memory(tmp_path):
    """Memory grows with the decisions in a sheet, not with its size: 40 MB of rows, 1,000 decisions."""
    import tracemalloc

    from pipeline.review import read_sheet, validate

    ids = [f"{n:016x}" for n in range(100_000)]
    filler = "x" * 380
    lines = ["fact_id;verdict;corrected_value;note;sentence"]
    lines += [f"{fid};{'ok' if n % 100 == 0 else ''};;;{filler}" for n, fid in enumerate(ids)]
    sheet = tmp_path / "big.csv"
    sheet.write_text("\n".join(lines) + "\n", encoding="utf-8")
    del lines
    kinds = dict.fromkeys(ids, "percent")
    assert sheet.stat().st_size > 38e6
    tracemalloc.start()
    count, decisions = validate(read_sheet(sheet), kinds, "an", "t")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 100_000 and len(decisions) == 1_000
    assert peak < 8e6, f"peak {peak / 1e6:.1f} MB for a 40 MB sheet"


def _import_one(args):
    out, sheet, who = args
    return len(import_sheet(sheet, out, reviewer=who).decisions)


def test_concurrent_imports_lose_nothing(tmp_path):
    import multiprocessing as mp

    facts = [make_fact(f"{n}%", value=float(n), fact_id=f"{n:016d}", body=f"đạt {n}%") for n in range(10)]
    write_facts(tmp_path, facts)
    jobs = []
    for n, fact in enumerate(facts):
        sheet = tmp_path / f"sheet-{n}.csv"
        sheet.write_text(f"fact_id,verdict\n{fact.fact_id},ok\n", encoding="utf-8")
        jobs.append((tmp_path, sheet, f"reviewer-{n}"))
    with mp.get_context("fork").Pool(10) as pool:
        assert pool.map(_import_one, jobs) == [1] * 10
    assert sorted(d.fact_id for d in read_log(tmp_path)) == sorted(f.fact_id for f in facts)


def test_a_failed_append_leaves_the_log_as_it_was(tmp_path, monkeypatch):
    import errno
    import os

    from pipeline.review import append_decisions
    from pipeline.review.log import Decision

    append_decisions(tmp_path, [Decision("a", "ok", None, "", "an", "t")])
    before = (tmp_path / LOG_NAME).read_bytes()
    real = os.write

    def half_then_full(fd, data):
        real(fd, data[: len(data) // 2])
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", half_then_full)
    with pytest.raises(OSError):
        append_decisions(tmp_path, [Decision("b", "ok", None, "", "an", "t")])
    monkeypatch.undo()
    assert (tmp_path / LOG_NAME).read_bytes() == before
    (tmp_path / LOG_NAME).write_bytes(before + b'{"fact_id": "c", "verd')  # torn by a kill
    assert [d.fact_id for d in read_log(tmp_path)] == ["a"]
    append_decisions(tmp_path, [Decision("d", "ok", None, "", "an", "t")])
    assert [d.fact_id for d in read_log(tmp_path)] == ["a", "d"]
