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
import time
import traceback
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.corpus import atomic_write_text, iter_articles, iter_jsonl
from pipeline.errors import InputError, PipelineError
from pipeline.extract import extract_facts
from pipeline.extract.rulebook import RuleBook, load_rulebook
from pipeline.factstore import read_facts, write_facts
from pipeline.records import Article, Fact
from pipeline.settings import RULES_DIR

log = logging.getLogger(__name__)
MANIFEST = "manifest.json"


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


def run_extraction(*, corpus_dir: Path | None = None, input_path: Path | None = None,
                   out_dir: Path = Path("extracted"), rules_dir: Path = RULES_DIR, workers: int | None = None,
                   incremental: bool = True, progress: bool | None = None) -> ExtractSummary:
    """Extract facts from every document and write facts.csv / .parquet / .jsonl + manifest."""
    started = time.perf_counter()
    book = load_rulebook(rules_dir)  # fail on a broken rule file before reading any document
    out_dir = Path(out_dir)
    summary = ExtractSummary(rules_version=book.version)

    def on_error(exc: InputError) -> None:
        summary.skipped += 1
        summary.errors.append(str(exc))
        log.warning("skipped %s", exc)

    if input_path is not None:
        source: Iterable[Article] = iter_jsonl(Path(input_path), on_error)
    elif corpus_dir is not None:
        source = iter_articles(Path(corpus_dir), on_error)
    else:
        raise PipelineError("give a corpus directory or an --input JSON Lines file")

    old_manifest, old_facts = _load_previous(out_dir) if incremental else ({}, {})
    old_ids = {r["fact_id"] for records in old_facts.values() for r in records}
    manifest: dict[str, dict] = {}
    facts: list[Fact] = []
    pending: dict[str, Article] = {}

    def todo() -> Iterator[Article]:
        for article in source:
            if article.id in manifest or article.id in pending:
                on_error(InputError(f"duplicate document id {article.id}; first one kept"))
                continue
            summary.documents += 1
            summary.bytes += len(article.text.encode("utf-8"))
            digest = content_hash(article)
            entry = {"hash": digest, "rules": book.version}
            if old_manifest.get(article.id) == entry:  # unchanged text, same rules: keep its facts
                manifest[article.id] = entry
                facts.extend(Fact.from_dict(_clean(r)) for r in old_facts.get(article.id, []))
                summary.reused += 1
                continue
            pending[article.id] = article
            manifest[article.id] = entry
            yield article

    from tqdm import tqdm

    workers = workers or os.cpu_count() or 1
    with tqdm(desc="extract", unit="doc", disable=True if progress is False else None) as bar:
        for doc_id, doc_facts, error in _map(todo(), book.rules_dir, workers):
            article = pending.pop(doc_id)
            bar.update(1)
            if doc_facts is None:
                manifest.pop(doc_id, None)
                summary.documents -= 1
                on_error(InputError(f"extraction failed: {error}", source=article.id))
                continue
            summary.extracted += 1
            facts.extend(doc_facts)

    facts.sort(key=lambda f: (f.doc_id, f.field != "title", f.start, f.end, f.kind))
    summary.facts = len(facts)
    summary.new_facts = sum(1 for f in facts if f.fact_id not in old_ids)
    write_facts(out_dir, facts)
    atomic_write_text(out_dir / MANIFEST, json.dumps(
        {"rules_version": book.version, "documents": manifest}, ensure_ascii=False, indent=1, sort_keys=True))
    summary.seconds = time.perf_counter() - started
    return summary


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
