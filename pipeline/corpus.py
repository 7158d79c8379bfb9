"""The corpus store: corpora/<source>/<YYYY>/<id>.json (+ <id>.html.gz), written atomically.

Also reads JSON Lines files of the same records (`chitieu extract --input docs.jsonl`).
"""
from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from pipeline.atomic import atomic_write_bytes, atomic_write_text, dumps_json
from pipeline.errors import CorpusError, InputError
from pipeline.layout import NOT_DOCUMENTS
from pipeline.records import Article

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def safe_name(name: str) -> str:
    """A file-name component that cannot climb out of its directory."""
    cleaned = _SAFE_NAME.sub("_", name).strip("._")
    return cleaned[:120] or "unknown"


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
        # same directory as the JSON: the JSON's directory fsync makes both renames durable
        atomic_write_bytes(path.with_suffix("").with_suffix(".html.gz"), gzip.compress(html, mtime=0),
                           sync_directory=False)
    payload = dumps_json(article.as_dict(), indent=1) + "\n"
    atomic_write_text(path, payload)
    return path


def decode_document(raw: bytes, source: str, line: int | None = None) -> Article:
    """One JSON document → Article; anything wrong with it (encoding, syntax, nesting too deep
    for the parser, wrong fields) is an InputError naming `source` and `line`, never another
    exception: one bad document must not stop the documents after it."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 (byte {exc.start})", source=source, line=line) from None
    except json.JSONDecodeError as exc:
        column = f" (column {exc.colno})" if line is not None else ""
        raise InputError(f"invalid JSON: {exc.msg}{column}", source=source,
                         line=line if line is not None else exc.lineno) from None
    except RecursionError:
        raise InputError("JSON nested too deeply to parse", source=source, line=line) from None
    except (MemoryError, ValueError) as exc:
        raise InputError(f"unreadable JSON: {type(exc).__name__}: {exc}", source=source, line=line) from None
    try:
        article = Article.from_dict(data, source=source, line=line)
    except InputError:
        raise
    except Exception as exc:  # a validator bug on a strange value: still this document's problem
        raise InputError(f"invalid document: {type(exc).__name__}: {exc}", source=source, line=line) from None
    for name, value in article.as_dict().items():  # JSON allows "\ud800"; no UTF-8 file can hold it
        try:
            value is None or value.encode("utf-8")
        except UnicodeEncodeError as exc:
            raise InputError(f"field '{name}' holds an unpaired surrogate (character {exc.start})",
                             source=source, line=line) from None
    return article


def read_article(path: Path) -> Article:
    """Load one corpus document; InputError names the file when it is not a valid document."""
    path = Path(path)
    try:
        if path.stat().st_size > MAX_DOCUMENT_BYTES:
            raise InputError(f"document larger than {MAX_DOCUMENT_BYTES} bytes", source=str(path))
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", source=str(path)) from None
    return decode_document(raw, str(path))


def iter_corpus_files(corpus_dir: Path) -> Iterator[Path]:
    """Every corpus document under `corpus_dir`, in a stable order (runs/, quarantine/, _* such as
    the demo site, and temp files skipped)."""
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(f"{corpus_dir}: corpus directory does not exist")
    for path in sorted(corpus_dir.rglob("*.json")):
        rel = path.relative_to(corpus_dir).parts
        if rel[0] in NOT_DOCUMENTS or rel[0].startswith("_") or path.name.startswith("."):
            continue
        yield path


def line_spans(handle, limit: int = MAX_DOCUMENT_BYTES) -> Iterator[tuple[int, bytes | None, int]]:
    """(offset, line, length) for each line of a binary file from its current position; `line` is
    None for a line longer than `limit`, which is skipped in small reads, never held whole."""
    offset = handle.tell()
    while True:
        raw = handle.readline(limit + 1)
        if not raw:
            return
        length = len(raw)
        if length > limit and not raw.endswith(b"\n"):
            del raw
            while True:
                chunk = handle.readline(1 << 20)
                length += len(chunk)
                if not chunk or chunk.endswith(b"\n"):
                    break
            yield offset, None, length
        else:
            yield offset, raw, length
        offset += length


def jsonl_documents(path: Path, on_error: Callable[[InputError], None], *, start: int = 0,
                    end: int | None = None, first_line: int = 1) -> Iterator[tuple[Article, int]]:
    """(article, line number) from a JSON Lines file; a bad line is reported through `on_error`
    and skipped. A line longer than MAX_DOCUMENT_BYTES is rejected without being read into memory.

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
        for lineno, (position, raw, length) in enumerate(line_spans(handle), start=first_line):
            if end is not None and position >= end:
                break
            if raw is not None and not raw.strip():
                continue
            try:
                if raw is None or len(raw) > MAX_DOCUMENT_BYTES:
                    raise InputError(f"line longer than {MAX_DOCUMENT_BYTES} bytes ({length} bytes)",
                                     source=str(path), line=lineno)
                article = decode_document(raw, str(path), lineno)
            except InputError as exc:
                on_error(exc)
                continue
            yield article, lineno


def iter_jsonl(path: Path, on_error: Callable[[InputError], None], **slice_options) -> Iterator[Article]:
    """Articles from a JSON Lines file (see jsonl_documents)."""
    for article, _ in jsonl_documents(path, on_error, **slice_options):
        yield article


def corpus_documents(paths: Iterable[Path | str], on_error: Callable[[InputError], None]) -> Iterator[tuple[Article, str]]:
    """(article, its file) for corpus document paths; a bad document is reported and skipped."""
    for path in paths:
        try:
            yield read_article(Path(path)), str(path)
        except InputError as exc:
            on_error(exc)


def iter_articles(corpus_dir: Path, on_error: Callable[[InputError], None]) -> Iterator[Article]:
    """Articles of a corpus directory; a bad document is reported through `on_error` and skipped."""
    for path in iter_corpus_files(corpus_dir):
        try:
            yield read_article(path)
        except InputError as exc:
            on_error(exc)
