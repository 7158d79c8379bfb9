"""extracted/review_log.jsonl: every review decision ever made, appended under a lock.

Two reviewers importing at the same moment both keep their decisions: an import takes an
exclusive flock on the log, appends its lines with one O_APPEND write and fsyncs, and never
rewrites what is there. A write that fails half-way (disk full) is cut back to where it began,
so the log never ends in half a line; a torn last line left by a crash is skipped with a warning.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from pipeline.errors import ReviewError
from pipeline.layout import REVIEW_LOG
from pipeline.records import Decision

log = logging.getLogger(__name__)
LOG_NAME = REVIEW_LOG


def read_log(out_dir: Path) -> list[Decision]:
    """Every decision ever recorded, oldest first."""
    path = Path(out_dir) / LOG_NAME
    if not path.exists():
        return []
    decisions = []
    with open(path, encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                decisions.append(Decision(**{k: data.get(k) for k in Decision.__slots__}))
            except (json.JSONDecodeError, TypeError) as exc:
                if not line.endswith("\n"):  # the unfinished last line of a write that was killed
                    log.warning("%s:%d: ignoring an unfinished last line", path, lineno)
                    continue
                raise ReviewError(f"{path}:{lineno}: not a review decision ({exc})") from None
    return decisions


def load_decisions(out_dir: Path) -> dict[str, Decision]:
    """The latest decision per fact (the log is in the order decisions were made)."""
    return {d.fact_id: d for d in read_log(out_dir)}


@contextmanager
def locked_log(out_dir: Path) -> Iterator[int]:
    """The log opened for appending (a file descriptor) under an exclusive flock."""
    path = Path(out_dir) / LOG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield fd
    finally:
        os.close(fd)  # releases the lock


def append_decisions(out_dir: Path, decisions: Iterable[Decision]) -> int:
    """Append decisions to the log under its lock; returns how many. Never rewrites old lines."""
    lines = [json.dumps(asdict(d), ensure_ascii=False, allow_nan=False) + "\n" for d in decisions]
    if not lines:
        return 0
    data = "".join(lines).encode("utf-8")
    with locked_log(out_dir) as fd:
        size = os.fstat(fd).st_size
        tail = _unfinished_tail(Path(out_dir) / LOG_NAME, size)
        if tail is not None:
            start, complete = tail
            if complete:  # a last line that lost its newline (edited by hand): keep it, start a new line
                data = b"\n" + data
            else:  # half a line from a killed write: never a decision, cut it off
                log.warning("%s: removing an unfinished last line", Path(out_dir) / LOG_NAME)
                os.ftruncate(fd, start)
                size = start
        try:
            written = 0
            while written < len(data):
                written += os.write(fd, data[written:])
            os.fsync(fd)
        except OSError:
            os.ftruncate(fd, size)  # leave the log as it was
            raise
    return len(lines)


def _unfinished_tail(path: Path, size: int) -> tuple[int, bool] | None:
    """(offset, is valid JSON) of a last line without its newline; None when the file ends cleanly."""
    if not size:
        return None
    with open(path, "rb") as handle:
        start = max(0, size - (1 << 20))
        handle.seek(start)
        chunk = handle.read(size - start)
    if chunk.endswith(b"\n"):
        return None
    cut = chunk.rfind(b"\n") + 1
    try:
        json.loads(chunk[cut:])
        return start + cut, True
    except ValueError:
        return start + cut, False
