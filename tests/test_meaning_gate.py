"""Quality gate for what each figure means, on the annotated govnews passages: every attribute must
stay above the floor recorded in tests/eval/floors.json (development set and held-out set)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.evaluation import evaluate_meaning, format_meaning_report
from pipeline.extract.adapters import extract_fn
from pipeline.settings import SHARED_DIR
from tests.extract_helpers import book

EVAL_DIR = Path(__file__).parent / "eval"
FLOORS = json.loads((EVAL_DIR / "floors.json").read_text(encoding="utf-8"))
PASSAGES = SHARED_DIR / "govnews" / "passages.jsonl"


def scores(result: dict) -> dict[str, float]:
    return {"values_f1": result["overall"]["f1"], **result["attributes"]}


@pytest.mark.parametrize("name", ["dev", "heldout"])
def test_meaning_gate(name):
    if not PASSAGES.exists():
        pytest.skip(f"{PASSAGES} not available: the annotated passages live there")
    result = evaluate_meaning(extract_fn(book()), PASSAGES, EVAL_DIR / f"govnews_{name}_gold.jsonl")
    floors = FLOORS[f"govnews_{name}"]
    got = scores(result)
    failures = [f"{k} {got[k]:.3f} < floor {v}" for k, v in floors.items() if not k.startswith("_") and got[k] < v]
    assert not failures, "\n".join(failures) + "\n" + format_meaning_report(result)


def test_split_is_by_site_and_complete():
    """No site is in both sets, and every passage is in one of them."""
    if not PASSAGES.exists():
        pytest.skip(f"{PASSAGES} not available")
    split = json.loads((EVAL_DIR / "govnews_split.json").read_text(encoding="utf-8"))
    sites = {}
    for line in PASSAGES.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        sites[row["id"]] = row["site"]
    dev, held = set(split["dev"]), set(split["heldout"])
    assert not dev & held and dev | held == set(sites)
    assert not {sites[i] for i in dev} & {sites[i] for i in held}
    for name, ids in (("dev", dev), ("heldout", held)):
        gold = {json.loads(l)["doc_id"] for l in (EVAL_DIR / f"govnews_{name}_gold.jsonl").read_text(encoding="utf-8").splitlines() if l.strip()}
        assert gold <= ids, f"{name} annotations refer to passages outside the {name} split"


def test_annotations_are_well_formed():
    """Offsets index the passages, every field holds an allowed value (tests/eval/check_annotations.py)."""
    if not PASSAGES.exists():
        pytest.skip(f"{PASSAGES} not available")
    from tests.eval.check_annotations import check

    for name in ("dev_gold", "heldout_gold", "agreement_a2"):
        problems = check(EVAL_DIR / f"govnews_{name}.jsonl")
        assert not problems, "\n".join(problems[:10])
