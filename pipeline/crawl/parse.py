"""Article page → title, publication date, body text; and whether the page is an article at all.

With a site profile the CSS selectors decide (what to read, what to strip); without one, or
when the profile no longer matches the template, structured data gives the date (JSON-LD
NewsArticle, article:published_time, itemprop, pubdate, <time>, then visible text) and
trafilatura, a maintained main-content extractor, gives the body. Pages are parsed by lxml
(pipeline.crawl.dom): this runs for every article fetched.

When a source does not say what its article links look like (no article_patterns: an ad hoc
`--seed` crawl), every link of a listing is only a candidate and the page decides
(`article_evidence`): a JSON-LD Article/NewsArticle, article:published_time, og:type article or
a main text of article length on a page that is not mostly links. About, contact and section
pages are `not_article`.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import trafilatura

from pipeline.crawl.dates import parse_date
from pipeline.crawl.dom import drop, get_text, parse_html, select, select_one
from pipeline.crawl.urls import clean_url, same_site
from pipeline.errors import FetchError
from pipeline.normalize import normalize_body, normalize_text
from pipeline.rules.sources import Profile

BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "dd", "details", "div", "dl", "dt", "figcaption",
    "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "ol",
    "p", "pre", "section", "summary", "table", "tr", "ul",
})
CELL_TAGS = frozenset({"td", "th"})
NEVER_TEXT = frozenset({"script", "style", "noscript", "iframe", "form", "button", "svg", "template",
                        "input", "select", "textarea", "video", "audio", "canvas", "object", "embed"})
JSONLD_ARTICLE_TYPES = {"newsarticle", "article", "reportagenewsarticle", "blogposting",
                        "analysisnewsarticle", "opinionnewsarticle", "backgroundnewsarticle", "webpage"}
JSONLD_ARTICLE_ONLY = JSONLD_ARTICLE_TYPES - {"webpage"}
DATE_META = (
    "meta[property='article:published_time']", "meta[name='article:published_time']",
    "meta[itemprop='datePublished']", "meta[name='pubdate']", "meta[name='publishdate']",
    "meta[property='og:published_time']", "meta[name='dc.date.issued']", "meta[name='date']",
    "[itemprop='datePublished']", "time[datetime]", "time",
)
ARTICLE_MIN_CHARS = 1000     # main text of a news article, when the page carries no article markup
ARTICLE_MIN_LINES = 3
LINK_DENSITY_MAX = 0.35      # an article's text is mostly not links (real section pages: 0.36-0.98)
# Real article pages have a few thousand tags (realweb: at most 3,246); a page of a million tiny
# elements would cost gigabytes and minutes in lxml and trafilatura, so it is refused unparsed.
MAX_ARTICLE_TAGS = 100_000
_DATEISH_CLASS = re.compile(r"date|time|publish|ngay", re.I)
_SPACE_RUN = re.compile(r"\s+")
_JSONLD_TYPE = re.compile(r"ld\+json", re.I)


class ParseError(FetchError):
    """The page was fetched but holds no readable article (reason says why)."""


@dataclass(frozen=True, slots=True)
class ParsedArticle:
    title: str
    published: str | None
    text: str
    canonical: str | None
    method: str  # "profile" or "fallback": which path produced the body
    evidence: str = ""  # why the page counts as an article (only when that was checked)


def block_text(element) -> str:
    """Visible text with one line per block element (paragraph, heading, list item …)."""
    out: list[str] = []

    def walk(node) -> None:
        if node.text:
            out.append(_SPACE_RUN.sub(" ", node.text))
        for child in node:
            tag = child.tag
            if isinstance(tag, str) and tag not in NEVER_TEXT:
                if tag == "br":
                    out.append("\n")
                elif tag in CELL_TAGS:
                    out.append(" ")
                    walk(child)
                    out.append(" ")
                elif tag in BLOCK_TAGS:
                    out.append("\n")
                    walk(child)
                    out.append("\n")
                else:
                    walk(child)
            if child.tail:
                out.append(_SPACE_RUN.sub(" ", child.tail))

    if isinstance(element.tag, str) and element.tag not in NEVER_TEXT:
        walk(element)
    return normalize_body("".join(out))


def _inline_text(element) -> str:
    if element.tag == "meta":
        return normalize_text(" ".join((element.get("content") or "").split()))
    return normalize_text(" ".join(get_text(element).split()))


def _date_value(element) -> str | None:
    raw = element.get("content") if element.tag == "meta" else element.get("datetime") or get_text(element, " ")
    return parse_date(raw)


def _jsonld_objects(root):
    for script in root.iter("script"):
        if not _JSONLD_TYPE.search(script.get("type") or ""):
            continue
        try:
            data = json.loads(script.text or "")
        except (json.JSONDecodeError, TypeError, RecursionError):
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


def _jsonld_types(item: dict) -> set[str]:
    types = item.get("@type", "")
    return {t.lower() for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)}


def jsonld_published(root) -> str | None:
    """datePublished of the first JSON-LD article object (NewsArticle and kin)."""
    for item in _jsonld_objects(root):
        if _jsonld_types(item) & JSONLD_ARTICLE_TYPES and isinstance(item.get("datePublished"), str):
            found = parse_date(item["datePublished"])
            if found:
                return found
    return None


def find_published(root, selectors: tuple[str, ...] = ()) -> str | None:
    """Profile selectors ("jsonld" names the JSON-LD date), then the generic chain."""
    for selector in selectors:
        if selector == "jsonld":
            found = jsonld_published(root)
        else:
            element = select_one(root, selector)
            found = _date_value(element) if element is not None else None
        if found:
            return found
    found = jsonld_published(root)
    if found:
        return found
    for selector in DATE_META:
        for element in select(root, selector)[:3]:
            found = _date_value(element)
            if found:
                return found
    checked = 0
    for element in root.iter():
        if not isinstance(element.tag, str) or not _DATEISH_CLASS.search(element.get("class") or ""):
            continue
        checked += 1
        text = get_text(element, " ", strip=True)
        if 6 <= len(text) <= 80:
            found = parse_date(text)
            if found:
                return found
        if checked >= 40:
            break
    return None


def _first_text(root, selectors: tuple[str, ...], read) -> str:
    """`read(element)` of the first selector that matches with non-empty text."""
    for selector in selectors:
        element = select_one(root, selector)
        text = read(element) if element is not None else ""
        if text:
            return text
    return ""


def find_title(root, selectors: tuple[str, ...] = ()) -> str:
    return _first_text(root, selectors + ("meta[property='og:title']", "h1", "title"), _inline_text)


def find_canonical(root, page_url: str) -> str | None:
    """rel=canonical when it stays on the page's own site (a cross-site canonical is ignored)."""
    for link in root.iter("link"):
        if "canonical" in (link.get("rel") or "").split() and link.get("href") is not None:
            target = clean_url(link.get("href"), page_url)
            return target if target and same_site(target, page_url) else None
    return None


def _profile_body(root, profile: Profile) -> str:
    for selector in profile.body:
        element = select_one(root, selector)
        if element is None:
            continue
        for junk in [e for e in element.iterdescendants() if e.tag in NEVER_TEXT]:
            drop(junk)
        for strip in profile.strip:
            for junk in select(element, strip, within=True):
                drop(junk)
        text = block_text(element)
        if text:
            return text
    return ""


def link_density(root) -> float:
    """Share of the page's visible text that sits inside links: high on section pages (lists of
    headlines), low on articles."""
    body = next(root.iter("body"), root)
    total = linked = 0
    stack = [(body, False)]
    while stack:
        node, in_link = stack.pop()
        if not isinstance(node.tag, str) or node.tag in NEVER_TEXT:
            continue
        in_link = in_link or node.tag == "a"
        if node.text and node.text.strip():
            size = len(node.text.strip())
            total += size
            linked += size if in_link else 0
        for child in node:
            stack.append((child, in_link))
            if child.tail and child.tail.strip():
                size = len(child.tail.strip())
                total += size
                linked += size if in_link else 0
    return linked / total if total else 1.0


def article_evidence(root, text: str) -> tuple[str | None, str]:
    """(why this page is an article, or None; what was looked at).

    A JSON-LD article type or article:published_time is enough. og:type article is not on its
    own: Vietnamese sites put it on section and home pages too, so it counts on a page whose
    text is mostly not links (LINK_DENSITY_MAX). Without any markup, a main text of article
    length (ARTICLE_MIN_CHARS in ARTICLE_MIN_LINES paragraphs) on such a page counts, unless
    og:type says the page is something else ("website")."""
    og_type = ""
    for meta in root.iter("meta"):
        prop = (meta.get("property") or meta.get("name") or "").strip().lower()
        content = (meta.get("content") or "").strip().lower()
        if prop == "og:type":
            og_type = og_type or content
        elif prop == "article:published_time" and content:
            return "article:published_time", ""
    for item in _jsonld_objects(root):
        types = _jsonld_types(item) & JSONLD_ARTICLE_ONLY
        if types:
            return f"JSON-LD {sorted(types)[0]}", ""
    density = link_density(root)
    paragraphs = sum(1 for line in text.split("\n") if len(line) >= 40)
    looked = (f"no JSON-LD Article/NewsArticle or article:published_time; og:type {og_type or 'none'}; "
              f"{density:.0%} of the text in links; main text {len(text)} characters in {paragraphs} paragraphs")
    if density >= LINK_DENSITY_MAX:
        return None, looked
    if og_type.startswith("article"):
        return f"og:type article, {density:.0%} of the text in links", ""
    if not og_type and len(text) >= ARTICLE_MIN_CHARS and paragraphs >= ARTICLE_MIN_LINES:
        return f"main text of {len(text)} characters, {density:.0%} in links", ""
    return None, looked


def parse_article(html: str, url: str, profile: Profile | None = None, require_article: bool = False) -> ParsedArticle:
    """Parse one article page; ParseError when no body text can be found, or (with
    `require_article`) reason 'not_article' when nothing on the page says it is an article."""
    tags = html.count("<")
    if tags > MAX_ARTICLE_TAGS:
        raise ParseError(url, "too_complex", f"{tags:,} tags: more than an article page has ({MAX_ARTICLE_TAGS:,}), not parsed")
    root = parse_html(html)
    canonical = find_canonical(root, url)
    title = find_title(root, profile.title if profile else ())
    published = find_published(root, profile.published if profile else ())
    text, method = "", "fallback"
    if profile and profile.body:
        lead = _first_text(root, profile.lead, block_text)
        body = _profile_body(root, profile)
        if body:
            text = body if not lead or body.startswith(lead) else f"{lead}\n{body}"
            method = "profile"
    if not text:
        extracted = trafilatura.extract(html, url=url, include_comments=False, include_tables=True,
                                        favor_precision=True, deduplicate=False)
        text = normalize_body(extracted or "")
    evidence = ""
    if require_article:
        found, looked = article_evidence(root, text)
        if not found:
            raise ParseError(url, "not_article", looked)
        evidence = found
    if not text:
        raise ParseError(url, "no_text", "neither the profile nor trafilatura found body text")
    return ParsedArticle(title=title, published=published, text=text, canonical=canonical, method=method,
                         evidence=evidence)
