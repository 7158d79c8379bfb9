"""Broken rule files fail at load time, naming the right file and line (issue 11, the operator's
experience): before any document is read, in `chitieu config check` and in `chitieu extract`."""
from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import RuleError
from pipeline.rules.book import load_rulebook
from pipeline.settings import RULES_DIR

GOOD = {"id": "good", "title": "Kết quả", "published": "2024-02-28",
        "text": "Thành phố đã có 20/27 chỉ tiêu hoàn thành. Tỷ lệ hộ nghèo còn 0,03%."}


@pytest.fixture
def rules(tmp_path):
    target = tmp_path / "rules"
    shutil.copytree(RULES_DIR, target)
    return target


def line_number(path, needle: str) -> int:
    return path.read_text(encoding="utf-8")[:path.read_text(encoding="utf-8").index(needle)].count("\n") + 1


def test_regex_error_is_reported_at_the_pattern_line_not_at_a_comment(rules):
    path = rules / "patterns.toml"
    text = path.read_text(encoding="utf-8")
    first = "pattern = '{START}\\d+(?:[/-]\\d+)*"
    assert first in text and "# Each [[rule]]" in text  # a comment names [[rule]] before the first rule
    path.write_text(text.replace(first, "pattern = '({START}\\d+(?:[/-]\\d+)*", 1), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rulebook(rules)
    assert caught.value.line == line_number(path, "pattern = '({START}"), str(caught.value)
    assert "bad regex" in str(caught.value)


def test_second_rule_error_names_its_own_table(rules):
    path = rules / "patterns.toml"
    text = path.read_text(encoding="utf-8")
    second = text.index("[[rule]]", text.index("[[rule]]\nid") + 1)
    id_start = second + len("[[rule]]\n")
    path.write_text(text[:id_start] + 'id = "bad id"' + text[text.index("\n", id_start):], encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rulebook(rules)
    assert caught.value.line == line_number(path, 'id = "bad id"') - 1  # its [[rule]] header


def test_indicator_kinds_given_as_a_string_is_an_error_not_letters(rules):
    path = rules / "indicators.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('kinds = ["fraction"]', 'kinds = "fraction"', 1),
                    encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_rulebook(rules)
    assert caught.value.line == line_number(path, 'kinds = "fraction"')
    assert "'kinds' must be a list of strings" in str(caught.value)


def test_indicator_kind_that_does_not_exist_is_an_error(rules):
    path = rules / "indicators.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('kinds = ["fraction"]', 'kinds = ["fractoin"]', 1),
                    encoding="utf-8")
    with pytest.raises(RuleError, match=r"'kinds' may only contain \['fraction', 'percent'\], got \['fractoin'\]"):
        load_rulebook(rules)


@pytest.mark.parametrize("pattern", [
    [{"TAG": "FIG"}, {"LOWR": "hộ"}],                 # a misspelt attribute
    [{"TAG": "FIG"}, {"LOWER": {"IN": "hộ nghèo"}}],  # IN takes a list
    {"TAG": "FIG"},                                   # not a list of token patterns
    [{"TAG": "FIG"}, {"_": {"unknown": True}}],       # fails only when the Matcher runs
])
def test_malformed_matcher_pattern_fails_config_check_and_extract_keeps_the_facts(rules, tmp_path, pattern):
    config = tmp_path / "chitieu.toml"
    config.write_text(f'[paths]\nrules = "rules"\nsources = "{RULES_DIR / "sources.toml"}"\n', encoding="utf-8")
    docs = tmp_path / "docs.jsonl"
    docs.write_text(json.dumps(GOOD, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    runner = CliRunner()
    assert runner.invoke(cli, ["extract", "--input", str(docs), "--out", str(out), "--rules", str(rules),
                               "--workers", "1"]).exit_code == 0
    before = pd.read_parquet(out / "facts.parquet")
    assert len(before) > 0

    path = rules / "subjects.jsonl"
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "subject.bad", "side": "after", "pattern": pattern, "group": [1]}) + "\n")
    line = len(path.read_text(encoding="utf-8").splitlines())
    check = runner.invoke(cli, ["config", "check", "--config", str(config)])
    assert check.exit_code == 2 and f"{path}:{line}:" in check.output, check.output
    extract = runner.invoke(cli, ["extract", "--input", str(docs), "--out", str(out), "--rules", str(rules),
                                  "--workers", "1"])
    assert extract.exit_code == 2 and f"{path}:{line}:" in extract.output, extract.output
    pd.testing.assert_frame_equal(pd.read_parquet(out / "facts.parquet"), before)  # not an empty table
