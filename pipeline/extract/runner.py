"""Run extraction over a corpus directory or a JSON Lines file and write extracted/facts.*.

Incremental: a manifest remembers each document's content hash and the rules version it was
extracted with; unchanged documents reuse their previous facts. Bad documents are reported with
file and line, skipped and counted; the run goes on.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing as mp
import os
import shutil
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corpus import atomic_write_text, iter_articles, iter_jsonl
from pipeline.documents import document_of, load_home_areas, write_documents
from pipeline.errors import InputError, PipelineError
from pipeline.extract import extract_facts
from pipeline.extract.rulebook import RuleBook, load_rulebook
from pipeline.factstore import read_facts, write_facts
from pipeline.records import Article, Fact
from pipeline.settings import RULES_DIR

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"
PARTITIONS_DIR = "facts.parquet.d"  # written by the Dask executor only


@dataclass
class ExtractSummary:
    documents: int = 0
    extracted: int = 0  # documents run through the extractor this time
    reused: int = 0  # unchanged documents whose facts were kept
    facts: int = 0
    new_facts: int = 0
    skipped: int = 0
    bytes: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    rules_version: str = ""

    @property
    def exit_code(self) -> int:
        if self.skipped and not self.documents:
            return 2
        return 1 if self.skipped else 0

    def line(self) -> str:
        return (f"extract: {self.documents} documents ({self.extracted} extracted, {self.reused} unchanged), "
                f"{self.facts} facts ({self.new_facts} new), {self.skipped} skipped, "
                f"{self.bytes / 1024:.0f} KB in {self.seconds:.1f} s")


def content_hash(article: Article) -> str:
    payload = json.dumps([article.title, article.text, article.published, article.url], ensure_ascii=False)
    return hashlib.sha1(payload.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- worker side
_BOOK: RuleBook | None = None


def _init_worker(rules_dir: str) -> None:
    global _BOOK
    _BOOK = load_rulebook(Path(rules_dir))


def _extract_one(article: Article) -> tuple[str, list[Fact] | None, str]:
    """Run in a worker: facts, or None and the reason when the extractor itself failed."""
    try:
        return article.id, extract_facts(article, _BOOK), ""
    except Exception as exc:  # one bad document must not end a nightly run
        log.debug("extractor failed on %s:\n%s", article.id, traceback.format_exc())
        return article.id, None, f"{type(exc).__name__}: {exc}"


def _map(articles: Iterable[Article], rules_dir: Path, workers: int) -> Iterator[tuple[str, list[Fact] | None, str]]:
    if workers <= 1:
        _init_worker(str(rules_dir))
        yield from map(_extract_one, articles)
        return
    context = mp.get_context("fork")  # models are loaded once per worker; fork is safe and cheap here
    with context.Pool(workers, initializer=_init_worker, initargs=(str(rules_dir),)) as pool:
        yield from pool.imap(_extract_one, articles, chunksize=4)


# ---------------------------------------------------------------- driver
def _load_previous(out_dir: Path) -> tuple[dict, dict[str, list[dict]]]:
    """The manifest and the facts of the previous run, grouped by document."""
    manifest_path = out_dir / MANIFEST
    if not manifest_path.exists():
        return {}, {}
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        frame = read_facts(out_dir)
    except (ValueError, OSError, PipelineError) as exc:
        log.warning("%s: previous results unreadable (%s); extracting everything again", out_dir, exc)
        return {}, {}
    by_doc: dict[str, list[dict]] = {}
    for record in frame.to_dict("records"):
        by_doc.setdefault(record["doc_id"], []).append(record)
    return manifest.get("documents", {}), by_doc


class Ledger:
    """The bookkeeping of one run, shared by every executor: counts, skips with their reasons, the
    new manifest and the facts, fed one document at a time in input order."""

    def __init__(self, out_dir: Path, book: RuleBook, incremental: bool, sources_file: Path | None = None):
        self.out_dir = Path(out_dir)
        self.homes = load_home_areas(sources_file or Path(book.rules_dir) / "sources.toml")  # checked up front
        self.infer_home = book.gazetteer.home_area if book.gazetteer else None
        self.documents: dict = {}  # doc_id → documents.Document, written beside the facts
        self.version = book.version
        self.summary = ExtractSummary(rules_version=book.version)
        self.old_manifest, self.old_facts = _load_previous(self.out_dir) if incremental else ({}, {})
        self.old_ids = {r["fact_id"] for records in self.old_facts.values() for r in records}
        self.manifest: dict[str, dict] = {}
        self.facts: list[Fact] = []
        self.pending: set[str] = set()

    def skip(self, exc: InputError | str) -> None:
        """A document that could not be read or extracted: counted and reported, never fatal."""
        self.summary.skipped += 1
        self.summary.errors.append(str(exc))
        log.warning("skipped %s", exc)

    def admit(self, doc_id: str, digest: str, size: int, document=None) -> str:
        """Register a document read from the input: "duplicate", "reused" (facts kept) or "new"."""
        if doc_id in self.manifest or doc_id in self.pending:
            self.skip(InputError(f"duplicate document id {doc_id}; first one kept"))
            return "duplicate"
        if document is not None:
            self.documents[doc_id] = document
        self.summary.documents += 1
        self.summary.bytes += size
        entry = {"hash": digest, "rules": self.version}
        self.manifest[doc_id] = entry
        if self.old_manifest.get(doc_id) == entry:  # unchanged text, same rules: keep its facts
            self.facts.extend(Fact.from_dict(_clean(r)) for r in self.old_facts.get(doc_id, []))
            self.summary.reused += 1
            return "reused"
        self.pending.add(doc_id)
        return "new"

    def done(self, doc_id: str, facts: list[Fact] | None, error: str) -> None:
        """The extractor's answer for an admitted new document (None and a reason when it failed)."""
        self.pending.discard(doc_id)
        if facts is None:
            self.manifest.pop(doc_id, None)
            self.documents.pop(doc_id, None)
            self.summary.documents -= 1
            self.skip(InputError(f"extraction failed: {error}", source=doc_id))
            return
        self.summary.extracted += 1
        self.facts.extend(facts)

    def write(self, started: float) -> ExtractSummary:
        """Sort the facts, write facts.* and then the manifest (last: it decides what is reused)."""
        self.facts.sort(key=fact_order)
        summary = self.summary
        summary.facts = len(self.facts)
        summary.new_facts = sum(1 for f in self.facts if f.fact_id not in self.old_ids)
        write_facts(self.out_dir, self.facts)
        write_documents(self.out_dir, self.documents.values(), self.homes, self.infer_home)
        atomic_write_text(self.out_dir / MANIFEST, json.dumps(
            {"rules_version": self.version, "documents": self.manifest}, ensure_ascii=False, indent=1, sort_keys=True))
        summary.seconds = time.perf_counter() - started
        return summary


def fact_order(fact: Fact) -> tuple:
    """The order of facts in every output: by document, title first, then position."""
    return fact.doc_id, fact.field != "title", fact.start, fact.end, fact.kind


def open_source(corpus_dir: Path | None, input_path: Path | None, on_error) -> Iterable[Article]:
    """The articles of a JSON Lines file or of a corpus directory, bad ones reported to `on_error`."""
    if input_path is not None:
        return iter_jsonl(Path(input_path), on_error)
    if corpus_dir is not None:
        return iter_articles(Path(corpus_dir), on_error)
    raise PipelineError("give a corpus directory or an --input JSON Lines file")


def run_extraction(*, corpus_dir: Path | None = None, input_path: Path | None = None,
                   out_dir: Path = Path("extracted"), rules_dir: Path = RULES_DIR, workers: int | None = None,
                   incremental: bool = True, progress: bool | None = None, executor: str = "local",
                   scheduler: str | None = None, partitions: int | None = None,
                   sources_file: Path | None = None) -> ExtractSummary:
    """Extract facts from every document and write facts.csv / .parquet / .jsonl + manifest.

    `executor="local"` uses worker processes on this machine; `"dask"` runs on a Dask cluster
    (`scheduler` address, or a LocalCluster of `workers` processes) and also writes
    facts.parquet.d/ partitions, see pipeline.extract.distributed.
    """
    if executor == "dask":
        from pipeline.extract.distributed import run_dask_extraction

        return run_dask_extraction(corpus_dir=corpus_dir, input_path=input_path, out_dir=out_dir,
                                   rules_dir=rules_dir, workers=workers, incremental=incremental,
                                   progress=progress, scheduler=scheduler, partitions=partitions,
                                   sources_file=sources_file)
    if executor != "local":
        raise PipelineError(f"unknown executor {executor!r}; use 'local' or 'dask'")
    started = time.perf_counter()
    book = load_rulebook(rules_dir)  # fail on a broken rule file before reading any document
    ledger = Ledger(out_dir, book, incremental, sources_file)
    source = open_source(corpus_dir, input_path, ledger.skip)

    def todo() -> Iterator[Article]:
        for article in source:
            digest = content_hash(article)
            if ledger.admit(article.id, digest, len(article.text.encode("utf-8")), document_of(article, digest)) == "new":
                yield article

    from tqdm import tqdm

    workers = workers or os.cpu_count() or 1
    with tqdm(desc="extract", unit="doc", disable=True if progress is False else None) as bar:
        for doc_id, doc_facts, error in _map(todo(), book.rules_dir, workers):
            bar.update(1)
            ledger.done(doc_id, doc_facts, error)
    remove_partitions(Path(out_dir))
    return ledger.write(started)


def remove_partitions(out_dir: Path) -> None:
    """Drop the facts.parquet.d/ of an earlier Dask run so no stale partition outlives facts.parquet."""
    stale = out_dir / PARTITIONS_DIR
    if stale.is_dir():
        shutil.rmtree(stale, ignore_errors=True)


def _clean(record: dict) -> dict:
    """A fact row read back from Parquet: NaN → None, numpy ints → int."""
    out = {}
    for key, value in record.items():
        if isinstance(value, float) and value != value:
            value = None
        elif hasattr(value, "item"):
            value = value.item()
        out[key] = value
    return out
