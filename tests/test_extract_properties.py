"""Properties of extraction on arbitrary text: no crash, true offsets, unique stable ids."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.extract_helpers import facts_of

PIECES = ["ngày", "tháng", "năm", "quý", "II", "đạt", "chỉ tiêu", "hộ nghèo", "khoảng", "%", "/", "-",
          "–", ",", ".", "\n", " ", "\u00a0", "phần trăm", "giai đoạn", "cuối", "số", "Hà Nội", "COVID",
          "20", "27", "2023", "0,03", "1.234", "3", "12", "31", "thứ Sáu", "(", ")", "mục tiêu", "đã"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=40).map(" ".join)
published = st.sampled_from([None, "2024-02-29", "2025-01-05", "2021-07-16T08:00:00+07:00"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts, published)
def test_offsets_values_and_ids(text, pub):
    from pipeline.normalize import normalize_text

    facts = facts_of(text, pub)
    stored = normalize_text(text)
    assert len({f.fact_id for f in facts}) == len(facts)
    for fact in facts:
        assert stored[fact.start:fact.end] == fact.text
        assert fact.kind in ("fraction", "percent", "date", "period")
        if fact.kind in ("date", "period"):
            assert fact.date_start and fact.date_end and fact.date_start <= fact.date_end
        if fact.kind == "fraction":
            assert fact.denominator and abs(fact.value - fact.numerator / fact.denominator) < 1e-9
        if fact.value_max is not None:
            assert fact.value < fact.value_max
    assert [f.fact_id for f in facts_of(text, pub)] == [f.fact_id for f in facts]
