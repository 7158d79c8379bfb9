"""The Dask executor against the local one: same facts, same skips, partitioned Parquet, re-runs.

One LocalCluster (2 worker processes) serves the module; runs reach it through `--scheduler`.
"""
from __future__ import annotations

import json
import shutil
import sys

import distributed  # in the dev extra: these tests must not silently skip
import pandas as pd
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner

from pipeline.cli import cli
from pipeline.errors import PipelineError
from pipeline.extract.distributed import MISSING_DASK, local_cluster_options, plan_partitions
from pipeline.extract.executors import run_extraction
from pipeline.settings import PROJECT_ROOT, SHARED_DIR

REALNEWS = SHARED_DIR / "realnews" / "articles.jsonl"
GOOD = {"id": "good1", "url": "https://example.vn/a.htm", "title": "Kết quả giảm nghèo: 20/27 chỉ tiêu",
        "published": "2024-02-28", "source": "example.vn", "fetched_at": None,
        "text": "Chiều ngày 28/2, thành phố đã có 20/27 chỉ tiêu hoàn thành.\nTỷ lệ hộ nghèo còn 0,03%."}


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(**local_cluster_options(2)) as cluster:
        yield cluster.scheduler_address


def synthetic_docs(n: int = 10) -> list[dict]:
    """Real articles (realnews) when available, else variations of GOOD."""
    docs = []
    if REALNEWS.exists():
        with REALNEWS.open(encoding="utf-8") as handle:
            for line, _ in zip(handle, range(n)):
                d = json.loads(line)
                docs.append({"id": d["id"], "url": None, "title": d["title"], "published": "2006-01-15",
                             "source": "realnews", "fetched_at": None, "text": d["text"]})
    for k in range(n - len(docs) + 3):
        docs.append(dict(GOOD, id=f"syn{k}", url=f"https://example.vn/{k}.htm",
                         text=GOOD["text"] + f"\nNăm 202{k % 10}, có {k + 1}/{k + 7} xã đạt chuẩn, tăng {k},5%."))
    return docs


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The seed corpus (*.json documents only), synthetic documents and four bad ones."""
    root = tmp_path_factory.mktemp("corpus")
    for path in (PROJECT_ROOT / "corpora").rglob("*.json"):
        rel = path.relative_to(PROJECT_ROOT / "corpora")
        if rel.parts[0].startswith("_") or rel.parts[0] in {"runs", "quarantine"}:
            continue
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, root / rel)
    for k, doc in enumerate(synthetic_docs()):
        target = root / "synthetic" / "2024" / f"s{k:03d}.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    bad = root / "synthetic" / "2024"
    (bad / "bad_json.json").write_text('{"id": "x",\n "text": ', encoding="utf-8")
    (bad / "bad_empty.json").write_text(json.dumps(dict(GOOD, id="empty", text="  ")), encoding="utf-8")
    (bad / "bad_list.json").write_text("[1, 2]", encoding="utf-8")
    (bad / "dup.json").write_text(json.dumps(dict(GOOD, id="syn0")), encoding="utf-8")
    return root


def jsonl_input(path, docs) -> list[str]:
    lines = [json.dumps(d, ensure_ascii=False) for d in docs]
    lines[3:3] = ["{not json", "", json.dumps(dict(GOOD, id="badpub", published="28/02/2024"))]
    lines[9:9] = [json.dumps(["a", "list"]), json.dumps(dict(GOOD, id="syn1"))]  # junk and a duplicate id
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return lines


def facts(out) -> pd.DataFrame:
    return pd.read_parquet(out / "facts.parquet").sort_values("fact_id").reset_index(drop=True)


def assert_same(local, dask, out_local, out_dask):
    for name in ("documents", "extracted", "reused", "facts", "new_facts", "skipped", "bytes", "errors"):
        assert getattr(dask, name) == getattr(local, name), name
    pd.testing.assert_frame_equal(facts(out_dask), facts(out_local))
    for name in ("facts.csv", "facts.jsonl"):  # same order too, not only the same set
        assert (out_dask / name).read_bytes() == (out_local / name).read_bytes(), name
    # the same rows in the same order; only the run's generation token in the metadata differs
    assert pq.read_table(out_dask / "facts.parquet").equals(pq.read_table(out_local / "facts.parquet"))


def test_corpus_dask_equals_local(corpus, tmp_path, scheduler):
    local = run_extraction(corpus_dir=corpus, out_dir=tmp_path / "local", workers=1, progress=False)
    dask = run_extraction(corpus_dir=corpus, out_dir=tmp_path / "dask", executor="dask", scheduler=scheduler,
                          partitions=4, progress=False)
    assert local.facts > 50 and local.skipped == 4 and local.exit_code == 1
    assert_same(local, dask, tmp_path / "local", tmp_path / "dask")
    errors = "\n".join(dask.errors)
    assert "bad_json.json:2: invalid JSON" in errors and "bad_empty.json: field 'text' is empty" in errors
    assert "bad_list.json: expected a JSON object" in errors and "duplicate document id syn0" in errors
    parts = sorted((tmp_path / "dask" / "facts.parquet.d").glob("part-*.parquet"))
    assert [p.name for p in parts] == [f"part-{k:05d}.parquet" for k in range(4)]
    combined = pd.concat([pd.read_parquet(p) for p in parts]).sort_values("fact_id").reset_index(drop=True)
    pd.testing.assert_frame_equal(combined, facts(tmp_path / "dask"))
    assert all(len(pd.read_parquet(p)) for p in parts)


def test_rule_book_loaded_once_per_worker(corpus, tmp_path, scheduler):
    run_extraction(corpus_dir=corpus, out_dir=tmp_path / "a", executor="dask", scheduler=scheduler,
                   partitions=6, progress=False)
    with distributed.Client(scheduler) as client:
        books = client.run(lambda: len(__import__("pipeline.extract.distributed", fromlist=["_BOOKS"])._BOOKS))
    assert sorted(books.values()) == [1, 1]


def test_jsonl_dask_equals_local_with_bad_lines(tmp_path, scheduler):
    path = tmp_path / "docs.jsonl"
    lines = jsonl_input(path, synthetic_docs())
    local = run_extraction(input_path=path, out_dir=tmp_path / "local", workers=1, progress=False)
    dask = run_extraction(input_path=path, out_dir=tmp_path / "dask", executor="dask", scheduler=scheduler,
                          partitions=5, progress=False)
    assert_same(local, dask, tmp_path / "local", tmp_path / "dask")
    assert dask.skipped == 4 and dask.documents == len(lines) - 5
    for line in (4, 6, 10):
        assert any(e.startswith(f"{path}:{line}:") for e in dask.errors), (line, dask.errors)
    assert any("duplicate document id syn1" in e for e in dask.errors)


def test_partitions_cover_every_line_once(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_bytes(b"\n" + b"".join(b'{"n": %d}\n' % k + (b"\n" if k % 3 == 0 else b"") for k in range(20)))
    seen = []
    for n in (1, 3, 7, 20, 50):
        plan = plan_partitions(corpus_dir=None, input_path=path, partitions=n, parallelism=2)
        assert len(plan) == min(n, 20)
        numbered = []
        with path.open("rb") as handle:
            data = handle.read()
        for part in plan:
            chunk = data[part.start:part.end].split(b"\n")
            numbered += [(part.first_line + i, c) for i, c in enumerate(chunk) if c.strip()]
        seen.append(numbered)
        assert plan[0].start == 1 and plan[-1].end == len(data)
        assert all(a.end == b.start for a, b in zip(plan, plan[1:]))
    expected = [(i, line) for i, line in enumerate(data.split(b"\n"), start=1) if line.strip()]
    assert all(s == expected for s in seen)


def test_incremental_with_dask_and_after_local(corpus, tmp_path, scheduler):
    out = tmp_path / "out"
    local = run_extraction(corpus_dir=corpus, out_dir=out, workers=1, progress=False)
    again = run_extraction(corpus_dir=corpus, out_dir=out, executor="dask", scheduler=scheduler, progress=False)
    assert again.reused == local.documents and again.extracted == 0 and again.new_facts == 0
    assert again.facts == local.facts
    changed = corpus.parent / "changed"
    shutil.copytree(corpus, changed)
    doc = changed / "synthetic" / "2024" / "s012.json"
    data = json.loads(doc.read_text(encoding="utf-8"))
    doc.write_text(json.dumps(dict(data, text=data["text"] + "\nThêm 9/10 hộ."), ensure_ascii=False), encoding="utf-8")
    third = run_extraction(corpus_dir=changed, out_dir=out, executor="dask", scheduler=scheduler, progress=False)
    assert third.extracted == 1 and third.reused == local.documents - 1 and third.new_facts >= 1
    assert (out / "facts.parquet.d").is_dir()
    run_extraction(corpus_dir=changed, out_dir=out, workers=1, progress=False)
    assert not (out / "facts.parquet.d").exists(), "a local run must not leave stale Dask partitions"


def test_cli_dask_executor_on_its_own_local_cluster(tmp_path):
    path = tmp_path / "docs.jsonl"
    jsonl_input(path, synthetic_docs(4))
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["extract", "--input", str(path), "--out", str(out), "--executor", "dask",
                                      "--workers", "2", "--partitions", "3"])
    assert result.exit_code == 1, result.output
    assert "4 skipped" in result.output and f"{path}:4: invalid JSON" in result.output
    assert "partitioned Parquet in" in result.output
    assert len(list((out / "facts.parquet.d").glob("part-*.parquet"))) == 3


def test_missing_dask_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed → ImportError
    with pytest.raises(PipelineError, match=r"pip install 'chitieu\[dask\]'"):
        run_extraction(input_path=tmp_path / "none.jsonl", out_dir=tmp_path / "out", executor="dask")
    result = CliRunner().invoke(cli, ["extract", "--input", str(tmp_path / "none.jsonl"), "--out", str(tmp_path / "o"),
                                      "--executor", "dask"])
    assert result.exit_code == 2 and MISSING_DASK in result.output
    assert not (tmp_path / "out").exists()
