"""Lines first, then sentences: a raw capture can hold thousands of characters without
one full stop, and a sentence must never run across a line break."""

from __future__ import annotations

import re
from dataclasses import dataclass

# A sentence ends at . ! ? … (repeated or not) followed by space, or at a line break.
_SENTENCE_END = re.compile(r"[^\n]*?(?:[.!?…]+(?=\s)|[.!?…]+$|$)", re.M)
_MAX_SENTENCE = 400


@dataclass(frozen=True, slots=True)
class Sentence:
    text: str
    start: int
    end: int


def split_sentences(text: str) -> list[Sentence]:
    sentences: list[Sentence] = []
    for match in _SENTENCE_END.finditer(text):
        start, end = match.span()
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start >= end:
            continue
        # Very long unpunctuated runs are cut at spaces so no "sentence" swallows a page.
        while end - start > _MAX_SENTENCE:
            cut = text.rfind(" ", start, start + _MAX_SENTENCE)
            if cut <= start:
                cut = start + _MAX_SENTENCE
            sentences.append(Sentence(text[start:cut], start, cut))
            start = cut
            while start < end and text[start].isspace():
                start += 1
        if start < end:
            sentences.append(Sentence(text[start:end], start, end))
    return sentences
