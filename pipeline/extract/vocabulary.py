"""Which lexicon indicator a figure is about (rules/indicators.toml): the most specific term that
names its subject, else its own clause, else what the figure it continues is about. The lexicon's
order never decides: the longest matching term wins, then the one nearest the figure."""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract.rulebook import RuleBook, derived


WORD_START = re.compile(r"(?<![^\W\d_])[^\W_]")


@dataclass(frozen=True)
class Vocabulary:
    by_initial: dict  # a term's first character (lower-cased) → its terms, longest first
    by_term: dict  # lower-cased term → indicators that list it
    by_id: dict

    def matches(self, text: str):
        """(start, term) of every lexicon term in `text`, whole words, overlaps included."""
        lowered = text.lower()
        for m in WORD_START.finditer(lowered):
            at = m.start()
            for term in self.by_initial.get(lowered[at], ()):
                end = at + len(term)
                if lowered.startswith(term, at) and not (end < len(lowered) and (lowered[end].isalnum() or lowered[end] == "_")):
                    yield at, term


def vocabulary(book: RuleBook) -> Vocabulary:
    return derived(book, _build)


def _build(book: RuleBook) -> Vocabulary:
    by_term: dict[str, list] = {}
    for ind in book.indicators:
        for term in ind.terms:
            by_term.setdefault(term.lower(), []).append(ind)
    by_initial: dict[str, list[str]] = {}
    for term in sorted(by_term, key=len, reverse=True):
        by_initial.setdefault(term[0], []).append(term)
    return Vocabulary({k: tuple(v) for k, v in by_initial.items()}, by_term, {ind.id: ind for ind in book.indicators})


def _allowed(ind, kind: str, value_kind: str, lowered_clause: str) -> bool:
    if ind.kinds and kind not in ind.kinds:
        return False
    if ind.value_kinds and value_kind not in ind.value_kinds:
        return False
    if ind.requires and not any(r.lower() in lowered_clause for r in ind.requires):
        return False
    return not any(u.lower() in lowered_clause for u in ind.unless)


def best_term(text: str, kind: str, value_kind: str, lowered_clause: str, vocab: Vocabulary):
    """(indicator, term) for the longest allowed term in `text`, ties to the one ending last."""
    best = None
    for start, term in vocab.matches(text):
        for ind in vocab.by_term[term]:
            if not _allowed(ind, kind, value_kind, lowered_clause):
                continue
            key = (len(term), start + len(term))
            if best is None or key > best[0]:
                best = (key, ind, text[start:start + len(term)])
    return (best[1], best[2]) if best else (None, "")


def indicator_for(kind: str, value_kind: str, subject: str, own: str, clause: str, parent: str,
                  requires_text: str, book: RuleBook) -> tuple[str, str]:
    """(indicator id or "", why): tried on the subject, the figure's own clause, the figure it
    continues, then the clause before it."""
    vocab = vocabulary(book)
    lowered = requires_text.lower()
    for text, where in ((subject, "subject"), (own, "clause")):
        if text:
            ind, term = best_term(text, kind, value_kind, lowered, vocab)
            if ind is not None:
                return ind.id, f"{where}:{term}"
    if parent:
        ind = vocab.by_id.get(parent)
        if ind is not None and _allowed(ind, kind, value_kind, lowered):
            return parent, "continues"
    if clause:
        ind, term = best_term(clause, kind, value_kind, lowered, vocab)
        if ind is not None:
            return ind.id, f"sentence:{term}"
    return "", "none"
