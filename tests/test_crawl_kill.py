"""Kill the crawler (SIGKILL, in a subprocess) mid-crawl and start it again: nothing written is
lost, no half-written or duplicate document appears, and everything is eventually stored."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter

import pytest

from crawl_fixtures import article_html, listing_html, site, sources_toml  # noqa: F401
from pipeline.settings import PROJECT_ROOT

N = 40


def corpus_docs(corpus):
    return [p for p in (corpus / "thu.vn").rglob("*.json")] if (corpus / "thu.vn").is_dir() else []


def start(sources, corpus):
    env = dict(os.environ, PYTHONPATH=str(PROJECT_ROOT))
    return subprocess.Popen([sys.executable, "-m", "pipeline", "crawl", "--sources", str(sources), "--corpus", str(corpus), "--quiet"],
                            cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def kill_after(process, corpus, docs_at_least: int, limit: float = 60.0) -> None:
    deadline = time.monotonic() + limit
    while len(corpus_docs(corpus)) < docs_at_least:
        if process.poll() is not None:
            pytest.fail(f"crawler ended before it could be killed: {process.stderr.read().decode()[-2000:]}")
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("crawler made no progress")
        time.sleep(0.005)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)


def check_corpus(corpus) -> Counter:
    """Every visible document is complete JSON; each article appears once."""
    titles = Counter()
    for path in corpus_docs(corpus):
        if path.name.startswith("."):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))  # a half-written file would fail here
        assert data["text"] and data["source"] == "thu.vn"
        titles[data["title"]] += 1
    assert all(n == 1 for n in titles.values()), titles
    return titles


def test_kill_and_restart_loses_nothing_and_duplicates_nothing(site, tmp_path):  # noqa: F811
    paths = [f"/bai-viet-thu-nghiem-so-{n}-{1000 + n}.html" for n in range(N)]
    for n, path in enumerate(paths):
        site.page(path, article_html(f"Bài {n}", f"Đoạn {n}.\n" + "Nội dung dài. " * 200), delay=0.01)
    for page in range(4):
        site.page(f"/tin/{page + 1}", listing_html(paths[page * 10:(page + 1) * 10]))
    sources = sources_toml(tmp_path / "sources.toml", [{
        "name": "thu.vn", "home_area": "cả nước", "delay": 0.01, "article_patterns": [r"-\d{4}\.html$"],
        "listing": [{"url": site.url("/tin/1"), "next": site.url("/tin/{page}"), "pages": 4}],
        "profile": {"title": ["h1.title"], "body": ["div.content"]}}])
    corpus = tmp_path / "corpora"

    first = start(sources, corpus)
    kill_after(first, corpus, 3)
    after_first = check_corpus(corpus)

    second = start(sources, corpus)
    kill_after(second, corpus, len(after_first) + 10)
    after_second = check_corpus(corpus)
    assert set(after_first) <= set(after_second)

    third = start(sources, corpus)
    out, err = third.communicate(timeout=120)
    assert third.returncode == 0, err.decode()[-2000:]
    titles = check_corpus(corpus)
    assert set(titles) == {f"Bài {n}" for n in range(N)}
    assert not list(corpus.rglob("*.tmp"))  # temporary files of killed runs are cleaned up
    gz = list((corpus / "thu.vn").rglob("*.html.gz"))
    assert len(gz) == N
    fetched = Counter(r.path for r in site.log if r.path.startswith("/bai-viet"))
    assert sum(fetched.values()) <= N + 2  # at most the pages in flight at each kill were fetched twice
