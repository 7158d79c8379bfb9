"""Small adapters between the extractor and the evaluation / conformance harnesses."""
from __future__ import annotations

from pipeline.extract import extract_facts
from pipeline.records import Article
from pipeline.rules.book import RuleBook


def extract_fn(book: RuleBook):
    """A function dict → list of fact dicts, as pipeline.evaluation expects."""

    def run(doc: dict) -> list[dict]:
        article = Article(id=doc["id"], url=doc.get("url"), title=doc.get("title") or "", published=doc.get("published"),
                          source=doc.get("source") or "eval", fetched_at=None, text=doc["text"])
        return [f.as_dict() for f in extract_facts(article, book) if f.field == "text"]

    return run
