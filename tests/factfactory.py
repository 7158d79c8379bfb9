"""Fact records for tests, shaped like what the extraction makes of the seed articles."""
from __future__ import annotations

import json
from pathlib import Path

from pipeline.records import Article, Fact, fact_id

HANOI_URL = "https://hanoionline.vn/20-27-chi-tieu-cua-chuong-trinh-08-da-hoan-thanh-222361.htm"
HANOI_DOC = "2250ab12f0de9383"
HANOI_TEXT = (
    "Tính chung toàn thành phố đã có 20/27 chỉ tiêu của Chương trình đã hoàn thành. "
    "Kết quả nổi bật là giảm nghèo, cuối năm 2023 toàn thành phố chỉ còn 0,03% hộ nghèo, "
    "18/30 quận huyện không còn hộ nghèo. Tỷ lệ bao phủ bảo hiểm y tế mục tiêu đến năm 2025 là 95%, "
    "kết quả cuối năm 2023 đã đạt 94%..."
)
HANOI_TITLE = "20/27 chỉ tiêu của Chương trình 08 đã hoàn thành"


def make_fact(text: str, *, doc_id: str = HANOI_DOC, url: str | None = HANOI_URL,
              published: str | None = "2024-02-28", body: str = HANOI_TEXT, occurrence: int = 0,
              **fields) -> Fact:
    """A Fact whose offsets and sentence come from `body` (the n-th occurrence of `text`)."""
    kind = fields.pop("kind", "fraction" if "/" in text else "percent")
    start = -1
    for _ in range(occurrence + 1):
        start = body.find(text, start + 1)
    if start < 0:
        start = 0
    sentence_start = max(body.rfind(". ", 0, start) + 2, 0) if body.rfind(". ", 0, start) >= 0 else 0
    sentence_end = body.find(". ", start)
    sentence = body[sentence_start:sentence_end + 1 if sentence_end >= 0 else len(body)]
    defaults = dict(
        fact_id=fact_id(doc_id, "text", kind, text, occurrence), doc_id=doc_id, url=url,
        published=published, kind=kind, text=text, start=start, end=start + len(text),
        unit="ratio" if kind == "fraction" else ("percent" if kind == "percent" else ""),
        sentence=sentence, rule=f"test.{kind}",
    )
    defaults.update(fields)
    return Fact(**defaults)


def seed_facts(doc_id: str = HANOI_DOC, url: str | None = HANOI_URL, published: str = "2024-02-28",
               area: str = "Hà Nội") -> list[Fact]:
    """The figures of the Hà Nội seed article, as the extraction is specified to produce them."""
    common = dict(doc_id=doc_id, url=url, published=published)
    return [
        make_fact("20/27", value=20 / 27, numerator=20, denominator=27, subject="chỉ tiêu",
                  indicator="programme_targets_met", modality="actual",
                  as_of_start="2024-02-28", as_of_end="2024-02-28", **common),
        make_fact("0,03%", value=0.03, subject="hộ nghèo", indicator="poor_household_rate",
                  area=area, modality="actual", as_of_start="2023-12-31", as_of_end="2023-12-31", **common),
        make_fact("18/30", value=18 / 30, numerator=18, denominator=30, subject="quận huyện",
                  indicator="districts_without_poor_households", modality="actual",
                  as_of_start="2023-12-31", as_of_end="2023-12-31", **common),
        make_fact("95%", value=95.0, subject="bảo hiểm y tế", indicator="health_insurance_coverage",
                  modality="target", as_of_start="2025-01-01", as_of_end="2025-12-31", **common),
        make_fact("94%", value=94.0, subject="bảo hiểm y tế", indicator="health_insurance_coverage",
                  modality="actual", as_of_start="2023-12-31", as_of_end="2023-12-31", **common),
        make_fact("năm 2025", kind="period", date_start="2025-01-01", date_end="2025-12-31",
                  grain="year", **common),
    ]


def write_corpus(corpus_dir: Path, articles: list[Article]) -> None:
    """A minimal corpus tree the way pipeline.corpus stores it."""
    for article in articles:
        path = Path(corpus_dir) / article.source / (article.published or "undated")[:4] / f"{article.id}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(article.as_dict(), ensure_ascii=False), encoding="utf-8")


def hanoi_article(doc_id: str = HANOI_DOC, url: str | None = HANOI_URL, source: str = "hanoionline.vn",
                  published: str = "2024-02-28") -> Article:
    return Article(id=doc_id, url=url, title=HANOI_TITLE, published=published, source=source,
                   fetched_at=None, text=HANOI_TEXT)


def write_rules(rules_dir: Path, home_areas: dict[str, str]) -> Path:
    """A rules directory with the real indicator lexicon and a sources.toml of only these home areas."""
    from pipeline.settings import RULES_DIR

    rules_dir = Path(rules_dir)
    rules_dir.mkdir(parents=True, exist_ok=True)
    (rules_dir / "indicators.toml").write_text((RULES_DIR / "indicators.toml").read_text(encoding="utf-8"),
                                               encoding="utf-8")
    tables = "".join(f'[[source]]\nname = "{name}"\nhome_area = "{area}"\n\n' for name, area in home_areas.items())
    (rules_dir / "sources.toml").write_text(tables, encoding="utf-8")
    return rules_dir


def documents_of(facts: list[Fact], homes: dict[str, str] | None = None,
                 titles: dict[str, str] | None = None):
    """The documents table extraction would write for these facts: one row per doc_id, the home
    area from `homes` (host → area, as rules/sources.toml gives it)."""
    from pipeline.documents import Document, documents_frame, url_host

    titles = {HANOI_DOC: HANOI_TITLE, **(titles or {})}
    docs: dict[str, Document] = {}
    for fact in facts:
        docs.setdefault(fact.doc_id, Document(fact.doc_id, fact.url, url_host(fact.url), "",
                                              titles.get(fact.doc_id, ""), fact.published, "h"))
    return documents_frame(docs.values(), homes or {})
