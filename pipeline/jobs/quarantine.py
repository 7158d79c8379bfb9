"""Damaged files found by a run are moved aside to corpora/quarantine/, never deleted.

A document that no longer parses is moved (keeping its path below the corpus) and its page is
made pending in the crawl state, so the next crawl fetches it again. A damaged crawl-state
database is moved aside whole; the crawl then starts a fresh one and finds every article again,
recognising stored documents by their content hash (nothing is duplicated).
"""
from __future__ import annotations

import logging
import os
from collections.abc import Iterable
from pathlib import Path

from pipeline.atomic import fsync_directory
from pipeline.corpus import read_article
from pipeline.crawl.state import CrawlState, verify_state
from pipeline.errors import InputError
from pipeline.layout import QUARANTINE, CorpusDir

log = logging.getLogger(__name__)
EXTRACTOR_FAILURES = ("extraction failed", "worker process died")  # Skip.reason of a readable document


def _free(target: Path) -> Path:
    """`target`, or target.1, target.2 … when an earlier quarantine already used the name."""
    candidate, n = target, 0
    while candidate.exists():
        n += 1
        candidate = target.with_name(f"{target.name}.{n}")
    return candidate


def move_aside(corpus_dir: Path, path: Path) -> Path:
    """Move `path` to corpora/quarantine/<its path below the corpus> (same file system: a rename)."""
    corpus_dir, path = Path(corpus_dir), Path(path)
    try:
        rel = path.resolve().relative_to(corpus_dir.resolve())
    except ValueError:
        rel = Path(path.name)
    target = _free(corpus_dir / QUARANTINE / rel.parent / rel.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    fsync_directory(path.parent)
    fsync_directory(target.parent)
    return target


def quarantine_documents(corpus_dir: Path, skips: Iterable, tried: int = 0) -> list[tuple[Path, str]]:
    """Move aside the corpus documents extraction had to skip (pipeline.extract.runner.Skip records).

    A document that could not be read is moved only if it still fails when read again, and its
    page is made pending so the next crawl fetches it again. A document that reads but broke the
    extractor or killed its worker is moved too (it would fail every night), but not re-fetched: the
    page is not damaged; move it back to extract it again. When the extractor failed on many of the
    `tried` documents, the fault is chitieu's, not the documents': nothing is moved then. A
    duplicate id leaves the document where it is. Returns (new path, reason).
    """
    corpus_dir = Path(corpus_dir)
    skips = [s for s in skips if s.source and s.source.endswith(".json")]
    broke = [s for s in skips if s.readable and s.reason in EXTRACTOR_FAILURES]
    if len(broke) > max(3, tried // 10):
        log.error("the extractor failed on %d of %d documents: a fault in chitieu or its rules, not in the "
                  "documents; none moved to quarantine", len(broke), tried)
        broke = []
    moved = []
    for skip in [s for s in skips if not s.readable] + broke:
        path = Path(skip.source)
        if not path.is_file() or not _inside(path, corpus_dir, QUARANTINE):
            continue
        reason = skip.message.removeprefix(f"{path}: ")
        if not skip.readable:
            try:
                read_article(path)
                continue
            except InputError as exc:
                reason = exc.reason
        target = move_aside(corpus_dir, path)
        raw = path.with_suffix("").with_suffix(".html.gz")
        if raw.exists():  # the raw page goes with it, for whoever looks into it
            move_aside(corpus_dir, raw)
        if skip.readable:
            log.error("%s: %s; moved to %s (move it back to extract it again)", path, reason, target)
        else:
            log.error("%s: %s; moved to %s, the page will be fetched again", path, reason, target)
            _requeue(corpus_dir, path.stem)
        moved.append((target, reason))
    return moved


def _inside(path: Path, directory: Path, excluded: str) -> bool:
    """Whether `path` lies below `directory`, outside its `excluded` subfolder."""
    try:
        rel = path.resolve().relative_to(directory.resolve())
    except ValueError:
        return False
    return rel.parts[:1] != (excluded,)


def _requeue(corpus_dir: Path, doc_id: str) -> None:
    state_path = CorpusDir(corpus_dir).state
    if not state_path.exists():
        return
    state = CrawlState(state_path)
    try:
        with state.transaction():
            state.requeue(doc_id)
    finally:
        state.close()


def quarantine_bad_state(corpus_dir: Path) -> tuple[Path, str] | None:
    """Check corpora/state.sqlite; when damaged, move it (and its WAL files) aside.

    Returns (where it went, what was wrong), or None when the state is sound or absent.
    """
    path = CorpusDir(corpus_dir).state
    problem = verify_state(path)
    if problem is None:
        return None
    target = move_aside(corpus_dir, path)
    for suffix in ("-wal", "-shm"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            os.replace(extra, target.with_name(target.name + suffix))
    log.error("%s: crawl state damaged (%s); moved to %s, starting a fresh state "
              "(stored articles are recognised by content, nothing is duplicated)", path, problem, target)
    return target, problem
