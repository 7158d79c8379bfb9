"""Turn a parsed page into an Article and store it once, whatever link led to it.

The document id comes from the canonical URL (rel=canonical when it stays on the source's
domains), so the same article reached through a tracking link, an AMP page or a mobile host is
one file. A content hash decides new / updated / unchanged; an unchanged article is not
rewritten, so re-runs leave the corpus byte-for-byte as it was.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from pipeline.corpus import article_path, read_article, write_article
from pipeline.crawl.state import CrawlState, now_iso
from pipeline.crawl.urls import canonical_url, in_domains
from pipeline.errors import InputError
from pipeline.records import Article, article_id


@dataclass(frozen=True, slots=True)
class StoreResult:
    change: str  # new | updated | unchanged
    canonical: str
    content_hash: str
    doc_id: str
    path: Path


def content_hash(article: Article) -> str:
    """What counts as a change: title, date and text (not fetched_at)."""
    basis = json.dumps([article.title, article.published, article.text], ensure_ascii=False)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def _previous(corpus_dir: Path, state: CrawlState, article: Article) -> tuple[str | None, Path | None]:
    old_hash, old_path = state.doc_hash(article.id)
    if old_hash and old_path and Path(old_path).exists():
        return old_hash, Path(old_path)
    path = article_path(corpus_dir, article)
    if path.exists():  # written by a run that was killed before it could record it
        try:
            return content_hash(read_article(path)), path
        except InputError:
            return None, path
    return None, None


def store_article(corpus_dir: Path, state: CrawlState, task, page, parsed) -> StoreResult:
    """Write the article of a fetched page (task, page, parsed come from the runner)."""
    canonical = canonical_url(parsed.canonical or page.final_url) or task.key
    if not in_domains(canonical, task.source.domains):
        canonical = task.key
    article = Article(id=article_id(canonical), url=canonical, title=parsed.title, published=parsed.published,
                      source=task.source.name, fetched_at=now_iso(), text=parsed.text)
    digest = content_hash(article)
    old_hash, old_path = _previous(Path(corpus_dir), state, article)
    if old_hash == digest and old_path is not None:
        return StoreResult("unchanged", canonical, digest, article.id, old_path)
    written = write_article(Path(corpus_dir), article, page.body)
    if old_path is not None and old_path != written:
        # the publication year changed: the document moves; drop the old copy (JSON first)
        old_path.unlink(missing_ok=True)
        old_path.with_suffix("").with_suffix(".html.gz").unlink(missing_ok=True)
    return StoreResult("updated" if old_path is not None else "new", canonical, digest, article.id, written)
