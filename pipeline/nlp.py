"""Vietnamese NLP layer: sentences from underthesea, words from underthesea's CRF segmenter,
packed into a spaCy Doc whose text equals the input exactly (as spaCy wraps pyvi).

underthesea's `word_tokenize` rewrites token text (NFC, "hoà"→"hòa", …), so we never search for
its output in the source: we run its syllable regex on the source to get exact spans, let the
CRF model tag those syllables B-W/I-W, and join the spans back. Offsets stay true.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

SENTENCE_HINT = re.compile(r"\d|phần|nửa|rưỡi|năm|tháng|quý", re.IGNORECASE)


STOP_THEN_WORD = re.compile(r"[.!?]\s+([^\W\d_])")


def _two_sentences(paragraph: str) -> bool:
    """A full stop followed by a capitalised word: more than one sentence."""
    return any(m.group(1).isupper() for m in STOP_THEN_WORD.finditer(paragraph))


@lru_cache(maxsize=1)
def _underthesea():
    """Import underthesea and load the bundled word-segmentation model once per process."""
    from os.path import dirname, join

    import underthesea.pipeline.word_tokenize as wt
    from underthesea import sent_tokenize
    from underthesea.models.fast_crf_sequence_tagger import FastCRFSequenceTagger
    from underthesea.pipeline.text_normalize import token_normalize
    from underthesea.pipeline.word_tokenize import regex_tokenize

    model = FastCRFSequenceTagger()
    model.load(join(dirname(wt.__file__), "models", "ws_crf_vlsp2013_20230727"))
    return sent_tokenize, regex_tokenize.patterns, token_normalize, model


def split_sentences(text: str, start: int = 0, end: int | None = None) -> Iterator[tuple[int, int]]:
    """(start, end) of each sentence: paragraphs split on newlines first, then underthesea's
    `sent_tokenize`, whose pieces are located back in the paragraph in order."""
    sent_tokenize = _underthesea()[0]
    end = len(text) if end is None else end
    for para in re.finditer(r"[^\n]+", text[start:end]):
        p_start = start + para.start()
        paragraph = para.group(0)
        if not paragraph.strip():
            continue
        pos = 0
        # short paragraphs and those with nothing to extract need no splitting
        # (a short one of two sentences is split too: "Năm 2025, … 10%. Năm 2024, GRDP tăng 8,1%.")
        pieces = sent_tokenize(paragraph) if (len(paragraph) > 80 or _two_sentences(paragraph)) \
            and SENTENCE_HINT.search(paragraph) else [paragraph]
        pieces = _rejoin_abbreviations(pieces)
        spans: list[list[int]] = []
        for piece in pieces:
            piece = piece.strip()
            found = paragraph.find(piece, pos) if piece else -1
            if found < 0:  # sent_tokenize rewrote the text: keep the rest as one sentence
                break
            if spans and found == spans[-1][1] and piece[0].islower():
                spans[-1][1] = found + len(piece)  # a stop inside a word: "(Baonghean.vn)" is one
            else:
                spans.append([found, found + len(piece)])
            pos = found + len(piece)
        rest = paragraph[pos:]
        if rest.strip():
            lead = len(rest) - len(rest.lstrip())
            spans.append([pos + lead, pos + len(rest.rstrip())])
        for s, e in spans:
            yield p_start + s, p_start + e


ABBREVIATION_END = re.compile(r"(?:^|\s)(?:TX|TP|Tp|Q|H|P|TS|ThS|PGS|GS|BS|TT|KH|UBND|Th\.S)\.$")


def _rejoin_abbreviations(pieces: list[str]) -> list[str]:
    """sent_tokenize ends a sentence at "TX." / "TP." / "PGS."; such a piece belongs to the next."""
    out: list[str] = []
    carry = ""
    for piece in pieces:
        joined = f"{carry} {piece.strip()}".strip() if carry else piece
        if ABBREVIATION_END.search(joined.strip()):
            carry = joined
            continue
        out.append(joined)
        carry = ""
    if carry:
        out.append(carry)
    return out


def segment(text: str) -> list[tuple[int, int]]:
    """Word spans of `text`: syllables found by underthesea's regex, grouped by its CRF model."""
    if not text.strip():
        return []
    _, patterns, token_normalize, model = _underthesea()
    spans = [m.span() for m in patterns.finditer(text)]
    spans = [(s, e) for s, e in spans if text[s:e].strip()]
    if not spans:
        return []
    features = [[token_normalize(text[s:e])] for s, e in spans]
    tags = model.predict(features)
    words: list[list[int]] = []
    for tag, (s, e) in zip(tags, spans):
        if tag == "I-W" and words and text[words[-1][1]:s] == " ":
            words[-1][1] = e
        else:
            words.append([s, e])
    return [(s, e) for s, e in words]


@lru_cache(maxsize=1)
def vocab():
    import spacy

    return spacy.blank("vi", config={"nlp": {"tokenizer": {"use_pyvi": False}}}).vocab


def make_doc(text: str, pieces: list[tuple[int, int, str]]):
    """A spaCy Doc over `text` from (start, end, tag) word spans; doc.text == text exactly."""
    from spacy.tokens import Doc
    from spacy.util import get_words_and_spaces

    pieces = [p for p in pieces if p[1] > p[0]]
    words = [text[s:e] for s, e, _ in pieces]
    words, spaces = get_words_and_spaces(words, text)
    tags, it = [], iter(pieces)
    current = next(it, None)
    for word in words:
        if current is not None and word == text[current[0]:current[1]]:
            tags.append(current[2])
            current = next(it, None)
        else:
            tags.append("SPACE")
    doc = Doc(vocab(), words=words, spaces=spaces, tags=tags)
    assert doc.text == text, "segmentation must not change the text"
    return doc


def window_doc(text: str, fig_start: int, fig_end: int):
    """A Doc of `text` (a window around one figure) in which the figure is a single token
    tagged FIG and the words on each side come from the segmenter."""
    left = [(s, e, "W") for s, e in segment(text[:fig_start])]
    right = [(fig_end + s, fig_end + e, "W") for s, e in segment(text[fig_end:])]
    return make_doc(text, left + [(fig_start, fig_end, "FIG")] + right)
