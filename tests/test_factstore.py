"""facts.csv is safe to open in a spreadsheet; the three formats agree."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.factstore import read_facts, write_facts
from pipeline.records import Fact
from pipeline.tables.spreadsheet import _pandas_csv, csv_bytes, safe_cell, unsafe_cell


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


# --- write_csv builds its bytes with pyarrow: exactly what pandas' to_csv wrote before -----------

TEXT = st.text(alphabet=st.sampled_from(list("ab ,\"'\r\n\t=+-@;ệĐ0.9/\\") + ["\u2028", "😀"]), max_size=8)
FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([94.0, 93.5, -0.0, 1e-05, 1e16,
                                                                                    20 / 27, 0.03]))


@st.composite
def frames(draw):
    n = draw(st.sampled_from([0, 1, 3, 6, 40]))
    columns = {}
    for k in range(draw(st.integers(2, 5))):
        kind = draw(st.sampled_from(["text", "text_or_missing", "float", "int", "bool", "mixed", "repeated"]))
        if kind == "repeated":  # a few values many times: formatted once each
            pool = draw(st.lists(st.one_of(TEXT, st.none(), st.just(float("nan"))), min_size=1, max_size=3))
            values = draw(st.lists(st.sampled_from(pool), min_size=n, max_size=n))
        elif kind == "text":
            values = draw(st.lists(TEXT, min_size=n, max_size=n))
        elif kind == "text_or_missing":
            values = draw(st.lists(st.one_of(TEXT, st.none(), st.just(float("nan"))), min_size=n, max_size=n))
        elif kind == "float":
            values = draw(st.lists(FLOATS, min_size=n, max_size=n))
        elif kind == "int":
            values = draw(st.lists(st.integers(-10**12, 10**12), min_size=n, max_size=n))
        elif kind == "bool":
            values = draw(st.lists(st.booleans(), min_size=n, max_size=n))
        else:
            values = draw(st.lists(st.one_of(TEXT, FLOATS, st.none(), st.booleans(), st.integers(-5, 5)),
                                   min_size=n, max_size=n))
        series = pd.Series(values, dtype=object if kind in ("text", "text_or_missing", "mixed", "repeated") else None)
        columns[draw(st.sampled_from(["a", "b,c", "time \"x\"", "x"])) + str(k)] = series
    return pd.DataFrame(columns)


@settings(max_examples=300, deadline=None)
@given(frame=frames())
def test_csv_bytes_are_what_pandas_writes(frame):
    assert bytes(csv_bytes(frame)) == "\ufeff".encode() + _pandas_csv(frame).encode("utf-8")


def test_csv_bytes_in_chunks_and_for_odd_frames(monkeypatch):
    import pipeline.tables.spreadsheet as spreadsheet

    monkeypatch.setattr(spreadsheet, "CSV_CHUNK_ROWS", 3)
    frame = pd.DataFrame({"a": [f"=x{k}" for k in range(10)], "b": [k / 3 for k in range(10)], "c": [True] * 10})
    for odd in (frame, frame.iloc[:0], frame[["a"]], pd.DataFrame({"a": [""], "b": [None]})):
        assert bytes(csv_bytes(odd)) == "\ufeff".encode() + _pandas_csv(odd).encode("utf-8")


@st.composite
def tables(draw):
    """Arrow tables of the kinds the timeline builds: text (plain or a dictionary), floats, integers, booleans."""
    n = draw(st.sampled_from([0, 1, 4, 30]))
    columns = {}
    for k in range(draw(st.integers(2, 5))):
        kind = draw(st.sampled_from(["text", "dictionary", "float", "int", "bool"]))
        if kind in ("text", "dictionary"):
            values = draw(st.lists(TEXT, min_size=n, max_size=n))
            array = pa.array(values, pa.string())
            columns[f"c{k}"] = array.dictionary_encode() if kind == "dictionary" else array
        elif kind == "float":
            columns[f"c{k}"] = pa.array(draw(st.lists(FLOATS, min_size=n, max_size=n)), pa.float64())
        elif kind == "int":
            columns[f"c{k}"] = pa.array(draw(st.lists(st.integers(-10**12, 10**12), min_size=n, max_size=n)),
                                        pa.int64())
        else:
            columns[f"c{k}"] = pa.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), pa.bool_())
    return pa.table(columns)


@settings(max_examples=200, deadline=None)
@given(table=tables())
def test_an_arrow_table_is_written_as_the_frame_it_stands_for(table):
    from pipeline.timeline.columns import to_pandas

    assert bytes(csv_bytes(table)) == "\ufeff".encode() + _pandas_csv(to_pandas(table)).encode("utf-8")
