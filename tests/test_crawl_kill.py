"""Kill the crawler (SIGKILL, in a subprocess) mid-crawl and start it again: nothing written is
lost, no half-written or duplicate document appears, and everything is eventually stored."""
from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

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


def stored_paths(corpus) -> set[str]:
    """Article paths the crawl state records as stored (read after the crawler died)."""
    db = sqlite3.connect(corpus / "state.sqlite")
    try:
        rows = db.execute("SELECT fetch_url FROM pages WHERE kind = 'article' AND status = 'stored'").fetchall()
    finally:
        db.close()
    return {urlsplit(url).path for (url,) in rows}


class Gate:
    """Holds article responses once `limit` have been served, so that a crawler cannot finish
    before the test kills it, however fast or slow the machine is."""

    def __init__(self):
        self.served, self.limit, self.lock, self.open = 0, None, threading.Lock(), threading.Event()

    def wrap(self, handler):
        def gated(request):
            with self.lock:
                self.served += 1
                held = self.limit is not None and self.served > self.limit
            if held:
                self.open.wait(30)
            return handler(request)
        return gated

    def hold_after(self, more: int | None) -> None:
        with self.lock:
            self.limit = None if more is None else self.served + more
            self.open.clear()

    def release(self) -> None:
        with self.lock:
            self.limit = None
        self.open.set()


def test_kill_and_restart_loses_nothing_and_duplicates_nothing(site, tmp_path):  # noqa: F811
    paths = [f"/bai-viet-thu-nghiem-so-{n}-{1000 + n}.html" for n in range(N)]
    gate = Gate()
    for n, path in enumerate(paths):
        site.page(path, article_html(f"Bài {n}", f"Đoạn {n}.\n" + "Nội dung dài. " * 200))
        site.add(path, gate.wrap(site.routes[path]))
    for page in range(4):
        site.page(f"/tin/{page + 1}", listing_html(paths[page * 10:(page + 1) * 10]))
    sources = sources_toml(tmp_path / "sources.toml", [{
        "name": "thu.vn", "home_area": "cả nước", "delay": 0.01, "article_patterns": [r"-\d{4}\.html$"],
        "listing": [{"url": site.url("/tin/1"), "next": site.url("/tin/{page}"), "pages": 4}],
        "profile": {"title": ["h1.title"], "body": ["div.content"]}}])
    corpus = tmp_path / "corpora"
    runs = []  # per run: (article paths it fetched, article paths it recorded as stored)

    def crawl_once(kill_at: int | None, hold_after: int | None):
        before, stored_before = len(site.log), stored_paths(corpus) if (corpus / "state.sqlite").exists() else set()
        gate.hold_after(hold_after)
        process = start(sources, corpus)
        if kill_at is None:
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err.decode()[-2000:]
        else:
            kill_after(process, corpus, kill_at)
        gate.release()  # responses held for the dead crawler may go now
        time.sleep(0.2)
        fetched = [r.path for r in site.log[before:] if r.path.startswith("/bai-viet")]
        runs.append((fetched, stored_paths(corpus) - stored_before))
        return check_corpus(corpus)

    after_first = crawl_once(kill_at=3, hold_after=5)
    after_second = crawl_once(kill_at=len(after_first) + 10, hold_after=len(after_first) + 12)
    assert set(after_first) <= set(after_second)
    titles = crawl_once(kill_at=None, hold_after=None)

    assert set(titles) == {f"Bài {n}" for n in range(N)}
    assert not list(corpus.rglob("*.tmp"))  # temporary files of killed runs are cleaned up
    assert len(list((corpus / "thu.vn").rglob("*.html.gz"))) == N
    # Every fetch but an article's last was cut short by a kill: it was fetched and not yet
    # recorded. At most per_host + 1 = 2 articles are in flight when the kill comes, and an
    # article recorded as stored is never fetched again.
    for n, (fetched, recorded) in enumerate(runs):
        assert len(fetched) == len(set(fetched))  # never twice in one run
        cut_short = set(fetched) - recorded
        assert len(cut_short) <= 2 if n < 2 else not cut_short
        assert not recorded & {p for later, _ in runs[n + 1:] for p in later}
    fetched = Counter(r.path for r in site.log if r.path.startswith("/bai-viet"))
    assert sum(fetched.values()) == N + sum(len(set(f) - r) for f, r in runs)
