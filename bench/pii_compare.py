"""ko-pii against minwon.text.pii on the same documents: speed and recall of planted values.

Run (ko-pii lives in its own venv so that it is not a dependency):
    python3 -m venv /tmp/kopii && /tmp/kopii/bin/pip install ko-pii
    .venv/bin/python bench/pii_compare.py /tmp/kopii/bin/python
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

from minwon.text.pii import find_pii

KO_PII_SCRIPT = r"""
import json, sys, time
import ko_pii
docs = json.load(sys.stdin)
start = time.perf_counter()
found = [[d.text for d in ko_pii.detect_all(t)] for t in docs]
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "found": found}, ensure_ascii=False))
"""

FILLER = ["인터넷이 자꾸 끊겨요", "고객센터에 연락했는데", "요금이 두 배로 나왔습니다", "기사님이 내일 온다더니", "해지하려고 합니다"]


def checksum_rrn(rng: random.Random) -> str:
    body = f"{rng.randint(50, 99):02d}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.choice('12')}{rng.randint(0, 99999):05d}"
    total = sum(int(d) * w for d, w in zip(body, (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5), strict=True))
    digits = body + str((11 - total % 11) % 10)
    return f"{digits[:6]}-{digits[6:]}"


def documents(count: int) -> list[tuple[str, list[str]]]:
    rng = random.Random(7)
    result = []
    for _ in range(count):
        values = [
            checksum_rrn(rng),
            f"010-{rng.randint(2000, 9999)}-{rng.randint(0, 9999):04d}",
            f"user{rng.randint(1, 999)}@example.com",
        ]
        rng.shuffle(values)
        parts = []
        for value in values:
            parts += [rng.choice(FILLER), value]
        text = " ".join(parts + [rng.choice(FILLER)] * 8)
        result.append((text, values))
    return result


def main() -> None:
    docs = documents(500)
    start = time.perf_counter()
    ours = [[text[s.start : s.end] for s in find_pii(text)] for text, _ in docs]
    our_seconds = time.perf_counter() - start
    planted = sum(len(values) for _, values in docs)
    our_hits = sum(sum(v in found for v in values) for (_, values), found in zip(docs, ours, strict=True))
    print(f"minwon.text.pii: {len(docs) / our_seconds:8.0f} docs/s, recall of planted values {our_hits / planted:.3f}")
    if len(sys.argv) > 1:
        process = subprocess.run([sys.argv[1], "-c", KO_PII_SCRIPT], input=json.dumps([t for t, _ in docs]),
                                 capture_output=True, text=True, check=True)
        result = json.loads(process.stdout)
        hits = sum(sum(any(v in f for f in found) for v in values)
                   for (_, values), found in zip(docs, result["found"], strict=True))
        print(f"ko-pii:          {len(docs) / result['seconds']:8.0f} docs/s, recall of planted values {hits / planted:.3f}")


if __name__ == "__main__":
    main()
