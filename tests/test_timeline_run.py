"""The nightly run and `chitieu timeline` afterwards agree: same areas, same observations, after a review too.

Before the documents table, the run took home areas from its own sources file and a later
`chitieu timeline` from rules/sources.toml, so re-running the timeline after a review silently
changed areas. Now both read extracted/ only.
"""
from __future__ import annotations

import pandas as pd
from click.testing import CliRunner
from run_fixtures import baseline, copied, demo_site, settings_for  # noqa: F401

from pipeline.cli import cli
from pipeline.documents import read_documents
from pipeline.factstore import read_facts
from pipeline.jobs.run import run_nightly
from pipeline.review import Decision, append_decisions


def test_rerunning_timeline_after_a_review_gives_what_the_run_gave(copied, demo_site):  # noqa: F811
    out = copied / "extracted"
    docs = read_documents(out)
    assert set(docs["home_area"]) == {"Hà Nội"} and docs["title"].str.len().gt(0).all()  # from the run's sources
    facts = read_facts(out)
    # a level (the timeline holds levels only): the first percent by doc id may be a share of plan,
    # and doc ids follow the demo server's random port
    figure = facts[(facts["kind"] == "percent") & (facts["value_kind"] == "level")].iloc[0]
    append_decisions(out, [Decision(figure["fact_id"], "ok", None, "", "an", "2026-01-01T00:00:00+00:00")])
    summary = run_nightly(settings_for(copied, demo_site.base), progress=False)
    assert summary.exit_code == 0, summary.lines()
    ran = {name: (out / f"{name}.csv").read_bytes() for name in ("timeline", "timeline_wide", "latest", "changes")}
    timeline = pd.read_csv(out / "timeline.csv", encoding="utf-8-sig", keep_default_na=False)
    assert timeline["reviewed"].astype(str).eq("True").sum() >= 1
    assert "source" in set(timeline["area_basis"]) or "Hà Nội" in set(timeline["area"])

    # standalone, with the default rules/ (whose sources.toml does not know the demo site) and no corpus
    result = CliRunner().invoke(cli, ["timeline", "--out", str(out), "--corpus", str(copied / "nowhere")])
    assert result.exit_code == 0, result.output
    for name, data in ran.items():
        assert (out / f"{name}.csv").read_bytes() == data, f"{name}.csv differs from the run's"
