"""Every rule in rules/ carries worked examples; run them all through the whole extractor."""
from __future__ import annotations

import pytest

from tests.extract_helpers import book, facts_of

RULE_EXAMPLES = [
    pytest.param(rule, example, id=f"{rule.id}[{n}]")
    for rule in book().rules for n, example in enumerate(rule.examples)
]
SUBJECT_EXAMPLES = [
    pytest.param(text, expected, id=f"{entry.id}[{n}]")
    for entry in book().subject_patterns for n, (text, expected) in enumerate(entry.examples)
]


@pytest.mark.parametrize(("rule", "example"), RULE_EXAMPLES)
def test_rule_example(rule, example):
    facts = facts_of(example["text"], example.get("published"))
    if example.get("none"):
        unwanted = facts if rule.kind == "exclude" else [f for f in facts if f.kind == rule.kind]
        assert not unwanted, f"{rule.id}: expected no fact in {example['text']!r}, got {unwanted}"
        return
    expect = example["expect"]
    mine = [f for f in facts if f.rule == rule.id]
    assert mine, f"{rule.id} did not fire on {example['text']!r}; got {[(f.rule, f.text) for f in facts]}"
    def agrees(fact):
        return all(getattr(fact, k) == pytest.approx(v) if isinstance(v, float) else getattr(fact, k) == v
                   for k, v in expect.items())
    assert any(agrees(f) for f in mine), f"{rule.id} on {example['text']!r}: want {expect}, got {mine}"


@pytest.mark.parametrize(("text", "expected"), SUBJECT_EXAMPLES)
def test_subject_example(text, expected):
    figures = [f for f in facts_of(text) if f.kind in ("fraction", "percent")]
    assert figures, f"no figure found in {text!r}"
    assert figures[0].subject == expected


def test_every_rule_has_examples():
    missing = [r.id for r in book().rules if not r.examples]
    assert not missing, f"rules without worked examples: {missing}"
