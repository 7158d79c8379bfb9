"""Crawl state in corpora/state.sqlite: what was seen, fetched and stored, across runs.

SQLite in WAL mode, one short transaction per page, so a crawler killed at any moment leaves
the database consistent: a page is 'stored' only after its document was written (atomically)
to the corpus, and a URL discovered but not yet fetched stays 'pending' for the next run.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from pipeline.errors import CorpusError

SCHEMA = """
CREATE TABLE IF NOT EXISTS pages (
    url           TEXT PRIMARY KEY,   -- canonical key (pipeline.crawl.urls.canonical_url)
    fetch_url     TEXT NOT NULL,      -- the URL requested
    source        TEXT NOT NULL,
    kind          TEXT NOT NULL,      -- article | listing | feed | sitemap | seed
    status        TEXT NOT NULL,      -- pending | stored | failed | skipped | seen
    reason        TEXT,               -- why failed / skipped
    canonical_url TEXT,               -- after redirects and rel=canonical
    final_url     TEXT,
    etag          TEXT,
    last_modified TEXT,
    content_hash  TEXT,
    doc_id        TEXT,
    doc_path      TEXT,
    published     TEXT,
    hint          TEXT,               -- date given by a feed or sitemap, before fetching
    attempts      INTEGER NOT NULL DEFAULT 0,
    first_seen    TEXT NOT NULL,
    last_seen     TEXT NOT NULL,
    last_fetched  TEXT
);
CREATE INDEX IF NOT EXISTS pages_status ON pages(source, kind, status);
CREATE INDEX IF NOT EXISTS pages_canonical ON pages(canonical_url);
CREATE INDEX IF NOT EXISTS pages_doc ON pages(doc_id);
"""


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")


@dataclass(frozen=True, slots=True)
class PageState:
    url: str
    fetch_url: str
    source: str
    kind: str
    status: str
    reason: str | None
    canonical_url: str | None
    etag: str | None
    last_modified: str | None
    content_hash: str | None
    doc_id: str | None
    doc_path: str | None
    hint: str | None
    attempts: int


def verify_state(path: Path) -> str | None:
    """What is wrong with the state database at `path`, or None when it is sound or absent.

    Run before a crawl opens it: a damaged file would otherwise fail every night the same way.
    """
    path = Path(path)
    if not path.exists():
        return None
    try:
        db = sqlite3.connect(path, timeout=30)
        try:
            rows = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            db.close()
    except sqlite3.Error as exc:
        return str(exc)
    return None if rows == ["ok"] else "; ".join(map(str, rows[:3]))


class CrawlState:
    """Owned by the runner's main thread; workers never touch it."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.executescript(SCHEMA)
        except sqlite3.Error as exc:
            raise CorpusError(f"{self.path}: cannot open crawl state: {exc}") from None
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def get(self, url: str) -> PageState | None:
        row = self.db.execute(
            "SELECT url, fetch_url, source, kind, status, reason, canonical_url, etag, last_modified,"
            " content_hash, doc_id, doc_path, hint, attempts FROM pages WHERE url = ?", (url,)).fetchone()
        return PageState(**dict(row)) if row else None

    def stored_as(self, canonical: str) -> PageState | None:
        """A stored page whose canonical URL is `canonical` (the same article under another link)."""
        row = self.db.execute(
            "SELECT url FROM pages WHERE canonical_url = ? AND status = 'stored' LIMIT 1", (canonical,)).fetchone()
        return self.get(row["url"]) if row else None

    def doc_hash(self, doc_id: str) -> tuple[str | None, str | None]:
        """(content hash, path) of the stored document with this id, if any."""
        row = self.db.execute(
            "SELECT content_hash, doc_path FROM pages WHERE doc_id = ? AND status = 'stored' LIMIT 1",
            (doc_id,)).fetchone()
        return (row["content_hash"], row["doc_path"]) if row else (None, None)

    def see(self, url: str, fetch_url: str, source: str, kind: str, hint: str | None = None) -> PageState:
        """Record a discovered URL (new ones become 'pending'); returns its current state."""
        stamp = now_iso()
        self.db.execute(
            "INSERT INTO pages (url, fetch_url, source, kind, status, hint, first_seen, last_seen)"
            " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET last_seen = excluded.last_seen,"
            " hint = COALESCE(excluded.hint, pages.hint)",
            (url, fetch_url, source, kind, hint, stamp, stamp))
        return self.get(url)

    def update(self, url: str, **fields) -> None:
        """Set columns of one page (attempts += 1 and last_fetched when `fetched=True`)."""
        fetched = fields.pop("fetched", False)
        assignments = [f"{name} = ?" for name in fields]
        values = list(fields.values())
        if fetched:
            assignments += ["attempts = attempts + 1", "last_fetched = ?"]
            values.append(now_iso())
        assignments.append("last_seen = ?")
        values.append(now_iso())
        self.db.execute(f"UPDATE pages SET {', '.join(assignments)} WHERE url = ?", (*values, url))

    def unfinished(self, source: str, max_attempts: int) -> list[PageState]:
        """Articles of `source` discovered earlier but not stored yet (a crash or a budget cut)."""
        rows = self.db.execute(
            "SELECT url FROM pages WHERE source = ? AND kind = 'article'"
            " AND (status = 'pending' OR (status = 'failed' AND attempts < ?)) ORDER BY first_seen, url",
            (source, max_attempts)).fetchall()
        return [self.get(row["url"]) for row in rows]

    def requeue(self, doc_id: str) -> int:
        """Make the stored article `doc_id` pending again (its document was lost or quarantined),
        so the next crawl fetches it anew; returns the number of pages changed."""
        return self.db.execute(
            "UPDATE pages SET status = 'pending', attempts = 0, etag = NULL, last_modified = NULL,"
            " content_hash = NULL, doc_path = NULL, reason = 'requeued' WHERE doc_id = ? AND status = 'stored'",
            (doc_id,)).rowcount

    def stored(self, source: str | None = None) -> list[PageState]:
        query = "SELECT url FROM pages WHERE status = 'stored' AND kind = 'article'"
        rows = self.db.execute(query + (" AND source = ?" if source else ""), (source,) if source else ()).fetchall()
        return [self.get(row["url"]) for row in rows]
