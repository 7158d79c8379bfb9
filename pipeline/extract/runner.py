"""Run extraction over a corpus directory or a JSON Lines file and write extracted/facts.*.

Incremental: a manifest remembers each document's content hash and the rules version it was
extracted with; unchanged documents reuse their previous facts. Bad documents are reported with
file and line, skipped and counted; the run goes on (pipeline.extract.workers: exceptions, dead
workers, per-document limits).

facts.* and manifest.json are one generation: the manifest is written last and names the
generation of the facts it describes (also stored in facts.parquet). A run killed between the two
leaves facts and a manifest of different generations; the next run notices and extracts every
document again instead of trusting a manifest whose facts are not there.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.atomic import atomic_write_json
from pipeline.corpus import corpus_documents, iter_corpus_files, jsonl_documents
from pipeline.documents import document_of, load_home_areas, write_documents
from pipeline.errors import InputError, PipelineError
from pipeline.extract.workers import Extracted, extract_all
from pipeline.factstore import facts_generation, read_facts, write_facts
from pipeline.layout import MANIFEST, PARTITIONS_DIR  # facts.parquet.d/: written by the Dask executor only
from pipeline.records import Article, Fact, Skip, content_hash
from pipeline.rules.book import RuleBook, load_rulebook
from pipeline.settings import RULES_DIR
from pipeline.stages import StageReport, status_of

log = logging.getLogger(__name__)


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
    skips: list[Skip] = field(default_factory=list)
    dropped: Counter = field(default_factory=Counter)  # facts left out, by reason
    rules_version: str = ""
    written: bool = False
    full_rerun: str = ""  # why every document was extracted again, when it was

    @property
    def errors(self) -> list[str]:
        return [s.message for s in self.skips]

    @property
    def failed_by_reason(self) -> Counter:
        return Counter(s.reason for s in self.skips)

    @property
    def exit_code(self) -> int:
        """0 all good; 1 some documents skipped or facts dropped; 2 nothing could be done."""
        if self.skipped and not self.documents:
            return 2
        return 1 if self.skipped or self.dropped else 0

    def stage_report(self, moved: list[tuple[Path, str]] = ()) -> StageReport:
        """This extraction as a stage of the nightly run reports it; `moved`: the documents the run
        quarantined after it (path, reason)."""
        counts = {"documents": self.documents, "extracted": self.extracted, "unchanged": self.reused,
                  "facts": self.facts, "new_facts": self.new_facts, "skipped": self.skipped, "failed": self.skipped,
                  "quarantined": len(moved), "facts_left_out": dict(self.dropped), "rules_version": self.rules_version}
        messages = self.errors[:20] + [f"quarantined: {path} ({reason})" for path, reason in moved]
        if self.full_rerun:
            messages.append(f"every document extracted again: {self.full_rerun}")
        line = self.line().removeprefix("extract: ") + (f", {len(moved)} quarantined" if moved else "")
        return StageReport("extract", status_of(self.exit_code), counts=counts, failures=dict(self.failed_by_reason),
                           messages=messages, line=line,
                           error=f"no document could be read: {line}" if self.exit_code == 2 else None)

    def line(self) -> str:
        """The one-line summary; counters that are zero are left out."""
        parts = [("extracted", self.extracted), ("unchanged", self.reused)]
        detail = ", ".join(f"{n} {what}" for what, n in parts if n)
        text = f"extract: {self.documents} documents" + (f" ({detail})" if detail else "")
        text += f", {self.facts} facts" + (f" ({self.new_facts} new)" if self.new_facts else "")
        if self.skipped:
            reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed_by_reason.items()))
            text += f", {self.skipped} skipped ({reasons})"
        if self.dropped:
            text += ", facts left out: " + ", ".join(f"{n} {why}" for why, n in sorted(self.dropped.items()))
        size = f"{self.bytes / 1024:.0f} KB" if self.bytes >= 1024 else f"{self.bytes} bytes"
        return text + (f", {size}" if self.bytes else "") + f" in {self.seconds:.1f} s"


# ---------------------------------------------------------------- driver
def _load_previous(out_dir: Path) -> tuple[dict, dict[str, list[dict]], str]:
    """The manifest and the facts of the previous run, grouped by document, or nothing (and why)
    when they are unreadable or not of one generation."""
    manifest_path = out_dir / MANIFEST
    if not manifest_path.exists():
        return {}, {}, ""
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        generation = facts_generation(out_dir)
        frame = read_facts(out_dir)
    except (ValueError, OSError, PipelineError) as exc:
        why = f"previous results unreadable ({exc})"
        log.warning("%s: %s; extracting everything again", out_dir, why)
        return {}, {}, why
    if not isinstance(manifest, dict) or manifest.get("generation") is None \
            or manifest.get("generation") != generation:
        why = (f"facts.parquet (generation {generation}) and {MANIFEST} (generation "
               f"{manifest.get('generation') if isinstance(manifest, dict) else None}) are not from the same run")
        log.warning("%s: %s (an interrupted run?); extracting everything again", out_dir, why)
        return {}, {}, why
    by_doc: dict[str, list[dict]] = {}
    for record in frame.to_dict("records"):
        by_doc.setdefault(record["doc_id"], []).append(record)
    return manifest.get("documents", {}), by_doc, ""


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
        self.old_manifest, self.old_facts, self.summary.full_rerun = (
            _load_previous(self.out_dir) if incremental else ({}, {}, ""))
        self.old_ids = {r["fact_id"] for records in self.old_facts.values() for r in records}
        self.manifest: dict[str, dict] = {}
        self.facts: list[Fact] = []
        self.pending: dict[str, tuple[str | None, int | None]] = {}  # doc id → where it was read
        self.failed = 0  # documents the extractor failed on

    def skip(self, problem: InputError | Skip) -> None:
        """A document that could not be read or extracted: counted and reported, never fatal."""
        if isinstance(problem, InputError):
            problem = Skip.from_error(problem)
        self.summary.skipped += 1
        self.summary.skips.append(problem)
        log.warning("skipped %s", problem.message)

    def admit(self, doc_id: str, digest: str, size: int, source: str | None = None, line: int | None = None,
              document=None) -> str:
        """Register a document read from the input: "duplicate", "reused" (facts kept) or "new"."""
        if doc_id in self.manifest or doc_id in self.pending:
            message = str(InputError(f"duplicate document id {doc_id}; first one kept", source=source, line=line))
            self.skip(Skip(message, "duplicate document id", source, line, doc_id, readable=True))
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
        self.pending[doc_id] = (source, line)
        return "new"

    def done(self, result: Extracted) -> None:
        """The extractor's answer for an admitted new document."""
        source, line = self.pending.pop(result.doc_id, (None, None))
        if result.facts is None:
            self.manifest.pop(result.doc_id, None)
            self.documents.pop(result.doc_id, None)
            self.summary.documents -= 1
            self.failed += 1
            where = source or result.doc_id
            message = str(InputError(f"{result.reason or 'extraction failed'}: {result.error} "
                                     f"(document {result.doc_id})", source=where, line=line))
            self.skip(Skip(message, result.reason or "extraction failed", source, line, result.doc_id, readable=True))
            return
        self.summary.extracted += 1
        self.facts.extend(result.facts)
        for reason, n in result.dropped.items():
            self.summary.dropped[reason] += n
            where = f"{source}:{line}" if source and line else (source or result.doc_id)
            log.warning("%s: %d facts left out (%s)", where, n, reason)

    def write(self, started: float) -> ExtractSummary:
        """Sort the facts, write facts.* and then the manifest of the same generation.

        Nothing is written when there was input but not one document could be read or extracted:
        the previous facts stay (a broken extractor must not replace them with an empty table)."""
        summary = self.summary
        summary.seconds = time.perf_counter() - started
        if self.failed and not summary.extracted and not summary.reused and self.failed > 1:
            first = next(s.message for s in summary.skips if s.readable)
            raise PipelineError(f"the extractor failed on every document it tried ({self.failed}); "
                                f"previous facts kept. First: {first}")
        if summary.skipped and not summary.documents:
            return summary
        self.facts.sort(key=fact_order)
        summary.facts = len(self.facts)
        summary.new_facts = sum(1 for f in self.facts if f.fact_id not in self.old_ids)
        generation = _generation(self.version, self.manifest, self.facts)
        write_facts(self.out_dir, self.facts, generation=generation)
        write_documents(self.out_dir, self.documents.values(), self.homes, self.infer_home)
        atomic_write_json(self.out_dir / MANIFEST, {"rules_version": self.version, "generation": generation,
                                                    "facts": len(self.facts), "documents": self.manifest},
                          sort_keys=True)
        summary.written = True
        summary.seconds = time.perf_counter() - started
        return summary


def _generation(version: str, manifest: dict, facts: list[Fact]) -> str:
    """A token naming this set of facts and manifest: derived from their content, so the same
    results give the same bytes, and a facts file written by a different run has another one."""
    digest = hashlib.sha256(json.dumps([version, manifest], sort_keys=True).encode())
    for fact in facts:
        digest.update(fact.fact_id.encode() + b"\0")
    return digest.hexdigest()[:16]


def fact_order(fact: Fact) -> tuple:
    """The order of facts in every output: by document, title first, then position."""
    return fact.doc_id, fact.field != "title", fact.start, fact.end, fact.kind


def open_source(corpus_dir: Path | None, input_path: Path | None,
                on_error) -> Iterable[tuple[Article, str, int | None]]:
    """(article, file, line) of a JSON Lines file or a corpus directory, bad ones reported to `on_error`."""
    if input_path is not None:
        path = str(input_path)
        return ((article, path, line) for article, line in jsonl_documents(Path(input_path), on_error))
    if corpus_dir is not None:
        return ((article, path, None) for article, path in corpus_documents(iter_corpus_files(Path(corpus_dir)), on_error))
    raise PipelineError("give a corpus directory or an --input JSON Lines file")


def run_local_extraction(*, corpus_dir: Path | None = None, input_path: Path | None = None,
                         out_dir: Path = Path("extracted"), rules_dir: Path = RULES_DIR, workers: int | None = None,
                         incremental: bool = True, progress: bool | None = None,
                         sources_file: Path | None = None) -> ExtractSummary:
    """Extract facts from every document with worker processes on this machine and write
    facts.csv / .parquet / .jsonl + manifest (pipeline.extract.executors chooses this or Dask)."""
    started = time.perf_counter()
    book = load_rulebook(rules_dir)  # fail on a broken rule file before reading any document
    ledger = Ledger(out_dir, book, incremental, sources_file)
    source = open_source(corpus_dir, input_path, ledger.skip)

    def todo() -> Iterator[Article]:
        for article, path, line in source:
            try:
                digest = content_hash(article)
                status = ledger.admit(article.id, digest, len(article.text.encode("utf-8")), path, line,
                                      document_of(article, digest))
            except Exception as exc:  # whatever one document does, the others are extracted
                ledger.skip(InputError(f"unreadable document: {type(exc).__name__}: {exc}", source=path, line=line))
                continue
            if status == "new":
                yield article

    from pipeline.progress import bar_logging, progress_bar

    workers = workers or os.cpu_count() or 1
    log.info("extracting %s into %s with rules %s (version %s), %d worker process(es)%s",
             input_path or corpus_dir, out_dir, book.rules_dir, book.version, workers,
             "" if incremental else ", every document again")
    with progress_bar("extract", "doc", progress) as bar, \
            bar_logging(not bar.disable):
        for result in extract_all(todo(), book.rules_dir, workers, book):
            bar.update(1)
            ledger.done(result)
    summary = ledger.write(started)
    if summary.written:
        remove_partitions(Path(out_dir))
    return summary


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
