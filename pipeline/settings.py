"""One place for defaults; CLI flags and the config file override them.

rules/ and the demo site live at the top of the repository; an installed package (a wheel from
`pip install .` or `pipx install`) carries the same files as pipeline/_rules and
pipeline/_demo_site (pyproject.toml). Either way RULES_DIR and DEMO_SITE_DIR name real directories.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent  # the checkout (meaningless in an installed package)


def _bundled(inside_package: str, in_checkout: Path) -> Path:
    """A data directory shipped inside the installed package, or else the checkout's own."""
    packaged = PACKAGE_DIR / inside_package
    return packaged if packaged.is_dir() else in_checkout


RULES_DIR = _bundled("_rules", PROJECT_ROOT / "rules")
DEMO_SITE_DIR = _bundled("_demo_site", PROJECT_ROOT / "corpora" / "_demo_site")
CORPUS_DIR = Path("corpora")
OUT_DIR = Path("extracted")
SHARED_DIR = PROJECT_ROOT.parent / "shared"

USER_AGENT = "chitieu/0.1 (+https://github.com/chitieu/chitieu; news indicators research crawler)"
# what `chitieu --version` reports beside chitieu itself
MAIN_LIBRARIES = ("underthesea", "spacy", "pandas", "pyarrow", "requests", "trafilatura", "lxml",
                  "protego", "click", "tqdm", "matplotlib", "vietnam-provinces")


@dataclass(frozen=True, slots=True)
class Defaults:
    corpus_dir: Path = CORPUS_DIR
    out_dir: Path = OUT_DIR
    rules_dir: Path = RULES_DIR
    user_agent: str = USER_AGENT


DEFAULTS = Defaults()
