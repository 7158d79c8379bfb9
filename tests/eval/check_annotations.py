"""Check a file of figure-meaning annotations against ANNOTATION_GUIDE.md: offsets, fields, enums.

    python tests/eval/check_annotations.py tests/eval/govnews_dev_gold.jsonl
    python tests/eval/check_annotations.py --passages other_passages.jsonl other_gold.jsonl
Prints one line per problem (file:line: message) and exits 1 when there is any.
"""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSAGES = HERE.parents[2] / "shared" / "govnews" / "passages.jsonl"
GUIDE = HERE / "ANNOTATION_GUIDE.md"
ENUMS = {
    "kind": {"percent", "fraction"},
    "unit": {"percent", "percentage_point", "ratio"},
    "value_kind": {"level", "change", "share_of_plan", "contribution", "other"},
    "modality": {"target", "actual", "unknown"},
}
DATE = re.compile(r"^(?:\d{4}-\d{2}(?:-\d{2})?)?$")


def indicator_ids() -> set[str]:
    """The ids of the guide's indicator table."""
    return set(re.findall(r"^\| `([a-z0-9_]+)` \|", GUIDE.read_text(encoding="utf-8"), re.MULTILINE))


def check(path: Path, passages: Path = PASSAGES) -> list[str]:
    texts = {}
    with open(passages, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            texts[row["id"]] = row["text"]
    ids = indicator_ids()
    problems, spans = [], set()
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        where = f"{path}:{n}"
        try:
            rec = json.loads(raw)
        except json.JSONDecodeError as exc:
            problems.append(f"{where}: invalid JSON: {exc.msg}")
            continue
        text = texts.get(rec.get("doc_id"))
        if text is None:
            problems.append(f"{where}: unknown doc_id {rec.get('doc_id')!r}")
            continue
        start, end = rec.get("start"), rec.get("end")
        if not (isinstance(start, int) and isinstance(end, int) and text[start:end] == rec.get("text")):
            problems.append(f"{where}: text[{start}:{end}] is {text[start:end]!r}, not {rec.get('text')!r}")
        if (rec.get("doc_id"), start) in spans:
            problems.append(f"{where}: a second record at the same start")
        spans.add((rec.get("doc_id"), start))
        for field, allowed in ENUMS.items():
            if rec.get(field) not in allowed:
                problems.append(f"{where}: {field} {rec.get(field)!r} not in {sorted(allowed)}")
        if rec.get("indicator") and rec["indicator"] not in ids:
            problems.append(f"{where}: indicator {rec['indicator']!r} is not in the guide's table")
        if not isinstance(rec.get("value"), (int, float)):
            problems.append(f"{where}: value must be a number")
        if rec.get("kind") == "fraction" and not (isinstance(rec.get("numerator"), (int, float))
                                                  and isinstance(rec.get("denominator"), (int, float))):
            problems.append(f"{where}: a fraction needs numerator and denominator")
        for field in ("as_of_start", "as_of_end"):
            if not DATE.match(rec.get(field) or ""):
                problems.append(f"{where}: {field} {rec.get(field)!r} is not YYYY-MM-DD, YYYY-MM or empty")
        for field in ("subject", "area", "area_part"):
            if not isinstance(rec.get(field, ""), str):
                problems.append(f"{where}: {field} must be a string")
        if rec.get("subject") and rec["subject"] not in text:
            problems.append(f"{where}: subject {rec['subject']!r} is not copied verbatim from the passage")
    return problems


def main(argv: list[str]) -> int:
    passages = PASSAGES
    if argv[:1] == ["--passages"]:
        passages, argv = Path(argv[1]), argv[2:]
    problems = [p for name in argv for p in check(Path(name), passages)]
    print("\n".join(problems) or "ok")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
