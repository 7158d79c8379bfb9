"""Article page → title, publication date, body text.

With a site profile the CSS selectors decide (what to read, what to strip); without one, or
when the profile no longer matches the template, structured data gives the date (JSON-LD
NewsArticle, article:published_time, itemprop, pubdate, <time>, then visible text) and
trafilatura, a maintained main-content extractor, gives the body.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import trafilatura
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

from pipeline.crawl.dates import parse_date
from pipeline.crawl.sources import Profile
from pipeline.crawl.urls import clean_url, same_site
from pipeline.errors import FetchError
from pipeline.normalize import normalize_body, normalize_text

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
    "p", "pre", "section", "summary", "table", "tr", "ul",
})
CELL_TAGS = frozenset({"td", "th"})
NEVER_TEXT = ("script", "style", "noscript", "iframe", "form", "button", "svg", "template",
              "input", "select", "textarea", "video", "audio", "canvas", "object", "embed")
JSONLD_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting",
                        "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle", "webpage"}
DATE_META = (
    "meta[property='article:published_time']", "meta[name='article:published_time']",
    "meta[itemprop='datePublished']", "meta[name='pubdate']", "meta[name='publishdate']",
    "meta[property='og:published_time']", "meta[name='dc.date.issued']", "meta[name='date']",
    "[itemprop='datePublished']", "time[datetime]", "time",
)
_DATEISH_CLASS = re.compile(r"date|time|publish|ngay", re.I)
_SKIPPED_STRINGS = (Comment, Declaration, Doctype, ProcessingInstruction)
_SPACE_RUN = re.compile(r"\s+")


class ParseError(FetchError):
    """The page was fetched but holds no readable article (reason says why)."""


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    title: str
    published: str | None
    text: str
    canonical: str | None
    method: str  # "profile" or "fallback": which path produced the body


def block_text(element: Tag) -> str:
    """Visible text with one line per block element (paragraph, heading, list item …)."""
    out: list[str] = []

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, NavigableString):
                if not isinstance(child, _SKIPPED_STRINGS):
                    out.append(_SPACE_RUN.sub(" ", str(child)))
                continue
            if not isinstance(child, Tag) or child.name in NEVER_TEXT:
                continue
            if child.name == "br":
                out.append("\n")
            elif child.name in CELL_TAGS:
                out.append(" ")
                walk(child)
                out.append(" ")
            elif child.name in BLOCK_TAGS:
                out.append("\n")
                walk(child)
                out.append("\n")
            else:
                walk(child)

    walk(element)
    return normalize_body("".join(out))


def _inline_text(element: Tag) -> str:
    if element.name == "meta":
        return normalize_text(" ".join((element.get("content") or "").split()))
    return normalize_text(" ".join(element.get_text("").split()))


def _date_value(element: Tag) -> str | None:
    raw = element.get("content") if element.name == "meta" else element.get("datetime") or element.get_text(" ")
    return parse_date(raw)


def _jsonld_objects(soup: BeautifulSoup):
    for script in soup.find_all("script", type=re.compile(r"ld\+json", re.I)):
        try:
            data = json.loads(script.string or script.get_text() or "")
        except (json.JSONDecodeError, TypeError):
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                if "@graph" in item:
                    stack.extend(item["@graph"] if isinstance(item["@graph"], list) else [item["@graph"]])
                yield item


def jsonld_published(soup: BeautifulSoup) -> str | None:
    """datePublished of the first JSON-LD article object (NewsArticle and kin)."""
    for item in _jsonld_objects(soup):
        types = item.get("@type", "")
        types = {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}
        if types & JSONLD_ARTICLE_TYPES and isinstance(item.get("datePublished"), str):
            found = parse_date(item["datePublished"])
            if found:
                return found
    return None


def find_published(soup: BeautifulSoup, selectors: tuple[str, ...] = ()) -> str | None:
    """Profile selectors ("jsonld" names the JSON-LD date), then the generic chain."""
    for selector in selectors:
        if selector == "jsonld":
            found = jsonld_published(soup)
        else:
            element = soup.select_one(selector)
            found = _date_value(element) if element is not None else None
        if found:
            return found
    found = jsonld_published(soup)
    if found:
        return found
    for selector in DATE_META:
        for element in soup.select(selector)[:3]:
            found = _date_value(element)
            if found:
                return found
    for element in soup.find_all(class_=_DATEISH_CLASS, limit=40):
        text = element.get_text(" ", strip=True)
        if 6 <= len(text) <= 80:
            found = parse_date(text)
            if found:
                return found
    return None


def _first_text(soup: BeautifulSoup, selectors: tuple[str, ...], read) -> str:
    """`read(element)` of the first selector that matches with non-empty text."""
    for selector in selectors:
        element = soup.select_one(selector)
        text = read(element) if element is not None else ""
        if text:
            return text
    return ""


def find_title(soup: BeautifulSoup, selectors: tuple[str, ...] = ()) -> str:
    return _first_text(soup, selectors + ("meta[property='og:title']", "h1", "title"), _inline_text)


def find_canonical(soup: BeautifulSoup, page_url: str) -> str | None:
    """rel=canonical when it stays on the page's own site (a cross-site canonical is ignored)."""
    link = soup.find("link", rel="canonical", href=True)
    target = clean_url(link["href"], page_url) if link else None
    return target if target and same_site(target, page_url) else None


def _profile_body(soup: BeautifulSoup, profile: Profile) -> str:
    for selector in profile.body:
        element = soup.select_one(selector)
        if element is None:
            continue
        for name in NEVER_TEXT:
            for junk in element.find_all(name):
                junk.decompose()
        for strip in profile.strip:
            for junk in element.select(strip):
                junk.decompose()
        text = block_text(element)
        if text:
            return text
    return ""


def parse_article(html: str, url: str, profile: Profile | None = None) -> ParsedArticle:
    """Parse one article page; ParseError when no body text can be found."""
    soup = BeautifulSoup(html, "lxml")
    canonical = find_canonical(soup, url)
    title = find_title(soup, profile.title if profile else ())
    published = find_published(soup, profile.published if profile else ())
    text, method = "", "fallback"
    if profile and profile.body:
        lead = _first_text(soup, profile.lead, block_text)
        body = _profile_body(soup, profile)
        if body:
            text = body if not lead or body.startswith(lead) else f"{lead}\n{body}"
            method = "profile"
    if not text:
        extracted = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                                        favor_precision=True, deduplicate=False)
        text = normalize_body(extracted or "")
    if not text:
        raise ParseError(url, "no_text", "neither the profile nor trafilatura found body text")
    return ParsedArticle(title=title, published=published, text=text, canonical=canonical, method=method)
