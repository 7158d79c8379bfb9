"""Text normalisation applied before anything else, so that offsets index one agreed text."""
from __future__ import annotations

import re
import unicodedata

# Zero-width characters, BOM, soft hyphen, word joiner: invisible, glued onto words in real pages.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
# Every horizontal space variant (no-break, thin, figure, ideographic …) becomes a plain space.
_SPACES = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\x0b\x0c]")
# En/em dashes, minus, hyphen variants between two digits (optionally spaced) become "-".
_DIGIT_DASH = re.compile(r"(?<=\d)(\s?)[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d](\s?)(?=\d)")
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")


_ETH = {0xD0: 0x110, 0xF0: 0x111}


def normalize_text(text: str) -> str:
    """NFC, plain spaces, no invisible characters, ASCII hyphen between digits, LF line ends.

    Idempotent: normalize_text(normalize_text(s)) == normalize_text(s).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = _INVISIBLE.sub("", text)
    text = _CONTROL.sub("", text)
    text = unicodedata.normalize("NFC", text)
    if "\xd0" in text or "\xf0" in text:
        text = text.translate(_ETH)  # "Ðà Lạt": Icelandic eth typed for Đ
    text = _SPACES.sub(" ", text)
    return _DIGIT_DASH.sub(r"\1-\2", text)


def normalize_body(text: str) -> str:
    """normalize_text plus tidy paragraphs: stripped lines, no empty ones, joined by a single \\n."""
    lines = (line.strip() for line in normalize_text(text).split("\n"))
    return "\n".join(line for line in lines if line)


_WRAPPED = re.compile(r"(?<=[^\s.!?:;…\"”)\]])\n(?=\w)")


def unwrap_lines(text: str) -> str:
    """A line break inside a sentence ("tỷ lệ có việc\nlàm sau đào tạo": the source wrapped its lines)
    becomes a space: the next line starts in lower case and the line before does not end a sentence.
    Same length, so offsets into the text stay valid."""
    return _WRAPPED.sub(lambda m: " " if text[m.end()].islower() else "\n", text)


# Vietnamese writes the tone of "oa", "oe", "uy" at the end of a syllable on either vowel ("hóa"/"hoá",
# "khỏe"/"khoẻ", "thủy"/"thuỷ"); both spellings are in use, so every phrase of the rules matches both.
_TONED = {"a": "àáảãạ", "e": "èéẻẽẹ", "o": "òóỏõọ", "u": "ùúủũụ", "y": "ỳýỷỹỵ"}
_GLIDES = (("o", "a"), ("o", "e"), ("u", "y"))


def _tone_swaps() -> tuple[dict[str, str], dict[str, str]]:
    old_to_new, new_to_old = {}, {}
    for first, second in _GLIDES:
        for i in range(5):
            old, new = _TONED[first][i] + second, first + _TONED[second][i]
            for case in (str.lower, str.capitalize, str.upper):
                old_to_new[case(old)], new_to_old[case(new)] = case(new), case(old)
    return old_to_new, new_to_old


_OLD_TO_NEW, _NEW_TO_OLD = _tone_swaps()
_SYLLABLE_END = re.compile(r"(?<![qQ])(?:" + "|".join(sorted({*_OLD_TO_NEW, *_NEW_TO_OLD}, key=len, reverse=True))
                           + r")(?![^\W\d_])")


def old_style_tones(text: str) -> str:
    """The tone placement Vietnamese news mostly uses: 'Hoà Bình' → 'Hòa Bình', 'thuỷ' → 'thủy'."""
    return _SYLLABLE_END.sub(lambda m: _NEW_TO_OLD.get(m.group(0), m.group(0)), text)


def tone_variants(phrase: str) -> tuple[str, ...]:
    """The phrase with the tone of each syllable-final "oa", "oe", "uy" on either vowel ("hoá", "hóa")."""
    if not _SYLLABLE_END.search(phrase):
        return (phrase,)
    to_new = _SYLLABLE_END.sub(lambda m: _OLD_TO_NEW.get(m.group(0), m.group(0)), phrase)
    return tuple(dict.fromkeys((phrase, to_new, old_style_tones(phrase))))
