"""What a figure counts or measures, found with spaCy Matcher patterns from rules/subjects.jsonl
over a Doc of the words around the figure (words from underthesea's segmenter); the patterns are
loaded and checked by pipeline/rules/subjects.py."""
from __future__ import annotations

import re

from pipeline import nlp
from pipeline.rules.book import RuleBook, derived

LEFT_CHARS, SHORT_LEFT_CHARS, RIGHT_CHARS = 110, 70, 45
CAPITAL = re.compile(r"[A-ZĐÀ-Ỹ]")
FIRST_SYLLABLE = re.compile(r" ([^\W\d_]+)")


class SubjectFinder:
    """One Matcher per process, built from the rule book."""

    def __init__(self, book: RuleBook):
        from spacy.matcher import Matcher

        self.matcher = Matcher(nlp.vocab())  # patterns validated when the rules were loaded
        self.groups: dict[str, tuple[str, frozenset[int]]] = {}
        self.drops: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
        self.drop_first = {w.lower() for w in book.cues.words("subject.drop_first")}
        # one-syllable stop words: a figure followed by one of them has no subject after it
        self.stop_syllables = {w.lower() for w in book.cues.words("subject.stop") if " " not in w}
        heads = "|".join(re.escape(w) for w in book.cues.words("subject.rate_heads"))
        self.rate_head = re.compile(rf"(?<![^\W\d_])(?:{heads})(?![^\W\d_])", re.IGNORECASE)
        for entry in book.subject_patterns:
            self.matcher.add(entry.id, [entry.pattern], greedy="LONGEST")
            self.groups[entry.id] = (entry.side, frozenset(entry.group))
            self.drops[entry.id] = (entry.drop, entry.drop_leading)

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


class JunkSubjects:
    """Phrases that name no measured thing (rules/cues.toml subject.junk, a person, a place alone):
    a subject found that is one of them gives way to the next way of finding it."""

    def __init__(self, book: RuleBook):
        from pipeline.extract.places import name_of, place_finder

        self.phrases = {w.lower() for w in book.cues.words("subject.junk")}
        titles = "|".join(re.escape(t) for t in book.cues.words("subject.person_titles"))
        self.person = re.compile(rf"(?:^|\s)(?:{titles})\s+[A-ZĐÀ-Ỹ]|^(?:{titles})\s*$", re.IGNORECASE)
        self.titled = re.compile(rf"(?:^|,\s*)(?:{titles})(?:\s|$)", re.IGNORECASE)
        self.places = place_finder(book)
        # bare district names ("Ea Súp 43,13%; M'Đrắk 41,1%"): a list of districts names places, not what is measured
        self.bare_districts = {name_of(d).replace("’", "'") for d in book.gazetteer.districts} - {""}
        starts = "|".join(re.escape(w) for w in book.cues.words("subject.junk_start"))
        self.aside = re.compile(rf"^(?:{starts})(?![^\W\d_])", re.IGNORECASE)
        self._seen: dict[str, bool] = {}

    def __call__(self, subject: str) -> bool:
        known = self._seen.get(subject)
        if known is None:
            known = self._junk(subject)
            if len(self._seen) < 50_000:  # subjects repeat; the cache stays bounded
                self._seen[subject] = known
        return known

    def _junk(self, subject: str) -> bool:
        text = " ".join(subject.split()).strip(" ,.;:-–()")
        if not text:
            return True
        if text.lower() in self.phrases or self.aside.match(text):
            return True
        if self.person.search(text) and self.titled.search(text):
            return True
        if not CAPITAL.search(text) and "cả nước" not in text.lower():
            return False  # every place name is capitalised
        if text.lower().replace("’", "'") in self.bare_districts:
            return True
        found = self.places.find(text)
        if not found:
            return False
        rest = list(text)
        for place in found:
            rest[place.start:place.end] = " " * (place.end - place.start)
        rest = re.sub(r"\b(?:tỉnh|thành phố|huyện|quận|xã|phường|thị xã|thị trấn|TP\.?|toàn|các|và)\b", " ",
                      "".join(rest), flags=re.IGNORECASE)
        return not re.search(r"[^\W\d_]", rest)


def junk_subject(book: RuleBook) -> JunkSubjects:
    return derived(book, JunkSubjects)


def subject_finder(book: RuleBook) -> SubjectFinder:
    """The finder for this rule book, built once per process (Matcher set-up is not free)."""
    return derived(book, SubjectFinder)
