"""Turn a parsed page into an Article and store it once, whatever link led to it.

The document id comes from the canonical URL (rel=canonical when it stays on the source's
domains), so the same article reached through a tracking link, an AMP page or a mobile host is
one file. A content hash decides new / updated / unchanged; an unchanged article is not
rewritten, so re-runs leave the corpus byte-for-byte as it was.

Storing runs in the crawl's worker threads (the fsyncs of atomic writes would otherwise queue
up behind one another), so it decides from the corpus itself, not from the crawl state: the
previous version of a document is the file with its id under the source's folder, in any year.
One lock per document id keeps two pages of the same article from being stored at once.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from pipeline.corpus import article_path, read_article, safe_name, write_article
from pipeline.crawl.state import now_iso
from pipeline.crawl.urls import canonical_url, in_domains
from pipeline.errors import InputError
from pipeline.records import Article, article_id, revision_hash

LOCK_STRIPES = 64


@dataclass(frozen=True, slots=True)
class StoreResult:
    change: str  # new | updated | unchanged
    canonical: str
    content_hash: str
    doc_id: str
    path: Path


def _stored_path(corpus_dir: Path, article: Article) -> Path | None:
    """The document with this article's id: where it belongs, or in another year's folder (its
    date changed since), or None."""
    expected = article_path(corpus_dir, article)
    if expected.exists():
        return expected
    folder = expected.parent.parent
    name = expected.name
    try:
        years = [entry for entry in folder.iterdir() if entry.is_dir()]
    except OSError:
        return None
    return next((year / name for year in years if (year / name).exists()), None)


def _previous(corpus_dir: Path, article: Article) -> tuple[str | None, Path | None]:
    path = _stored_path(corpus_dir, article)
    if path is None:
        return None, None
    try:
        return revision_hash(read_article(path)), path
    except InputError:  # damaged: rewritten
        return None, path


class Storer:
    """Stores articles into one corpus directory; safe to call from several threads."""

    def __init__(self, corpus_dir: Path):
        self.corpus_dir = Path(corpus_dir)
        self._locks = [threading.Lock() for _ in range(LOCK_STRIPES)]

    def store(self, task, page, parsed) -> StoreResult:
        """Write the article of a fetched page (task, page, parsed come from the runner)."""
        canonical = canonical_url(parsed.canonical or page.final_url) or task.key
        if not in_domains(canonical, task.source.domains):
            canonical = task.key
        article = Article(id=article_id(canonical), url=canonical, title=parsed.title, published=parsed.published,
                          source=task.source.name, fetched_at=now_iso(), text=parsed.text)
        digest = revision_hash(article)
        with self._locks[hash(safe_name(article.id)) % LOCK_STRIPES]:
            old_hash, old_path = _previous(self.corpus_dir, article)
            if old_hash == digest and old_path is not None:
                return StoreResult("unchanged", canonical, digest, article.id, old_path)
            written = write_article(self.corpus_dir, article, page.body)
            if old_path is not None and old_path != written:
                # the publication year changed: the document moves; drop the old copy (JSON first)
                old_path.unlink(missing_ok=True)
                old_path.with_suffix("").with_suffix(".html.gz").unlink(missing_ok=True)
        return StoreResult("updated" if old_path is not None else "new", canonical, digest, article.id, written)
