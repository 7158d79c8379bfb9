"""Timeline: seed facts → observations; dedup, conflicts, targets vs actuals, review, order."""
from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factfactory import HANOI_DOC, hanoi_article, make_fact, seed_facts, write_corpus, write_rules
from pipeline.cli import cli
from pipeline.factstore import facts_frame, write_facts
from pipeline.review import Decision
from pipeline.rules import indicator_labels
from pipeline.timeline import build_timeline, home_areas, period_of, subject_key

LABELS = indicator_labels()
AREAS = {"hanoionline.vn": "Hà Nội", "hanoimoi.vn": "Hà Nội", "baodanang.vn": "Đà Nẵng"}


def timeline_of(facts, **kwargs):
    kwargs.setdefault("labels", LABELS)
    kwargs.setdefault("areas", AREAS)
    return build_timeline(facts_frame(facts), **kwargs)


def row(obs: pd.DataFrame, **match) -> pd.Series:
    hits = obs
    for key, value in match.items():
        hits = hits[hits[key] == value]
    assert len(hits) == 1, f"expected one row for {match}, got {len(hits)}"
    return hits.iloc[0]


def test_seed_facts_give_the_observations_of_the_issue():
    t = timeline_of(seed_facts())
    obs = t.observations
    assert len(obs) == 5  # the period fact gives time to others, it is not an observation
    assert t.skipped["not_a_figure"] == 1

    poor = row(obs, indicator="poor_household_rate")
    assert (poor.area, poor.time_period, poor.grain, poor.modality) == ("Hà Nội", "2023-12-31", "day", "actual")
    assert poor.value == pytest.approx(0.03) and poor.unit == "percent"
    assert poor.indicator_label == "Tỷ lệ hộ nghèo"

    hi_actual = row(obs, indicator="health_insurance_coverage", modality="actual")
    hi_target = row(obs, indicator="health_insurance_coverage", modality="target")
    assert (hi_actual.value, hi_actual.time_period) == (94.0, "2023-12-31")
    assert (hi_target.value, hi_target.time_period, hi_target.grain) == (95.0, "2025", "year")
    # area "" on the fact → the home area of hanoionline.vn
    assert hi_actual.area == hi_target.area == "Hà Nội"

    programme = row(obs, indicator="programme_targets_met")
    assert programme.value == pytest.approx(20 / 27)
    assert (programme.numerator, programme.denominator, programme.unit) == (20, 27, "ratio")
    assert programme.time_period == "2024-02-28" and programme.time_basis == "as_of"
    assert programme.sources.startswith("https://hanoionline.vn/")
    assert programme.n_sources == 1 and programme.status == "single_source" and not programme.conflict

    districts = row(obs, indicator="districts_without_poor_households")
    assert districts.value == pytest.approx(0.6) and districts.denominator == 30

    latest = t.latest
    hi = row(latest, indicator="health_insurance_coverage")
    assert (hi.actual_value, hi.target_value, hi.target_time_end) == (94.0, 95.0, "2025-12-31")
    assert hi.progress == pytest.approx(94 / 95, abs=1e-6) and hi.gap == pytest.approx(1.0)
    assert math.isnan(row(latest, indicator="poor_household_rate").progress)


def test_same_figure_in_two_articles_is_one_observation_with_two_sources():
    facts = seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/bai-2", published="2024-03-05")
    obs = timeline_of(facts).observations
    assert len(obs) == 5
    poor = row(obs, indicator="poor_household_rate")
    assert poor.n_sources == 2 and poor.n_facts == 2 and poor.status == "corroborated"
    assert poor.sources.split() == sorted(["https://hanoimoi.vn/bai-2", facts[0].url])
    assert (poor.first_seen, poor.last_seen) == ("2024-02-28", "2024-03-05")
    assert len(poor.fact_ids.split()) == 2 and not poor.conflict


def test_equal_fractions_written_differently_are_the_same_figure():
    a = make_fact("20/27", value=20 / 27, numerator=20, denominator=27, indicator="programme_targets_met",
                  modality="actual", as_of_start="2024-02-28", as_of_end="2024-02-28")
    b = make_fact("40/54", doc_id="d2", url="https://hanoimoi.vn/b", value=40 / 54, numerator=40, denominator=54,
                  indicator="programme_targets_met", modality="actual", as_of_start="2024-02-28",
                  as_of_end="2024-02-28", body="có 40/54 chỉ tiêu")
    assert len(timeline_of([a, b]).observations) == 1


def test_different_values_are_a_conflict_kept_side_by_side():
    base = dict(indicator="health_insurance_coverage", modality="actual", area="Hà Nội",
                as_of_start="2023-12-31", as_of_end="2023-12-31")
    facts = [make_fact("94%", value=94.0, **base),
             make_fact("94%", value=93.5, doc_id="d2", url="https://hanoimoi.vn/b", **base),
             make_fact("95%", value=95.0, modality="target", as_of_end="2025-12-31",
                       **{k: v for k, v in base.items() if k not in ("modality", "as_of_end")})]
    t = timeline_of(facts)
    actual = t.observations[t.observations["modality"] == "actual"]
    assert sorted(actual["value"]) == [93.5, 94.0]  # never averaged
    assert actual["conflict"].all()
    assert not row(t.observations, modality="target").conflict
    latest = row(t.latest, indicator="health_insurance_coverage")
    assert latest.actual_conflict and math.isnan(latest.actual_value) and latest.actual_values == "93.5 | 94"
    assert math.isnan(latest.progress) and latest.target_value == 95.0
    cell = t.wide.loc[t.wide["modality"] == "actual", "2023-12-31"].item()
    assert cell == "93.5 | 94"


def test_targets_and_actuals_are_separate_series_and_progress_uses_the_latest():
    common = dict(indicator="health_insurance_coverage", area="Hà Nội")
    facts = [
        make_fact("90%", value=90.0, modality="actual", as_of_start="2022-12-31", as_of_end="2022-12-31", **common),
        make_fact("94%", value=94.0, modality="actual", as_of_start="2023-12-31", as_of_end="2023-12-31", **common),
        make_fact("92%", value=92.0, modality="target", as_of_start="2023-01-01", as_of_end="2023-12-31", **common),
        make_fact("95%", value=95.0, modality="target", as_of_start="2025-12-31", as_of_end="2025-12-31", **common),
    ]
    t = timeline_of(facts)
    assert set(t.observations["modality"]) == {"actual", "target"} and len(t.observations) == 4
    assert not t.observations["conflict"].any()  # actual 94 and target 92 for 2023 do not clash
    latest = row(t.latest, indicator="health_insurance_coverage")
    assert (latest.actual_value, latest.actual_time_period) == (94.0, "2023-12-31")
    assert (latest.target_value, latest.target_time_period) == (95.0, "2025-12-31")
    assert latest.progress == pytest.approx(0.989474)


def test_facts_without_indicator_are_grouped_by_normalised_subject():
    facts = [make_fact("11/12", value=11 / 12, numerator=11, denominator=12, subject="Chỉ tiêu", modality="actual"),
             make_fact("20/27", value=20 / 27, numerator=20, denominator=27, subject="chỉ  tiêu", modality="actual"),
             make_fact("0,03%", value=0.03, subject="", modality="unknown")]
    obs = timeline_of(facts).observations
    grouped = obs[obs["indicator"] == "subject:chi_tieu"]
    assert len(grouped) == 2 and set(grouped["indicator_label"]) <= {"(Chỉ tiêu)", "(chỉ  tiêu)"}
    assert grouped["indicator_label"].nunique() == 1
    assert row(obs, indicator="subject:none").indicator_label == "(không rõ chủ thể)"
    # no as_of: the publication day is the fallback, and it says so
    assert set(obs["time_basis"]) == {"published"} and set(obs["time_period"]) == {"2024-02-28"}


def test_area_of_the_fact_beats_the_home_area_of_the_source():
    facts = [make_fact("5%", value=5.0, indicator="unemployment_rate", area="Đà Nẵng", url="https://hanoimoi.vn/a"),
             make_fact("6%", value=6.0, indicator="unemployment_rate", area="", url="https://www.hanoimoi.vn/b",
                       doc_id="d2"),
             make_fact("7%", value=7.0, indicator="unemployment_rate", area="", url="https://unknown.vn/c",
                       doc_id="d3")]
    obs = timeline_of(facts).observations.set_index("value")
    assert obs.loc[5.0, "area"] == "Đà Nẵng" and obs.loc[6.0, "area"] == "Hà Nội" and obs.loc[7.0, "area"] == ""


def test_corpus_source_gives_the_home_area_when_the_url_is_missing():
    fact = make_fact("94%", value=94.0, indicator="health_insurance_coverage", url=None)
    article = hanoi_article(url=None)
    assert row(timeline_of([fact], articles={HANOI_DOC: article}).observations, value=94.0).area == "Hà Nội"
    assert row(timeline_of([fact]).observations, value=94.0).area == ""


@pytest.mark.parametrize("start,end,grain,label", [
    ("2023-12-31", "2023-12-31", "day", "2023-12-31"),
    ("2023-02-01", "2023-02-28", "month", "2023-02"),
    ("2023-10-01", "2023-12-31", "quarter", "2023-Q4"),
    ("2023-07-01", "2023-12-31", "half", "2023-S2"),
    ("2023-01-01", "2023-12-31", "year", "2023"),
    ("2021-01-01", "2025-12-31", "multi-year", "2021/2025"),
    ("2023-03-05", "2023-04-10", "period", "2023-03-05/2023-04-10"),
])
def test_period_grain_is_kept(start, end, grain, label):
    assert period_of(dt.date.fromisoformat(start), dt.date.fromisoformat(end)) == (grain, label)


def test_review_drops_wrong_uses_fixes_and_marks_reviewed():
    facts = seed_facts()
    by_text = {f.text: f.fact_id for f in facts}
    decisions = {
        by_text["18/30"]: Decision(by_text["18/30"], "wrong", None, "", "an", "t"),
        by_text["94%"]: Decision(by_text["94%"], "fix", 94.5, "", "an", "t"),
        by_text["95%"]: Decision(by_text["95%"], "ok", None, "", "an", "t"),
    }
    t = timeline_of(facts, decisions=decisions)
    obs = t.observations
    assert "districts_without_poor_households" not in set(obs["indicator"]) and t.skipped["marked_wrong"] == 1
    fixed = row(obs, indicator="health_insurance_coverage", modality="actual")
    assert fixed.value == 94.5 and fixed.reviewed and fixed.status == "reviewed"
    assert row(obs, indicator="health_insurance_coverage", modality="target").reviewed
    assert not row(obs, indicator="poor_household_rate").reviewed


def test_unknown_kinds_and_missing_values_are_skipped_not_fatal():
    facts = seed_facts() + [make_fact("3 triệu", kind="count", value=3e6),
                            make_fact("x%", kind="percent", value=None, indicator="unemployment_rate")]
    t = timeline_of(facts)
    assert len(t.observations) == 5 and t.skipped == {"not_a_figure": 2, "marked_wrong": 0, "no_value": 1}


def test_home_areas_tolerates_a_missing_sources_file(tmp_path):
    assert home_areas(tmp_path) == {}
    (tmp_path / "sources.toml").write_text(
        '[[source]]\nname = "www.HanoiMoi.vn"\nhome_area = "Hà Nội"\n[[source]]\nname = "vnexpress.net"\n',
        encoding="utf-8")
    assert home_areas(tmp_path) == {"hanoimoi.vn": "Hà Nội"}


def test_subject_key():
    assert subject_key("Quận, huyện") == "subject:quan_huyen"
    assert subject_key("Đường") == "subject:duong" and subject_key(None) == "subject:none"


# --- properties -------------------------------------------------------------------------------

# Small domains, so that repeated figures, conflicts and equal fractions written differently
# (20/27 vs 40/54) turn up often in a list of a dozen facts.
fact_st = st.builds(
    dict,
    kind=st.sampled_from(["fraction", "fraction", "percent", "date", "mystery"]),
    value=st.sampled_from([94.0, 95.0]),
    fraction=st.sampled_from([(20, 27), (40, 54), (20, 27), (1, 2)]),
    indicator=st.sampled_from(["", "health_insurance_coverage", "", "not_in_lexicon"]),
    subject=st.sampled_from(["chỉ tiêu", "Chỉ tiêu"]),
    area=st.sampled_from(["", "Hà Nội"]),
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
        fact = make_fact(f"{n}%", doc_id=f"doc{s['doc']}", url=f"https://bao.vn/{s['doc']}" if s["doc"] else None,
                         published=f"2024-0{s['doc'] + 1}-01", kind=s["kind"], value=s["value"],
                         indicator=s["indicator"], subject=s["subject"], area=s["area"], modality=s["modality"],
                         as_of_start=s["as_of"], as_of_end=s["as_of"], fact_id=f"f{n:03d}",
                         numerator=numerator, denominator=denominator)
        facts.append(fact)
        if s["verdict"]:
            decisions[fact.fact_id] = Decision(fact.fact_id, s["verdict"], 42.0 if s["verdict"] == "fix" else None,
                                               "", "t", "t")
    return facts, decisions


def test_equal_fractions_keep_the_same_representative_in_any_order():
    common = dict(indicator="programme_targets_met", modality="actual", as_of_start="2024-02-28",
                  as_of_end="2024-02-28")
    facts = [make_fact("20/27", value=20 / 27, numerator=20, denominator=27, fact_id="b", **common),
             make_fact("40/54", value=40 / 54, numerator=40, denominator=54, fact_id="a", doc_id="d2", **common)]
    one, two = timeline_of(facts).observations, timeline_of(facts[::-1]).observations
    pd.testing.assert_frame_equal(one, two)
    assert (one.loc[0, "numerator"], one.loc[0, "fact_ids"]) == (40, "a b")  # the lowest fact_id speaks


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(fact_st, min_size=2, max_size=20), data=st.data())
def test_input_order_does_not_change_the_output(specs, data):
    facts, decisions = _facts_and_decisions(specs)
    shuffled = data.draw(st.permutations(facts))
    one, two = timeline_of(facts, decisions=decisions), timeline_of(shuffled, decisions=decisions)
    pd.testing.assert_frame_equal(one.observations, two.observations)
    pd.testing.assert_frame_equal(one.wide, two.wide)
    pd.testing.assert_frame_equal(one.latest, two.latest)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(fact_st, min_size=1, max_size=16))
def test_no_fact_marked_ok_is_lost(specs):
    facts, decisions = _facts_and_decisions(specs)
    obs = timeline_of(facts, decisions=decisions).observations
    where = {}
    for index, ids in enumerate(obs["fact_ids"]):
        for fid in ids.split():
            assert fid not in where, "a fact supports two observations"
            where[fid] = index
    for fact in facts:
        verdict = getattr(decisions.get(fact.fact_id), "verdict", "")
        if fact.kind not in ("fraction", "percent") or verdict == "wrong":
            assert fact.fact_id not in where
            continue
        assert fact.fact_id in where, f"{fact.fact_id} ({verdict or 'unreviewed'}) lost"
        observation = obs.iloc[where[fact.fact_id]]
        assert observation["value"] == pytest.approx(42.0 if verdict == "fix" else fact.value)
        assert bool(observation["reviewed"]) >= (verdict in ("ok", "fix"))


# --- CLI --------------------------------------------------------------------------------------

def test_cli_timeline_writes_three_tables(tmp_path):
    out, corpus, rules = tmp_path / "extracted", tmp_path / "corpora", tmp_path / "rules"
    write_facts(out, seed_facts() + seed_facts(doc_id="d2", url="https://hanoimoi.vn/b", published="2024-03-01"))
    write_corpus(corpus, [hanoi_article()])
    write_rules(rules, {"hanoionline.vn": "Hà Nội"})
    result = CliRunner().invoke(cli, ["timeline", "--out", str(out), "--corpus", str(corpus), "--rules", str(rules)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("timeline: 9 observations (0 in conflict, 0 reviewed) for 4 indicators; "
                                     "skipped 2 not a figure")
    long = pd.read_csv(out / "timeline.csv", encoding="utf-8-sig", keep_default_na=False)
    assert list(long.columns[:13]) == ["indicator", "indicator_label", "area", "time_period", "time_start",
                                       "time_end", "grain", "time_basis", "value", "value_max", "unit",
                                       "qualifier", "numerator"]
    # hanoionline.vn is a Hà Nội source (rules/sources.toml); hanoimoi.vn is not listed here
    hi = long[(long["indicator"] == "health_insurance_coverage") & (long["modality"] == "actual")]
    assert sorted(hi["area"]) == ["", "Hà Nội"]
    poor = long[long["indicator"] == "poor_household_rate"]  # area given by both facts: one observation
    assert poor["n_sources"].tolist() == [2]
    wide = pd.read_csv(out / "timeline_wide.csv", encoding="utf-8-sig")
    assert {"2023-12-31", "2024-02-28", "2025"} <= set(wide.columns)
    latest = pd.read_csv(out / "latest.csv", encoding="utf-8-sig")
    assert "progress" in latest.columns and (out / "timeline.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_cli_timeline_without_facts_fails_clearly(tmp_path):
    result = CliRunner().invoke(cli, ["timeline", "--out", str(tmp_path)])
    assert result.exit_code != 0 and "run `chitieu extract" in result.output
