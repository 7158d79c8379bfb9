"""facts.csv is safe to open in a spreadsheet; the three formats agree."""
from __future__ import annotations

import pandas as pd

from pipeline.factstore import read_facts, safe_cell, unsafe_cell, write_facts
from pipeline.records import Fact


def make(text: str, **kw) -> Fact:
    return Fact(fact_id="f" + str(abs(hash(text)))[:8], doc_id="d", url=None, published=None, kind="percent",
                text=text, start=0, end=len(text), sentence=text, **kw)


def test_formula_cells_are_neutralised(tmp_path):
    facts = [make("=HYPERLINK(\"x\")", value=1.0), make("+1"), make("-0,3 điểm"), make("@SUM(A1)"), make("94%")]
    write_facts(tmp_path, facts)
    csv = pd.read_csv(tmp_path / "facts.csv", encoding="utf-8-sig", dtype=str)
    assert list(csv["text"][:4]) == ["'=HYPERLINK(\"x\")", "'+1", "'-0,3 điểm", "'@SUM(A1)"]
    assert csv["text"][4] == "94%"
    assert read_facts(tmp_path)["text"].tolist()[0] == "=HYPERLINK(\"x\")", "Parquet keeps the raw text"


def test_safe_cell_roundtrip():
    for value in ("=1+1", "-5", "plain", "'quoted", 3.5, None):
        assert unsafe_cell(safe_cell(value)) == value
