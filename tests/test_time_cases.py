"""As-of times on sentences written by an independent Vietnamese reviewer of the time rules
(tests/eval/time_cases.jsonl: budget, GSO and portal phrasings: "lũy kế 9 tháng", "năm qua", "cùng kỳ
năm trước (7,5%)", "thực hiện đạt", "từ trước đến nay" …). Only as_of_end is checked, as the guide scores
it; the few cases the rules still get wrong are listed with the reason and expected to fail."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeline.extract import extract_facts
from pipeline.records import Article, article_id
from tests.extract_helpers import book

CASES = [json.loads(line) for line in (Path(__file__).parent / "eval" / "time_cases.jsonl").open(encoding="utf-8")]
PARAMS = [pytest.param(case, n, id=f"{case['id']}-{fig['figure']}",
                       marks=[pytest.mark.xfail(strict=True, reason=fig["known_gap"])] if fig.get("known_gap") else [])
          for case in CASES for n, fig in enumerate(case["figures"])]


@pytest.mark.parametrize("case, n", PARAMS)
def test_as_of_end(case, n):
    article = Article(id=article_id(None, case["text"]), url=None, title=case["title"], published=case["published"],
                      source="", fetched_at=None, text=case["text"])
    facts = [f for f in extract_facts(article, book()) if f.kind in ("percent", "fraction") and f.field == "text"]
    wanted = case["figures"][n]
    # the n-th figure of that text in the sentence (a text may repeat)
    same = [k for k, fig in enumerate(case["figures"]) if fig["figure"] == wanted["figure"]].index(n)
    found = [f for f in facts if f.text == wanted["figure"]]
    assert len(found) > same, f"{wanted['figure']!r} not found in {case['text']!r}"
    got = found[same].as_of_end or ""
    assert got.startswith(wanted["as_of_end"]) if wanted["as_of_end"] else got == "", (got, wanted)
