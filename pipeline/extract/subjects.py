"""What a figure counts or measures, found with spaCy Matcher patterns from rules/subjects.jsonl
over a Doc of the words around the figure (words from underthesea's segmenter)."""
from __future__ import annotations

import re

from pipeline import nlp
from pipeline.errors import RuleError
from pipeline.extract.rulebook import RuleBook, derived

LEFT_CHARS, SHORT_LEFT_CHARS, RIGHT_CHARS = 110, 70, 45
FIRST_SYLLABLE = re.compile(r" ([^\W\d_]+)")


def _resolve(value, book: RuleBook, path: str, line: int):
    """Replace "$section.name" placeholders (or "$a+b", two lists together) with cue lists,
    lower-cased as LOWER compares."""
    if isinstance(value, str) and value.startswith("$"):
        words = []
        for name in value[1:].split("+"):
            if not book.cues.words(name):
                raise RuleError(f"unknown cue list {name!r} in {value!r}", path=path, line=line)
            words += [w.lower() for w in book.cues.words(name)]
        return words
    if isinstance(value, dict):
        return {k: _resolve(v, book, path, line) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v, book, path, line) for v in value]
    return value


class SubjectFinder:
    """One Matcher per process, built from the rule book."""

    def __init__(self, book: RuleBook):
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp.vocab(), validate=True)
        self.groups: dict[str, tuple[str, frozenset[int]]] = {}
        self.drops: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.drop_first = {w.lower() for w in book.cues.words("subject.drop_first")}
        # one-syllable stop words: a figure followed by one of them has no subject after it
        self.stop_syllables = {w.lower() for w in book.cues.words("subject.stop") if " " not in w}
        heads = "|".join(re.escape(w) for w in book.cues.words("subject.rate_heads"))
        self.rate_head = re.compile(rf"(?<![^\W\d_])(?:{heads})(?![^\W\d_])", re.IGNORECASE)
        path = str(book.rules_dir / "subjects.jsonl")
        for entry in book.subject_patterns:
            pattern = _resolve(entry["pattern"], book, path, entry["line"])
            try:
                self.matcher.add(entry["id"], [pattern], greedy="LONGEST")
            except Exception as exc:  # spaCy's pattern validation errors have many types
                raise RuleError(f"bad Matcher pattern {entry['id']}: {exc}", path=path, line=entry["line"]) from None
            group = entry.get("group")
            if not (isinstance(group, list) and group and all(isinstance(i, int) and 0 <= i < len(pattern) for i in group)):
                raise RuleError(f"{entry['id']}: 'group' must list indexes of its pattern's tokens",
                                path=path, line=entry["line"])
            self.groups[entry["id"]] = (entry["side"], frozenset(group))
            self.drops[entry["id"]] = tuple(frozenset(_resolve(entry[key], book, path, entry["line"]) if key in entry else ())
                                            for key in ("drop", "drop_leading"))

    def find(self, sentence: str, fig_start: int, fig_end: int) -> tuple[str, str]:
        """(subject, pattern id) for the figure at [fig_start, fig_end) of `sentence`: the noun
        phrase after it if there is one, else one named before it ("tỷ lệ X … là 95%").

        The words after the figure are segmented first; the longer left window only when they
        name nothing (word segmentation is the expensive step)."""
        hi = min(len(sentence), fig_end + RIGHT_CHARS)
        if hi < len(sentence):
            space = sentence.rfind(" ", fig_end, hi)
            hi = space if space > fig_end else fig_end
        right = sentence[fig_start:hi]
        first = FIRST_SYLLABLE.match(sentence, fig_end)
        if first and first.group(1).lower() not in self.stop_syllables:  # else nothing can follow
            found = self._best(nlp.window_doc(right, 0, fig_end - fig_start), "after")
            if found:
                return found
        # a rate head ("tỷ lệ …") may name the subject far back; otherwise only the few words
        # before a linking verb can, so the (costly) segmented window stays short
        heads = [m.start() for m in self.rate_head.finditer(sentence, max(0, fig_start - LEFT_CHARS), fig_start)]
        lo = heads[0] if heads else max(0, fig_start - SHORT_LEFT_CHARS)
        if lo and not heads:
            space = sentence.find(" ", lo)
            lo = space + 1 if 0 <= space < fig_start else fig_start
        window = sentence[lo:fig_end]
        return self._best(nlp.window_doc(window, fig_start - lo, fig_end - lo), "before") or ("", "")

    def after(self, sentence: str, fig_start: int, fig_end: int) -> str:
        """The noun phrase right after the figure ("20/27 chỉ tiêu", "0,03% hộ nghèo"), or ""."""
        hi = min(len(sentence), fig_end + RIGHT_CHARS)
        if hi < len(sentence):
            space = sentence.rfind(" ", fig_end, hi)
            hi = space if space > fig_end else fig_end
        first = FIRST_SYLLABLE.match(sentence, fig_end)
        if not first or first.group(1).lower() in self.stop_syllables:
            return ""
        found = self._best(nlp.window_doc(sentence[fig_start:hi], 0, fig_end - fig_start), "after")
        return found[0] if found else ""

    def _best(self, doc, side: str) -> tuple[str, str] | None:
        fig_index = next(t.i for t in doc if t.tag_ == "FIG")
        best = None
        for match_id, start, end, alignment in self.matcher(doc, with_alignments=True):
            name = doc.vocab.strings[match_id]
            if self.groups[name][0] != side:
                continue
            if side == "after" and start == fig_index and (best is None or end > best[2]):
                best = (name, start, end, alignment)
            elif side == "before" and end <= fig_index + 1 and (
                    best is None or (end, -start) > (best[2], -best[1])):
                best = (name, start, end, alignment)
        if best is None:
            return None
        name, start, end, alignment = best
        group = self.groups[name][1]
        drop, drop_leading = self.drops[name]
        words = [doc[start + i] for i, index in enumerate(alignment) if index in group and doc[start + i].lower_ not in drop]
        while words and words[0].lower_ in drop_leading:
            words = words[1:]
        while words and words[0].lower_ in self.drop_first:
            words = words[1:]
        text = " ".join(t.text for t in words).strip()
        return (text, name) if text else None


def check_patterns(book: RuleBook) -> None:
    """Build the Matcher from rules/subjects.jsonl and run each pattern once over a small Doc, so
    that a malformed pattern fails when the rules are loaded (and in `config check`), naming its
    line, instead of failing on every document later."""
    from spacy.matcher import Matcher
    from spacy.tokens import Doc

    path = str(book.rules_dir / "subjects.jsonl")
    try:
        subject_finder(book)
    except RuleError as exc:  # spaCy's validation messages run over several lines
        raise RuleError(" ".join(str(exc).removeprefix(f"{path}:{exc.line}: ").split()), path=path,
                        line=exc.line) from None
    doc = Doc(nlp.vocab(), words=["có", "20/27", "chỉ", "tiêu"], spaces=[True, True, True, False],
              tags=["W", "FIG", "W", "W"])
    for entry in book.subject_patterns:
        matcher = Matcher(nlp.vocab(), validate=True)
        matcher.add(entry["id"], [_resolve(entry["pattern"], book, path, entry["line"])])
        try:
            matcher(doc, with_alignments=True)
        except Exception as exc:  # e.g. an unregistered extension attribute ("_": {...})
            raise RuleError(f"Matcher pattern {entry['id']} fails when run: {' '.join(str(exc).split())}",
                            path=path, line=entry["line"]) from None


def subject_finder(book: RuleBook) -> SubjectFinder:
    """The finder for this rule book, built once per process (Matcher set-up is not free)."""
    return derived(book, SubjectFinder)
