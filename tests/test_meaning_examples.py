"""The worked examples of rules/meaning.toml (kind of value, target vs actual) and of
rules/indicators.toml (one per indicator), each run through the whole extractor."""
from __future__ import annotations

import pytest

from tests.extract_helpers import book, facts_of

MEANING_EXAMPLES = [
    pytest.param(table, rule, example, id=f"{rule.id}[{n}]")
    for table, rules in (("value_kind", book().value_kind_rules), ("modality", book().modality_rules))
    for rule in rules for n, example in enumerate(rule.examples)
]
INDICATOR_EXAMPLES = [
    pytest.param(ind, example, id=f"{ind.id}[{n}]")
    for ind in book().indicators for n, example in enumerate(ind.examples)
]


def figure(example: dict):
    facts = [f for f in facts_of(example["text"], example.get("published"))
             if f.kind in ("percent", "fraction") and f.text.endswith(example["figure"])]
    assert facts, f"no figure {example['figure']!r} found in {example['text']!r}"
    return facts[0]


@pytest.mark.parametrize(("table", "rule", "example"), MEANING_EXAMPLES)
def test_meaning_example(table, rule, example):
    fact = figure(example)
    got = getattr(fact, table)
    assert got == example["expect"], (f"{rule.id}: {example['figure']} in {example['text']!r} is {got!r}, "
                                      f"want {example['expect']!r} ({fact.why})")


@pytest.mark.parametrize(("indicator", "example"), INDICATOR_EXAMPLES)
def test_indicator_example(indicator, example):
    fact = figure(example)
    want = example.get("expect", indicator.id)
    assert fact.indicator == want, (f"{example['figure']} in {example['text']!r} is about {fact.indicator!r}, "
                                    f"want {want!r} (subject {fact.subject!r}; {fact.why})")


def test_every_percent_indicator_has_an_example():
    """Indicators reported as counts (doctors per 10,000 people) have no percent or fraction to show."""
    missing = [ind.id for ind in book().indicators if not ind.examples and ind.unit != "count"]
    assert not missing, f"indicators without a worked example: {missing}"


def test_lexicon_covers_the_common_indicators():
    assert len(book().indicators) >= 40
    ids = {ind.id for ind in book().indicators}
    original = {"districts_without_poor_households", "near_poor_household_rate", "poor_household_rate",
                "health_insurance_coverage", "unemployment_insurance_coverage", "social_insurance_coverage",
                "trained_labour_rate", "unemployment_rate", "jobs_created", "programme_targets_met"}
    assert original <= ids, f"original indicator ids must stay: missing {original - ids}"
