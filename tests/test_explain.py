"""`chitieu explain`: each figure with every attribute and the rule or context that decided it."""
from __future__ import annotations

import json

from click.testing import CliRunner

from pipeline.cli import cli

SENTENCE = ("Tỷ lệ bao phủ bảo hiểm y tế mục tiêu đến năm 2025 là 95%, kết quả cuối năm 2023 đã đạt 94%, "
            "tăng 1,2% so với năm 2022.")


def run(*args):
    return CliRunner().invoke(cli, ["explain", *args], catch_exceptions=False)


def test_explains_a_sentence_with_rule_lines_and_context():
    result = run(SENTENCE, "--published", "2024-02-28", "--site", "hanoimoi.vn")
    assert result.exit_code == 0, result.output
    out = result.output
    assert "95%" in out and "94%" in out and "1,2%" in out
    assert "mod.plan_value" in out and "meaning.toml:" in out  # the rule and where it is
    assert "health_insurance_coverage" in out
    assert "Hà Nội [source]" in out  # the site's home area, marked as such
    assert "the figure this clause continues: 94%" in out  # the change continues the actual


def test_json_output_has_one_object_per_figure():
    result = run(SENTENCE, "--published", "2024-02-28", "--json")
    items = [json.loads(line) for line in result.output.splitlines()]
    assert [i["figure"] for i in items] == ["95%", "94%", "1,2%"]
    kinds = {i["figure"]: dict((a[0], a[1]) for a in i["attributes"])["value_kind"] for i in items}
    assert kinds == {"95%": "level", "94%": "level", "1,2%": "change"}


def test_explains_a_corpus_document(tmp_path):
    doc = tmp_path / "a.json"
    doc.write_text(json.dumps({"id": "x", "url": "https://baonghean.vn/a.html", "title": "Nghệ An giảm nghèo",
                               "published": "2024-05-01", "source": "baonghean.vn",
                               "text": "Toàn tỉnh hiện còn 4,3% hộ nghèo."}, ensure_ascii=False), encoding="utf-8")
    result = run(str(doc))
    assert result.exit_code == 0
    assert "poor_household_rate" in result.output and "Nghệ An" in result.output
    assert "2024-05-01 … 2024-05-01 [published]" in result.output


def test_bad_date_is_an_error_not_a_traceback():
    result = CliRunner().invoke(cli, ["explain", SENTENCE, "--published", "2024-13"])
    assert result.exit_code == 2 and "--published" in result.output


def test_a_long_sentence_is_explained_not_looked_up_as_a_file():
    # a sentence longer than a file name may be (255 bytes) used to end in "File name too long"
    long = " ".join([SENTENCE] * 3)
    assert len(long.encode()) > 255
    result = run(long, "--published", "2024-02-28")
    assert result.exit_code == 0, result.output
    assert result.output.count("94%") >= 3
