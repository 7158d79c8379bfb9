"""The timeline built from the annotated govnews passages is checked against the annotations: the
share of true observations, of timeline figures in a true observation, and of non-levels shown as
values must not fall below / rise above what tests/eval/floors.json records."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation_timeline import evaluate_timeline, format_timeline_report, score_timeline
from pipeline.extract.adapters import extract_fn
from pipeline.settings import SHARED_DIR
from tests.extract_helpers import book

EVAL_DIR = Path(__file__).parent / "eval"
FLOORS = json.loads((EVAL_DIR / "floors.json").read_text(encoding="utf-8"))
PASSAGES = SHARED_DIR / "govnews" / "passages.jsonl"


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_timeline_truth_gate(name):
    if not PASSAGES.exists():
        pytest.skip(f"{PASSAGES} not available")
    lexicon = [ind.id for ind in book().indicators]
    result = evaluate_timeline(extract_fn(book()), PASSAGES, EVAL_DIR / f"govnews_{name}_gold.jsonl", lexicon)
    floors = FLOORS[f"timeline_{name}"]
    assert result["true_share"] >= floors["true_share"], format_timeline_report(result)
    assert result["figures_in_true_share"] >= floors["figures_in_true_share"], format_timeline_report(result)
    assert result["not_levels_shown_share"] <= floors["not_levels_shown_share_max"], format_timeline_report(result)


def test_an_observation_is_true_only_when_every_figure_in_it_is():
    """Two articles agreeing on 94% make one observation; it is false when one of them is a change."""
    base = {"kind": "percent", "unit": "percent", "indicator": "health_insurance_coverage", "area": "Hà Nội",
            "area_part": "", "as_of_start": "2023-12-31", "as_of_end": "2023-12-31", "modality": "actual",
            "value": 94.0, "text": "94%", "start": 0, "end": 3, "published": "2024-01-05", "time_basis": "stated"}
    facts = [dict(base, fact_id="a", doc_id="d1", value_kind="level", url="https://x.vn/1"),
             dict(base, fact_id="b", doc_id="d2", value_kind="level", url="https://x.vn/2")]
    gold = [dict(base, doc_id="d1", value_kind="level"), dict(base, doc_id="d2", value_kind="level")]
    result = score_timeline(facts, gold, ["health_insurance_coverage"])
    assert (result["observations"], result["true_observations"], result["figures_in_true"]) == (1, 1, 2)
    gold[1]["value_kind"] = "change"  # the second article's 94% was a change misread as a level
    result = score_timeline(facts, gold, ["health_insurance_coverage"])
    assert (result["true_observations"], result["not_levels_shown"]) == (0, 1)
