"""Re-create pipeline/report/vendor/: the chart library embedded in report.html.

    python scripts/vendor_charts.py          # fetch the pinned packages with `npm pack`, write the files
    python scripts/vendor_charts.py --check  # verify the committed files against vendor.json (no network)

The pinned versions are below. `npm pack` downloads each package's tarball from the npm
registry; its integrity (npm's sha512) must equal the one recorded in vendor.json when a record
exists (a changed upstream tarball is refused). From each tarball we take the minified browser
build and the licence, drop the trailing `//# sourceMappingURL=` comment (the page is offline and
has no .map files) and record the sha256 of what we wrote. The files are committed, so that
`pip install .` on a machine without npm gives a working report; this script is how they are made.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "pipeline" / "report" / "vendor"
PINS = {  # package: (version, file in the tarball, name in vendor/)
    "vega": ("6.4.0", "package/build/vega.min.js", "vega.min.js"),
    "vega-lite": ("6.5.0", "package/build/vega-lite.min.js", "vega-lite.min.js"),
    "vega-embed": ("7.3.0", "package/build/vega-embed.min.js", "vega-embed.min.js"),
}
RECORD = VENDOR / "vendor.json"
SOURCE_MAP = re.compile(rb"\n?//# sourceMappingURL=\S+\s*$")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(record: dict) -> dict:
    VENDOR.mkdir(parents=True, exist_ok=True)
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, (version, member, target) in PINS.items():
            result = subprocess.run(["npm", "pack", f"{name}@{version}", "--json", "--silent"], cwd=tmp,
                                    check=True, capture_output=True, text=True)
            info = json.loads(result.stdout)[0]
            known = record.get(name, {})
            if known.get("version") == version and known.get("integrity") not in (None, info["integrity"]):
                sys.exit(f"{name}@{version}: npm integrity {info['integrity']} differs from the recorded "
                         f"{known['integrity']}; refusing to vendor it")
            with tarfile.open(Path(tmp) / info["filename"]) as tar:
                code = SOURCE_MAP.sub(b"\n", tar.extractfile(member).read())
                licence = tar.extractfile("package/LICENSE").read()
            (VENDOR / target).write_bytes(code)
            (VENDOR / f"LICENSE.{name}").write_bytes(licence)
            out[name] = {"version": version, "integrity": info["integrity"], "file": target,
                         "sha256": sha256(code), "license_file": f"LICENSE.{name}", "license": "BSD-3-Clause",
                         "license_sha256": sha256(licence)}
            print(f"{name}@{version} → {target} ({len(code):,} bytes)")
    RECORD.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return out


def check() -> list[str]:
    """Problems with the committed files (empty when every checksum and pin matches)."""
    if not RECORD.exists():
        return [f"{RECORD} missing: run scripts/vendor_charts.py"]
    record = json.loads(RECORD.read_text(encoding="utf-8"))
    problems = []
    for name, (version, _member, target) in PINS.items():
        entry = record.get(name)
        if not entry or entry["version"] != version:
            problems.append(f"{name}: vendor.json has {entry and entry['version']}, the pin is {version}")
            continue
        for file, digest in ((target, entry["sha256"]), (entry["license_file"], entry["license_sha256"])):
            path = VENDOR / file
            if not path.exists() or sha256(path.read_bytes()) != digest:
                problems.append(f"{path}: missing or not the vendored file (sha256 differs)")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify the committed files only")
    args = parser.parse_args()
    if args.check:
        problems = check()
        print("\n".join(problems) or "vendor: all files match vendor.json")
        sys.exit(1 if problems else 0)
    fetch(json.loads(RECORD.read_text(encoding="utf-8")) if RECORD.exists() else {})


if __name__ == "__main__":
    main()
