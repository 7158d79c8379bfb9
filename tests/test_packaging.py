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


def test_every_package_and_its_data_files_are_in_the_wheel():
    """A subpackage or a data file inside pipeline/ that pyproject.toml does not list would be
    missing from `pip install .` (packages are listed explicitly, beside the mapped rules/)."""
    config = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    package_root = PROJECT_ROOT / "pipeline"
    packages = {".".join(("pipeline",) + p.parent.relative_to(package_root).parts)
                for p in package_root.rglob("__init__.py") if "__pycache__" not in p.parts}
    assert packages <= set(config["packages"]), sorted(packages - set(config["packages"]))
    for path in package_root.rglob("*"):
        if not path.is_file() or path.suffix in (".py", ".pyc") or "__pycache__" in path.parts:
            continue
        owner = max((p for p in packages if path.parent.relative_to(PROJECT_ROOT).as_posix().replace("/", ".")
                     .startswith(p)), key=len)
        rel = path.relative_to(PROJECT_ROOT / owner.replace(".", "/")).as_posix()
        assert any(fnmatch.fnmatch(rel, g) for g in config["package-data"].get(owner, [])), f"{path} not shipped"


def test_supported_pythons_are_3_11_to_3_13():
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["requires-python"] == ">=3.11,<3.14"
