"""Every site profile in rules/sources.toml against its fixture folder tests/sites/<name>/ (see the
README there): adding a site is its [[source]] entry plus one folder, picked up here."""
from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from crawl_fixtures import REALWEB

from pipeline.crawl.parse import parse_article
from pipeline.rules.sources import SOURCES_FILE, load_sources

SITES = Path(__file__).parent / "sites"
FOLDERS = sorted(p.name for p in SITES.iterdir() if p.is_dir())


def profile_of(name: str):
    source = next((s for s in load_sources(SOURCES_FILE) if s.name == name), None)
    assert source is not None, f"tests/sites/{name}: no [[source]] named {name!r} in {SOURCES_FILE}"
    assert source.profile is not None, f"{SOURCES_FILE}: source {name!r} has no [source.profile]"
    return source.profile


@pytest.mark.parametrize("name", FOLDERS)
def test_profile_reads_its_page(name):
    folder = SITES / name
    expected = tomllib.loads((folder / "expected.toml").read_text(encoding="utf-8"))
    page = parse_article((folder / "page.html").read_text(encoding="utf-8"), expected["url"], profile_of(name))
    assert page.method == "profile", f"{name}: the profile's body selectors found nothing"
    assert page.title == expected["title"]
    assert page.published == expected["published"]
    assert page.text.startswith(expected["text_starts"]), page.text[:200]
    for phrase in expected["contains"]:
        assert phrase in page.text, f"{name}: {phrase!r} missing from the body"
    for phrase in expected["absent"]:
        assert phrase not in page.text, f"{name}: {phrase!r} should have been stripped"


@pytest.mark.parametrize("name", FOLDERS)
def test_profile_reads_the_real_page(name):
    real = tomllib.loads((SITES / name / "expected.toml").read_text(encoding="utf-8")).get("realweb")
    if real is None:
        pytest.skip(f"tests/sites/{name} names no real page")
    path = REALWEB / real["path"]
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/realweb is read-only material outside the project)")
    page = parse_article(path.read_text(encoding="utf-8", errors="replace"), real["url"], profile_of(name))
    assert page.method == "profile"
    assert page.title == real["title"]
    if "published" in real:
        assert page.published == real["published"]
    for phrase in real["contains"]:
        assert phrase in page.text


def test_every_fixture_folder_is_a_profiled_source():
    profiled = {s.name for s in load_sources(SOURCES_FILE) if s.profile is not None}
    assert FOLDERS and set(FOLDERS) <= profiled, sorted(set(FOLDERS) - profiled)
