"""Progress bars and log lines on one terminal: warnings are printed above the bar, not through it."""
from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager


def progress_bar(desc: str, unit: str, enabled: bool | None = None):
    """A tqdm bar on stderr. `enabled=None` lets tqdm decide (no bar when stderr is not a terminal);
    False never shows one (--quiet, progress=False)."""
    from tqdm import tqdm

    return tqdm(desc=desc, unit=unit, disable=True if enabled is False else None, file=sys.stderr)


@contextmanager
def bar_logging(enabled: bool = True) -> Iterator[None]:
    """While a tqdm bar is shown, send console log records through tqdm.write (tqdm's logging
    redirect), keeping the console handler's level (--quiet, -v) and leaving log files alone."""
    if not enabled:
        yield
        return
    from tqdm.contrib.logging import _TqdmLoggingHandler, logging_redirect_tqdm

    root = logging.getLogger()
    console = [h for h in root.handlers if type(h) is logging.StreamHandler]
    level = min((h.level for h in console), default=logging.NOTSET)
    with logging_redirect_tqdm():
        for handler in root.handlers:
            if isinstance(handler, _TqdmLoggingHandler):
                handler.setLevel(level)
        yield
