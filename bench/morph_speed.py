"""Throughput of the candidate Korean morphological analysers on unique Korean text.

Run: taskset -c 0 .venv/bin/python bench/morph_speed.py
Text: the NSMC sample (real, unique reviews), concatenated into ~500-character documents.
"""

from __future__ import annotations

import csv
import time
from collections.abc import Callable
from pathlib import Path

NSMC = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "nsmc" / "sample20k.tsv"


def documents(size: int = 500, limit: int = 1200) -> list[str]:
    docs: list[str] = []
    buf = ""
    with NSMC.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            buf += row["document"] + " "
            if len(buf) >= size:
                docs.append(buf[:size])
                buf = ""
                if len(docs) >= limit:
                    break
    return docs


def analysers() -> dict[str, Callable[[str], list[tuple[str, str]]]]:
    import kiwipiepy
    import lindera
    import mecab

    kiwi = kiwipiepy.Kiwi()
    mec = mecab.MeCab()
    builder = lindera.TokenizerBuilder()
    builder.set_dictionary("embedded://ko-dic")
    lind = builder.build()
    return {
        "kiwipiepy": lambda t: [(tok.form, tok.tag) for tok in kiwi.tokenize(t)],
        "python-mecab-ko": lambda t: mec.pos(t),
        "lindera ko-dic": lambda t: [(tok.surface, tok.details[0]) for tok in lind.tokenize(t)],
    }


def main() -> None:
    docs = documents()
    chars = sum(len(d) for d in docs)
    for name, analyse in analysers().items():
        analyse(docs[0])  # warm-up: dictionaries are loaded lazily by some analysers
        start = time.perf_counter()
        for doc in docs:
            analyse(doc)
        elapsed = time.perf_counter() - start
        print(f"{name:16s} {chars / elapsed:10,.0f} chars/s  {len(docs) / elapsed:8,.0f} docs/s (500 chars)")


if __name__ == "__main__":
    main()
