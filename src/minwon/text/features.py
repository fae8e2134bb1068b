"""Sparse features of one document, shared by training and analysis.

- `q:` / `qn:` cue phrases per category and their negated form (cues.py);
- `lt:` / `lx:` lexicon terms and polarity/anger points (lexicon.py);
- `c:` character bigrams and trigrams of the text with spaces and punctuation removed,
  which survive typos and missing spaces that confuse the analyser.

Morphemes are not among them: mecab-ko costs about 4 ms per 500-character document here
(its dictionary also evicts everything else from the cache) and adds only ~0.02 micro-F1
over these features (docs/design.md, D1); morphology serves search instead (morph.py).

Every feature carries the number of the sentence they come from, so the
analysis can quote the sentence that carries a category. Character n-grams are computed
with numpy over code points: in a Python loop they alone would halve the throughput.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from minwon.text.cues import cue_matches
from minwon.text.lexicon import lexicon_matches

_CODE_BITS = 21  # every Unicode code point fits in 21 bits, so a trigram fits in 63


@dataclass
class DocumentFeatures:
    names: list[str]  # cue, lexicon and word features
    name_sentences: np.ndarray  # the sentence of each
    bigrams: np.ndarray  # uint64 ids of character bigrams
    bigram_sentences: np.ndarray
    trigrams: np.ndarray
    trigram_sentences: np.ndarray

    def strings(self) -> list[str]:
        """Every feature as a string (for training and vocabulary building)."""
        return self.names + [decode_gram(g, 2) for g in self.bigrams.tolist()] + [
            decode_gram(g, 3) for g in self.trigrams.tolist()
        ]


def _kept_code_points(text: str) -> tuple[np.ndarray, np.ndarray]:
    """Code points (lower-cased) of letters, digits, Hangul and jamo, with their offsets."""
    codes = np.frombuffer(text.lower().encode("utf-32-le"), dtype=np.uint32)
    keep = (
        ((codes >= 0xAC00) & (codes <= 0xD7A3))
        | ((codes >= 0x3131) & (codes <= 0x3163))
        | ((codes >= 0x30) & (codes <= 0x39))
        | ((codes >= 0x61) & (codes <= 0x7A))
    )
    positions = np.flatnonzero(keep)
    return codes[positions].astype(np.uint64), positions


def char_grams(text: str) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    codes, positions = _kept_code_points(text)
    if codes.size < 2:
        empty = np.zeros(0, dtype=np.uint64)
        return empty, empty.astype(np.int64), empty, empty.astype(np.int64)
    bigrams = (codes[:-1] << np.uint64(_CODE_BITS)) | codes[1:]
    trigrams = (
        (codes[:-2] << np.uint64(2 * _CODE_BITS)) | (codes[1:-1] << np.uint64(_CODE_BITS)) | codes[2:]
        if codes.size >= 3
        else np.zeros(0, dtype=np.uint64)
    )
    return bigrams, positions[:-1], trigrams, positions[: max(codes.size - 2, 0)]


def decode_gram(gram: int, length: int) -> str:
    mask = (1 << _CODE_BITS) - 1
    chars = [chr((gram >> (_CODE_BITS * (length - 1 - i))) & mask) for i in range(length)]
    return "c:" + "".join(chars)


def encode_gram(feature: str) -> tuple[int, int]:
    """'c:끊김' → (2, id); the inverse of decode_gram."""
    value = 0
    for char in feature[2:]:
        value = (value << _CODE_BITS) | ord(char)
    return len(feature) - 2, value


def document_features(text: str, sentence_starts: list[int]) -> DocumentFeatures:
    names: list[str] = []
    offsets: list[int] = []
    for name, start, negated in cue_matches(text):
        names.append(("qn:" if negated else "q:") + name)
        offsets.append(start)
    for start, features in lexicon_matches(text):
        names.extend(features)
        offsets.extend([start] * len(features))
    bigrams, bigram_positions, trigrams, trigram_positions = char_grams(text)
    starts = np.array(sentence_starts or [0], dtype=np.int64)

    def sentences_of(positions: np.ndarray | list[int]) -> np.ndarray:
        found = np.searchsorted(starts, np.asarray(positions, dtype=np.int64), side="right") - 1
        return np.maximum(found, 0)

    return DocumentFeatures(
        names=names,
        name_sentences=sentences_of(offsets),
        bigrams=bigrams,
        bigram_sentences=sentences_of(bigram_positions),
        trigrams=trigrams,
        trigram_sentences=sentences_of(trigram_positions),
    )
