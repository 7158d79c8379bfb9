"""The run record of a crawl: counts, failures, exit code, and why a crawl stored nothing."""
from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.atomic import atomic_write_text
from pipeline.crawl.urls import path_and_query
from pipeline.layout import CorpusDir
from pipeline.stages import StageReport, status_of

COUNT_KEYS = ("discovered", "fetched", "new", "updated", "unchanged", "known", "not_modified", "not_article",
              "skipped_robots", "skipped_since", "deferred", "over_cap", "failed")
# Reasons that mean "this crawl found nothing to store", not "a page broke": exit status 2.
NOTHING_FOUND = "no_articles"
_LONG_NUMBER = re.compile(r"(\d{3,})")


@dataclass
class RunReport:
    started: str
    sources: list[str]
    options: dict
    counts: Counter = field(default_factory=Counter)
    failures: list[dict] = field(default_factory=list)
    ok_responses: int = 0
    advice: list[str] = field(default_factory=list)
    finished: str | None = None
    record_path: Path | None = None

    @property
    def exit_code(self) -> int:
        """0 all good, 1 some failures, 2 nothing worked or nothing to store was found."""
        if not self.failures:
            return 0
        if self.ok_responses == 0 or any(f["reason"] == NOTHING_FOUND for f in self.failures):
            return 2
        return 1

    def failed_by_reason(self) -> Counter:
        return Counter(f["reason"] for f in self.failures)

    def summary(self) -> str:
        parts = [f"{key} {self.counts[key]}" for key in COUNT_KEYS if key != "failed" and self.counts.get(key)]
        reasons = ", ".join(f"{reason} {n}" for reason, n in sorted(self.failed_by_reason().items()))
        failed = [f"failed {len(self.failures)} ({reasons})"] if self.failures else []  # non-zero counters only
        return "crawl: " + (", ".join(parts + failed) or "nothing to do")

    def stage_report(self) -> StageReport:
        """This crawl as a stage of the nightly run reports it."""
        line = self.summary().removeprefix("crawl: ")
        failures = dict(self.failed_by_reason())
        report = StageReport("crawl", status_of(self.exit_code), counts=self.as_dict()["counts"], failures=failures,
                             messages=[f"{f['url']}: {f['reason']}" + (f" ({f['detail']})" if f["detail"] else "")
                                       for f in self.failures[:20]], line=line)
        if self.exit_code == 2:
            nothing_found = any(f["reason"] == NOTHING_FOUND for f in self.failures)
            why = "no article found on the sources' pages" if nothing_found else "no page could be fetched"
            report.error = f"{why}: {line}"
        return report

    def as_dict(self) -> dict:
        return {
            "started": self.started, "finished": self.finished, "sources": self.sources,
            "options": self.options,
            "counts": {k: self.counts.get(k, 0) for k in COUNT_KEYS} | dict(self.counts) | {"failed": len(self.failures)},
            "failed_by_reason": dict(self.failed_by_reason()), "failures": self.failures,
            "advice": self.advice, "exit_code": self.exit_code,
        }


def write_run_record(corpus_dir: Path, report: RunReport) -> Path:
    """corpora/runs/<UTC timestamp>.json, written atomically."""
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
    path = CorpusDir(corpus_dir).runs / f"{stamp}.json"
    atomic_write_text(path, json.dumps(report.as_dict(), ensure_ascii=False, indent=1) + "\n")
    return path


def suggest_pattern(urls: list[str]) -> str | None:
    """An --article-pattern for the most common link shape with a long number in it
    ("/tin/1201.html" → `^/tin/\\d+\\.html$`), or None when no link has one."""
    shapes: Counter = Counter()
    for url in urls:
        pieces = _LONG_NUMBER.split(path_and_query(url))
        if len(pieces) > 1:
            shapes["^" + "".join(r"\d+" if n % 2 else re.escape(p) for n, p in enumerate(pieces)) + "$"] += 1
    return shapes.most_common(1)[0][0] if shapes else None


def nothing_stored_advice(starts: list[str], candidates: list[str], rejected: list[str], patterns: list[str]) -> str:
    """Why a crawl stored nothing and what to try: `candidates` were fetched and were no articles,
    `rejected` are same-site links the article patterns (`patterns`) turned down."""
    where = ", ".join(starts[:3]) + (f" and {len(starts) - 3} more" if len(starts) > 3 else "")
    if candidates:
        why = (f"none of the {len(candidates)} pages linked from {where} looks like an article (no JSON-LD "
               f"Article/NewsArticle, no article:published_time, no og:type article or article-length text on a page "
               f"that is not mostly links)")
        sample = candidates
    elif rejected:
        why = (f"no link on {where} matches the article patterns {patterns}" if patterns else
               f"no link on {where} leads to an article page")
        sample = rejected
    else:
        why, sample = f"no link to another page of the site was found on {where}", []
    shape = suggest_pattern(sample)
    example = f" (the links seen suggest --article-pattern '{shape}')" if shape else ""
    return (f"nothing stored: {why}. If the site's articles are there, name their links with "
            f"--article-pattern REGEX, a regex searched in the link's path and query{example}; "
            f"those pages are then stored without the article check.")
