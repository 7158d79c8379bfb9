"""Timeline: levels vs changes, comparable series, time basis, rounding, review precedence, areas."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from click.testing import CliRunner
from factfactory import HANOI_DOC, documents_of, make_fact, seed_facts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.cli import cli
from pipeline.documents import write_documents
from pipeline.factstore import facts_frame, write_facts
from pipeline.review import Decision
from pipeline.rules import indicator_labels
from pipeline.timeline import build_timeline, decimals, period_label, period_of, subject_key

LABELS = indicator_labels()
HOMES = {"hanoionline.vn": "Hà Nội", "hanoimoi.vn": "Hà Nội", "baodanang.vn": "Đà Nẵng"}
HI = dict(indicator="health_insurance_coverage", area="Hà Nội", modality="actual")
END_2023 = dict(as_of_start="2023-12-31", as_of_end="2023-12-31", time_basis="stated")


def timeline_of(facts, homes=HOMES, **kwargs):
    kwargs.setdefault("labels", LABELS)
    return build_timeline(facts_frame(facts), documents=documents_of(facts, homes), **kwargs)


def row(frame: pd.DataFrame, **match) -> pd.Series:
    hits = frame
    for key, value in match.items():
        hits = hits[hits[key] == value]
    assert len(hits) == 1, f"expected one row for {match}, got {len(hits)}"
    return hits.iloc[0]


def other(n: int, **fields):
    """A fact from another article (doc d<n>, hanoimoi.vn)."""
    return make_fact(fields.pop("text", "94%"), doc_id=f"d{n}", url=f"https://hanoimoi.vn/bai-{n}", **fields)


# --- the seeds' headline observations ------------------------------------------------------

def test_seed_facts_give_the_headline_observations():
    t = timeline_of(seed_facts())
    obs = t.observations
    assert len(obs) == 5 and t.skipped["not_a_figure"] == 1  # the period fact only gives time to others

    poor = row(obs, indicator="poor_household_rate")
    assert (poor.area, poor.time_period, poor.period_label, poor.modality) == ("Hà Nội", "2023-12-31", "31/12/2023",
                                                                                "actual")
    assert poor.value == pytest.approx(0.03) and poor.unit == "percent" and poor.indicator_label == "Tỷ lệ hộ nghèo"

    actual = row(obs, indicator="health_insurance_coverage", modality="actual")
    target = row(obs, indicator="health_insurance_coverage", modality="target")
    assert (actual.value, actual.time_period) == (94.0, "2023-12-31")
    assert (target.value, target.time_period, target.grain, target.period_label) == (95.0, "2025", "year", "Năm 2025")
    # no area on the fact, none marked by extraction: the home area of hanoionline.vn, saying so
    assert actual.area == target.area == "Hà Nội" and actual.area_basis == "source"

    programme = row(obs, indicator="programme_targets_met")
    assert programme.value == pytest.approx(20 / 27) and (programme.numerator, programme.denominator) == (20, 27)
    assert programme.sources.startswith("https://hanoionline.vn/") and programme.status == "single_source"

    hi = row(t.latest, indicator="health_insurance_coverage")
    assert (hi.actual_value, hi.target_value, hi.target_time_end) == (94.0, 95.0, "2025-12-31")
    assert hi.progress == pytest.approx(94 / 95, abs=1e-6) and hi.gap == pytest.approx(1.0)
    assert math.isnan(row(t.latest, indicator="poor_household_rate").progress)


def test_same_figure_in_two_articles_is_one_observation_with_two_sources():
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/bai-2", published="2024-03-05")
    poor = row(timeline_of(facts).observations, indicator="poor_household_rate")
    assert poor.n_sources == 2 and poor.status == "corroborated" and not poor.conflict
    assert (poor.first_seen, poor.last_seen) == ("2024-02-28", "2024-03-05")


# --- levels only ----------------------------------------------------------------------------

def test_changes_shares_of_plan_and_contributions_go_to_changes_not_the_timeline():
    body = "tỷ lệ tham gia BHYT đạt 94%, tăng 1,2% so với cùng kỳ năm 2023, đạt 98,5% kế hoạch năm"
    facts = [
        make_fact("94%", value=94.0, value_kind="level", body=body, **HI, **END_2023),
        make_fact("1,2%", value=1.2, value_kind="change", body=body, **HI, **END_2023),
        make_fact("98,5%", value=98.5, value_kind="share_of_plan", body=body, **HI, **END_2023),
        make_fact("0,4 điểm phần trăm", value=0.4, unit="percentage_point", body="giảm 0,4 điểm phần trăm",
                  indicator="unemployment_rate", modality="actual"),
        make_fact("5,04%", value=5.04, value_kind="contribution", indicator="grdp_growth", modality="actual",
                  body="đóng góp 5,04% vào mức tăng"),
        make_fact("15%", value=15.0, value_kind="other", indicator="poor_household_rate", body="từ 15% đến dưới 25%"),
    ]
    t = timeline_of(facts)
    assert t.observations["value"].tolist() == [94.0]  # the one level
    kinds = dict(zip(t.changes["value"], t.changes["value_kind"]))
    assert kinds == {1.2: "change", 98.5: "share_of_plan", 0.4: "change", 5.04: "contribution"}
    assert row(t.changes, value=1.2).baseline == "cùng kỳ năm 2023"
    assert row(t.changes, value=0.4).unit == "percentage_point"  # a point figure is a change in points
    assert t.skipped["other_value_kind"] == 1 and 15.0 not in set(t.changes["value"])


# --- comparable series ----------------------------------------------------------------------

def test_area_part_is_its_own_series_and_never_in_conflict_with_the_whole_area():
    facts = [make_fact("94%", value=94.0, **HI, **END_2023),
             other(2, text="87%", value=87.0, area_part="khu vực nông thôn", **HI, **END_2023),
             make_fact("95%", value=95.0, indicator="health_insurance_coverage", area="Hà Nội", modality="target",
                       as_of_start="2025-01-01", as_of_end="2025-12-31")]
    t = timeline_of(facts)
    assert not t.observations["conflict"].any()
    rural = row(t.latest, area_part="khu vực nông thôn")
    assert rural.actual_value == 87.0 and math.isnan(rural.progress)  # no target for the rural part
    whole = row(t.latest, area_part="")
    assert whole.progress == pytest.approx(94 / 95, abs=1e-6)


def test_units_are_separate_series():
    facts = [make_fact("20/27", value=20 / 27, numerator=20, denominator=27, indicator="programme_targets_met",
                       modality="actual", **END_2023),
             other(2, text="74%", value=74.0, indicator="programme_targets_met", modality="actual", **END_2023)]
    obs = timeline_of(facts).observations
    assert sorted(obs["unit"]) == ["percent", "ratio"] and not obs["conflict"].any()


# --- conflicts: comparable figures only, never rounding -----------------------------------------

@pytest.mark.parametrize("a,b", [(94.0, 94.0), (93.5, 93.52), (93.52, 93.5), (94.0, 94.2), (0.03, 0.032)])
def test_a_rounding_of_the_other_figure_is_agreement(a, b):
    t = timeline_of([make_fact("94%", value=a, **HI, **END_2023), other(2, value=b, **HI, **END_2023)])
    obs = t.observations
    assert len(obs) == 1 and not obs.loc[0, "conflict"] and obs.loc[0, "n_sources"] == 2
    assert obs.loc[0, "value"] == max(a, b, key=decimals)  # the most precise figure speaks


@pytest.mark.parametrize("a,b", [(93.5, 94.0), (93.5, 93.6), (94.0, 95.0), (93.52, 93.58)])
def test_different_figures_are_a_conflict_naming_the_articles_that_disagree(a, b):
    t = timeline_of([make_fact("94%", value=a, **HI, **END_2023), other(2, value=b, **HI, **END_2023),
                     other(3, value=95.0, modality="target", indicator=HI["indicator"], area="Hà Nội",
                           as_of_start="2025-12-31", as_of_end="2025-12-31")])
    actual = t.observations[t.observations["modality"] == "actual"]
    assert sorted(actual["value"]) == sorted([a, b]) and actual["conflict"].all()  # never averaged
    assert dict(zip(actual["value"], actual["disagrees_with"])) == {a: "d2", b: HANOI_DOC}
    assert not row(t.observations, modality="target").conflict
    latest = row(t.latest, indicator="health_insurance_coverage")
    assert latest.actual_conflict and math.isnan(latest.actual_value) and math.isnan(latest.progress)
    assert row(t.wide, modality="actual")["2023-12-31"] == " | ".join(f"{v:.6g}" for v in sorted([a, b]))


def test_equal_fractions_written_differently_are_the_same_figure():
    common = dict(indicator="programme_targets_met", modality="actual", **END_2023)
    a = make_fact("20/27", value=20 / 27, numerator=20, denominator=27, **common)
    b = other(2, text="40/54", value=40 / 54, numerator=40, denominator=54, body="có 40/54 chỉ tiêu", **common)
    c = other(3, text="3/4", value=0.74, numerator=3, denominator=4, **common)  # 0.74 is no rounding of 20/27
    obs = timeline_of([a, b, c]).observations
    assert len(obs) == 2 and obs["conflict"].all()


# --- time basis -----------------------------------------------------------------------------

def test_publication_dated_figures_are_marked_and_never_conflict_with_stated_ones():
    facts = [make_fact("94%", value=94.0, published="2024-02-28", as_of_start="2024-02-28",
                       as_of_end="2024-02-28", time_basis="stated", **HI),
             other(2, value=93.0, published="2024-02-28", **HI),  # no as-of: dated by publication
             other(3, value=92.0, published="2024-02-28", time_basis="published", as_of_start="2024-02-28",
                   as_of_end="2024-02-28", **HI),  # "hiện nay": the extraction says publication too
             other(4, value=91.0, as_of_start="2023-12-31", as_of_end="2023-12-31", time_basis="inherited", **HI)]
    obs = timeline_of(facts).observations.set_index("value")
    assert obs.loc[94.0, "time_basis"] == "stated" and obs.loc[91.0, "time_basis"] == "inherited"
    assert obs.loc[93.0, "time_basis"] == obs.loc[92.0, "time_basis"] == "published"
    assert not obs.loc[94.0, "conflict"]  # 93 and 92 are dated by publication only
    assert obs.loc[93.0, "conflict"] and obs.loc[92.0, "conflict"]  # but disagree with each other


def test_time_basis_takes_the_strongest_among_agreeing_facts():
    facts = [make_fact("94%", value=94.0, as_of_start="2023-12-31", as_of_end="2023-12-31", time_basis="inherited",
                       **HI), other(2, value=94.0, **HI, **END_2023)]
    assert row(timeline_of(facts).observations, value=94.0).time_basis == "stated"


@pytest.mark.parametrize("start,end,grain,code,label", [
    ("2023-12-31", "2023-12-31", "day", "2023-12-31", "31/12/2023"),
    ("2023-02-01", "2023-02-28", "month", "2023-02", "Tháng 2/2023"),
    ("2023-10-01", "2023-12-31", "quarter", "2023-Q4", "Quý IV/2023"),
    ("2024-01-01", "2024-06-30", "half", "2024-S1", "6 tháng đầu năm 2024"),
    ("2023-07-01", "2023-12-31", "half", "2023-S2", "6 tháng cuối năm 2023"),
    ("2023-01-01", "2023-12-31", "year", "2023", "Năm 2023"),
    ("2021-01-01", "2025-12-31", "multi-year", "2021/2025", "Giai đoạn 2021–2025"),
    ("2023-03-05", "2023-04-10", "period", "2023-03-05/2023-04-10", "05/03/2023–10/04/2023"),
])
def test_period_grain_code_and_vietnamese_label(start, end, grain, code, label):
    assert period_of(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == (grain, code)
    assert period_label(grain, start, end) == label


# --- review ---------------------------------------------------------------------------------

def _decide(fact, verdict, value=None):
    return {fact.fact_id: Decision(fact.fact_id, verdict, value, "", "an", "t")}


def test_a_reviewed_figure_wins_and_the_others_need_review_instead_of_a_conflict():
    ok = make_fact("94%", value=94.0, **HI, **END_2023)
    facts = [ok, other(2, value=93.0, **HI, **END_2023), other(3, value=92.0, **HI, **END_2023)]
    obs = timeline_of(facts, decisions=_decide(ok, "ok")).observations.set_index("value")
    assert obs.loc[94.0, "status"] == "reviewed" and not obs["conflict"].any()
    assert (obs.loc[[93.0, 92.0], "status"] == "needs_review").all()
    assert obs.loc[93.0, "disagrees_with"] == f"{HANOI_DOC} d3"
    latest = row(timeline_of(facts, decisions=_decide(ok, "ok")).latest, indicator=HI["indicator"])
    assert latest.actual_value == 94.0 and not latest.actual_conflict


def test_a_fixed_figure_wins_with_its_corrected_value_and_a_wrong_one_is_gone():
    fixed, wrong = make_fact("94%", value=94.0, **HI, **END_2023), other(2, value=90.0, **HI, **END_2023)
    facts = [fixed, wrong, other(3, value=93.0, **HI, **END_2023)]
    decisions = _decide(fixed, "fix", 94.5) | _decide(wrong, "wrong")
    t = timeline_of(facts, decisions=decisions)
    obs = t.observations.set_index("value")
    assert 90.0 not in obs.index and t.skipped["marked_wrong"] == 1
    assert obs.loc[94.5, "reviewed"] and obs.loc[94.5, "status"] == "reviewed"
    assert obs.loc[93.0, "status"] == "needs_review" and not obs["conflict"].any()


def test_two_reviewed_figures_that_disagree_stay_a_conflict():
    a, b = make_fact("94%", value=94.0, **HI, **END_2023), other(2, value=93.0, **HI, **END_2023)
    obs = timeline_of([a, b], decisions=_decide(a, "ok") | _decide(b, "ok")).observations
    assert obs["conflict"].all() and set(obs["status"]) == {"reviewed"}


# --- areas ----------------------------------------------------------------------------------

def test_the_home_area_only_when_the_extraction_marked_none():
    facts = [make_fact("5%", value=5.0, indicator="unemployment_rate", area="Đà Nẵng", area_basis="stated"),
             other(2, text="6%", value=6.0, indicator="unemployment_rate"),
             other(3, text="7%", value=7.0, indicator="unemployment_rate", area_basis="inherited"),
             make_fact("8%", value=8.0, indicator="unemployment_rate", doc_id="d4", url="https://unknown.vn/c")]
    obs = timeline_of(facts).observations.set_index("value")
    assert (obs.loc[5.0, "area"], obs.loc[5.0, "area_basis"]) == ("Đà Nẵng", "stated")
    assert (obs.loc[6.0, "area"], obs.loc[6.0, "area_basis"]) == ("Hà Nội", "source")
    assert obs.loc[7.0, "area"] == "" and obs.loc[8.0, "area"] == ""  # marked by extraction; no home area


def test_areas_come_from_the_documents_table_not_the_url():
    fact = make_fact("94%", value=94.0, indicator="health_insurance_coverage", url=None)
    assert row(timeline_of([fact]).observations, value=94.0).area == ""  # no URL, no source known
    docs = documents_of([fact], {})
    docs.loc[0, ["source", "home_area"]] = ["hanoionline.vn", "Hà Nội"]
    t = build_timeline(facts_frame([fact]), documents=docs)
    assert row(t.observations, value=94.0).area == "Hà Nội"


def test_facts_without_indicator_are_grouped_by_normalised_subject():
    facts = [make_fact("11/12", value=11 / 12, numerator=11, denominator=12, subject="Chỉ tiêu", modality="actual"),
             make_fact("20/27", value=20 / 27, numerator=20, denominator=27, subject="chỉ  tiêu", modality="actual"),
             make_fact("0,03%", value=0.03, subject="", modality="unknown")]
    obs = timeline_of(facts).observations
    grouped = obs[obs["indicator"] == "subject:chi_tieu"]
    assert len(grouped) == 2 and grouped["indicator_label"].nunique() == 1
    assert row(obs, indicator="subject:none").indicator_label == "(không rõ chủ thể)"
    assert set(obs["time_basis"]) == {"published"} and set(obs["time_period"]) == {"2024-02-28"}


def test_unknown_kinds_and_missing_values_are_skipped_not_fatal():
    facts = seed_facts() + [make_fact("3 triệu", kind="count", value=3e6),
                            make_fact("x%", kind="percent", value=None, indicator="unemployment_rate")]
    t = timeline_of(facts)
    assert len(t.observations) == 5
    assert t.skipped == {"not_a_figure": 2, "marked_wrong": 0, "no_value": 1, "other_value_kind": 0, "range_upper_end": 0}


def test_subject_key():
    assert subject_key("Quận, huyện") == "subject:quan_huyen"
    assert subject_key("Đường") == "subject:duong" and subject_key(None) == "subject:none"


# --- properties -------------------------------------------------------------------------------

fact_st = st.builds(
    dict,
    kind=st.sampled_from(["fraction", "fraction", "percent", "date", "mystery"]),
    value=st.sampled_from([94.0, 95.0, 94.02]),
    fraction=st.sampled_from([(20, 27), (40, 54), (20, 27), (1, 2)]),
    indicator=st.sampled_from(["", "health_insurance_coverage", "", "not_in_lexicon"]),
    value_kind=st.sampled_from(["", "level", "level", "change", "other"]),
    subject=st.sampled_from(["chỉ tiêu", "Chỉ tiêu"]),
    area=st.sampled_from(["", "Hà Nội"]),
    area_part=st.sampled_from(["", "", "khu vực nông thôn"]),
    modality=st.sampled_from(["actual", "maybe"]),
    as_of=st.sampled_from([None, "2023-12-31", "2023-12-31"]),
    doc=st.integers(0, 2),
    verdict=st.sampled_from(["", "", "ok", "wrong", "fix"]),
)


def _facts_and_decisions(specs):
    facts, decisions = [], {}
    for n, s in enumerate(specs):
        if s["kind"] == "fraction":
            s = {**s, "value": s["fraction"][0] / s["fraction"][1]}
        numerator, denominator = s["fraction"] if s["kind"] == "fraction" else (None, None)
        fact = make_fact(f"{n}%", doc_id=f"doc{s['doc']}", url=f"https://hanoimoi.vn/{s['doc']}" if s["doc"] else None,
                         published=f"2024-0{s['doc'] + 1}-01", kind=s["kind"], value=s["value"],
                         indicator=s["indicator"], subject=s["subject"], area=s["area"], area_part=s["area_part"],
                         modality=s["modality"], value_kind=s["value_kind"], as_of_start=s["as_of"],
                         as_of_end=s["as_of"], fact_id=f"f{n:03d}", numerator=numerator, denominator=denominator)
        facts.append(fact)
        if s["verdict"]:
            decisions[fact.fact_id] = Decision(fact.fact_id, s["verdict"], 42.0 if s["verdict"] == "fix" else None,
                                               "", "t", "t")
    return facts, decisions


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(fact_st, min_size=2, max_size=20), data=st.data())
def test_input_order_does_not_change_the_output(specs, data):
    facts, decisions = _facts_and_decisions(specs)
    shuffled = data.draw(st.permutations(facts))
    one, two = timeline_of(facts, decisions=decisions), timeline_of(shuffled, decisions=decisions)
    for name in ("observations", "wide", "latest", "changes"):
        pd.testing.assert_frame_equal(getattr(one, name), getattr(two, name))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(fact_st, min_size=1, max_size=16))
def test_every_usable_fact_is_in_exactly_one_row_and_none_marked_wrong_is(specs):
    facts, decisions = _facts_and_decisions(specs)
    t = timeline_of(facts, decisions=decisions)
    where = {}
    for table in (t.observations, t.changes):
        for index, ids in enumerate(table["fact_ids"]):
            for fid in ids.split():
                assert fid not in where, "a fact supports two rows"
                where[fid] = (table is t.observations, index)
    for fact in facts:
        verdict = getattr(decisions.get(fact.fact_id), "verdict", "")
        if fact.kind not in ("fraction", "percent") or verdict == "wrong" or fact.value_kind == "other":
            assert fact.fact_id not in where
            continue
        assert fact.fact_id in where, f"{fact.fact_id} ({verdict or 'unreviewed'}) lost"
        is_level, index = where[fact.fact_id]
        assert is_level == (fact.value_kind in ("", "level"))
        if is_level and verdict in ("ok", "fix"):
            assert t.observations.iloc[index]["status"] == "reviewed"


# --- CLI --------------------------------------------------------------------------------------

def test_cli_timeline_writes_four_tables_from_extracted_only(tmp_path):
    out = tmp_path / "extracted"
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/b", published="2024-03-01")
    write_facts(out, facts)
    write_documents(out, [], {})
    docs = documents_of(facts, {"hanoionline.vn": "Hà Nội"})  # hanoimoi.vn has no home area here
    from pipeline.documents import Document
    write_documents(out, [Document(**r) for r in docs.to_dict("records")])
    result = CliRunner().invoke(cli, ["timeline", "--out", str(out), "--corpus", str(tmp_path / "gone")])
    assert result.exit_code == 0, result.output
    assert "timeline: 9 observations (0 in conflict, 0 reviewed) for 4 indicators, 0 changes; " \
           "skipped 2 not a figure" in result.output
    long = pd.read_csv(out / "timeline.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(long.columns[:13]) == ["indicator", "indicator_label", "area", "time_period", "time_start",
                                       "time_end", "grain", "time_basis", "value", "value_max", "unit",
                                       "qualifier", "numerator"]
    assert {"area_part", "area_basis", "period_label", "disagrees_with", "series_id"} <= set(long.columns)
    hi = long[(long["indicator"] == "health_insurance_coverage") & (long["modality"] == "actual")]
    assert sorted(hi["area"]) == ["", "Hà Nội"]
    for name in ("timeline_wide", "latest", "changes"):
        assert (out / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_timeline_without_facts_fails_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["timeline", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "run `chitieu extract" in result.output
