"""Candidate figures of govnews passages for annotators (see ANNOTATION_GUIDE.md).

A plain, generous regex, deliberately not chitieu's extractor, so that annotation is not biased by
what chitieu finds: every "N%", "N phần trăm", "N điểm phần trăm", range "N-M%" and "a/b" with its
offsets, the passage's site and date, and a JSON skeleton to fill in.

    python tests/eval/annotate_candidates.py g001 g002          # those passages
    python tests/eval/annotate_candidates.py --split heldout    # every passage of a split
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
PASSAGES = HERE.parents[2] / "shared" / "govnews" / "passages.jsonl"
NUM = r"\d+(?:[.,]\d+)*"
CANDIDATE = re.compile(
    rf"(?<![\w/]){NUM}(?:\s?[-–]\s?{NUM})?\s?(?:%|điểm phần trăm|phần trăm|điểm %)"
    rf"|(?<![\w/.,]){NUM}/{NUM}(?![\w/]|[.,]\d)",
    re.IGNORECASE,
)


def skeleton(doc_id: str, m: re.Match) -> dict:
    surface = m.group(0)
    is_fraction = "/" in surface and "%" not in surface
    return {"doc_id": doc_id, "start": m.start(), "end": m.end(), "text": surface,
            "kind": "fraction" if is_fraction else "percent", "value": None, "value_max": None,
            "numerator": None, "denominator": None,
            "unit": "ratio" if is_fraction else ("percentage_point" if "điểm" in surface else "percent"),
            "value_kind": "", "indicator": "", "subject": "", "area": "", "area_part": "",
            "as_of_start": "", "as_of_end": "", "modality": "", "note": ""}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ids", nargs="*")
    parser.add_argument("--split", choices=["dev", "heldout"])
    parser.add_argument("--passages", type=Path, default=PASSAGES)
    args = parser.parse_args(argv)
    ids = list(args.ids)
    if args.split:
        ids += json.loads((HERE / "govnews_split.json").read_text(encoding="utf-8"))[args.split]
    rows = {}
    with open(args.passages, encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            rows[row["id"]] = row
    for doc_id in ids:
        row = rows[doc_id]
        text = row["text"]
        print(f"===== {doc_id}  site={row['site']}  published={row['published']}  topic={row['topic']}")
        print(text)
        print("----- candidates")
        for m in CANDIDATE.finditer(text):
            lo, hi = max(0, m.start() - 60), min(len(text), m.end() + 40)
            context = text[lo:hi].replace("\n", " ⏎ ")
            print(f"# [{m.start()}:{m.end()}] …{context}…")
            print(json.dumps(skeleton(doc_id, m), ensure_ascii=False))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
