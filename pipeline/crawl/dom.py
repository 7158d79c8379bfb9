"""HTML trees with lxml: parse once, select with CSS, read text the way BeautifulSoup did.

Parsing and selecting are the crawler's hot path (every listing and article page), so pages are
parsed by lxml directly and CSS selectors are compiled once into XPath by cssselect (the
translator lxml and parsel use). The text helpers keep BeautifulSoup's `get_text` semantics
the parsers were written against: comments, processing instructions and the contents of
<script>, <style> and <template> are not text.
"""
from __future__ import annotations

import functools
import threading

import lxml.html
from cssselect import HTMLTranslator, SelectorError
from lxml import etree

NOT_TEXT_TAGS = frozenset({"script", "style", "template"})
_local = threading.local()
_HTML = HTMLTranslator()


class BadSelector(ValueError):
    """A CSS selector cssselect cannot translate (message says why)."""


def _parser() -> lxml.html.HTMLParser:
    # lxml parsers must not be shared between threads that parse at the same time
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = _local.parser = lxml.html.HTMLParser(encoding="utf-8", remove_blank_text=False)
    return parser


def parse_html(text: str) -> lxml.html.HtmlElement:
    """The <html> element of `text` (an empty document for empty or unparsable input)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text
    root = None
    if data.strip():
        try:
            root = etree.fromstring(data, _parser())
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            root = None
    if root is None:
        root = lxml.html.fromstring("<html><body></body></html>")
    return root


@functools.lru_cache(maxsize=512)
def _compiled(selector: str, scope: str) -> etree.XPath:
    try:
        xpath = _HTML.css_to_xpath(selector, prefix=scope)
    except SelectorError as exc:
        raise BadSelector(f"{exc}") from None
    except Exception as exc:  # cssselect raises a few plain errors on odd input
        raise BadSelector(f"{type(exc).__name__}: {exc}") from None
    return etree.XPath(xpath)


def check_selector(selector: str) -> None:
    """BadSelector when `selector` is not a CSS selector we can run."""
    _compiled(selector, "descendant-or-self::")


def select(element, selector: str, within: bool = False) -> list:
    """Elements matching `selector` in document order; `within`: descendants of `element` only
    (BeautifulSoup's tag.select), otherwise `element` itself may match too."""
    return _compiled(selector, "descendant::" if within else "descendant-or-self::")(element)


def select_one(element, selector: str, within: bool = False):
    found = select(element, selector, within)
    return found[0] if found else None


def strings(element) -> list[str]:
    """The text pieces under `element` in order, as BeautifulSoup's `_all_strings`."""
    out: list[str] = []

    def walk(node) -> None:
        if node.tag in NOT_TEXT_TAGS:
            return
        if node.text:
            out.append(node.text)
        for child in node:
            if isinstance(child.tag, str):
                walk(child)
            if child.tail:
                out.append(child.tail)

    if isinstance(element.tag, str):
        walk(element)
    return out


def get_text(element, separator: str = "", strip: bool = False) -> str:
    """BeautifulSoup's `tag.get_text(separator, strip=...)`."""
    pieces = strings(element)
    if strip:
        pieces = [p.strip() for p in pieces]
        pieces = [p for p in pieces if p]
    return separator.join(pieces)


def drop(element) -> None:
    """Remove `element` and what it holds, keeping the text that follows it (BeautifulSoup's decompose)."""
    if element.getparent() is not None:
        element.drop_tree()

