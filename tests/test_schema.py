"""The README's field tables and the records' declarations (pipeline/records.py) say the same thing:
the same fields, and the allowed values the README lists are the ones the schema allows."""
from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path

import pytest

from pipeline.kinds import FACT_KINDS
from pipeline.records import Article, Fact

README = Path(__file__).resolve().parents[1] / "README.md"


def table_after(heading: str) -> dict[str, str]:
    """First-column names (each backticked name in the cell) → the row's text, of the first table
    under `heading`."""
    text = README.read_text(encoding="utf-8")
    start = text.index(heading)
    rows = {}
    for line in text[start:].splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("| `"):
            cell, rest = line[1:].split("|", 1)
            for name in re.findall(r"`([^`]+)`", cell):
                rows[name] = rest
        elif rows and not line.startswith("|"):
            break
    return rows


@pytest.mark.parametrize(("heading", "record"), [("## Facts: ", Fact), ("## Corpus document", Article)])
def test_readme_lists_every_field_and_no_other(heading, record):
    documented = set(table_after(heading))
    declared = {f.name for f in fields(record)}
    assert documented == declared, (f"README only: {sorted(documented - declared)}; "
                                    f"records.py only: {sorted(declared - documented)}")


def test_every_declared_field_says_its_type_and_meaning():
    for record in (Fact, Article):
        for f in fields(record):
            assert f.metadata.get("type") in {"string", "integer", "number", "date", "boolean"}, f.name
            assert f.metadata.get("description"), f"{record.__name__}.{f.name} has no description"


@pytest.mark.parametrize("name", ["kind", "value_kind", "unit", "qualifier", "grain", "area_basis", "time_basis",
                                  "modality", "field"])
def test_allowed_values_in_the_readme_are_the_schemas(name):
    row = table_after("## Facts: ")[name]
    allowed = set(next(f for f in fields(Fact) if f.name == name).metadata["enum"]) - {""}
    assert allowed, f"Fact.{name} declares no allowed values"
    named = set(re.findall(r"`([a-z_-]+)`", row))
    assert allowed <= named, f"README's {name} row does not name {sorted(allowed - named)}"
    if name == "kind":
        assert allowed == set(FACT_KINDS)
