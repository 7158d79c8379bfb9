"""What each figure means, on the annotated govnews passages: value F1 and per-attribute accuracy on
the development set (rules tuned with it in view) and the held-out set (never tuned on), with the
subject scored as CQE scores concepts (Almasian et al. 2023: concept F1 0.76 partial / 0.57
complete on NewsQuant, the best published quantity extractor, for English).

    python -m benchmarks meaning
    CHITIEU_EXTRA_EVAL=DIR python -m benchmarks meaning   # other sets: DIR/<set>/{passages,gold}.jsonl

Extra sets are annotated passages of pages found by independent annotators (tests/eval/fresh by
default, brief in tests/eval/fresh/BRIEF.md); DIR/sets.json names each set's role ({"setA": "dev",
"setB": "heldout"}); held-out sets are scored, never tuned on.
"""
from __future__ import annotations

import json
import os
import time
from pathlib import Path

from pipeline.evaluation import evaluate_meaning
from pipeline.extract.adapters import extract_fn
from pipeline.rules.book import load_rulebook
from pipeline.settings import PROJECT_ROOT, SHARED_DIR

PASSAGES = SHARED_DIR / "govnews" / "passages.jsonl"
EVAL_DIR = PROJECT_ROOT / "tests" / "eval"
CQE = {"subject_partial": 0.76, "subject_complete": 0.57}
ROWS = ("values_f1", "indicator_p", "indicator_r", "value_kind", "area", "area_part", "area_part_exact", "as_of", "modality",
        "subject", "subject_partial", "subject_complete", "timeline_complete")


def main() -> None:
    if not PASSAGES.exists():
        print(f"skipped: {PASSAGES} not available")
        return
    fn = extract_fn(load_rulebook())
    results = {}
    for name in ("dev", "heldout"):
        t0 = time.perf_counter()
        results[name] = evaluate_meaning(fn, PASSAGES, EVAL_DIR / f"govnews_{name}_gold.jsonl")
        results[name]["seconds"] = time.perf_counter() - t0
    print(f"{'attribute':<20}{'development':>18}{'held-out':>18}{'CQE (English)':>16}")
    for row in ROWS:
        cells = []
        for name in ("dev", "heldout"):
            r = results[name]
            value = r["overall"]["f1"] if row == "values_f1" else r["attributes"][row]
            good, total = (r["overall"]["tp"], r["overall"]["tp"] + r["overall"]["fn"]) if row == "values_f1" \
                else r["counts"][row]
            cells.append(f"{value:.3f} ({good}/{total})" if row != "values_f1" else f"{value:.3f}")
        cqe = f"{CQE[row]:.2f}" if row in CQE else ""
        print(f"{row:<20}{cells[0]:>18}{cells[1]:>18}{cqe:>16}")
    for name in ("dev", "heldout"):
        r = results[name]
        print(f"{name}: {r['documents']} passages, {r['overall']['tp'] + r['overall']['fn']} figures, "
              f"{r['seconds']:.1f} s")
    timeline_truth()
    extra_sets()


def timeline_truth() -> None:
    """The timeline built from the annotated passages, every observation checked against them."""
    from pipeline.evaluation_timeline import evaluate_timeline, format_timeline_report

    book = load_rulebook()
    lexicon = [ind.id for ind in book.indicators]
    for name in ("dev", "heldout"):
        result = evaluate_timeline(extract_fn(book), PASSAGES, EVAL_DIR / f"govnews_{name}_gold.jsonl", lexicon)
        print(f"timeline from {name}: {format_timeline_report(result)}")


def extra_sets() -> None:
    """The same scores on the fresh annotated sets (tests/eval/fresh, or CHITIEU_EXTRA_EVAL)."""
    from pipeline.evaluation_timeline import evaluate_timeline, format_timeline_report

    root = Path(os.environ.get("CHITIEU_EXTRA_EVAL") or EVAL_DIR / "fresh")
    if not (root / "sets.json").exists():
        return
    roles = json.loads((root / "sets.json").read_text(encoding="utf-8"))
    book = load_rulebook()
    fn = extract_fn(book)
    lexicon = [ind.id for ind in book.indicators]
    for name, role in roles.items():
        passages, gold = root / name / "passages.jsonl", root / name / "gold.jsonl"
        if not gold.exists():
            print(f"{name} ({role}): no gold.jsonl yet")
            continue
        r = evaluate_meaning(fn, passages, gold)
        cells = [f"values_f1 {r['overall']['f1']:.3f}"] + [
            f"{row} {r['attributes'][row]:.3f}" for row in ROWS[1:]]
        print(f"{name} ({role}, {r['documents']} passages, {r['overall']['tp'] + r['overall']['fn']} figures): "
              + "; ".join(cells))
        print(f"  timeline: {format_timeline_report(evaluate_timeline(fn, passages, gold, lexicon))}")
