"""Extraction on a Dask cluster: `chitieu extract --executor dask [--scheduler ADDRESS] [--partitions N]`.

The driver never loads the articles. It plans partitions from paths and offsets only (a slice of
the sorted corpus file list, or a byte range of a JSON Lines file with the line number it starts
at), and each worker reads, hashes and extracts its partition with the rule book and NLP models
cached per worker process (`_book`, `pipeline.nlp`, `subjects.subject_finder`). Results come back
in partition order and go through the same `runner.Ledger` as the local executor, so counts,
skip messages (file:line), duplicate handling, the manifest and the fact order are identical.

Besides facts.parquet / .csv / .jsonl the run writes one Parquet file per input partition into
facts.parquet.d/part-00000.parquet … (the same rows, split by input partition).
"""
from __future__ import annotations

import logging
import math
import os
import shutil
import socket
import time
from array import array
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.atomic import replace_directory
from pipeline.corpus import corpus_documents, iter_corpus_files, jsonl_documents, line_spans
from pipeline.documents import document_of
from pipeline.errors import PipelineError
from pipeline.extract.runner import PARTITIONS_DIR, Ledger, fact_order
from pipeline.extract.workers import Extracted, extract_one, use_rulebook
from pipeline.factstore import FACT_SCHEMA, facts_frame
from pipeline.records import Article, Fact, Skip, content_hash
from pipeline.rules.book import RuleBook, load_rulebook
from pipeline.settings import RULES_DIR
from pipeline.tables.files import write_parquet

log = logging.getLogger(__name__)
DOCS_PER_PARTITION = 250  # default partition size: small enough to balance, large enough to amortise a task
MISSING_DASK = "the dask executor needs Dask: pip install 'chitieu[dask]'"


@dataclass(frozen=True, slots=True)
class Partition:
    """A slice of the input named by paths or offsets: what a worker reads, not what it contains."""

    index: int
    files: tuple[str, ...] = ()  # corpus documents, or
    path: str = ""  # a JSON Lines file read from byte `start` to `end`, whose line `first_line` is at `start`
    start: int = 0
    end: int = 0
    first_line: int = 1


@dataclass(frozen=True, slots=True)
class DocResult:
    """One document as a worker saw it; `facts` is None when it failed (`error`) or was unchanged."""

    doc_id: str
    digest: str
    size: int
    result: Extracted | None  # None when unchanged
    source: str = ""
    line: int | None = None
    unchanged: bool = False
    document: object = None  # documents.Document: the article's row of documents.parquet


def require_dask():
    """distributed.Client and LocalCluster, or a PipelineError saying how to install them."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise PipelineError(MISSING_DASK) from None
    return Client, LocalCluster


# ---------------------------------------------------------------- planning (driver, no article read)
def plan_partitions(*, corpus_dir: Path | None, input_path: Path | None, partitions: int | None,
                    parallelism: int) -> list[Partition]:
    """Split the input into `partitions` slices (default: ~250 documents each, at least 4 per worker)."""
    if input_path is not None:
        return _plan_jsonl(Path(input_path), partitions, parallelism)
    if corpus_dir is None:
        raise PipelineError("give a corpus directory or an --input JSON Lines file")
    files = [str(p) for p in iter_corpus_files(Path(corpus_dir))]
    n = _count(len(files), partitions, parallelism)
    size = math.ceil(len(files) / n) if files else 0
    return [Partition(k, files=tuple(files[k * size:(k + 1) * size])) for k in range(n)]


def _count(items: int, partitions: int | None, parallelism: int) -> int:
    if partitions is not None and partitions < 1:
        raise PipelineError("--partitions must be at least 1")
    wanted = partitions or max(4 * parallelism, math.ceil(items / DOCS_PER_PARTITION))
    return max(1, min(wanted, items))


def _plan_jsonl(path: Path, partitions: int | None, parallelism: int) -> list[Partition]:
    """Byte ranges of whole lines, cut at the starts of non-blank lines (no JSON is parsed here)."""
    offsets, lines = array("q"), array("q")
    position = 0
    try:
        with path.open("rb") as handle:  # an over-long line is skipped in small reads (the worker reports it)
            for lineno, (start, raw, length) in enumerate(line_spans(handle), start=1):
                if raw is None or raw.strip():
                    offsets.append(start)
                    lines.append(lineno)
                position = start + length
    except OSError as exc:
        raise PipelineError(f"{path}: cannot open: {exc.strerror}") from None
    if not offsets:
        return [Partition(0, path=str(path), start=0, end=position)]
    n = _count(len(offsets), partitions, parallelism)
    step = math.ceil(len(offsets) / n)
    firsts = range(0, len(offsets), step)
    bounds = [offsets[k] for k in firsts] + [position]
    return [Partition(i, path=str(path), start=bounds[i], end=bounds[i + 1], first_line=lines[k])
            for i, k in enumerate(firsts)]


# ---------------------------------------------------------------- worker side
_BOOKS: dict[str, RuleBook] = {}


def _book(rules_dir: str, version: str) -> RuleBook:
    """The rule book, loaded once per worker process; it must be the driver's version."""
    book = _BOOKS.get(rules_dir)
    if book is None or book.version != version:
        book = _BOOKS[rules_dir] = load_rulebook(Path(rules_dir))
    if book.version != version:
        raise PipelineError(f"rules at {rules_dir} on worker {socket.gethostname()} are version {book.version}, "
                            f"the driver's are {version}: deploy the same rules/ and chitieu code everywhere")
    return book


def _articles(part: Partition, on_error) -> Iterator[tuple[Article, str, int | None]]:
    if part.path:
        for article, line in jsonl_documents(Path(part.path), on_error, start=part.start, end=part.end,
                                             first_line=part.first_line):
            yield article, part.path, line
        return
    for article, path in corpus_documents(part.files, on_error):
        yield article, path, None


def extract_partition(part: Partition, rules_dir: str, version: str,
                      known: dict[str, str]) -> list[DocResult | Skip]:
    """Run on a worker: per document a DocResult, per unreadable one a Skip record, in input order.

    `known` maps the document ids of the previous run (same rules version) to their content hash:
    an unchanged document is only hashed, its facts are reused by the driver.
    """
    use_rulebook(_book(rules_dir, version))  # what extract_one uses, as in the local pool
    out: list[DocResult | Skip] = []
    for article, source, line in _articles(part, lambda exc: out.append(Skip.from_error(exc))):
        digest = content_hash(article)
        size = len(article.text.encode("utf-8"))
        if known.get(article.id) == digest:
            out.append(DocResult(article.id, digest, size, None, source, line, unchanged=True,
                                 document=document_of(article, digest)))
            continue
        out.append(DocResult(article.id, digest, size, extract_one(article), source, line,
                             document=document_of(article, digest)))
    return out


# ---------------------------------------------------------------- driver
@contextmanager
def dask_client(scheduler: str | None, workers: int | None):
    """A Client of the cluster at `scheduler`, or of a LocalCluster of `workers` processes."""
    Client, LocalCluster = require_dask()
    if not log.isEnabledFor(logging.DEBUG):  # Dask's own INFO chatter (and shutdown tracebacks) only with -vv
        logging.getLogger("distributed").setLevel(logging.WARNING)
    if scheduler:
        try:
            client = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise PipelineError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            yield client
        return
    n = workers or os.cpu_count() or 1
    with LocalCluster(**local_cluster_options(n)) as cluster, \
            Client(cluster) as client:
        yield client


def local_cluster_options(n_workers: int) -> dict:
    """A LocalCluster of single-threaded worker processes, dashboard off; the scheduler's small
    HTTP (health) server takes a free port so a second cluster never clashes over 8787."""
    return dict(n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
                silence_logs=logging.WARNING,
                scheduler_kwargs={"dashboard": False, "dashboard_address": "127.0.0.1:0"})


def run_dask_extraction(*, corpus_dir: Path | None = None, input_path: Path | None = None,
                        out_dir: Path = Path("extracted"), rules_dir: Path = RULES_DIR, workers: int | None = None,
                        incremental: bool = True, progress: bool | None = None, scheduler: str | None = None,
                        partitions: int | None = None, sources_file: Path | None = None):
    """Like runner.run_local_extraction, on Dask; also writes facts.parquet.d/part-NNNNN.parquet."""
    started = time.perf_counter()
    require_dask()
    book = load_rulebook(rules_dir)  # fail on a broken rule file before any work is sent out
    out_dir = Path(out_dir)
    ledger = Ledger(out_dir, book, incremental, sources_file)
    known = {doc: e["hash"] for doc, e in ledger.old_manifest.items() if e.get("rules") == book.version}
    with dask_client(scheduler, workers) as client:
        parts = _run(client, ledger, book, corpus_dir, input_path, partitions, known, progress)
    _write_partitions(out_dir, parts)
    return ledger.write(started)


def _run(client, ledger: Ledger, book: RuleBook, corpus_dir, input_path, partitions, known, progress) -> list[list[Fact]]:
    """Send the partitions out (a bounded window ahead), feed the results to the ledger in order."""
    from pipeline.progress import bar_logging, progress_bar

    parallelism = max(1, sum(client.nthreads().values()))
    plan = plan_partitions(corpus_dir=corpus_dir, input_path=input_path, partitions=partitions,
                           parallelism=parallelism)
    log.info("dask: %d partitions on %d worker threads", len(plan), parallelism)
    [known_ref] = client.scatter([known], broadcast=True)
    rules_dir = str(Path(book.rules_dir).resolve())
    window = deque()
    todo = iter(plan)
    by_part: list[list[Fact]] = []
    with progress_bar("extract", "doc", progress) as bar, \
            bar_logging(not bar.disable):
        while True:
            while len(window) < 3 * parallelism and (part := next(todo, None)) is not None:
                window.append(client.submit(extract_partition, part, rules_dir, book.version, known_ref, pure=False))
            if not window:
                break
            future = window.popleft()
            try:
                results = future.result()
            except PipelineError:
                raise
            except Exception as exc:  # a lost worker or a scheduler error ends the run: say so plainly
                raise PipelineError(f"dask: partition failed: {type(exc).__name__}: {exc}") from exc
            future.release()
            first = len(ledger.facts)
            for item in results:
                if isinstance(item, Skip):  # an unreadable document, named by file and line
                    ledger.skip(item)
                    continue
                bar.update(1)
                status = ledger.admit(item.doc_id, item.digest, item.size, item.source, item.line, item.document)
                if status == "new":
                    if item.unchanged:  # cannot happen: worker and driver compare the same hashes
                        raise PipelineError(f"{item.doc_id}: worker reused facts the driver does not have")
                    ledger.done(item.result)
            by_part.append(ledger.facts[first:])
    return by_part


def _write_partitions(out_dir: Path, parts: list[list[Fact]]) -> None:
    """facts.parquet.d/part-NNNNN.parquet, swapped in whole: readers see the old or the new set."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for leftover in out_dir.glob(f".{PARTITIONS_DIR}.*"):  # from a killed run (runs never overlap)
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)
        else:
            leftover.unlink(missing_ok=True)
    with replace_directory(out_dir / PARTITIONS_DIR) as staging:
        for k, facts in enumerate(parts):
            write_parquet(staging / f"part-{k:05d}.parquet", facts_frame(sorted(facts, key=fact_order)), FACT_SCHEMA)
