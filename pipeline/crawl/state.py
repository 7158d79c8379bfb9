"""Crawl state in corpora/state.sqlite: what was seen, fetched and stored, across runs.

SQLite in WAL mode, one short transaction per page, so a crawler killed at any moment leaves
the database consistent: a page is 'stored' only after its document was written (atomically)
to the corpus, and a URL discovered but not yet fetched stays 'pending' for the next run.

The database is also the crawl's queue: the runner reads the articles to fetch a batch at a
time in rowid order (`queued_after`), so a backlog of any size costs no memory, and rows added
while the run goes on (rowids only grow) are reached by the same cursor.
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
    last_fetched  TEXT,
    seen_run      TEXT                -- the last crawl run that discovered it
);
CREATE INDEX IF NOT EXISTS pages_status ON pages(source, kind, status);
CREATE INDEX IF NOT EXISTS pages_queue ON pages(source, kind);   -- with the implied rowid: the queue order
CREATE INDEX IF NOT EXISTS pages_canonical ON pages(canonical_url);
CREATE INDEX IF NOT EXISTS pages_doc ON pages(doc_id);
"""


_COLUMNS = ("url, fetch_url, source, kind, status, reason, canonical_url, etag, last_modified, content_hash, doc_id,"
            " doc_path, hint, attempts, seen_run")


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
    seen_run: str | None = None


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
            columns = {row[1] for row in self.db.execute("PRAGMA table_info(pages)")}
            if "seen_run" not in columns:  # a state written before the column existed
                self.db.execute("ALTER TABLE pages ADD COLUMN seen_run TEXT")
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
        row = self.db.execute(f"SELECT {_COLUMNS} FROM pages WHERE url = ?", (url,)).fetchone()
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

    def see(self, url: str, fetch_url: str, source: str, kind: str, hint: str | None = None,
            run: str | None = None) -> PageState:
        """Record a discovered URL (new ones become 'pending') seen by crawl `run`; returns its
        current state."""
        stamp = now_iso()
        row = self.db.execute(
            "INSERT INTO pages (url, fetch_url, source, kind, status, hint, first_seen, last_seen, seen_run)"
            " VALUES (?, ?, ?, ?, 'pending', ?, ?, ?, ?)"
            " ON CONFLICT(url) DO UPDATE SET last_seen = excluded.last_seen,"
            " hint = COALESCE(excluded.hint, pages.hint), seen_run = COALESCE(excluded.seen_run, pages.seen_run)"
            f" RETURNING {_COLUMNS}",
            (url, fetch_url, source, kind, hint, stamp, stamp, run)).fetchone()
        return PageState(**dict(row))

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

    def queued_after(self, source: str, after: int, max_attempts: int, refresh: bool = False,
                     limit: int = 256) -> list[tuple[int, PageState]]:
        """(rowid, state) of the next `limit` articles of `source` to fetch after rowid `after`:
        pending ones, failed ones with attempts left, and with `refresh` stored ones too."""
        stored = " OR status = 'stored'" if refresh else ""
        rows = self.db.execute(
            f"SELECT rowid AS _rowid, {_COLUMNS} FROM pages WHERE rowid > ? AND source = ? AND kind = 'article'"
            f" AND (status = 'pending' OR (status = 'failed' AND attempts < ?){stored}) ORDER BY rowid LIMIT ?",
            (after, source, max_attempts, limit)).fetchall()
        result = []
        for row in rows:
            values = dict(row)
            rowid = values.pop("_rowid")
            result.append((rowid, PageState(**values)))
        return result

    def count(self, sources: list[str], status: str) -> int:
        """Articles of `sources` in `status`."""
        marks = ", ".join("?" * len(sources))
        return self.db.execute(f"SELECT count(*) FROM pages WHERE kind = 'article' AND status = ? AND source IN ({marks})",
                               (status, *sources)).fetchone()[0] if sources else 0

    def requeue_skipped(self, source: str, reason: str, keep) -> int:
        """Make articles of `source` skipped for `reason` pending again when `keep(state)`."""
        rows = self.db.execute(f"SELECT {_COLUMNS} FROM pages WHERE source = ? AND kind = 'article' AND status = 'skipped'"
                               " AND reason = ?", (source, reason))
        urls = [page.url for page in (PageState(**dict(row)) for row in rows) if keep(page)]
        self.db.executemany("UPDATE pages SET status = 'pending', reason = NULL, attempts = 0 WHERE url = ?",
                            [(url,) for url in urls])
        return len(urls)

    def requeue(self, doc_id: str) -> int:
        """Make the stored article `doc_id` pending again (its document was lost or quarantined),
        so the next crawl fetches it anew; returns the number of pages changed."""
        return self.db.execute(
            "UPDATE pages SET status = 'pending', attempts = 0, etag = NULL, last_modified = NULL,"
            " content_hash = NULL, doc_path = NULL, reason = 'requeued' WHERE doc_id = ? AND status = 'stored'",
            (doc_id,)).rowcount
