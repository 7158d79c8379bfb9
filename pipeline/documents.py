"""extracted/documents.parquet (+ documents.csv): one row per article the facts come from.

Written by extraction, next to facts.*, so that the stages after it (timeline, review, report,
export) read only extracted/: never the corpus, never rules/sources.toml. The home area of an
article's source is decided here, once, at extraction time; a later change of sources.toml or a
missing corpus cannot silently change the areas of a re-run timeline.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.errors import PipelineError
from pipeline.layout import DOCUMENTS, OutDir
from pipeline.records import DOCUMENT_COLUMNS, Document
from pipeline.tables.files import write_parquet
from pipeline.tables.spreadsheet import write_csv

log = logging.getLogger(__name__)
DOCUMENTS_NAME = DOCUMENTS


DOCUMENT_SCHEMA = pa.schema([(name, pa.string()) for name in DOCUMENT_COLUMNS])


def host_key(host: str) -> str:
    """A host as sources are named: lower case, without "www."."""
    host = (host or "").strip().lower()
    return host[4:] if host.startswith("www.") else host


def url_host(url: object) -> str:
    if not isinstance(url, str) or not url:
        return ""
    try:
        return host_key(urlsplit(url).hostname or "")
    except ValueError:
        return ""


def load_home_areas(sources_file: Path | None) -> dict[str, str]:
    """Source host → home area from a sources file (rules/sources.toml); no file gives none.

    A broken sources file raises RuleError naming file and line (before any document is read).
    """
    if sources_file is None or not Path(sources_file).exists():
        return {}
    from pipeline.rules.sources import load_sources

    areas: dict[str, str] = {}
    for source in load_sources(Path(sources_file)):
        if source.home_area:
            areas[host_key(source.name)] = source.home_area
            for domain in source.domains:
                areas.setdefault(host_key(domain), source.home_area)
    return areas


def home_area(article, homes: Mapping[str, str], infer=None) -> str:
    """The home area of the site an article (or Document) comes from, "" when unknown.

    Looked up by the article's source, then by its URL's host and that host's parent domains
    (news.hanoi.gov.vn → hanoi.gov.vn), in the sources file's home areas; failing that `infer(host)`
    (the extraction's own: rules/areas.toml or a province spelled in the host name).
    """
    candidates = [host_key(getattr(article, "source", "") or ""), url_host(getattr(article, "url", None))]
    for host in candidates:
        while host:
            if host in homes:
                return homes[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
    if infer is not None:
        for host in candidates:
            if host and infer(host):
                return infer(host)
    return ""


def document_of(article, content_hash: str, home: str = "") -> Document:
    """The Document row of an Article (home area filled in by the writer)."""
    return Document(doc_id=article.id, url=article.url, source=host_key(article.source or "") or url_host(article.url),
                    home_area=home, title=article.title or "", published=article.published,
                    content_hash=content_hash)


def documents_table(documents: Iterable[Document], homes: Mapping[str, str] | None = None,
                    infer=None) -> pa.Table:
    """Documents in doc_id order, home areas decided by `homes` (host → area) and `infer` when given."""
    rows = []
    for doc in documents:
        row = {name: getattr(doc, name) for name in DOCUMENT_COLUMNS}
        if homes is not None:
            row["home_area"] = home_area(doc, homes, infer)
        rows.append(row)
    rows.sort(key=lambda row: row["doc_id"])  # stable: equal ids keep their order
    return pa.Table.from_pylist(rows, schema=DOCUMENT_SCHEMA)


def documents_frame(documents: Iterable[Document], homes: Mapping[str, str] | None = None,
                    infer=None) -> pd.DataFrame:
    """documents_table as a DataFrame (text columns as objects, missing as None)."""
    return documents_table(documents, homes, infer).to_pandas().astype(object)


def write_documents(out_dir: Path, documents: Iterable[Document], homes: Mapping[str, str] | None = None,
                    infer=None) -> Path:
    """documents.parquet and documents.csv in `out_dir`, written atomically (from an Arrow table,
    no DataFrame)."""
    out_dir = Path(out_dir)
    table = documents_table(documents, homes, infer)
    out = OutDir(out_dir)
    write_parquet(out.documents_parquet, table)
    write_csv(out.documents_csv, table)
    return out.documents_parquet


def read_documents(out_dir: Path) -> pd.DataFrame:
    """The documents table of an extracted-data directory; empty (with a hint) when absent."""
    path = OutDir(out_dir).documents_parquet
    if not path.exists():
        log.info("%s: no documents table (extracted before it existed); run `chitieu extract` for titles, "
                 "sources and home areas", path)
        return pd.DataFrame({name: pd.Series(dtype=object) for name in DOCUMENT_COLUMNS})
    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise PipelineError(f"{path}: unreadable documents table ({exc}); run `chitieu extract --full`") from None
    frame = table.to_pandas()
    return frame.reindex(columns=list(DOCUMENT_COLUMNS)).astype(object).where(frame.notna(), None)
