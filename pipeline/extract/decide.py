"""Applying the rules of rules/meaning.toml to one figure: what they look at (Situation), whether a
rule's conditions hold, and the first rule that does (pipeline/rules/meaning.py loads them)."""
from __future__ import annotations

from dataclasses import dataclass

from pipeline.rules.meaning import MeaningRule


@dataclass(frozen=True, slots=True)
class Situation:
    """What the rules look at for one figure (see pipeline/extract/clauses.py)."""

    pre: str
    trail: str
    head: str
    clause: str  # the clause before the figure's own segment (up to the last ";")
    unit: str
    in_paren: bool
    kind: str = "percent"
    future: bool = False
    current: bool = False
    chain: str = ""  # modality of the figure this one continues
    plan: bool = False  # dated within a plan an earlier sentence of the paragraph set out
    lead: str = ""  # the sentence's opening words before the figure's clause ("Mục tiêu năm 2024, …")
    signed: bool = False  # written with its sign ("+24,6% YoY", "-3,2%"): a change


def holds(rule: MeaningRule, s: Situation) -> bool:
    """Whether every condition of `rule` holds for the figure described by `s`."""
    p = rule.patterns
    if rule.unit and s.unit != rule.unit:
        return False
    if rule.figures and s.kind not in rule.figures:
        return False
    if rule.paren is not None and s.in_paren != rule.paren:
        return False
    if rule.future is not None and s.future != rule.future:
        return False
    if rule.current is not None and s.current != rule.current:
        return False
    if rule.plan is not None and s.plan != rule.plan:
        return False
    if rule.signed is not None and s.signed != rule.signed:
        return False
    if rule.chain and (s.chain == rule.chain[1:] if rule.chain.startswith("!") else s.chain != rule.chain):
        return False
    checks = (("before", s.pre, True), ("before_re", s.clause + s.pre, True), ("before_any", s.pre, True),
              ("not_before_any", s.pre, False), ("after", s.trail, True), ("not_after", s.trail, False),
              ("head", s.head, True), ("head_start", s.head, True),
              ("not_head_start", s.head, False), ("clause_any", s.clause + " " + s.pre, True), ("not_clause_any", s.clause + " " + s.pre, False),
              ("lead_any", s.lead, True), ("not_lead_any", s.lead, False))
    for key, text, wanted in checks:
        regex = p.get(key)
        if regex is None:
            continue
        if (regex.search(text) is not None) != wanted:
            return False
    return True


def decide(rules: tuple[MeaningRule, ...], s: Situation) -> MeaningRule:
    """The first rule that holds (the last rule has no conditions, so one always does)."""
    return next(rule for rule in rules if holds(rule, s))
