"""Outputs after extraction are byte-identical to the recorded ones (tests/golden/outputs.json).

The digests were recorded with the code before the timeline, export and report were made to scale
(see tests/golden_outputs.py); a change that is meant to change an output records them again and
says so in its commit.
"""
from __future__ import annotations

import json

import pytest
from golden_outputs import CASES, GOLDEN, case_digests

RECORDED = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(CASES))
def test_outputs_are_byte_identical_to_the_recorded_ones(name, tmp_path):
    now = case_digests(name, tmp_path)
    recorded = RECORDED[name]
    assert sorted(now) == sorted(recorded), "a different set of files was written"
    changed = [file for file in recorded if now[file] != recorded[file]]
    assert changed == [], f"{name}: these outputs changed: {changed}"
