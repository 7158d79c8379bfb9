"""Documents written to break extraction, each named after the attack (issue 11, items 6-9, 13).

Each must be skipped or limited with a counted, named reason while every other document is
extracted: one bad document never stops a nightly run.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pandas as pd
import pytest
from click.testing import CliRunner
from run_fixtures import baseline, copied, demo_site  # noqa: F401

from pipeline.cli import cli
from pipeline.extract.executors import run_extraction
from pipeline.settings import PROJECT_ROOT

GOOD = {"id": "good", "url": "https://example.vn/a.htm", "title": "Kết quả giảm nghèo", "published": "2024-02-28",
        "source": "example.vn", "fetched_at": None,
        "text": "Chiều ngày 28/2, thành phố đã có 20/27 chỉ tiêu hoàn thành.\nTỷ lệ hộ nghèo còn 0,03%."}
NESTED = '{"id": "deep", "text": "x", "extra": ' + "[" * 200_000 + "]" * 200_000 + "}"


def doc(doc_id: str, **changes) -> str:
    return json.dumps(dict(GOOD, id=doc_id, url=f"https://example.vn/{doc_id}.htm", **changes), ensure_ascii=False)


def jsonl(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def strict_json(text: str):
    """json.loads that refuses NaN and Infinity, as every other JSON reader does."""
    def refuse(name):
        raise ValueError(f"not JSON: {name}")
    return json.loads(text, parse_constant=refuse)


# ---------------------------------------------------------------- item 6
def test_deeply_nested_json_line_is_skipped_and_named_not_fatal(tmp_path):
    path = jsonl(tmp_path / "docs.jsonl", [doc("a"), NESTED, doc("b")])
    result = CliRunner().invoke(cli, ["extract", "--input", str(path), "--out", str(tmp_path / "out"), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert f"{path}:2: JSON nested too deeply" in result.output
    assert set(pd.read_parquet(tmp_path / "out" / "facts.parquet")["doc_id"]) == {"a", "b"}


def test_deeply_nested_corpus_document_is_quarantined_and_the_run_goes_on(copied, demo_site):  # noqa: F811
    from run_fixtures import settings_for

    from pipeline.jobs.run import run_nightly

    corpus = copied / "corpora"
    victim = sorted((corpus / "tintuc-thudo.demo").rglob("*.json"))[0]
    victim.write_text(NESTED, encoding="utf-8")
    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    extract = summary.stage("extract")
    assert extract.status == "partial" and extract.failures == {"JSON nested too deeply to parse": 1}, extract
    assert extract.counts["failed"] == sum(extract.failures.values()) == 1
    moved = corpus / "quarantine" / victim.relative_to(corpus)
    assert moved.exists() and not victim.exists()
    assert summary.quarantined[0]["path"] == str(moved)
    assert summary.stage("report").status == "ok" and summary.exit_code == 1


def test_unpaired_surrogate_in_text_is_skipped_not_fatal(tmp_path):
    surrogate = doc("s").replace("0,03%.", "0,03% \\ud800.")  # valid JSON, but no UTF-8 text can hold it
    assert "\\ud800" in surrogate
    path = jsonl(tmp_path / "docs.jsonl", [surrogate, doc("a")])
    summary = run_extraction(input_path=path, out_dir=tmp_path / "out", workers=1, progress=False)
    assert summary.exit_code == 1 and summary.errors == [f"{path}:1: field 'text' holds an unpaired surrogate (character 85)"]
    assert set(pd.read_parquet(tmp_path / "out" / "facts.parquet")["doc_id"]) == {"a"}


def test_document_that_breaks_the_extractor_is_skipped_named_and_counted(tmp_path, monkeypatch):
    import pipeline.extract.workers as workers

    real = workers.extract_facts

    def explode(article, book=None):
        if article.id == "boom":
            raise RecursionError("maximum recursion depth exceeded")
        return real(article, book)

    monkeypatch.setattr(workers, "extract_facts", explode)
    path = jsonl(tmp_path / "docs.jsonl", [doc("a"), doc("boom"), doc("b")])
    summary = run_extraction(input_path=path, out_dir=tmp_path / "out", workers=1, progress=False)
    assert summary.exit_code == 1 and summary.failed_by_reason == {"extraction failed": 1}
    assert summary.errors[0].startswith(f"{path}:2: extraction failed: RecursionError")
    assert set(pd.read_parquet(tmp_path / "out" / "facts.parquet")["doc_id"]) == {"a", "b"}


def test_extractor_failing_on_every_document_keeps_the_previous_facts(tmp_path, monkeypatch):
    import pipeline.extract.workers as workers

    path = jsonl(tmp_path / "docs.jsonl", [doc("a"), doc("b")])
    out = tmp_path / "out"
    run_extraction(input_path=path, out_dir=out, workers=1, progress=False)
    before = (out / "facts.parquet").read_bytes()

    def broken(article, book=None):
        raise ValueError("a broken rule")

    monkeypatch.setattr(workers, "extract_facts", broken)
    result = CliRunner().invoke(cli, ["extract", "--input", str(path), "--out", str(out), "--workers", "1", "--full"])
    assert result.exit_code == 2 and "failed on every document" in result.output, result.output
    assert (out / "facts.parquet").read_bytes() == before  # not replaced by an empty table


# ---------------------------------------------------------------- item 7
def test_400_digit_figure_is_no_fact_and_facts_jsonl_stays_json(tmp_path):
    huge = "9" * 400
    text = f"Tỷ lệ hoàn thành đạt {huge}% kế hoạch, có {huge}/{huge}1 hộ.\nTỷ lệ hộ nghèo còn 0,03%."
    path = jsonl(tmp_path / "docs.jsonl", [doc("big", text=text)])
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", "--input", str(path), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    lines = (out / "facts.jsonl").read_text(encoding="utf-8").splitlines()
    rows = [strict_json(line) for line in lines]
    values = [r[k] for r in rows for k in ("value", "value_max", "numerator", "denominator") if r[k] is not None]
    assert all(abs(v) < 1e300 for v in values) and 0.03 in values
    assert "Infinity" not in (out / "facts.jsonl").read_text(encoding="utf-8")
    report = CliRunner().invoke(cli, ["report", "--out", str(out), "--corpus", str(tmp_path / "none")])
    assert report.exit_code == 0, report.output


def test_json_writers_refuse_nan_and_write_null_for_missing(tmp_path):
    from pipeline.atomic import atomic_write_json
    from pipeline.tables.files import write_jsonl

    with pytest.raises(ValueError):
        atomic_write_json(tmp_path / "x.json", {"value": float("inf")})
    assert not list(tmp_path.iterdir())
    write_jsonl(tmp_path / "t.jsonl", [{"progress": float("inf"), "gap": float("nan"), "value": 1.5}])
    assert strict_json((tmp_path / "t.jsonl").read_text()) == {"progress": None, "gap": None, "value": 1.5}


# ---------------------------------------------------------------- item 8
KILLER = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    import pipeline.extract as extract
    real = extract.extract_facts

    def poisoned(article, book=None):
        if article.id == "poison":
            os.kill(os.getpid(), signal.SIGKILL)  # what the OOM killer does
        return real(article, book)

    for name in ("pipeline.extract.workers", "pipeline.extract.runner"):
        try:
            module = __import__(name, fromlist=["x"])
        except ImportError:
            continue
        if hasattr(module, "extract_facts"):
            module.extract_facts = poisoned
    from pipeline.extract.executors import run_extraction
    s = run_extraction(input_path=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), workers=2, progress=False)
    print("RESULT", s.exit_code, s.documents, s.skipped, dict(s.failed_by_reason) if hasattr(s, "failed_by_reason") else "")
    print("ERRORS", s.errors)
""")


def test_killed_extraction_worker_is_an_error_not_a_hang(tmp_path):
    lines = [doc(f"d{k}") for k in range(4)] + [doc("poison")] + [doc(f"e{k}") for k in range(4)]
    path = jsonl(tmp_path / "docs.jsonl", lines)
    script = tmp_path / "killer.py"
    script.write_text(KILLER, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    try:
        done = subprocess.run([sys.executable, str(script), str(path), str(tmp_path / "out")], env=env,
                              capture_output=True, text=True, timeout=240)
    except subprocess.TimeoutExpired:
        pytest.fail("extraction hung after a worker was killed")
    assert done.returncode == 0, done.stderr[-3000:]
    assert "RESULT 1 8 1 {'worker process died': 1}" in done.stdout, done.stdout + done.stderr[-2000:]
    assert f"{path}:5: worker process died" in done.stdout
    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    assert set(facts["doc_id"]) == {f"d{k}" for k in range(4)} | {f"e{k}" for k in range(4)}


# ---------------------------------------------------------------- item 9
def test_kill_between_facts_and_manifest_does_not_drop_facts(tmp_path, monkeypatch):
    out = tmp_path / "out"
    both = jsonl(tmp_path / "both.jsonl", [doc("a"), doc("b", text="Tỷ lệ bao phủ bảo hiểm y tế đạt 94%.")])
    only_a = jsonl(tmp_path / "a.jsonl", [doc("a")])
    run_extraction(input_path=both, out_dir=out, workers=1, progress=False)
    reference = sorted(pd.read_parquet(out / "facts.parquet")["fact_id"])

    real_replace = os.replace

    def killed_before_manifest(src, dst, *args, **kwargs):
        if str(dst).endswith("manifest.json"):
            raise KeyboardInterrupt("SIGKILL stand-in: the run dies before manifest.json is replaced")
        return real_replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", killed_before_manifest)
    with pytest.raises(KeyboardInterrupt):
        run_extraction(input_path=only_a, out_dir=out, workers=1, progress=False)
    monkeypatch.setattr(os, "replace", real_replace)
    assert set(pd.read_parquet(out / "facts.parquet")["doc_id"]) == {"a"}  # new facts, old manifest

    summary = run_extraction(input_path=both, out_dir=out, workers=1, progress=False)
    assert sorted(pd.read_parquet(out / "facts.parquet")["fact_id"]) == reference  # b's facts are back
    assert summary.extracted == 2 and "not from the same run" in summary.full_rerun


# ---------------------------------------------------------------- item 13
BIG_LINE = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from pipeline.extract.executors import run_extraction
    from pipeline.extract.distributed import plan_partitions
    parts = plan_partitions(corpus_dir=None, input_path=Path(sys.argv[1]), partitions=None, parallelism=1)
    s = run_extraction(input_path=Path(sys.argv[1]), out_dir=Path(sys.argv[2]), workers=1, progress=False)
    print("RESULT", s.exit_code, s.documents, s.skipped, len(parts))
    print("ERRORS", s.errors)
    print("MAXRSS_MB", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
""")


def test_1_gib_line_in_input_is_rejected_without_reading_it_whole(tmp_path):
    path = tmp_path / "docs.jsonl"
    with path.open("wb") as handle:
        handle.write((doc("first") + "\n").encode())
        handle.write(b'{"id": "huge", "text": "')
        handle.truncate(handle.tell() + (1 << 30))  # a sparse 1 GiB run of bytes without a newline
        handle.seek(0, os.SEEK_END)
        handle.write(b'"}\n' + (doc("last") + "\n").encode())
    script = tmp_path / "big.py"
    script.write_text(BIG_LINE, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    done = subprocess.run([sys.executable, str(script), str(path), str(tmp_path / "out")], env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "RESULT 1 2 1" in done.stdout, done.stdout
    assert f"{path}:2: line longer than" in done.stdout
    rss = int(done.stdout.split("MAXRSS_MB")[1].split()[0])
    assert rss < 900, f"peak memory {rss} MB: the line was read whole"


def test_page_of_many_figures_keeps_a_capped_number_of_facts_and_short_sentences(tmp_path, monkeypatch):
    import pipeline.extract.workers as workers
    from pipeline.normalize import normalize_text
    from pipeline.review import figure_in_sentence

    monkeypatch.setattr(workers, "MAX_FACTS_PER_DOCUMENT", 50)
    text = "Kết quả năm 2023: " + ", ".join(f"xã thứ {k} đạt {k % 20},5%" for k in range(300)) + "."
    path = jsonl(tmp_path / "docs.jsonl", [doc("many", text=text), doc("a")])
    summary = run_extraction(input_path=path, out_dir=tmp_path / "out", workers=1, progress=False)
    assert summary.exit_code == 1 and summary.dropped["over the per-document cap"] > 200, summary
    assert "over the per-document cap" in summary.line()
    facts = pd.read_parquet(tmp_path / "out" / "facts.parquet")
    many = facts[facts["doc_id"] == "many"]
    assert len(many) == 50 and (facts["doc_id"] == "a").sum() > 0
    assert many["sentence"].str.len().max() <= workers.MAX_STORED_SENTENCE < len(text)
    body = normalize_text(text)
    for fact in many[many["field"] == "text"].to_dict("records"):
        window = fact["sentence"]
        begin = body.rfind(window, 0, fact["start"] + len(window))  # still a piece of the article's text
        before, figure, _ = figure_in_sentence(window, fact["text"], 0)
        assert begin >= 0 and figure == fact["text"]
        assert begin + len(before) == fact["start"]  # the review sheet marks this fact, not a copy before it
