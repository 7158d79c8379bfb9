"""`pip install .` ships what the tool needs at run time (issue 11, install like a real package)."""
from __future__ import annotations

import fnmatch
import tomllib

from pipeline.settings import DEMO_SITE_DIR, PROJECT_ROOT, RULES_DIR


def test_every_rule_file_and_demo_site_file_is_package_data():
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    for package, directory in config["package-dir"].items():
        globs = config["package-data"][package]
        files = [p.relative_to(PROJECT_ROOT / directory).as_posix()
                 for p in (PROJECT_ROOT / directory).rglob("*") if p.is_file()]
        missing = [f for f in files if not any(fnmatch.fnmatch(f, g) and f.count("/") == g.count("/") for g in globs)]
        assert files and not missing, f"{directory}: not shipped in the wheel: {missing}"
        assert package in config["packages"]
    assert {"rules", "corpora/_demo_site"} == set(config["package-dir"].values())
    assert RULES_DIR.is_dir() and (RULES_DIR / "patterns.toml").exists()
    assert (DEMO_SITE_DIR / "index.html").exists()


def test_supported_pythons_are_3_11_to_3_13():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
