"""Everything in rules/, loaded and validated at load time (errors name `file:line`): one loader per file.

    tomlfile.py    TOML and JSON Lines with the line of every table, key and entry
    patterns.py    patterns.toml: regex rules, exclusions, parsers, worked examples
    cues.py        cues.toml: cue phrases by section
    subjects.py    subjects.jsonl: spaCy Matcher patterns (built and run once at load)
    indicators.py  indicators.toml: the indicator lexicon
    areas.py       areas.toml + the vietnam-provinces gazetteer
    meaning.py     meaning.toml: value-kind and modality rules
    sources.py     sources.toml: the crawler's sites (listings, feeds, profiles, home areas)
    book.py        the RuleBook of an extraction: every file above but sources, and its version
"""
from pipeline.rules.indicators import indicator_labels  # the stages after extraction read only the labels

__all__ = ["indicator_labels"]
