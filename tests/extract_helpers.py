"""Shared helpers for the extraction tests."""
from __future__ import annotations

from functools import lru_cache

from pipeline.extract import extract_facts, load_rulebook
from pipeline.records import Article, article_id


@lru_cache(maxsize=1)
def book():
    return load_rulebook()


def facts_of(text: str, published: str | None = None, title: str = ""):
    article = Article(id=article_id(None, text), url=None, title=title, published=published,
                      source="test", fetched_at=None, text=text)
    return extract_facts(article, book())
