"""The NLP layer keeps offsets true: doc.text equals the input for awkward strings."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import nlp
from pipeline.normalize import normalize_text

AWKWARD = [
    "Tỷ lệ  bao phủ\u00a0bảo hiểm y tế đạt 94%.",
    "hoà bình và thuỷ lợi, nghành giáo dục",  # underthesea rewrites these words
    "  leading and trailing  ",
    "0,03%hộ nghèo; 2021–2025 và 9h50",
    "Hà Nội\u200b có 18/30 quận\u00adhuyện",
    "…” mở ngoặc “kết quả”",
]


def test_awkward_strings_keep_their_text():
    for text in AWKWARD:
        for candidate in (text, normalize_text(text)):
            fig = candidate.find("%") if "%" in candidate else len(candidate) - len(candidate.lstrip())
            doc = nlp.window_doc(candidate, fig, fig + 1)
            assert doc.text == candidate


def test_segmenter_groups_words_and_keeps_offsets():
    text = "Tính chung toàn thành phố đã có 20/27 chỉ tiêu của Chương trình đã hoàn thành."
    words = [text[s:e] for s, e in nlp.segment(text)]
    assert "thành phố" in words and "chỉ tiêu" in words and "Chương trình" in words


def test_sentences_split_on_newlines_first():
    text = "Tiêu đề không có dấu chấm\nNgày 16/7, Ban Chỉ đạo họp. Kết quả đạt 94%."
    spans = list(nlp.split_sentences(text))
    pieces = [text[s:e] for s, e in spans]
    assert pieces[0] == "Tiêu đề không có dấu chấm"
    assert all("\n" not in p for p in pieces)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("aàbđê ơ1/%,.\u00a0\u200b\nHNộiưtháng")), max_size=60))
def test_doc_text_roundtrip_property(text):
    doc = nlp.make_doc(text, [(s, e, "W") for s, e in nlp.segment(text)])
    assert doc.text == text


def test_normalize_is_idempotent_and_fixes_dashes():
    raw = "giai đoạn 2026\u20132030, 6 \u2013 7%\u00a0và\u200b Hoà"
    once = normalize_text(raw)
    assert once == normalize_text(once)
    assert "2026-2030" in once and "6 - 7%" in once and "\u00a0" not in once and "\u200b" not in once


def test_a_stop_inside_a_word_ends_no_sentence():
    from pipeline.nlp import split_sentences

    text = ("(Baonghean.vn) - Tỷ lệ giải ngân 5 tháng của Nghệ An đạt 33,57%, cao hơn bình quân chung của cả nước. "
            "Câu thứ hai có 5%.")
    assert [text[s:e] for s, e in split_sentences(text)][0].startswith("(Baonghean.vn) - Tỷ lệ giải ngân")


def test_tone_variants_swap_only_syllable_final_glides():
    from pipeline.normalize import old_style_tones, tone_variants

    assert set(tone_variants("số hoá")) == {"số hoá", "số hóa"}
    assert tone_variants("hoàn thành") == ("hoàn thành",)  # "oà" before a consonant has one spelling
    assert tone_variants("quý I") == ("quý I",)  # "qu" is one consonant
    assert old_style_tones("Hoà Bình, thuỷ sản, khoẻ") == "Hòa Bình, thủy sản, khỏe"
