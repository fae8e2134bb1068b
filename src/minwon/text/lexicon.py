"""General Korean polarity/anger lexicon (data/sentiment/lexicon.tsv, written for the project).

Terms are stems matched as substrings, longest first, so that the lexicon's own
overrides win ("영화나" is not "화나", "안 지루" is not "지루"). Aho-Corasick
(pyahocorasick) finds all of them in one pass over the text.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path
from typing import Any

import ahocorasick

LEXICON_PATH = Path(__file__).parent / "data" / "sentiment" / "lexicon.tsv"


@lru_cache(maxsize=1)
def _automaton() -> Any:
    automaton = ahocorasick.Automaton()
    with LEXICON_PATH.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            term = row["term"].strip().lower()
            if term:
                automaton.add_word(term, (term, int(row["polarity"]), int(row["anger"])))
    automaton.make_automaton()
    return automaton


def lexicon_matches(text: str) -> list[tuple[int, list[str]]]:
    """(offset, features) per term: 'lt:<term>', 'lx:pos'/'lx:neg' once per point of
    polarity and 'lx:anger' once per point of anger."""
    found: list[tuple[int, list[str]]] = []
    for end, (term, polarity, anger) in _automaton().iter_long(text.lower()):
        features = ["lt:" + term]
        if polarity > 0:
            features.extend(["lx:pos"] * polarity)
        elif polarity < 0:
            features.extend(["lx:neg"] * -polarity)
        features.extend(["lx:anger"] * anger)
        found.append((end - len(term) + 1, features))
    return found
