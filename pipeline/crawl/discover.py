"""Find article URLs: section listings (with pagination), RSS/Atom feeds, sitemaps.

XML goes through defusedxml, which refuses entity declarations and external references, so a
hostile feed cannot expand a billion laughs or read local files. Real feeds are often not
well-formed (vnexpress writes bare "&" in URLs), so a document that defusedxml rejects only as
malformed is re-read by lxml in recover mode with entities, DTDs and network access all off.

Memory stays bounded whatever the site sends: XML is parsed as a stream (each entry read and
dropped), gzip is inflated as the parser asks for it with a hard cap on the inflated size, and a
file stops at the sitemap protocol's 50,000 entries (`Discovery.truncated` says so).
"""
from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse as safe_iterparse
from lxml import etree

from pipeline.crawl.dates import parse_date
from pipeline.crawl.dom import parse_html, select_one
from pipeline.crawl.urls import clean_url
from pipeline.errors import FetchError
from pipeline.rules.sources import Profile

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
MAX_ENTRIES = 50_000              # ... and its limit of URLs per sitemap (we apply it to feeds too)
MAX_LISTING_LINKS = 5_000         # article links taken from one listing page (real ones have a few hundred)
MAX_LISTING_TAGS = 300_000        # a page with more is not parsed (real ones have a few thousand)
NEXT_SELECTORS = ("link[rel=next]", "a[rel=next]", "a.next", "a.next-page", "a.page-item.next", ".pagination a.next")
_ENTITY_DECL = re.compile(rb"<!ENTITY", re.I)
_LEADING = b"\xef\xbb\xbf \t\r\n"


@dataclass(frozen=True, slots=True)
class Found:
    """A discovered link; `published` is the feed/sitemap date when there is one (ISO)."""

    url: str
    published: str | None = None


@dataclass(frozen=True, slots=True)
class Discovery:
    articles: tuple[Found, ...] = ()
    follow: tuple[str, ...] = ()   # more discovery pages: next listing page, child sitemaps
    kind: str = ""                  # listing | feed | sitemap | sitemapindex
    truncated: str = ""             # why only part of the file was read


class _Inflater(io.RawIOBase):
    """A gzip stream inflated as it is read, refusing to produce more than `limit` bytes."""

    def __init__(self, data: bytes, url: str, limit: int):
        self._data, self._pos, self._url, self._limit, self._out = data, 0, url, limit, 0
        self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        want = len(buffer)
        while not self._pending:
            if self._inflater.unconsumed_tail:
                source = self._inflater.unconsumed_tail
            elif self._pos < len(self._data) and not self._inflater.eof:
                source = self._data[self._pos:self._pos + 64 * 1024]
                self._pos += len(source)
            else:
                return 0
            try:
                self._pending = self._inflater.decompress(source, 256 * 1024)
            except zlib.error as exc:
                raise FetchError(self._url, "bad_gzip", str(exc)) from None
            self._out += len(self._pending)
            if self._out > self._limit:
                raise FetchError(self._url, "too_large", f"gzip inflates past {self._limit} bytes")
        n = min(want, len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n


def looks_like_xml(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf"))


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and (child.text or "").strip():
            return child.text.strip()
    return None


def _iso(value: str | None) -> str | None:
    return parse_date(value) if value else None


def _stream(body: bytes, url: str):
    """A fresh readable stream of the (inflated) document."""
    if body[:2] == b"\x1f\x8b":
        return io.BufferedReader(_Inflater(body, url, MAX_XML_BYTES))
    if len(body) > MAX_XML_BYTES:
        raise FetchError(url, "too_large", f"XML larger than {MAX_XML_BYTES} bytes")
    return io.BytesIO(body.lstrip(_LEADING))


class _Skip:
    """Leading whitespace and BOM before the XML declaration (expat refuses them)."""

    def __init__(self, stream):
        self._stream, self._started = stream, False

    def read(self, n: int = -1) -> bytes:
        data = self._stream.read(n)
        if not self._started:
            while data and not data.lstrip(_LEADING):
                data = self._stream.read(n)
            data = data.lstrip(_LEADING)
            self._started = bool(data)
        return data


def _entry(kind: str, element, url: str) -> tuple[Found | None, str | None]:
    """(article found, sitemap to follow) from one entry element."""
    if kind == "urlset":
        loc = clean_url(_child_text(element, "loc") or "", url)
        if not loc:
            return None, None
        news_date = None
        for child in element:
            if _local(child.tag) == "news":
                news_date = _child_text(child, "publication_date")
        return Found(loc, _iso(news_date or _child_text(element, "lastmod"))), None
    if kind == "sitemapindex":
        return None, clean_url(_child_text(element, "loc") or "", url)
    if kind in ("rss", "rdf"):
        loc = clean_url(_child_text(element, "link") or _guid_link(element) or "", url)
        return (Found(loc, _iso(_child_text(element, "pubdate", "date", "published"))) if loc else None), None
    link = None
    for child in element:
        if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
            link = child.get("href")
            break
    loc = clean_url(link or "", url)
    return (Found(loc, _iso(_child_text(element, "published", "updated"))) if loc else None), None


ENTRY_TAGS = {"urlset": "url", "sitemapindex": "sitemap", "rss": "item", "rdf": "item", "feed": "entry"}
KINDS = {"urlset": "sitemap", "sitemapindex": "sitemapindex", "rss": "feed", "rdf": "feed", "feed": "feed"}


def _read(events, url: str, max_entries: int) -> Discovery:
    """Walk iterparse events, reading each entry when it ends and dropping it from the tree."""
    stack: list = []
    kind, found, follow, entries, truncated = "", [], [], 0, ""
    for event, element in events:
        if event == "start":
            if not stack:
                kind = _local(element.tag)
                if kind not in ENTRY_TAGS:
                    raise FetchError(url, "unknown_xml", f"root element <{kind}> is not a feed or sitemap")
            stack.append(element)
            continue
        stack.pop()
        if _local(element.tag) != ENTRY_TAGS[kind] or (kind != "rss" and kind != "rdf" and len(stack) != 1):
            continue
        if entries == max_entries:
            truncated = f"more than {max_entries:,} entries (the sitemap protocol's limit): the first {max_entries:,} were read"
            break
        entries += 1
        article, child = _entry(kind, element, url)
        if article is not None:
            found.append(article)
        if child:
            follow.append(child)
        element.clear()
        if stack:
            stack[-1].remove(element)
    return Discovery(tuple(found), tuple(follow), KINDS.get(kind, kind), truncated)


def parse_feed_or_sitemap(body: bytes, url: str, max_entries: int = MAX_ENTRIES) -> Discovery:
    """RSS 2.0, RSS 1.0, Atom, sitemap or sitemap index, told apart by the root element."""
    try:
        return _read(safe_iterparse(_Skip(_stream(body, url)), events=("start", "end")), url, max_entries)
    except DefusedXmlException as exc:
        raise FetchError(url, "unsafe_xml", type(exc).__name__) from None
    except ParseError as exc:
        strict_error = str(exc)
    if _ENTITY_DECL.search(_stream(body, url).read(1024 * 1024)):  # a DTD comes before the root
        raise FetchError(url, "unsafe_xml", "entity declarations")
    stream = _stream(body, url)
    events = etree.iterparse(_Skip(stream), events=("start", "end"), recover=True, resolve_entities=False,
                             no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True)
    try:
        return _read(events, url, max_entries)
    except etree.XMLSyntaxError:
        raise FetchError(url, "invalid_xml", strict_error) from None


def _guid_link(item) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false":
            return (child.text or "").strip() or None
    return None


def parse_listing(html: str, url: str, is_article, profile: Profile | None = None) -> Discovery:
    """Article links of a section page (in page order, each once) and its next page, if linked.

    `is_article(clean_url) -> bool` decides which links are articles (patterns and domains);
    the next page itself is never one.
    """
    tags = html.count("<")
    if tags > MAX_LISTING_TAGS:
        raise FetchError(url, "too_complex", f"{tags:,} tags: more than a listing page has ({MAX_LISTING_TAGS:,}), not parsed")
    root = parse_html(html)
    base_tag = next((b for b in root.iter("base") if b.get("href") is not None), None)
    base = (clean_url(base_tag.get("href"), url) if base_tag is not None else url) or url
    follow = []
    for selector in (profile.next_page if profile else ()) + NEXT_SELECTORS:
        element = select_one(root, selector)
        target = clean_url(element.get("href", ""), base) if element is not None else None
        if target and target != url:
            follow.append(target)
            break
    seen: set[str] = {url, *follow}
    found: list[Found] = []
    truncated = ""
    for anchor in root.iter("a"):
        href = anchor.get("href")
        link = clean_url(href, base) if href is not None else None
        if link and link not in seen and is_article(link):
            if len(found) == MAX_LISTING_LINKS:
                truncated = f"more than {MAX_LISTING_LINKS:,} article links on one page: the first {MAX_LISTING_LINKS:,} were read"
                break
            seen.add(link)
            found.append(Found(link))
    return Discovery(tuple(found), tuple(follow), "listing", truncated)
