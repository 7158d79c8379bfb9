"""Quality gate: precision and recall on the annotated sets must stay above the recorded floors."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation import evaluate_hard_cases, evaluate_realnews, format_report
from pipeline.extract.adapters import extract_fn
from pipeline.settings import SHARED_DIR
from tests.extract_helpers import book

EVAL_DIR = Path(__file__).parent / "eval"
FLOORS = json.loads((EVAL_DIR / "floors.json").read_text(encoding="utf-8"))
REALNEWS = SHARED_DIR / "realnews" / "articles.jsonl"


def check(result: dict, floors: dict) -> list[str]:
    failures = []
    for kind, wanted in floors.items():
        if kind.startswith("_"):
            continue
        scores = result["overall"] if kind == "overall" else result["per_kind"][kind]
        for metric, floor in wanted.items():
            if scores[metric] < floor:
                failures.append(f"{kind} {metric} {scores[metric]:.3f} < floor {floor}")
    return failures


def test_realnews_gate():
    if not REALNEWS.exists():
        pytest.skip(f"{REALNEWS} not available: the annotated articles live there")
    result = evaluate_realnews(extract_fn(book()), REALNEWS, EVAL_DIR)
    failures = check(result, FLOORS["realnews"])
    assert not failures, "\n".join(failures) + "\n" + format_report(result)


def test_heldout_gate():
    """The held-out articles were annotated after the rules were written and are never tuned on."""
    if not REALNEWS.exists():
        pytest.skip(f"{REALNEWS} not available: the annotated articles live there")
    result = evaluate_realnews(extract_fn(book()), REALNEWS, EVAL_DIR, "heldout")
    failures = check(result, FLOORS["heldout"])
    assert not failures, "\n".join(failures) + "\n" + format_report(result)


def test_hard_cases_gate():
    result = evaluate_hard_cases(extract_fn(book()), EVAL_DIR / "hard_cases.jsonl")
    failures = check(result, FLOORS["hard_cases"])
    assert not failures, "\n".join(failures) + "\n" + format_report(result)
