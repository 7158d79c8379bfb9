"""The extraction worker: one document in, its facts (or why there are none) out, and the pool
of worker processes that runs it.

Whatever one document does to its worker, the run goes on: an exception is caught and named
(RecursionError and MemoryError included); a worker process that dies (the OOM killer, a crash in
native code) breaks the pool, which concurrent.futures reports as BrokenProcessPool instead of
waiting for ever as multiprocessing.Pool does; the documents that were in flight are then run
again one at a time in a one-worker pool, so the document that kills its worker is found, skipped
and named, and the others are extracted normally.
"""
from __future__ import annotations

import ctypes
import logging
import math
import multiprocessing as mp
import os
import signal
import traceback
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.extract import extract_facts
from pipeline.normalize import normalize_text
from pipeline.records import Article, Fact
from pipeline.rules.book import RuleBook, load_rulebook

log = logging.getLogger(__name__)
MAX_FACTS_PER_DOCUMENT = 2000  # a real article has at most a few hundred; a hostile page has 40,000
MAX_STORED_SENTENCE = 1000  # characters of `sentence` kept around the figure (the whole sentence when shorter)
MAX_WORKER_DEATHS = 5  # documents that killed their worker before the run gives up: something else is wrong
WORKER_DIED = "worker process died"
NUMBER_FIELDS = ("value", "value_max", "numerator", "denominator")


@dataclass(frozen=True, slots=True)
class Extracted:
    """The worker's answer for one document: facts, or None and the reason when extraction failed;
    `dropped` counts facts left out by reason (a non-finite value, over the per-document cap)."""

    doc_id: str
    facts: list[Fact] | None
    error: str = ""
    reason: str = ""
    dropped: dict[str, int] = field(default_factory=dict)


# ---------------------------------------------------------------- worker side
_BOOK: RuleBook | None = None


def init_worker(rules_dir: str, parent: int | None = None) -> None:
    """Load the rule book once per worker process; die with the parent (see _die_with_parent)."""
    global _BOOK
    if parent is not None:
        _die_with_parent(parent)
    _BOOK = load_rulebook(Path(rules_dir))


def use_rulebook(book: RuleBook) -> None:
    """Extract with `book` in this process (one worker, or a Dask worker that loaded it itself)."""
    global _BOOK
    _BOOK = book


def _die_with_parent(parent: int) -> None:
    """Ask the kernel to SIGKILL this worker when its parent dies (Linux), so a killed
    `chitieu run` leaves no orphan working on for minutes; the parent check closes the race with
    a parent that died before the request."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def extract_one(article: Article) -> Extracted:
    """Run in a worker: the document's facts within the limits, or the reason it failed."""
    try:
        facts = extract_facts(article, _BOOK)
        return limit_facts(article, facts)
    except Exception as exc:  # one bad document must not end a nightly run (RecursionError included)
        log.debug("extractor failed on %s:\n%s", article.id, traceback.format_exc())
        return Extracted(article.id, None, f"{type(exc).__name__}: {str(exc)[:300]}", "extraction failed")


def _finite(fact: Fact) -> bool:
    return all(v is None or math.isfinite(v) for v in (getattr(fact, name) for name in NUMBER_FIELDS))


def limit_facts(article: Article, facts: list[Fact]) -> Extracted:
    """Drop facts with a non-finite number, keep at most MAX_FACTS_PER_DOCUMENT (in text order)
    and at most MAX_STORED_SENTENCE characters of each sentence, counting what was left out."""
    dropped: dict[str, int] = {}
    kept = [f for f in facts if _finite(f)]
    if len(kept) < len(facts):
        dropped["non-finite value"] = len(facts) - len(kept)
    if len(kept) > MAX_FACTS_PER_DOCUMENT:
        dropped["over the per-document cap"] = len(kept) - MAX_FACTS_PER_DOCUMENT
        kept = kept[:MAX_FACTS_PER_DOCUMENT]
    if any(len(f.sentence) > MAX_STORED_SENTENCE for f in kept):
        texts: dict[str, str] = {}
        kept = [_short_sentence(f, article, texts) if len(f.sentence) > MAX_STORED_SENTENCE else f for f in kept]
    return Extracted(article.id, kept, dropped=dropped)


def _short_sentence(fact: Fact, article: Article, texts: dict[str, str]) -> Fact:
    """The fact with `sentence` cut to a window of the sentence around its figure, still a piece
    of the article's text (the review sheet finds it there), cut at spaces."""
    if fact.field not in texts:
        texts[fact.field] = normalize_text(getattr(article, fact.field) or "")
    text, sentence = texts[fact.field], fact.sentence
    begin = text.find(sentence, max(0, fact.end - len(sentence)), fact.start + len(sentence))
    pos = fact.start - begin if begin >= 0 else max(0, sentence.find(fact.text))
    size = len(fact.text)
    margin = max(0, (MAX_STORED_SENTENCE - size) // 2)
    lo, hi = max(0, pos - margin), min(len(sentence), pos + size + margin)
    earlier = sentence.rfind(fact.text, lo, pos + size - 1) if size else -1
    if earlier >= 0:  # the figure's own text must be the first one in the window (the review marks that)
        lo = earlier + 1
    space = sentence.find(" ", lo, pos)
    lo = space + 1 if lo and space >= 0 else lo
    space = sentence.rfind(" ", pos + size, hi)
    hi = space if hi < len(sentence) and space >= 0 else hi
    return replace(fact, sentence=sentence[lo:hi])


# ---------------------------------------------------------------- the pool
def extract_all(articles: Iterable[Article], rules_dir: Path, workers: int,
                book: RuleBook | None = None) -> Iterator[Extracted]:
    """Extracted results in input order; `workers` processes (1: in this process, with `book`)."""
    if workers <= 1:
        use_rulebook(book if book is not None else load_rulebook(rules_dir))
        yield from map(extract_one, articles)
        return
    yield from _Pool(str(rules_dir), workers).map(articles)


class _Pool:
    """ProcessPoolExecutor with a bounded window of documents in flight, recovering from dead workers."""

    def __init__(self, rules_dir: str, workers: int):
        self.rules_dir = rules_dir
        self.workers = workers
        self.deaths = 0

    def _executor(self, workers: int) -> ProcessPoolExecutor:
        # fork: the parent's imports are shared and each worker loads its models once
        return ProcessPoolExecutor(workers, mp_context=mp.get_context("fork"), initializer=init_worker,
                                   initargs=(self.rules_dir, os.getpid()))

    def map(self, articles: Iterable[Article]) -> Iterator[Extracted]:
        todo = iter(articles)
        window: deque[tuple[Article, Future]] = deque()
        executor = self._executor(self.workers)
        try:
            while True:
                while len(window) < 4 * self.workers and (article := next(todo, None)) is not None:
                    window.append((article, executor.submit(extract_one, article)))
                if not window:
                    return
                article, future = window.popleft()
                try:
                    result = future.result()
                except BrokenProcessPool:
                    pass
                except Exception as exc:  # the result did not come back (could not be pickled …)
                    yield Extracted(article.id, None, f"{type(exc).__name__}: {exc}", "extraction failed")
                    continue
                else:
                    yield result
                    continue
                suspects = [(article, future)] + list(window)
                window.clear()
                executor.shutdown(wait=True, cancel_futures=True)
                log.warning("an extraction worker died; running the %d documents in flight one at a time",
                            len(suspects))
                yield from self._isolate(suspects)
                executor = self._executor(self.workers)
        finally:
            executor.shutdown(wait=True, cancel_futures=True)

    def _isolate(self, suspects: list[tuple[Article, Future]]) -> Iterator[Extracted]:
        """Results of the documents in flight when the pool broke: those that finished as they
        are, the others again one at a time, so only the document that kills a worker fails."""
        solo = None
        try:
            for article, future in suspects:
                if future.done() and not future.cancelled() and future.exception() is None:
                    yield future.result()
                    continue
                solo = solo or self._executor(1)
                try:
                    yield solo.submit(extract_one, article).result()
                except BrokenProcessPool:
                    solo.shutdown(wait=True)
                    solo = None
                    self.deaths += 1
                    log.error("%s: the extraction worker died on this document (killed by the system, "
                              "out of memory?)", article.id)
                    if self.deaths > MAX_WORKER_DEATHS:
                        raise PipelineError(f"extraction workers died on {self.deaths} documents; stopping "
                                            "(not enough memory? see the system log)") from None
                    yield Extracted(article.id, None, "the worker process was killed while extracting it "
                                    "(out of memory?)", WORKER_DIED)
        finally:
            if solo is not None:
                solo.shutdown(wait=True)
