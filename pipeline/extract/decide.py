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


# what each condition reads: (the Situation's text, whether the phrase must be found)
READS = {"before": ("pre", True), "before_re": ("clause_pre", True), "before_any": ("pre", True),
         "not_before_any": ("pre", False), "after": ("trail", True), "after_re": ("trail", True), "not_after": ("trail", False),
         "head": ("head", True), "head_start": ("head", True), "not_head_start": ("head", False),
         "clause_any": ("clause_and_pre", True), "not_clause_any": ("clause_and_pre", False),
         "lead_any": ("lead", True), "not_lead_any": ("lead", False)}


def _texts(s: Situation) -> dict[str, str]:
    return {"pre": s.pre, "trail": s.trail, "head": s.head, "lead": s.lead, "clause_pre": s.clause + s.pre,
            "clause_and_pre": s.clause + " " + s.pre}


def holds(rule: MeaningRule, s: Situation, texts: dict[str, str] | None = None) -> bool:
    """Whether every condition of `rule` holds for the figure described by `s` (`texts`: _texts(s), once per figure)."""
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
    texts = texts if texts is not None else _texts(s)
    for key, regex in rule.patterns.items():
        field, wanted = READS[key]
        if (regex.search(texts[field]) is not None) != wanted:
            return False
    return True


def decide(rules: tuple[MeaningRule, ...], s: Situation) -> MeaningRule:
    """The first rule that holds (the last rule has no conditions, so one always does)."""
    texts = _texts(s)
    return next(rule for rule in rules if holds(rule, s, texts))
