"""Why each figure got its attributes: the facts of a sentence or document with, for every
attribute, the rule (file:line) or the context that decided it. What `chitieu explain` prints, so an
analyst can edit rules/ without reading Python."""
from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

from pipeline.corpus import iter_jsonl, read_article
from pipeline.errors import InputError
from pipeline.extract import extract_facts
from pipeline.kinds import is_figure
from pipeline.records import Article, Fact, article_id
from pipeline.rules.book import RuleBook

# why-trace values and what they mean, for people
CONTEXT = {
    "own_clause": "the figure's own clause", "noun_after": "the noun after the figure",
    "counted_noun": "the counted noun after the fraction", "earlier_segment": "an earlier part of the sentence",
    "matcher": "a spaCy Matcher pattern (rules/subjects.jsonl)", "clause": "the figure's own clause",
    "sentence": "the sentence", "earlier_sentence": "an earlier sentence of the article",
    "publication": "the publication date (no time is stated)", "clause_now": "'hiện nay'/'đến nay' in its clause",
    "sentence_now": "'hiện nay'/'đến nay' in the sentence", "paragraph_now": "the paragraph has come to now ('Đến nay, …')", "continues": "the figure this clause continues",
    "paragraph": "the paragraph", "headline": "the headline", "region": "a region of the country: national",
    "article_time": "the period the article speaks of most", "lead": "the lead",
    "article": "the province the article names most",
    "home_area": "the site's home area", "whole_province": "'toàn tỉnh'/'thành phố' → the article's province",
    "national_indicator": "a national indicator (GDP, CPI)", "no_province_named": "no province named anywhere: national",
    "none": "nothing says", "indicator_term": "the indicator's words in its sentence",
    "previous_sentence": "what the sentence before measured",
    "threshold": "a threshold or limit measures no indicator", "criteria": "a count of criteria met measures no indicator", "complement": "a share of those not yet covered",
    "count_paren": "the count before the bracket and what follows it", "whole_of_named": "'toàn tỉnh' → the province the sentence names",
    "provinces_counted": "a count of provinces: national",
    "sibling": "the list item before it", "headline_topic": "what the headline is about",
    "looks_back": "the figure of the sentence before (it opens on it)",
    "listed_units": "a list of bodies or places: the measure of the figure before it",
    "bare_district": "a list item named by its district alone ('Gò Dầu 5/9 xã')",
    "bare_commune": "a commune of the article's district named alone ('cao nhất là Mỹ Đức chiếm 10,96%')",
    "national_teller": "its sentence credits a national body ('Theo Tổng cục Thống kê, …'): national",
    "national_body": "a central body (ministry, 'khối bộ, ngành'): national",
    "same_period_aside": "'(cùng kỳ tăng …)': the same period a year before",
    "year_end": "'cuối năm' of the year the paragraph is in",
    "baseline_level": "the period it is compared with ('so với năm 2021 với tỷ lệ …')",
    "baseline_bracket": "the period right before its bracket ('năm 2022 (99,51%)')",
}


def _is_file(path: Path) -> bool:
    """Whether the target names a file; a long sentence is no file name (the OS refuses to look it up)."""
    try:
        return path.is_file()
    except (OSError, ValueError):  # "File name too long", an embedded NUL
        return False


def articles_from(target: str, *, published: str | None = None, source: str = "", title: str = "") -> list[Article]:
    """A sentence given on the command line, a corpus document (.json), a JSON Lines file of them, or a
    plain text file; InputError names the file and line when it cannot be read."""
    path = Path(target)
    if _is_file(path):
        if path.suffix == ".json":
            return [read_article(path)]
        if path.suffix == ".jsonl":
            errors: list[InputError] = []
            found = list(iter_jsonl(path, errors.append))
            if errors and not found:
                raise errors[0]
            return found
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read: {exc}", source=str(path)) from None
    else:
        text = target
    return [Article(id=article_id(None, text), url=None, title=title, published=published, source=source,
                    fetched_at=None, text=text)]


def _rule_line(book: RuleBook, rule_id: str) -> str:
    """'rules/meaning.toml:123' for a value-kind or modality rule id, '' if unknown."""
    for rules, name in ((book.value_kind_rules, "meaning.toml"), (book.modality_rules, "meaning.toml"),
                        (book.rules, "patterns.toml")):
        for rule in rules:
            if rule.id == rule_id:
                return f"{book.rules_dir / name}:{rule.line}" if rule.line else str(book.rules_dir / name)
    return ""


def explain_fact(fact: Fact, book: RuleBook) -> dict:
    """One figure: each attribute with its value and the rule or context that decided it."""
    why = dict(part.split("=", 1) for part in fact.why.split("; ") if "=" in part)
    labels = {ind.id: ind.label for ind in book.indicators}

    def reason(key: str) -> str:
        value = why.get(key, "")
        kind, _, detail = value.partition(":")
        line = _rule_line(book, value)
        if line:
            return f"{value} ({line})"
        text = CONTEXT.get(kind, kind)
        return f"{text}: {detail}" if detail else text

    return {
        "figure": fact.text, "kind": fact.kind, "value": fact.value, "unit": fact.unit,
        "rule": f"{fact.rule} ({_rule_line(book, fact.rule)})",
        "attributes": [
            ("subject", fact.subject, reason("subject")),
            ("value_kind", fact.value_kind, reason("value_kind")),
            ("indicator", f"{fact.indicator} ({labels[fact.indicator]})" if fact.indicator in labels else "",
             reason("indicator").replace("subject: ", "term in the subject: ").replace("clause: ", "term in its clause: ")),
            ("area", f"{fact.area} [{fact.area_basis}]" if fact.area else "", reason("area")),
            ("area_part", fact.area_part, ""),
            ("as_of", f"{fact.as_of_start} … {fact.as_of_end} [{fact.time_basis}]" if fact.as_of_end else "",
             reason("time")),
            ("modality", fact.modality, reason("modality")),
            ("qualifier", fact.qualifier, ""),
        ],
        "sentence": fact.sentence,
    }


def explain(articles: Iterable[Article], book: RuleBook) -> list[dict]:
    return [explain_fact(f, book) for a in articles for f in extract_facts(a, book) if is_figure(f.kind)]


def format_explanations(items: list[dict], as_json: bool = False) -> str:
    if as_json:
        return "\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    lines, sentence = [], None
    for item in items:
        if item["sentence"] != sentence:
            sentence = item["sentence"]
            lines.append(f"\n« {sentence} »")
        lines.append(f"  {item['figure']}   {item['kind']} = {item['value']:g} {item['unit']}   found by {item['rule']}")
        for name, value, why in item["attributes"]:
            lines.append(f"      {name:<11} {value or '—':<48} {('← ' + why) if why else ''}".rstrip())
    return "\n".join(lines).lstrip("\n") or "no percentage or fraction found"
