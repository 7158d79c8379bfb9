"""Progress bars and log lines on one terminal: warnings are printed above the bar, not through it."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager


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
