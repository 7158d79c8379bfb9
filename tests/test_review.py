"""Review sheet round trip: export, edit like a spreadsheet would, import, and what the timeline makes of it."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from factfactory import HANOI_DOC, HANOI_TITLE, hanoi_article, make_fact, seed_facts, write_corpus
from pipeline.cli import cli
from pipeline.errors import ReviewError
from pipeline.factstore import facts_frame, read_facts, write_facts
from pipeline.review import (LOG_NAME, import_sheet, load_decisions, parse_corrected, parse_number, read_log,
                             review_sheet, write_sheet)
from pipeline.timeline import build_timeline

NOW = dt.datetime(2024, 3, 1, 9, 30, tzinfo=dt.timezone.utc)


def exported(tmp_path, include_all=False):
    """Write the sheet the way `chitieu review export` does and read it back as dict rows."""
    facts = read_facts(tmp_path)
    sheet = review_sheet(facts, load_decisions(tmp_path), {HANOI_DOC: hanoi_article()}, include_all=include_all)
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


def test_cli_review_export_and_import(tmp_path, monkeypatch):
    out, corpus = tmp_path / "extracted", tmp_path / "corpora"
    write_facts(out, seed_facts())
    write_corpus(corpus, [hanoi_article()])
    runner = CliRunner()
    result = runner.invoke(cli, ["review", "export", "--out", str(out), "--corpus", str(corpus)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"review export: 6 of 6 facts to review → {out / 'review.csv'}"
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

    result = runner.invoke(cli, ["review", "export", "--out", str(out), "--corpus", str(corpus),
                                 "--sheet", str(tmp_path / "again.csv"), "--all"])
    assert result.exit_code == 0 and "6 of 6" in result.output

    rows[1]["verdict"] = "perhaps"
    save_like_excel_vi(sheet, rows, list(rows[0]))
    result = runner.invoke(cli, ["review", "import", str(sheet), "--out", str(out), "--reviewer", "x"])
    assert result.exit_code == 1 and "row 3, column verdict" in result.output
    assert len(read_log(out)) == 1


def test_review_sheet_without_corpus_still_marks_figure_by_search():
    fact = make_fact("94%", value=94.0)
    sheet = review_sheet(facts_frame([fact]), {}, {})
    assert "đã đạt «94%»" in sheet.loc[0, "sentence"] and sheet.loc[0, "title"] == ""
