"""Digests of everything chitieu writes, on fixed inputs: the seeds corpus, ../shared/realnews and the
bundled demo run. Two checkouts that give the same digests write the same bytes (run ids, times,
ports and temporary paths masked; Parquet compared by schema and values, its generation token left
out), which is how a change that must not change behaviour is shown.

    python scripts/output_digests.py > before.json           (in one checkout)
    python scripts/output_digests.py --compare before.json   (in another: lists what differs)
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
REALNEWS = ROOT.parent / "shared" / "realnews" / "articles.jsonl"
MASKS = [
    (re.compile(rb"\d{8}T\d{6}Z-[0-9a-f]{6}"), b"RUN-ID"),
    (re.compile(rb"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"), b"TIME"),
    # the report's "tạo lúc 2026-12-02 00:41" (minutes, no seconds): a run a minute later is no other output
    (re.compile(rb"(?<=t\xe1\xba\xa1o l\xc3\xbac )\d{4}-\d{2}-\d{2} \d{2}:\d{2}"), b"TIME"),
    (re.compile(rb"127\.0\.0\.1:\d+"), b"127.0.0.1:PORT"),
    (re.compile(rb"localhost:\d+"), b"localhost:PORT"),
]
DEMO_PORT = 38517
VOLATILE = {"run.json", "manifest.json"}  # a run's record and the manifest's generation/paths are per run
VOLATILE_DIRS = {"runs", "logs"}


def digest_dir(directory: Path, tmp: Path) -> dict[str, str]:
    out = {}
    for path in sorted(p for p in directory.rglob("*") if p.is_file()):
        rel = path.relative_to(directory)
        if rel.name in VOLATILE or set(rel.parts) & VOLATILE_DIRS or rel.name.startswith("."):
            continue
        data = path.read_bytes().replace(str(tmp).encode(), b"TMP")
        if rel.suffix in (".sqlite", ".db"):
            data = _sqlite_dump(path, tmp)
        elif rel.suffix == ".parquet":
            data = _parquet_content(path)
        else:
            for pattern, replacement in MASKS:
                data = pattern.sub(replacement, data)
        out[str(rel)] = hashlib.sha256(data).hexdigest()[:16]
    return out


def _parquet_content(path: Path) -> bytes:
    """A Parquet file's schema (with its metadata) and values, the generation token left out: facts.parquet
    stores the run's generation, which follows the rules' version, and that hashes the extractor's code,
    so any change of code changes it by design (manifest.json, which names it too, is left out whole)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    metadata = {k: v for k, v in (table.schema.metadata or {}).items() if k != b"chitieu.generation"}
    table = table.replace_schema_metadata(metadata)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _sqlite_dump(path: Path, tmp: Path) -> bytes:
    import sqlite3

    with sqlite3.connect(path) as db:
        text = "\n".join(db.iterdump()).encode()
    for pattern, replacement in MASKS:
        text = pattern.sub(replacement, text)
    return text.replace(str(tmp).encode(), b"TMP")


def chitieu(*args: str, cwd: Path) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, check=False,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", type=Path, help="a digests file to compare with")
    args = parser.parse_args(argv)
    digests: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        chitieu("extract", "--corpus", str(ROOT / "corpora"), "--out", str(tmp / "seeds"), "--workers", "1", "-q", cwd=tmp)
        digests["seeds"] = digest_dir(tmp / "seeds", tmp)
        if REALNEWS.exists():
            chitieu("extract", "--input", str(REALNEWS), "--out", str(tmp / "realnews"), "--workers", "1", "-q", cwd=tmp)
            for stage in ("timeline", "report"):
                chitieu(stage, "--out", str(tmp / "realnews"), cwd=tmp)
            chitieu("export", "--out", str(tmp / "realnews"), "--sqlite", cwd=tmp)
            digests["realnews"] = digest_dir(tmp / "realnews", tmp)
        # the demo site's port is part of its URLs and so of article ids: the same port every time
        (tmp / "demo").mkdir()
        (tmp / "demo" / "demo-site.json").write_text(json.dumps({"port": DEMO_PORT}), encoding="utf-8")
        chitieu("demo", "--workdir", str(tmp / "demo"), "--quiet", cwd=tmp)
        digests["demo"] = digest_dir(tmp / "demo" / "extracted", tmp)
    if args.compare:
        before = json.loads(args.compare.read_text(encoding="utf-8"))
        differ = [f"{case}/{name}" for case in sorted(set(before) | set(digests))
                  for name in sorted(set(before.get(case, {})) | set(digests.get(case, {})))
                  if before.get(case, {}).get(name) != digests.get(case, {}).get(name)]
        print("\n".join(differ) or f"identical: {sum(len(v) for v in digests.values())} files")
        return 1 if differ else 0
    print(json.dumps(digests, indent=1, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
