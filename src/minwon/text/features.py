"""Sparse features of one sentence: morphemes, morpheme pairs, negated mentions, and
character n-grams (which survive typos and missing spaces that confuse the analyser)."""

from __future__ import annotations

import re

from minwon.text.cues import cue_features
from minwon.text.morph import CONTENT_TAGS, morphemes

# A noun or verb stem followed (through particles) by one of these is a negated
# mention: "끊김은 없는데" must not count as an outage.
_NEGATORS = frozenset({"없", "않", "아니"})
_SKIP_BETWEEN = frozenset({"JKS", "JKO", "JX", "JKB", "EC", "ETN", "ETM", "VCP", "NNB", "XSN", "JKG"})
_NOT_CHARS = re.compile(r"[^0-9a-z가-힣ㄱ-ㅎㅏ-ㅣ]+")


def sentence_features(sentence: str) -> list[str]:
    features: list[str] = []
    morphs = morphemes(sentence)
    content: list[str] = []
    for position, morph in enumerate(morphs):
        if morph.tag not in CONTENT_TAGS and not morph.tag.startswith("SL"):
            continue
        form = morph.form.lower()
        if form in _NEGATORS:
            features.append("m:" + form)
            content.append(form)
            continue
        features.append("m:" + form)
        content.append(form)
        for following in morphs[position + 1 : position + 4]:
            if following.form in _NEGATORS:
                features.append("n:" + form)
                break
            if following.tag not in _SKIP_BETWEEN:
                break
    features.extend(f"b:{first}_{second}" for first, second in zip(content, content[1:], strict=False))
    features.extend(cue_features(sentence))
    compact = _NOT_CHARS.sub("", sentence.lower())
    features.extend("c:" + compact[i : i + 2] for i in range(len(compact) - 1))
    features.extend("c:" + compact[i : i + 3] for i in range(len(compact) - 2))
    return features
