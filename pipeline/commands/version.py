"""`chitieu --version`: chitieu's version, the rules' version (the hash facts are stamped with) and the
versions of Python and the main libraries."""
from __future__ import annotations

import sys
from pathlib import Path

from pipeline.rules.book import rules_version
from pipeline.settings import MAIN_LIBRARIES, RULES_DIR


def version_report(rules_dir: Path | None = None) -> str:
    """chitieu's version, the rules' version (the hash facts are stamped with) and the versions
    of Python and the main libraries, one line each."""
    from importlib.metadata import PackageNotFoundError, version

    def of(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "not installed"

    rules_dir = Path(rules_dir or RULES_DIR)
    rules = rules_version(rules_dir) if rules_dir.is_dir() else "missing"
    libraries = ", ".join(f"{name} {of(name)}" for name in MAIN_LIBRARIES)
    return (f"chitieu {of('chitieu')}\nrules {rules} ({rules_dir})\n"
            f"python {sys.version.split()[0]}\n{libraries}")
