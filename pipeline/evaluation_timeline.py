"""Is the timeline true? Build it from annotated passages and check every observation against the
hand-made annotations of the figures in it.

An observation under a lexicon indicator is a *true statement* when every figure merged into it is
an annotated level of that indicator, in that area and sub-area, for that period and modality. The
scores: the share of such observations that are true; the share of the annotated timeline figures
(levels of a lexicon indicator) that sit in a true observation; the share of annotated changes,
shares of plan, contributions and thresholds that the timeline shows as values (should be none).
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from pipeline.evaluation import (
    ExtractFn,
    _run,
    area_right,
    as_of_agrees,
    load_gold,
    load_passages,
    matches,
    part_right,
    passage_doc,
)
from pipeline.kinds import FIGURE_KINDS
from pipeline.records import FACT_COLUMNS
from pipeline.timeline import build_timeline


def _gold_for(fact: dict, gold_by_doc: dict[str, list[dict]]) -> dict | None:
    for g in gold_by_doc.get(fact["doc_id"], ()):
        if not g.get("ignore") and matches(fact, g):
            return g
    return None


def _true_of(obs: pd.Series, g: dict | None) -> bool:
    """Whether annotated figure `g` is what the observation says."""
    if g is None or g.get("value_kind") != "level" or g.get("indicator") != obs["indicator"]:
        return False
    said = {"area": obs["area"], "area_part": obs.get("area_part")}
    if area_right(said, g) is False or not part_right(said, g):
        return False
    return as_of_agrees({"as_of_end": obs["time_end"]}, g) and g.get("modality") == obs["modality"]


def score_timeline(facts: list[dict], gold: list[dict], lexicon: Iterable[str]) -> dict:
    frame = pd.DataFrame(facts, columns=list(FACT_COLUMNS))
    obs = build_timeline(frame).observations
    lexicon = set(lexicon)
    by_id = {f["fact_id"]: f for f in facts}
    gold_by_doc: dict[str, list[dict]] = {}
    for g in gold:
        gold_by_doc.setdefault(g["doc_id"], []).append(g)
    true_obs = total_obs = 0
    in_true: set[int] = set()
    shown: set[int] = set()  # annotated figures that appear in timeline.csv
    for _, row in obs.iterrows():
        ids = [i for i in re.split(r"[\s|]+", str(row["fact_ids"] or "")) if i in by_id]
        golds = [_gold_for(by_id[i], gold_by_doc) for i in ids]
        shown |= {id(g) for g in golds if g is not None}
        if row["indicator"] not in lexicon:
            continue
        total_obs += 1
        if golds and all(_true_of(row, g) for g in golds):
            true_obs += 1
            in_true |= {id(g) for g in golds}
    figures = [g for g in gold if not g.get("ignore") and g["kind"] in FIGURE_KINDS]
    timeline_figures = [g for g in figures if g.get("value_kind") == "level" and g.get("indicator") in lexicon]
    not_levels = [g for g in figures if g.get("value_kind") in ("change", "share_of_plan", "contribution", "other")]
    return {
        "observations": total_obs, "true_observations": true_obs,
        "true_share": true_obs / total_obs if total_obs else 0.0,
        "timeline_figures": len(timeline_figures),
        "figures_in_true": sum(1 for g in timeline_figures if id(g) in in_true),
        "figures_in_true_share": sum(1 for g in timeline_figures if id(g) in in_true) / len(timeline_figures)
        if timeline_figures else 0.0,
        "not_levels": len(not_levels), "not_levels_shown": sum(1 for g in not_levels if id(g) in shown),
        "not_levels_shown_share": sum(1 for g in not_levels if id(g) in shown) / len(not_levels) if not_levels else 0.0,
    }


def evaluate_timeline(extract_fn: ExtractFn, passages_path: str | Path, gold_path: str | Path,
                      lexicon: Iterable[str]) -> dict:
    """Extract the annotated passages, build their timeline and score it against the annotations."""
    gold = load_gold(gold_path)
    ids = sorted({g["doc_id"] for g in gold})
    passages = load_passages(passages_path)
    facts = [f for doc_id in ids for f in _run(extract_fn, passage_doc(passages[doc_id]))]
    return score_timeline(facts, gold, lexicon)


def format_timeline_report(result: dict) -> str:
    return (f"observations under lexicon indicators: {result['true_observations']}/{result['observations']} true "
            f"({result['true_share']:.3f}); timeline figures in a true observation: "
            f"{result['figures_in_true']}/{result['timeline_figures']} ({result['figures_in_true_share']:.3f}); "
            f"changes/shares of plan/thresholds shown as values: {result['not_levels_shown']}/{result['not_levels']} "
            f"({result['not_levels_shown_share']:.3f})")
