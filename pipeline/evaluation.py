"""Scoring harness: compare extracted facts with hand-annotated gold facts, per kind.

Gold facts may carry ``"ignore": true`` (a doubtful case, with a ``note``): it is never a miss, and a
prediction overlapping it is neither a hit nor a false alarm.
"""
from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.kinds import FACT_KINDS, FIGURE_KINDS, kind_of
from pipeline.normalize import normalize_text

EPS = 1e-6
ExtractFn = Callable[[dict], list[dict]]


def load_gold(path: str | Path) -> list[dict]:
    """Read a JSONL file of gold facts (or hard cases); blank lines are skipped."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _num_eq(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) < EPS


def values_agree(pred: dict, gold: dict) -> bool:
    """The value test of the matching rule: the fields that carry the kind's value agree (numbers
    within EPS, dates exactly; pipeline.kinds)."""
    kind = kind_of(gold["kind"])
    if kind.numeric:
        return all(_num_eq(pred.get(name), gold.get(name)) for name in kind.compare)
    return all(pred.get(name) == gold.get(name) for name in kind.compare)


def _overlap(a: dict, b: dict) -> bool:
    return a["start"] < b["end"] and b["start"] < a["end"]


def matches(pred: dict, gold: dict) -> bool:
    """Same doc, same kind, overlapping spans, agreeing values."""
    return (pred.get("doc_id") == gold.get("doc_id") and pred.get("kind") == gold.get("kind")
            and _overlap(pred, gold) and values_agree(pred, gold))


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": p, "recall": r, "f1": f}


def score(predicted: list[dict], gold: list[dict]) -> dict:
    """One-to-one matching (maximum bipartite, larger overlap preferred); per-kind and overall counts."""
    scored = [g for g in gold if not g.get("ignore")]
    ignored = [g for g in gold if g.get("ignore")]
    by_doc: dict[object, list[int]] = {}
    for i, g in enumerate(scored):
        by_doc.setdefault(g.get("doc_id"), []).append(i)
    preds = sorted(predicted, key=lambda p: (str(p.get("doc_id")), p["start"], p["end"]))

    def span(p: dict, g: dict) -> int:
        return min(p["end"], g["end"]) - max(p["start"], g["start"])

    cands = [sorted((i for i in by_doc.get(p.get("doc_id"), ()) if matches(p, scored[i])),
                    key=lambda i, p=p: -span(p, scored[i])) for p in preds]
    owner: dict[int, int] = {}  # gold index -> prediction index

    def augment(j: int, seen: set[int]) -> bool:
        for i in cands[j]:
            if i not in seen:
                seen.add(i)
                if i not in owner or augment(owner[i], seen):
                    owner[i] = j
                    return True
        return False

    for j in range(len(preds)):
        if cands[j]:
            augment(j, set())
    matched = {j: i for i, j in owner.items()}
    hits = [(preds[j], scored[i]) for j, i in sorted(matched.items())]
    false_alarms = [p for j, p in enumerate(preds) if j not in matched
                    and not any(p.get("doc_id") == g.get("doc_id") and _overlap(p, g) for g in ignored)]
    used = set(owner)
    misses = [g for i, g in enumerate(scored) if i not in used]
    per_kind = {}
    for k in sorted(set(FACT_KINDS) | {g["kind"] for g in scored} | {p.get("kind") for p in false_alarms}):
        tp = sum(1 for _, g in hits if g["kind"] == k)
        fp = sum(1 for p in false_alarms if p.get("kind") == k)
        fn = sum(1 for g in misses if g["kind"] == k)
        per_kind[k] = _prf(tp, fp, fn)
    return {"per_kind": per_kind, "overall": _prf(len(hits), len(false_alarms), len(misses)),
            "misses": misses, "false_alarms": false_alarms, "hits": hits}


def _iter_jsonl(path: str | Path) -> Iterable[dict]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def _run(extract_fn: ExtractFn, doc: dict) -> list[dict]:
    out = []
    for f in extract_fn(doc) or []:
        f = dict(f)
        f.setdefault("doc_id", doc["id"])
        out.append(f)
    return out


def evaluate_realnews(extract_fn: ExtractFn, realnews_path: str | Path, gold_dir: str | Path,
                      name: str = "realnews") -> dict:
    """Run extract_fn on the completely annotated realnews documents and score it.

    `name` picks the set: "realnews" (development, rules were tuned on it) or "heldout" (not tuned on).
    Each doc passed to extract_fn is {"id", "title", "text", "published": None}, text normalised.
    """
    gold_dir = Path(gold_dir)
    doc_ids = [ln.strip() for ln in (gold_dir / f"{name}_docs.txt").read_text(encoding="utf-8").splitlines()
               if ln.strip() and not ln.startswith("#")]
    wanted = set(doc_ids)
    gold = [g for g in load_gold(gold_dir / f"{name}_gold.jsonl") if g["doc_id"] in wanted]
    predicted: list[dict] = []
    seen = set()
    for rec in _iter_jsonl(realnews_path):
        if rec["id"] in wanted:
            seen.add(rec["id"])
            doc = {"id": rec["id"], "title": rec.get("title", ""), "text": normalize_text(rec["text"]),
                   "published": None}
            predicted += _run(extract_fn, doc)
    missing = wanted - seen
    if missing:
        raise ValueError(f"annotated documents absent from {realnews_path}: {sorted(missing)[:3]}")
    result = score(predicted, gold)
    result["documents"] = len(doc_ids)
    return result


def evaluate_hard_cases(extract_fn: ExtractFn, path: str | Path) -> dict:
    """Score extract_fn on the hand-written hard cases; each case is one document (doc_id = case id)."""
    predicted: list[dict] = []
    gold: list[dict] = []
    cases = load_gold(path)
    for case in cases:
        doc = {"id": case["id"], "title": "", "text": normalize_text(case["text"]),
               "published": case.get("published")}
        predicted += _run(extract_fn, doc)
        gold += [dict(f, doc_id=case["id"]) for f in case["facts"]]
    result = score(predicted, gold)
    result["documents"] = len(cases)
    return result


def _fmt_fact(f: dict) -> str:
    kind = f.get("kind")
    val = kind_of(kind).show(f)
    return f"  {f.get('doc_id')} [{f.get('start')}:{f.get('end')}] {kind} {f.get('text', '')!r} = {val}"


def format_report(result: dict, examples: int = 10) -> str:
    """A small per-kind table, then a few misses and false alarms."""
    lines = [f"{'kind':<10}{'TP':>6}{'FP':>6}{'FN':>6}{'P':>8}{'R':>8}{'F1':>8}"]
    rows = list(result["per_kind"].items()) + [("overall", result["overall"])]
    for kind, m in rows:
        lines.append(f"{kind:<10}{m['tp']:>6}{m['fp']:>6}{m['fn']:>6}"
                     f"{m['precision']:>8.3f}{m['recall']:>8.3f}{m['f1']:>8.3f}")
    for title, items in (("misses", result["misses"]), ("false alarms", result["false_alarms"])):
        if items and examples:
            lines.append(f"{title} ({len(items)}, first {min(examples, len(items))}):")
            lines += [_fmt_fact(f) for f in items[:examples]]
    return "\n".join(lines)


# ---------------------------------------------------------------- what each figure means
MEANING_ATTRIBUTES = ("indicator", "value_kind", "area", "area_part", "as_of", "modality", "subject")
AREA_PREFIXES = ("tỉnh ", "thành phố ", "tp. ", "tp ")


def load_passages(path: str | Path) -> dict[str, dict]:
    """govnews passages by id."""
    return {row["id"]: row for row in _iter_jsonl(path)}


def passage_doc(row: dict) -> dict:
    """A govnews passage as the document an extract_fn takes (text normalised, site as source)."""
    return {"id": row["id"], "title": row.get("title", ""), "text": normalize_text(row["text"]),
            "published": row.get("published"), "url": row.get("url"), "source": row.get("site") or row.get("source")}


def norm_area(area: object) -> str:
    """'Tỉnh Bà Rịa – Vũng Tàu' and 'bà rịa-vũng tàu' compare equal, so do 'Hoà Bình' and 'Hòa Bình'."""
    text = normalize_text(str(area or "")).lower().strip()
    for prefix in AREA_PREFIXES:
        if text.startswith(prefix) and text not in ("thành phố",):
            text = text[len(prefix):]
    from pipeline.rules.areas import news_spelling
    return news_spelling(" ".join(text.replace("-", " - ").replace("–", " - ").split()))


def area_right(pred: dict, gold: dict) -> bool | None:
    """Whether the area is right; None where the guide does not score it: no area annotated, or a region
    or group of provinces ("vùng Đông Nam Bộ", "12 tỉnh Tây Nam Bộ"), which is written as named and
    compared only where both sides name a province, district or "cả nước" (ANNOTATION_GUIDE.md)."""
    if not gold.get("area") or _is_region(str(gold["area"])):
        return None
    return norm_area(pred.get("area")) == norm_area(gold.get("area"))


def part_right(pred: dict, gold: dict) -> bool:
    """Whether the sub-area is right; a region annotated as the area may be given as the part of the
    country it is ("cả nước" / "Đông Nam Bộ")."""
    if same_part(pred.get("area_part"), gold.get("area_part")):
        return True
    return bool(gold.get("area")) and _is_region(str(gold["area"])) and not gold.get("area_part") \
        and same_part(pred.get("area_part"), gold["area"])


@functools.lru_cache(maxsize=4096)
def _is_region(area: str) -> bool:
    from pipeline.rules.book import load_rulebook

    gazetteer = load_rulebook().gazetteer
    name = norm_area(area)
    if name == "cả nước" or name in {norm_area(p) for p in gazetteer.provinces}:
        return False
    return not re.match(r"(?:huyện|quận|thị xã|thành phố|xã|phường|thị trấn) ", area.strip().lower())


def same_part(pred: object, gold: object) -> bool:
    """Sub-areas compare by meaning: the same phrase, or two phrases the parts table of the default
    rules (rules/areas.toml [parts]) gives one canonical name ("mầm non" / "cấp mầm non", "THCS" /
    "cấp trung học cơ sở", "nông thôn" / "khu vực nông thôn"). area_part_exact is the literal score."""
    p, g = norm_area(pred), norm_area(gold)
    if p == g:
        return True
    return bool(p and g) and (canonical := _canonical_part(str(pred))) != "" and canonical == _canonical_part(str(gold))


@functools.lru_cache(maxsize=4096)
def _canonical_part(text: str) -> str:
    from pipeline.extract.places import part_of
    from pipeline.rules.book import load_rulebook

    return part_of(normalize_text(text), load_rulebook())


def _syllables(text: object) -> list[str]:
    return [w for w in re.split(r"[\s,;:()/.\-–\"“”]+", normalize_text(str(text or "")).lower()) if w]


def subject_scores(pred: object, gold: object) -> dict[str, bool]:
    """contains: every syllable of the gold subject is in the predicted one; partial: they share one
    (CQE's 'partial'); complete: equal (CQE's 'complete')."""
    p, g = _syllables(pred), _syllables(gold)
    return {"contains": bool(g) and set(g) <= set(p), "partial": bool(set(p) & set(g)), "complete": bool(g) and p == g}


def as_of_agrees(pred: dict, gold: dict) -> bool:
    """as_of_end at the precision the annotation gives ("2022-11" matches any day of that month)."""
    wanted = gold.get("as_of_end") or ""
    got = pred.get("as_of_end") or ""
    return got == wanted if not wanted else got[:len(wanted)] == wanted


def _ratio(good: int, total: int) -> float:
    return good / total if total else 0.0


def score_meaning(predicted: list[dict], gold: list[dict]) -> dict:
    """Value P/R/F1 of percent and fraction facts, then per-attribute accuracy on the matched ones."""
    figures = [p for p in predicted if p.get("kind") in FIGURE_KINDS]
    result = score(figures, [g for g in gold if g["kind"] in FIGURE_KINDS])
    pairs = result["hits"]
    counts = {name: [0, 0] for name in ("value_kind", "area", "area_part", "area_part_exact", "as_of", "modality", "subject",
                                         "subject_partial", "subject_complete", "indicator_p", "indicator_r")}
    errors: dict[str, list] = {name: [] for name in MEANING_ATTRIBUTES}

    def tally(name: str, ok: bool, pred: dict, gold_fact: dict, attr: str) -> None:
        counts[name][0] += ok
        counts[name][1] += 1
        if not ok and attr:
            errors[attr].append((pred, gold_fact))

    for pred, g in pairs:
        tally("value_kind", pred.get("value_kind") == g.get("value_kind"), pred, g, "value_kind")
        tally("modality", pred.get("modality") == g.get("modality"), pred, g, "modality")
        tally("as_of", as_of_agrees(pred, g), pred, g, "as_of")
        tally("area_part", part_right(pred, g), pred, g, "area_part")
        tally("area_part_exact", norm_area(pred.get("area_part")) == norm_area(g.get("area_part")), pred, g, "")
        if (area_ok := area_right(pred, g)) is not None:
            tally("area", area_ok, pred, g, "area")
        if g.get("subject"):
            s = subject_scores(pred.get("subject"), g.get("subject"))
            tally("subject", s["contains"], pred, g, "subject")
            tally("subject_partial", s["partial"], pred, g, "")
            tally("subject_complete", s["complete"], pred, g, "")
        if pred.get("indicator"):
            tally("indicator_p", pred.get("indicator") == g.get("indicator"), pred, g, "indicator")
        if g.get("indicator"):
            tally("indicator_r", pred.get("indicator") == g.get("indicator"), pred, g,
                  "indicator" if pred.get("indicator") == "" else "")
    timeline = [g for g in gold if g["kind"] in FIGURE_KINDS and not g.get("ignore")
                and g.get("value_kind") == "level" and g.get("indicator")]
    matched = {id(g): p for p, g in pairs}
    complete = sum(1 for g in timeline if id(g) in matched and _all_right(matched[id(g)], g))
    attributes = {name: _ratio(*counts[name]) for name in counts}
    attributes["timeline_complete"] = _ratio(complete, len(timeline))
    result.update(attributes=attributes, counts={**counts, "timeline_complete": [complete, len(timeline)]},
                  errors=errors)
    return result


def _all_right(pred: dict, g: dict) -> bool:
    """Right indicator, level, area and sub-area, time and modality: a true timeline statement."""
    return (pred.get("indicator") == g.get("indicator") and pred.get("value_kind") == "level"
            and area_right(pred, g) is not False and part_right(pred, g)
            and as_of_agrees(pred, g) and pred.get("modality") == g.get("modality"))


def evaluate_meaning(extract_fn: ExtractFn, passages_path: str | Path, gold_path: str | Path,
                     ids: Iterable[str] | None = None) -> dict:
    """Run extract_fn on the annotated govnews passages and score values and meaning."""
    gold = load_gold(gold_path)
    wanted = set(ids) if ids is not None else {g["doc_id"] for g in gold}
    gold = [g for g in gold if g["doc_id"] in wanted]
    passages = load_passages(passages_path)
    missing = wanted - set(passages)
    if missing:
        raise ValueError(f"annotated passages absent from {passages_path}: {sorted(missing)[:3]}")
    predicted = [f for doc_id in sorted(wanted) for f in _run(extract_fn, passage_doc(passages[doc_id]))]
    result = score_meaning(predicted, gold)
    result["documents"] = len(wanted)
    return result


def format_meaning_report(result: dict, examples: int = 0) -> str:
    """Value P/R/F1 and per-attribute accuracy (with counts); optionally a few errors of each."""
    o = result["overall"]
    lines = [f"values (percent + fraction): P {o['precision']:.3f} R {o['recall']:.3f} F1 {o['f1']:.3f} "
             f"({o['tp']} matched, {o['fp']} false alarms, {o['fn']} missed)"]
    for name, (good, total) in result["counts"].items():
        lines.append(f"  {name:<18} {_ratio(good, total):.3f}  ({good}/{total})")
    if examples:
        for attr, items in result["errors"].items():
            if not items:
                continue
            lines.append(f"-- {attr} errors ({len(items)}):")
            for pred, g in items[:examples]:
                key = "as_of_end" if attr == "as_of" else attr
                lines.append(f"   {g['doc_id']} {g['text']!r}: got {pred.get(key)!r} want {g.get(key)!r}"
                             f"  [{pred.get('why', '')}]")
    return "\n".join(lines)
