"""Golden test: the two seed articles in corpora/ give the facts the project started from."""
from __future__ import annotations

import pytest

from pipeline.corpus import read_article
from pipeline.extract import extract_facts
from pipeline.settings import PROJECT_ROOT
from tests.extract_helpers import book

SEED_003 = PROJECT_ROOT / "corpora/hanoionline.vn/2024/2250ab12f0de9383.json"
SEED_000 = PROJECT_ROOT / "corpora/seeds/2021/b6783fcad5b2f363.json"


@pytest.fixture(scope="module")
def facts_003():
    return extract_facts(read_article(SEED_003), book())


@pytest.fixture(scope="module")
def facts_000():
    return extract_facts(read_article(SEED_000), book())


def one(facts, **want):
    found = [f for f in facts if all(getattr(f, k) == v for k, v in want.items())]
    assert len(found) == 1, f"want exactly one fact with {want}, got {found}"
    return found[0]


def test_seed_texts_match_their_source():
    """The corpus documents are the seeds (title line and source credit moved to fields)."""
    shared = PROJECT_ROOT.parent / "shared" / "seeds" / "003_94c8ffd32a645622.txt"
    if not shared.exists():
        pytest.skip(f"{shared} not available")
    article = read_article(SEED_003)
    assert article.title == shared.read_text(encoding="utf-8").splitlines()[0].strip()
    assert "Tính chung toàn thành phố đã có 20/27 chỉ tiêu" in article.text


def test_003_fractions(facts_003):
    both = [f for f in facts_003 if f.kind == "fraction" and (f.numerator, f.denominator) == (20, 27)]
    assert len(both) == 2 and {f.field for f in both} == {"title", "text"}
    assert all(f.subject == "chỉ tiêu" and f.value == pytest.approx(20 / 27) for f in both)
    eleven = one(facts_003, kind="fraction", numerator=11.0, denominator=12.0)
    assert eleven.subject == "chỉ tiêu"
    assert eleven.indicator == "", "11/12 chỉ tiêu do Sở chủ trì is the department's share, not the programme's"
    assert not [f for f in facts_003 if f.kind == "date" and "11/12" in f.text]
    districts = one(facts_003, kind="fraction", numerator=18.0)
    assert districts.denominator == 30 and districts.subject == "quận huyện không còn hộ nghèo"
    assert districts.indicator == "districts_without_poor_households"


def test_003_dates_and_periods(facts_003):
    assert one(facts_003, kind="date", text="ngày 28/2").date_start == "2024-02-28"
    assert one(facts_003, kind="date", text="ngày 17/3/2021").date_end == "2021-03-17"
    period = one(facts_003, kind="period", text="giai đoạn 2021-2025")
    assert (period.date_start, period.date_end, period.grain) == ("2021-01-01", "2025-12-31", "multi-year")
    ends = [f for f in facts_003 if f.text == "cuối năm 2023"]
    assert ends and all(f.date_start == f.date_end == "2023-12-31" for f in ends)


def test_003_percentages(facts_003):
    poor = one(facts_003, kind="percent", value=0.03)
    assert (poor.subject, poor.indicator, poor.modality) == ("hộ nghèo", "poor_household_rate", "actual")
    assert (poor.as_of_start, poor.as_of_end, poor.area) == ("2023-12-31", "2023-12-31", "Hà Nội")
    target = one(facts_003, kind="percent", value=95.0)
    assert (target.indicator, target.modality, target.as_of_end) == ("health_insurance_coverage", "target", "2025-12-31")
    assert "bảo hiểm y tế" in target.subject
    actual = one(facts_003, kind="percent", value=94.0)
    assert (actual.indicator, actual.modality, actual.as_of_end) == ("health_insurance_coverage", "actual", "2023-12-31")
    for fact in (poor, target, actual):
        assert (fact.value_kind, fact.time_basis, fact.area, fact.area_part) == ("level", "stated", "Hà Nội", "")
        assert fact.area_basis == "inherited"  # "toàn thành phố"/the article's city, not the site's home area
        assert "value_kind=vk." in fact.why and "modality=mod." in fact.why


def test_003_fractions_meaning(facts_003):
    """20/27 programme targets, as of the article's date (no time in its sentence); the department's
    11/12 is not the programme's figure; 18/30 districts without poor households as of end-2023."""
    programme = [f for f in facts_003 if f.kind == "fraction" and f.numerator == 20 and f.field == "text"][0]
    assert (programme.value_kind, programme.indicator, programme.modality) == ("level", "programme_targets_met", "actual")
    assert (programme.as_of_end, programme.time_basis) == ("2024-02-28", "published")
    districts = one(facts_003, kind="fraction", numerator=18.0)
    assert (districts.as_of_end, districts.time_basis, districts.value_kind) == ("2023-12-31", "stated", "level")


def test_000(facts_000):
    assert one(facts_000, kind="date", text="Ngày 16/7").date_start == "2021-07-16"
    assert one(facts_000, kind="period", date_start="2021-01-01").date_end == "2025-12-31"
    assert one(facts_000, kind="period", date_start="2022-01-01").date_end == "2025-12-31"
    hundred = one(facts_000, kind="percent", value=100.0)
    assert (hundred.subject, hundred.modality) == ("chỉ tiêu", "target")
    assert hundred.value_kind == "share_of_plan"  # "thực hiện được 100% chỉ tiêu đặt ra"
    assert hundred.area == "Hà Nội" and hundred.time_basis in ("stated", "inherited", "published")


def test_no_fact_from_document_numbers(facts_000, facts_003):
    for facts, article in ((facts_000, read_article(SEED_000)), (facts_003, read_article(SEED_003))):
        for needle in ("03/2020/NQ-HĐND", "08-CTr/TU", "COVID-19"):
            at = article.text.find(needle)
            while at >= 0:
                overlapping = [f for f in facts if f.field == "text" and f.start < at + len(needle) and f.end > at]
                assert not overlapping, f"fact taken from {needle!r}: {overlapping}"
                at = article.text.find(needle, at + 1)


def test_offsets_index_the_stored_text(facts_000, facts_003):
    for facts, path in ((facts_000, SEED_000), (facts_003, SEED_003)):
        article = read_article(path)
        for fact in facts:
            assert getattr(article, fact.field)[fact.start:fact.end] == fact.text
            assert fact.text in fact.sentence


def test_fact_ids_are_stable_and_unique(facts_003):
    again = extract_facts(read_article(SEED_003), book())
    assert [f.fact_id for f in again] == [f.fact_id for f in facts_003]
    assert len({f.fact_id for f in facts_003}) == len(facts_003)
