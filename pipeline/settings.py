"""One place for defaults; CLI flags and the config file override them."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
RULES_DIR = PROJECT_ROOT / "rules"
CORPUS_DIR = Path("corpora")
OUT_DIR = Path("extracted")
SHARED_DIR = PROJECT_ROOT.parent / "shared"

USER_AGENT = "chitieu/0.1 (+https://github.com/chitieu/chitieu; news indicators research crawler)"


@dataclass(frozen=True, slots=True)
class Defaults:
    corpus_dir: Path = CORPUS_DIR
    out_dir: Path = OUT_DIR
    rules_dir: Path = RULES_DIR
    user_agent: str = USER_AGENT


DEFAULTS = Defaults()
