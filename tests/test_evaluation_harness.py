"""Tests of the scoring harness and of the integrity of the gold files."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from pipeline.evaluation import evaluate_hard_cases, evaluate_realnews, format_report, load_gold, matches, score
from pipeline.normalize import normalize_text
from pipeline.settings import SHARED_DIR

EVAL_DIR = Path(__file__).parent / "eval"
GOLD = EVAL_DIR / "realnews_gold.jsonl"
DOCS = EVAL_DIR / "realnews_docs.txt"
HARD = EVAL_DIR / "hard_cases.jsonl"
REALNEWS = SHARED_DIR / "realnews" / "articles.jsonl"
KINDS = {"fraction", "percent", "date", "period"}
FIELDS = ("doc_id", "kind", "text", "start", "end", "value", "value_max", "numerator", "denominator", "unit",
          "qualifier", "date_start", "date_end", "grain")


def pct(doc="d", start=0, end=3, value=5.0, value_max=None, **kw):
    return dict(doc_id=doc, kind="percent", start=start, end=end, value=value, value_max=value_max, **kw)


def frac(doc="d", start=0, end=4, num=1, den=2):
    return dict(doc_id=doc, kind="fraction", start=start, end=end, numerator=num, denominator=den, value=num / den)


def per(doc="d", start=0, end=8, ds="2005-01-01", de="2005-12-31", kind="period"):
    return dict(doc_id=doc, kind=kind, start=start, end=end, date_start=ds, date_end=de)


# ---------- matching rules ----------

def test_match_requires_same_doc_kind_overlap_and_value():
    g = pct(start=10, end=13, value=8.5)
    assert matches(pct(start=12, end=20, value=8.5), g)          # partial overlap is enough
    assert not matches(pct(start=13, end=15, value=8.5), g)       # touching, not overlapping
    assert not matches(pct(doc="e", start=10, end=13, value=8.5), g)
    assert not matches(pct(start=10, end=13, value=8.6), g)
    assert matches(pct(start=10, end=13, value=8.5 + 1e-9), g)
    assert not matches(dict(pct(start=10, end=13, value=8.5), kind="fraction"), g)


def test_percent_value_max_must_agree_none_equals_none():
    g = pct(value=65, value_max=70)
    assert matches(pct(value=65, value_max=70), g)
    assert not matches(pct(value=65), g)
    assert not matches(pct(value=65, value_max=70), pct(value=65))


def test_fraction_compares_numerator_and_denominator():
    assert matches(frac(num=2, den=4), frac(num=2, den=4))
    assert not matches(frac(num=1, den=2), frac(num=2, den=4))   # same value, other numbers


def test_dates_compare_start_and_end():
    assert matches(per(), per())
    assert not matches(per(de="2005-06-30"), per())
    assert matches(per(kind="date", ds="--02-28", de="--02-28"), per(kind="date", ds="--02-28", de="--02-28"))
    assert not matches(per(kind="date", ds="2024-02-28", de="2024-02-28"), per(kind="date", ds="--02-28",
                                                                                de="--02-28"))


# ---------- scoring ----------

def test_one_to_one_duplicate_prediction_is_false_alarm():
    r = score([pct(), pct()], [pct()])
    assert r["per_kind"]["percent"] == dict(tp=1, fp=1, fn=0, precision=0.5, recall=1.0, f1=pytest.approx(2 / 3))


def test_one_to_one_maximum_matching():
    # p1 could take either gold fact; p2 only the first: both must be matched.
    g1, g2 = pct(start=0, end=5), pct(start=4, end=9)
    p1, p2 = pct(start=3, end=6), pct(start=0, end=2)
    r = score([p1, p2], [g1, g2])
    assert r["overall"]["tp"] == 2 and not r["misses"] and not r["false_alarms"]


def test_per_kind_numbers():
    gold = [pct(start=0, end=3), pct(start=10, end=13, value=7), frac(start=20, end=24), per(start=30, end=38),
            per(kind="date", start=40, end=45, ds="2005-01-05", de="2005-01-05")]
    pred = [pct(start=0, end=3), pct(start=10, end=13, value=8),              # one hit, one wrong value
            frac(start=20, end=24), frac(start=50, end=54),                  # one hit, one false alarm
            per(start=30, end=38)]                                           # date missed
    r = score(pred, gold)
    pk = r["per_kind"]
    assert (pk["percent"]["tp"], pk["percent"]["fp"], pk["percent"]["fn"]) == (1, 1, 1)
    assert (pk["fraction"]["tp"], pk["fraction"]["fp"], pk["fraction"]["fn"]) == (1, 1, 0)
    assert (pk["period"]["tp"], pk["period"]["fp"], pk["period"]["fn"]) == (1, 0, 0)
    assert (pk["date"]["tp"], pk["date"]["fp"], pk["date"]["fn"]) == (0, 0, 1)
    assert pk["date"]["precision"] == 0.0 and pk["date"]["recall"] == 0.0
    assert r["overall"]["tp"] == 3 and r["overall"]["fp"] == 2 and r["overall"]["fn"] == 2
    assert pk["percent"]["precision"] == 0.5 and pk["fraction"]["recall"] == 1.0
    assert len(r["misses"]) == 2 and len(r["false_alarms"]) == 2


def test_ignored_gold_is_neither_miss_nor_false_alarm():
    gold = [dict(pct(start=0, end=5), ignore=True, note="doubtful")]
    r = score([pct(start=1, end=3, value=99)], gold)
    assert r["overall"] == dict(tp=0, fp=0, fn=0, precision=0.0, recall=0.0, f1=0.0)


def test_format_report_has_a_row_per_kind():
    text = format_report(score([pct()], [pct(), frac()]))
    for word in ("percent", "fraction", "date", "period", "overall", "misses"):
        assert word in text


def test_evaluate_hard_cases_with_a_perfect_extractor(tmp_path):
    case = {"id": "h1", "text": "Tỷ lệ đạt 94%.", "published": None, "note": "",
            "facts": [dict(kind="percent", text="94%", start=10, end=13, value=94.0, value_max=None)]}
    path = tmp_path / "hard.jsonl"
    path.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    r = evaluate_hard_cases(lambda doc: [dict(f) for f in case["facts"]] if doc["id"] == "h1" else [], path)
    assert r["overall"]["tp"] == 1 and r["overall"]["fp"] == 0


# ---------- gold files ----------

def _gold():
    return load_gold(GOLD)


def test_gold_size_and_kinds():
    gold = [g for g in _gold() if not g.get("ignore")]
    kinds = Counter(g["kind"] for g in gold)
    assert len(gold) >= 200
    assert len(kinds) >= 3 and set(kinds) <= KINDS


def test_gold_fields_and_value_consistency():
    for g in _gold():
        assert all(k in g for k in FIELDS), g
        if g["kind"] == "percent":
            assert g["value"] is not None and g["unit"] in ("percent", "percentage_point")
            assert g["qualifier"] in ("", "approx", "more_than", "less_than", "range")
            assert (g["value_max"] is not None) == (g["qualifier"] == "range")
        elif g["kind"] == "fraction":
            assert g["value"] == pytest.approx(g["numerator"] / g["denominator"])
        else:
            assert g["date_start"] <= g["date_end"]
            if g["kind"] == "date":
                assert g["date_start"] == g["date_end"] and g["grain"] == "day"


def test_gold_docs_listed():
    docs = {ln.strip() for ln in DOCS.read_text(encoding="utf-8").splitlines() if ln.strip()}
    assert {g["doc_id"] for g in _gold()} <= docs
    assert 15 <= len(docs) <= 25


def test_gold_offsets_are_valid():
    if not REALNEWS.exists():
        pytest.skip(f"realnews corpus not found at {REALNEWS}")
    texts = {}
    with open(REALNEWS, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            texts[rec["id"]] = normalize_text(rec["text"])
    for g in _gold():
        assert g["doc_id"] in texts, g["doc_id"]
        assert texts[g["doc_id"]][g["start"]:g["end"]] == g["text"], g


def test_evaluate_realnews_gold_against_itself():
    if not REALNEWS.exists():
        pytest.skip(f"realnews corpus not found at {REALNEWS}")
    gold = _gold()
    r = evaluate_realnews(lambda doc: [g for g in gold if g["doc_id"] == doc["id"]], REALNEWS, EVAL_DIR)
    assert r["overall"]["fp"] == 0 and r["overall"]["fn"] == 0
    assert r["documents"] >= 15


def test_hard_cases_offsets_and_shape():
    if not HARD.exists():
        pytest.skip("hard_cases.jsonl not written yet")
    cases = load_gold(HARD)
    assert len({c["id"] for c in cases}) == len(cases) >= 60
    assert any(not c["facts"] for c in cases)
    for c in cases:
        text = normalize_text(c["text"])
        for f in c["facts"]:
            assert text[f["start"]:f["end"]] == f["text"], (c["id"], f)
            assert f["kind"] in KINDS
    r = evaluate_hard_cases(lambda doc: [dict(f) for c in cases if c["id"] == doc["id"] for f in c["facts"]], HARD)
    assert r["overall"]["fn"] == 0 and r["overall"]["fp"] == 0


def test_a_region_annotated_as_the_area_is_not_scored_as_an_area_and_may_be_given_as_the_part():
    from pipeline.evaluation import area_right, part_right

    region = {"area": "vùng Đông Nam Bộ", "area_part": ""}
    assert area_right({"area": "cả nước"}, region) is None  # the guide compares provinces, districts, "cả nước" only
    assert part_right({"area_part": "Đông Nam Bộ"}, region) and part_right({"area_part": ""}, region)
    assert not part_right({"area_part": "khu vực nông thôn"}, region)
    province = {"area": "Tỉnh Bà Rịa – Vũng Tàu", "area_part": ""}
    assert area_right({"area": "Bà Rịa - Vũng Tàu"}, province) is True
    assert area_right({"area": "cả nước"}, province) is False
    assert area_right({"area": "huyện Ba Vì"}, {"area": "huyện Ba Vì"}) is True
    assert area_right({"area": "x"}, {"area": ""}) is None
