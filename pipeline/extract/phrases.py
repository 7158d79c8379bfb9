"""Finding many fixed phrases in a text at once: indexed by their first word, so a scan costs one
dictionary look-up per word instead of one regex alternative per phrase per position."""
from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

FIRST_WORD = re.compile(r"[^\W_]+")


class PhraseIndex:
    """Whole-word occurrences of a set of phrases; `lower` compares case-insensitively."""

    def __init__(self, phrases: Iterable[str], lower: bool = False):
        self.lower = lower
        index: dict[str, list[str]] = {}
        for phrase in sorted({p.lower() if lower else p for p in phrases}, key=len, reverse=True):
            first = FIRST_WORD.match(phrase)
            if first:
                index.setdefault(first.group(0), []).append(phrase)
        self.index = {k: tuple(v) for k, v in index.items()}
        # only words starting with a letter some phrase starts with are looked up (place names: capitals)
        firsts = "".join(sorted({k[0] for k in self.index}))
        self.words = re.compile(rf"(?<![^\W\d_])[{re.escape(firsts)}][^\W_]*") if firsts else re.compile("(?!)")

    def finditer(self, text: str, longest_only: bool = False) -> Iterator[tuple[int, str]]:
        """(start, phrase) for each occurrence, every phrase starting at a word (or only the longest)."""
        haystack = text.lower() if self.lower else text
        for m in self.words.finditer(haystack):
            at = m.start()
            for phrase in self.index.get(m.group(0), ()):
                end = at + len(phrase)
                if haystack.startswith(phrase, at) and not (end < len(haystack) and
                                                           (haystack[end].isalnum() or haystack[end] == "_")):
                    yield at, phrase
                    if longest_only:
                        break
