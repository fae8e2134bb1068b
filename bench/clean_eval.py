"""Precision/recall of the boilerplate cleaner on tests/text/captures.

Run: .venv/bin/python bench/clean_eval.py [-v]

A kept line is correct if its whitespace-normalised form is among the expected lines
(multiset matching: a line expected once and kept twice counts one hit, one miss).
Odd-numbered files are the dev set (used for tuning), even-numbered files are held out.
Totals are micro-averaged over lines. `exact` counts files whose output equals the
expected text exactly (after whitespace normalisation of each line).
With -v, the kept-but-wrong and missed lines of DEV files only are printed.
"""

from __future__ import annotations

import re
import sys
import time
import timeit
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from minwon.text.clean import clean  # noqa: E402

CAPTURES = ROOT / "tests" / "text" / "captures"
_WS = re.compile(r"\s+")


def norm(line: str) -> str:
    return _WS.sub(" ", line).strip()


def lines_of(text: str) -> list[str]:
    return [n for n in (norm(line) for line in text.splitlines()) if n]


@dataclass
class Score:
    name: str
    kept: int
    expected: int
    hits: int
    exact: bool
    wrong: list[str]
    missed: list[str]

    @property
    def precision(self) -> float:
        return self.hits / self.kept if self.kept else (1.0 if not self.expected else 0.0)

    @property
    def recall(self) -> float:
        return self.hits / self.expected if self.expected else 1.0


def cases() -> list[tuple[str, int, str, str]]:
    out = []
    for raw_path in sorted(CAPTURES.glob("*.raw.txt")):
        name = raw_path.name.removesuffix(".raw.txt")
        number = int(name.split("-", 1)[0])
        clean_path = raw_path.with_name(f"{name}.clean.txt")
        raw = raw_path.read_bytes().decode("utf-8")  # keep CRLF as captured
        out.append((name, number, raw, clean_path.read_text(encoding="utf-8")))
    return out


def score(name: str, raw: str, expected_text: str) -> Score:
    got = lines_of(clean(raw).text)
    want = lines_of(expected_text)
    hits = sum((Counter(got) & Counter(want)).values())
    wrong = list((Counter(got) - Counter(want)).elements())
    missed = list((Counter(want) - Counter(got)).elements())
    return Score(name, len(got), len(want), hits, got == want, wrong, missed)


def evaluate() -> dict[str, dict[str, float]]:
    """Micro totals for 'dev' (odd) and 'heldout' (even) files; used by the tests too."""
    totals: dict[str, dict[str, float]] = {}
    for split, scores in _split_scores().items():
        kept = sum(s.kept for s in scores)
        expected = sum(s.expected for s in scores)
        hits = sum(s.hits for s in scores)
        totals[split] = {
            "precision": hits / kept if kept else 0.0,
            "recall": hits / expected if expected else 0.0,
            "exact": sum(s.exact for s in scores),
            "files": len(scores),
        }
    return totals


def _split_scores() -> dict[str, list[Score]]:
    split: dict[str, list[Score]] = {"dev": [], "heldout": []}
    for name, number, raw, expected in cases():
        split["dev" if number % 2 else "heldout"].append(score(name, raw, expected))
    return split


def timing(repeat: int = 7) -> tuple[float, float, float, float]:
    """(µs per capture, µs per 500 characters of capture, µs per ~500-char document,
    mean length of those documents).

    Timed with timeit using process CPU time (time.process_time), best of `repeat`,
    so other jobs on a shared machine do not inflate the figure; the ~500-character
    documents are the captures cut at line boundaries into pieces of 500+ characters.
    """
    raws = [raw for _, _, raw, _ in cases()]
    chars = sum(len(r) for r in raws)
    number = 20

    def run_all() -> None:
        for r in raws:
            clean(r)

    best = min(timeit.repeat(run_all, number=number, repeat=repeat, timer=time.process_time)) / number
    per_doc = best / len(raws) * 1e6
    per_500 = best / chars * 500 * 1e6
    chunks = []
    for r in raws:  # 500-character documents cut from the captures at line boundaries
        buf = ""
        for line in r.splitlines(keepends=True):
            buf += line
            if len(buf) >= 500:
                chunks.append(buf)
                buf = ""

    def run_chunks() -> None:
        for c in chunks:
            clean(c)

    best_c = min(timeit.repeat(run_chunks, number=number, repeat=repeat, timer=time.process_time)) / number
    return per_doc, per_500, best_c / len(chunks) * 1e6, sum(map(len, chunks)) / len(chunks)


def main() -> None:
    verbose = "-v" in sys.argv
    split = _split_scores()
    for label, key in (("DEV (odd)", "dev"), ("HELD-OUT (even)", "heldout")):
        scores = split[key]
        print(f"\n== {label} ==")
        print(f"{'file':<16}{'kept':>6}{'exp':>6}{'hit':>6}{'prec':>8}{'rec':>8}  exact")
        for s in scores:
            print(
                f"{s.name:<16}{s.kept:>6}{s.expected:>6}{s.hits:>6}{s.precision:>8.3f}"
                f"{s.recall:>8.3f}  {'yes' if s.exact else ''}"
            )
            if verbose and key == "dev" and not s.exact:
                for line in s.wrong:
                    print(f"      + {line[:110]}")
                for line in s.missed:
                    print(f"      - {line[:110]}")
    print("\n== totals (micro over lines) ==")
    for key, t in evaluate().items():
        print(f"{key:<8} precision {t['precision']:.4f}  recall {t['recall']:.4f}  exact {t['exact']}/{t['files']}")
    per_doc, per_500, per_chunk, chunk_len = timing()
    noop = min(timeit.repeat(lambda: None, number=100_000, repeat=5, timer=time.process_time)) * 10
    print(
        f"\ntime (CPU, best of 7): {per_doc:.1f} µs per capture (avg {sum(len(c[2]) for c in cases()) / 48:.0f} chars), "
        f"{per_500:.1f} µs per 500 characters, {per_chunk:.1f} µs per ~500-char document (mean {chunk_len:.0f} chars)"
    )
    print(f"machine reference: {noop:.3f} µs per empty Python call")


if __name__ == "__main__":
    main()
