"""The extract command end to end: inputs good and bad, outputs, exit codes, re-runs."""
from __future__ import annotations

import json
import shutil
import unicodedata

import pandas as pd
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.settings import PROJECT_ROOT

GOOD = {"id": "good1", "url": "https://example.vn/a.htm", "title": "Kết quả giảm nghèo",
        "published": "2024-02-28", "source": "example.vn", "fetched_at": None,
        "text": "Chiều ngày 28/2, thành phố đã có 20/27 chỉ tiêu hoàn thành.\nTỷ lệ hộ nghèo còn 0,03%."}


def run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def write_jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_corpus_run_writes_three_formats(tmp_path):
    corpus = tmp_path / "corpora"
    shutil.copytree(PROJECT_ROOT / "corpora", corpus, ignore=shutil.ignore_patterns("state.sqlite*", "runs"))
    out = tmp_path / "out"
    result = run("extract", "--corpus", str(corpus), "--out", str(out), "--workers", "1")
    assert result.exit_code == 0, result.output
    assert "2 documents" in result.output
    raw = (out / "facts.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "CSV must carry a BOM for Excel"
    csv = pd.read_csv(out / "facts.csv", encoding="utf-8-sig")
    parquet = pd.read_parquet(out / "facts.parquet")
    jsonl = pd.read_json(out / "facts.jsonl", lines=True)
    assert len(csv) == len(parquet) == len(jsonl) > 10
    assert list(parquet.columns)[:5] == ["fact_id", "doc_id", "url", "published", "kind"]
    assert parquet["start"].dtype == "int64" and parquet["value"].dtype == "float64"


def test_second_run_reuses_and_keeps_ids(tmp_path):
    docs = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(GOOD, ensure_ascii=False)])
    out = tmp_path / "out"
    first = run("extract", "--input", str(docs), "--out", str(out), "--workers", "1")
    ids = set(pd.read_parquet(out / "facts.parquet")["fact_id"])
    second = run("extract", "--input", str(docs), "--out", str(out), "--workers", "1")
    assert first.exit_code == second.exit_code == 0
    assert "1 unchanged" in second.output and "new)" not in second.output  # zero counters are left out
    assert set(pd.read_parquet(out / "facts.parquet")["fact_id"]) == ids


def test_bad_lines_are_skipped_named_and_counted(tmp_path):
    nfd = dict(GOOD, id="nfd", text=unicodedata.normalize("NFD", GOOD["text"]))
    lines = [
        json.dumps(GOOD, ensure_ascii=False),
        "{not json",
        json.dumps(dict(GOOD, id="empty", text="   \n  ")),
        json.dumps(dict(GOOD, id="badpub", published="28/02/2024")),
        json.dumps(dict(GOOD, id="nopub", published=None), ensure_ascii=False),
        json.dumps(nfd, ensure_ascii=False),
        json.dumps(["a", "list"]),
    ]
    path = write_jsonl(tmp_path / "docs.jsonl", lines)
    with path.open("ab") as handle:
        handle.write(b"\xff\xfe\x00binary junk\x00\n")
    result = CliRunner().invoke(cli, ["extract", "--input", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 1, result.output
    for line in (2, 3, 4, 7, 8):
        assert f"docs.jsonl:{line}:" in result.output, f"line {line} not reported:\n{result.output}"
    assert "invalid JSON" in result.output and "'text' is empty" in result.output
    assert "'published' is not an ISO 8601 date" in result.output and "not UTF-8" in result.output
    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    assert set(facts["doc_id"]) == {"good1", "nopub", "nfd"}
    nopub = facts[(facts["doc_id"] == "nopub") & (facts["kind"] == "date")]
    assert list(nopub["date_start"]) == ["--02-28"], "no publication date: the year stays unresolved"
    nfd_facts = facts[facts["doc_id"] == "nfd"]
    assert "0,03%" in set(nfd_facts["text"]), "NFD text is normalised before extraction"


def test_huge_paragraph_is_handled(tmp_path):
    filler = "Dân số tăng nhanh và đời sống được cải thiện rõ rệt " * 200_000  # ~10 MB, one paragraph
    doc = dict(GOOD, id="huge", text=filler + "cuối năm 2023 còn 0,03% hộ nghèo.")
    path = write_jsonl(tmp_path / "docs.jsonl", [json.dumps(doc, ensure_ascii=False)])
    result = run("extract", "--input", str(path), "--out", str(tmp_path / "out"), "--workers", "1")
    assert result.exit_code == 0, result.output
    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    assert 0.03 in set(facts["value"])


def test_missing_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["extract", "--corpus", str(tmp_path / "nope"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_broken_rule_file_fails_before_work(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    text = (rules / "patterns.toml").read_text(encoding="utf-8")
    (rules / "patterns.toml").write_text(text.replace("parse = \"percent\"", "parse = \"percentt\"", 1), encoding="utf-8")
    result = CliRunner().invoke(cli, ["extract", "--rules", str(rules), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "patterns.toml:" in result.output and "unknown parse 'percentt'" in result.output
    assert not (tmp_path / "o").exists(), "nothing written when the rules are broken"


@pytest.mark.parametrize("bad, line, message", [
    ('[[rule]]\nid = "percent.x"\nkind = "percent"\nparse = "percent"\npattern = "(unclosed"\n', 5, "bad regex"),
    ('[[rule]\nid = 1\n', 1, "invalid TOML"),
])
def test_rule_errors_name_file_and_line(tmp_path, bad, line, message):
    from pipeline.errors import RuleError
    from pipeline.rules.book import load_rulebook

    rules = tmp_path / "rules"
    shutil.copytree(PROJECT_ROOT / "rules", rules)
    (rules / "patterns.toml").write_text(bad, encoding="utf-8")
    with pytest.raises(RuleError) as info:
        load_rulebook(rules)
    assert str(info.value).startswith(f"{rules / 'patterns.toml'}:{line}:") and message in str(info.value)
