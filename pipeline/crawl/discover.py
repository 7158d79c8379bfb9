"""Find article URLs: section listings (with pagination), RSS/Atom feeds, sitemaps.

XML goes through defusedxml, which refuses entity declarations and external references, so a
hostile feed cannot expand a billion laughs or read local files. Real feeds are often not
well-formed (vnexpress writes bare "&" in URLs), so a document that defusedxml rejects only as
malformed is re-read by lxml in recover mode with entities, DTDs and network access all off.
Gzip sitemaps are inflated with a hard cap on the decompressed size.
"""
from __future__ import annotations

import zlib
from dataclasses import dataclass
from xml.etree.ElementTree import Element, ParseError

from bs4 import BeautifulSoup
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from lxml import etree

from pipeline.crawl.dates import parse_date
from pipeline.crawl.sources import Profile
from pipeline.crawl.urls import clean_url
from pipeline.errors import FetchError

MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit, uncompressed
NEXT_SELECTORS = ("link[rel=next]", "a[rel=next]", "a.next", "a.next-page", "a.page-item.next", ".pagination a.next")


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


def gunzip_capped(data: bytes, url: str, limit: int = MAX_XML_BYTES) -> bytes:
    """Inflate gzip data, refusing to produce more than `limit` bytes (zip bombs)."""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, limit + 1)
    except zlib.error as exc:
        raise FetchError(url, "bad_gzip", str(exc)) from None
    if len(out) > limit or inflater.unconsumed_tail:
        raise FetchError(url, "too_large", f"gzip inflates past {limit} bytes")
    return out


def looks_like_xml(body: bytes) -> bool:
    head = body[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<?xml") or head.startswith((b"<rss", b"<feed", b"<urlset", b"<sitemapindex", b"<rdf"))


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def _child_text(element: Element, *names: str) -> str | None:
    for child in element:
        if _local(child.tag) in names and (child.text or "").strip():
            return child.text.strip()
    return None


def _parse_xml(body: bytes, url: str) -> Element:
    if body[:2] == b"\x1f\x8b":
        body = gunzip_capped(body, url)
    if len(body) > MAX_XML_BYTES:
        raise FetchError(url, "too_large", f"XML larger than {MAX_XML_BYTES} bytes")
    try:
        return fromstring(body.lstrip(b"\xef\xbb\xbf \t\r\n"))
    except DefusedXmlException as exc:
        raise FetchError(url, "unsafe_xml", type(exc).__name__) from None
    except ParseError as exc:
        strict_error = str(exc)
    if b"<!ENTITY" in body or b"<!entity" in body:
        raise FetchError(url, "unsafe_xml", "entity declarations")
    parser = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    try:
        root = etree.fromstring(body.lstrip(b"\xef\xbb\xbf \t\r\n"), parser=parser)
    except etree.XMLSyntaxError:
        root = None
    if root is None:
        raise FetchError(url, "invalid_xml", strict_error)
    return root


def _iso(value: str | None) -> str | None:
    return parse_date(value) if value else None


def parse_feed_or_sitemap(body: bytes, url: str) -> Discovery:
    """RSS 2.0, RSS 1.0, Atom, sitemap or sitemap index, told apart by the root element."""
    root = _parse_xml(body, url)
    kind = _local(root.tag)
    found: list[Found] = []
    follow: list[str] = []
    if kind == "urlset":
        for entry in root:
            loc = clean_url(_child_text(entry, "loc") or "", url)
            if loc:
                news_date = None
                for child in entry:
                    if _local(child.tag) == "news":
                        news_date = _child_text(child, "publication_date")
                found.append(Found(loc, _iso(news_date or _child_text(entry, "lastmod"))))
        return Discovery(tuple(found), (), "sitemap")
    if kind == "sitemapindex":
        for entry in root:
            loc = clean_url(_child_text(entry, "loc") or "", url)
            if loc:
                follow.append(loc)
        return Discovery((), tuple(follow), "sitemapindex")
    if kind in ("rss", "rdf"):
        items = [el for el in root.iter() if _local(el.tag) == "item"]
        for item in items:
            link = _child_text(item, "link") or _guid_link(item)
            loc = clean_url(link or "", url)
            if loc:
                found.append(Found(loc, _iso(_child_text(item, "pubdate", "date", "published"))))
        return Discovery(tuple(found), (), "feed")
    if kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            link = None
            for child in entry:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    link = child.get("href")
                    break
            loc = clean_url(link or "", url)
            if loc:
                found.append(Found(loc, _iso(_child_text(entry, "published", "updated"))))
        return Discovery(tuple(found), (), "feed")
    raise FetchError(url, "unknown_xml", f"root element <{kind}> is not a feed or sitemap")


def _guid_link(item: Element) -> str | None:
    for child in item:
        if _local(child.tag) == "guid" and child.get("isPermaLink", "true") != "false":
            return (child.text or "").strip() or None
    return None


def parse_listing(html: str, url: str, is_article, profile: Profile | None = None) -> Discovery:
    """Article links of a section page (in page order, each once) and its next page, if linked.

    `is_article(clean_url) -> bool` decides which links are articles (patterns and domains).
    """
    soup = BeautifulSoup(html, "lxml")
    base_tag = soup.find("base", href=True)
    base = clean_url(base_tag["href"], url) if base_tag else url
    seen: set[str] = set()
    found: list[Found] = []
    for anchor in soup.find_all("a", href=True):
        link = clean_url(anchor["href"], base or url)
        if link and link not in seen and link != url and is_article(link):
            seen.add(link)
            found.append(Found(link))
    follow = []
    selectors = (profile.next_page if profile else ()) + NEXT_SELECTORS
    for selector in selectors:
        element = soup.select_one(selector)
        target = clean_url(element.get("href", ""), base or url) if element else None
        if target and target != url:
            follow.append(target)
            break
    return Discovery(tuple(found), tuple(follow), "listing")
