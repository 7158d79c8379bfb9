"""rules/sources.toml: the crawler's sites as Source records (listings, feeds, sitemaps, article
patterns, page profiles, home areas), validated before the crawl starts.

Every problem raises RuleError naming the file and the line of the offending [[source]] table,
so a typo in one regex or selector never surfaces halfway through a nightly run.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.crawl.dom import BadSelector, check_selector
from pipeline.crawl.urls import clean_url, host_of, registrable_domain
from pipeline.errors import RuleError
from pipeline.rules.tomlfile import line_of, load_toml
from pipeline.settings import RULES_DIR

SOURCES_FILE = RULES_DIR / "sources.toml"
MAX_LISTING_PAGES = 200
SEED_LISTING_PAGES = 5

SOURCE_KEYS = {"name", "home_area", "enabled", "hosts", "listing", "feeds", "sitemaps",
               "article_patterns", "profile", "delay"}
LISTING_KEYS = {"url", "next", "next_from", "pages"}
PROFILE_KEYS = {"title", "published", "lead", "body", "strip", "next_page"}


@dataclass(frozen=True, slots=True)
class Listing:
    """A section page; `next` is a URL template with {page} for pages 2..`pages`, where page 2
    is numbered `next_from` (some sites count their continuation pages from 1)."""

    url: str
    next: str | None = None
    pages: int = 1
    next_from: int = 2

    def page_url(self, page: int) -> str:
        if page <= 1 or not self.next:
            return self.url
        return self.next.format(page=page - 2 + self.next_from)


@dataclass(frozen=True, slots=True)
class Profile:
    """CSS selectors for one site's article template, tried in order; `strip` is removed
    from the body before its text is read."""

    title: tuple[str, ...] = ()
    published: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()
    strip: tuple[str, ...] = ()
    next_page: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Source:
    name: str
    home_area: str = ""
    enabled: bool = True
    domains: frozenset[str] = frozenset()
    listings: tuple[Listing, ...] = ()
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_patterns: tuple[re.Pattern[str], ...] = ()
    profile: Profile | None = None
    delay: float | None = None
    seeds: tuple[str, ...] = ()  # start points of unknown kind (listing, feed or sitemap)
    origin: str = field(default="", compare=False)  # file:line, for messages

    def is_article(self, path_and_query: str) -> bool:
        """True when a URL path matches one of the article patterns (no patterns: anything is a
        candidate, and `checks_pages` says the page itself must show it is an article)."""
        if not self.article_patterns:
            return True
        return any(p.search(path_and_query) for p in self.article_patterns)

    @property
    def checks_pages(self) -> bool:
        """Without article patterns links are only candidates: the fetched page decides."""
        return not self.article_patterns


def _strings(value, what: str, fail) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        fail(f"{what} must be a string or a list of non-empty strings")
    return tuple(v.strip() for v in value)


def _url(value, what: str, fail) -> str:
    cleaned = clean_url(value) if isinstance(value, str) else None
    if cleaned is None:
        fail(f"{what} must be an absolute http(s) URL, got {value!r}")
    return cleaned


def _selectors(values: tuple[str, ...], what: str, fail) -> tuple[str, ...]:
    for selector in values:
        if selector == "jsonld" and what == "profile.published":
            continue
        try:
            check_selector(selector)
        except BadSelector as exc:
            fail(f"{what}: invalid CSS selector {selector!r} ({exc})")
    return values


def compile_patterns(texts, fail) -> tuple[re.Pattern[str], ...]:
    """Article patterns as regexes; `fail(message)` on the first invalid one."""
    patterns = []
    for text in texts:
        try:
            patterns.append(re.compile(text))
        except re.error as exc:
            fail(f"article_patterns: invalid regex {text!r} ({exc})")
    return tuple(patterns)


def _profile(raw, fail) -> Profile | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        fail("profile must be a table")
    unknown = set(raw) - PROFILE_KEYS
    if unknown:
        fail(f"profile: unknown key(s) {sorted(unknown)}")
    parts = {key: _selectors(_strings(raw[key], f"profile.{key}", fail), f"profile.{key}", fail)
             for key in PROFILE_KEYS if key in raw}
    return Profile(**parts)


def _listings(raw, fail) -> tuple[Listing, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        fail("listing must be an array of tables ([[source.listing]])")
    result = []
    for entry in raw:
        if isinstance(entry, str):
            entry = {"url": entry}
        if not isinstance(entry, dict) or "url" not in entry:
            fail("each listing needs a 'url'")
        unknown = set(entry) - LISTING_KEYS
        if unknown:
            fail(f"listing: unknown key(s) {sorted(unknown)}")
        pages = entry.get("pages", 1)
        if not isinstance(pages, int) or not 1 <= pages <= MAX_LISTING_PAGES:
            fail(f"listing.pages must be an integer from 1 to {MAX_LISTING_PAGES}")
        nxt = entry.get("next")
        if nxt is not None:
            if not isinstance(nxt, str) or "{page}" not in nxt:
                fail("listing.next must be a URL template containing {page}")
            _url(nxt.replace("{page}", "2"), "listing.next", fail)
        next_from = entry.get("next_from", 2)
        if not isinstance(next_from, int) or next_from < 0:
            fail("listing.next_from must be a non-negative integer")
        result.append(Listing(url=_url(entry["url"], "listing.url", fail), next=nxt, pages=pages, next_from=next_from))
    return tuple(result)


def build_source(entry: dict, origin: str, fail) -> Source:
    """One validated Source from a decoded [[source]] table; `fail(message)` raises."""
    unknown = set(entry) - SOURCE_KEYS
    if unknown:
        fail(f"unknown key(s) {sorted(unknown)}")
    name = entry.get("name")
    if not isinstance(name, str) or not re.fullmatch(r"[a-z0-9.-]+", name or ""):
        fail(f"'name' must be a lower-case host name, got {name!r}")
    home_area = entry.get("home_area", "")
    if not isinstance(home_area, str):
        fail("'home_area' must be a string")
    enabled = entry.get("enabled", True)
    if not isinstance(enabled, bool):
        fail("'enabled' must be true or false")
    delay = entry.get("delay")
    if delay is not None and (not isinstance(delay, (int, float)) or delay < 0):
        fail("'delay' must be a number of seconds >= 0")
    texts = _strings(entry["article_patterns"], "article_patterns", fail) if entry.get("article_patterns") else ()
    patterns = compile_patterns(texts, fail)
    listings = _listings(entry.get("listing"), fail)
    feeds = tuple(_url(u, "feeds", fail) for u in _strings(entry.get("feeds", []), "feeds", fail)) if entry.get("feeds") else ()
    sitemaps = tuple(_url(u, "sitemaps", fail) for u in _strings(entry.get("sitemaps", []), "sitemaps", fail)) if entry.get("sitemaps") else ()
    hosts = _strings(entry.get("hosts", []), "hosts", fail) if entry.get("hosts") else ()
    starts = [item.url for item in listings] + list(feeds) + list(sitemaps)
    domains = {registrable_domain(name)} | {registrable_domain(h.lower()) for h in hosts}
    domains |= {registrable_domain(host_of(u)) for u in starts}
    if enabled and not starts:
        fail("an enabled source needs at least one listing, feed or sitemap")
    return Source(
        name=name, home_area=home_area, enabled=enabled, domains=frozenset(domains),
        listings=listings, feeds=feeds, sitemaps=sitemaps, article_patterns=patterns,
        profile=_profile(entry.get("profile"), fail), delay=float(delay) if delay is not None else None,
        origin=origin,
    )


def load_sources(path: Path = SOURCES_FILE) -> list[Source]:
    """Every [[source]] of a sources file, enabled or not, in file order."""
    path = Path(path)
    data, text = load_toml(path)
    entries = data.get("source")
    if not isinstance(entries, list) or not entries:
        raise RuleError("expected one or more [[source]] tables", path=str(path))
    unknown_top = set(data) - {"source"}
    if unknown_top:
        raise RuleError(f"unknown top-level key(s) {sorted(unknown_top)}", path=str(path))
    result: list[Source] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries):
        line = line_of(text, "[[source]]", n)

        def fail(message: str, _line=line, _name=entry.get("name")) -> None:
            label = f"source {_name!r}: " if isinstance(_name, str) else ""
            raise RuleError(label + message, path=str(path), line=_line)

        source = build_source(entry, f"{path}:{line}", fail)
        if source.name in seen:
            fail(f"duplicate source name {source.name!r}")
        seen.add(source.name)
        result.append(source)
    return result


def source_for_url(sources: list[Source], url: str) -> Source | None:
    """The configured source whose domains contain `url`'s registrable domain, if any."""
    domain = registrable_domain(host_of(url))
    for source in sources:
        if domain in source.domains:
            return source
    return None


def seed_source(url: str, sources: list[Source] = ()) -> Source:
    """An ad hoc source for `chitieu crawl --seed URL`: the seed's host only, reusing the
    profile and article patterns of a configured source for the same site when there is one.
    Without patterns every link of the seed is a candidate and each page decides."""
    cleaned = clean_url(url)
    if cleaned is None:
        raise RuleError(f"--seed must be an absolute http(s) URL, got {url!r}", path="--seed")
    host = host_of(cleaned)
    known = source_for_url(list(sources), cleaned)
    return Source(
        name=known.name if known else host,
        home_area=known.home_area if known else "",
        domains=frozenset({registrable_domain(host)}),
        seeds=(cleaned,),
        article_patterns=known.article_patterns if known else (),
        profile=known.profile if known else None,
        delay=known.delay if known else None,
        origin="--seed",
    )

