"""Shared by the nightly-run tests: the demo site served on 127.0.0.1 and settings pointing at it."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from pipeline.config import Settings
from pipeline.jobs.demo import DemoServer, demo_sources

ARTICLE_PAGES = 8  # article pages of corpora/_demo_site


@pytest.fixture(scope="session")
def demo_site():
    with DemoServer() as server:
        yield server


def write_config(root: Path, base: str) -> Path:
    """A chitieu.toml for `root` (corpus, out and sources inside it) crawling the demo site at `base`."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "sources.toml").write_text(demo_sources(base), encoding="utf-8")
    config = root / "chitieu.toml"
    config.write_text('[paths]\ncorpus = "corpora"\nout = "extracted"\nsources = "sources.toml"\n'
                      "[crawl]\ndelay = 0\nretries = 1\n[extract]\nworkers = 1\n", encoding="utf-8")
    return config


def settings_for(root: Path, base: str, **overrides) -> Settings:
    from pipeline.config import load_settings
    return load_settings(write_config(root, base)).with_overrides(quiet=True, **overrides)


@pytest.fixture(scope="session")
def baseline(demo_site, tmp_path_factory):
    """One complete run over the demo site (in this process); tests copy it."""
    from pipeline.jobs.run import run_nightly

    root = tmp_path_factory.mktemp("baseline")
    summary = run_nightly(settings_for(root, demo_site.base), progress=False)
    assert summary.exit_code == 0, summary.lines()
    return root


@pytest.fixture
def copied(baseline, tmp_path):
    """A private copy of the baseline run's directory."""
    target = tmp_path / "run"
    shutil.copytree(baseline, target)
    return target


def articles(corpus: Path) -> dict[str, dict]:
    """Corpus documents by id; fails on a half-written or duplicated document."""
    found: dict[str, dict] = {}
    for path in sorted(corpus.rglob("*.json")):
        rel = path.relative_to(corpus).parts
        if rel[0] in ("runs", "quarantine") or path.name.startswith("."):
            continue
        data = json.loads(path.read_text(encoding="utf-8"))
        assert data["id"] not in found, f"duplicate article {data['id']}: {path}"
        found[data["id"]] = {"title": data["title"], "text": data["text"], "url": data["url"]}
    return found


def check_outputs_readable(root: Path) -> int:
    """Every output file parses (JSON, JSON Lines, Parquet, CSV, HTML ends): none is half-written."""
    checked = 0
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name.startswith(".") or "logs" in path.parts:
            continue
        if path.suffix == ".json":
            json.loads(path.read_text(encoding="utf-8"))
        elif path.suffix == ".jsonl":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    json.loads(line)
        elif path.suffix == ".parquet":
            pq.read_table(path)
        elif path.suffix == ".csv":
            pd.read_csv(path, encoding="utf-8-sig")
        elif path.suffix == ".html" and "extracted" in path.parts:
            assert path.read_text(encoding="utf-8").rstrip().endswith("</html>"), path
        elif path.suffix == ".png":
            assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", path
        else:
            continue
        checked += 1
    return checked
