"""The corpus store: corpora/<source>/<YYYY>/<id>.json (+ <id>.html.gz), written atomically.

Also reads JSON Lines files of the same records (`chitieu extract --input docs.jsonl`).
"""
from __future__ import annotations

import gzip
import json
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.errors import CorpusError, InputError
from pipeline.records import Article

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file-name component that cannot climb out of its directory."""
    cleaned = _SAFE_NAME.sub("_", name).strip("._")
    return cleaned[:120] or "unknown"


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, fsync, then rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8") -> None:
    atomic_write_bytes(path, text.encode(encoding))


def article_path(corpus_dir: Path, article: Article) -> Path:
    """Where an article lives: by source and by year of publication (or of fetching)."""
    stamp = article.published or article.fetched_at or ""
    year = stamp[:4] if re.fullmatch(r"\d{4}", stamp[:4]) else "undated"
    return Path(corpus_dir) / safe_name(article.source or "unknown") / year / f"{safe_name(article.id)}.json"


def write_article(corpus_dir: Path, article: Article, html: bytes | None = None) -> Path:
    """Store one article (and its raw HTML) atomically; the JSON is written last, so its presence
    means the document is complete."""
    path = article_path(corpus_dir, article)
    if html is not None:
        atomic_write_bytes(path.with_suffix("").with_suffix(".html.gz"), gzip.compress(html, mtime=0))
    payload = json.dumps(article.as_dict(), ensure_ascii=False, indent=1) + "\n"
    atomic_write_text(path, payload)
    return path


def read_article(path: Path) -> Article:
    """Load one corpus document; InputError names the file when it is not a valid document."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(f"document larger than {MAX_DOCUMENT_BYTES} bytes", source=str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", source=str(path)) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", source=str(path), line=exc.lineno) from None
    return Article.from_dict(data, source=str(path))


def iter_corpus_files(corpus_dir: Path) -> Iterator[Path]:
    """Every corpus document under `corpus_dir`, in a stable order (runs/, quarantine/, _* such as
    the demo site, and temp files skipped)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus directory does not exist")
    for path in sorted(corpus_dir.rglob("*.json")):
        rel = path.relative_to(corpus_dir).parts
        if rel[0] in {"runs", "quarantine"} or rel[0].startswith("_") or path.name.startswith("."):
            continue
        yield path


def iter_jsonl(path: Path, on_error: Callable[[InputError], None], *, start: int = 0, end: int | None = None,
               first_line: int = 1) -> Iterator[Article]:
    """Articles from a JSON Lines file; a bad line is reported through `on_error` and skipped.

    `start`/`end` (byte offsets of line starts) and `first_line` (the line number at `start`)
    read one slice of the file, as the Dask executor's partitions do.
    """
    path = Path(path)
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise CorpusError(f"{path}: cannot open: {exc.strerror}") from None
    with handle:
        handle.seek(start)
        position = start
        for lineno, raw in enumerate(handle, start=first_line):
            if end is not None and position >= end:
                break
            position += len(raw)
            if not raw.strip():
                continue
            try:
                if len(raw) > MAX_DOCUMENT_BYTES:
                    raise InputError(f"line longer than {MAX_DOCUMENT_BYTES} bytes", source=str(path), line=lineno)
                try:
                    data = json.loads(raw.decode("utf-8"))
                except UnicodeDecodeError as exc:
                    raise InputError(f"not UTF-8 (byte {exc.start})", source=str(path), line=lineno) from None
                except json.JSONDecodeError as exc:
                    raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})",
                                     source=str(path), line=lineno) from None
                yield Article.from_dict(data, source=str(path), line=lineno)
            except InputError as exc:
                on_error(exc)


def iter_articles(corpus_dir: Path, on_error: Callable[[InputError], None]) -> Iterator[Article]:
    """Articles of a corpus directory; a bad document is reported through `on_error` and skipped."""
    for path in iter_corpus_files(corpus_dir):
        try:
            yield read_article(path)
        except InputError as exc:
            on_error(exc)
