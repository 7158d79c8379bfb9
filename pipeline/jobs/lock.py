"""One nightly run at a time: an flock()ed lock file in the extracted-data directory.

fcntl.flock is tied to the open file, so the kernel releases it when the holder exits for any
reason, SIGKILL and power loss included: a lock can never outlive its process on this host.
The file's content (pid, host, start time, run id) is only information, for the message a
second run prints and for noticing that the previous run did not finish. A lock file found
unlocked is therefore stale by definition and is simply taken over. (flock does not work across
NFS clients; keep the extracted-data directory on a local disk.)

One catch: an flock belongs to the open file, and a forked child (an extraction worker) shares
it. Were the run SIGKILLed, its orphaned workers would go on holding the lock and the next run
would be refused, naming the dead pid. So a forked child drops its copy of every lock this
process holds, at once (os.register_at_fork): the lock lives exactly as long as the run itself.
"""
from __future__ import annotations

import fcntl
import json
import logging
import os
import socket
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.layout import LOCK

log = logging.getLogger(__name__)
LOCK_NAME = LOCK
_HELD: set[int] = set()  # file descriptors of the locks this process holds


def _drop_locks_in_child() -> None:
    """In a freshly forked child: point each held lock's descriptor at /dev/null, so the child
    shares no lock with its parent (dup2 keeps the number valid for the file object that owns it)."""
    if not _HELD:
        return
    devnull = os.open(os.devnull, os.O_RDWR)
    try:
        for fd in _HELD:
            try:
                os.dup2(devnull, fd)
            except OSError:
                pass
    finally:
        os.close(devnull)
    _HELD.clear()


os.register_at_fork(after_in_child=_drop_locks_in_child)


class RunLocked(PipelineError):
    """Another run holds the lock."""


class RunLock:
    """`with RunLock(out_dir, run_id):` holds the lock; `previous` is what a dead holder left."""

    def __init__(self, out_dir: Path, run_id: str, started: str):
        self.path = Path(out_dir) / LOCK_NAME
        self.info = {"pid": os.getpid(), "host": socket.gethostname(), "started": started, "run_id": run_id}
        self.previous: dict | None = None
        self._handle = None

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8") or "{}")
        except (OSError, ValueError):
            return {}

    def __enter__(self) -> "RunLock":
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle = open(self.path, "a+", encoding="utf-8")
        except OSError as exc:
            raise PipelineError(f"cannot create the run lock {self.path}: {exc.strerror or exc}") from None
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            holder = self._read()
            who = (f"run {holder.get('run_id', '?')} (pid {holder.get('pid', '?')} on {holder.get('host', '?')}, "
                   f"started {holder.get('started', '?')})") if holder else "another run"
            raise RunLocked(f"{who} is still running on {self.path.parent}; not starting a second one "
                            f"(lock file {self.path})") from None
        handle.seek(0)
        leftover = handle.read().strip()
        if leftover:  # unlocked but not emptied: its run was killed
            try:
                self.previous = json.loads(leftover)
            except ValueError:
                self.previous = {"raw": leftover[:200]}
            log.warning("stale run lock %s cleared: run %s (pid %s on %s, started %s) did not finish",
                        self.path, self.previous.get("run_id", "?"), self.previous.get("pid", "?"),
                        self.previous.get("host", "?"), self.previous.get("started", "?"))
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(self.info) + "\n")
        handle.flush()
        self._handle = handle
        _HELD.add(handle.fileno())
        return self

    def __exit__(self, *exc) -> None:
        # empty the file before unlocking: an empty unlocked file means "finished cleanly"
        _HELD.discard(self._handle.fileno())
        try:
            self._handle.seek(0)
            self._handle.truncate()
            self._handle.flush()
        except OSError:
            pass
        fcntl.flock(self._handle, fcntl.LOCK_UN)
        self._handle.close()
