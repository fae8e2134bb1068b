"""Throughput, memory and start-up of the whole `minwon analyze --jsonl` process on one core.

Run: .venv/bin/python bench/throughput.py [documents]
Documents are cut from the project's corpus into 500- and 3,000-character pieces (all
different), written as JSONL and fed to `taskset -c 0 minwon analyze --jsonl`.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from minwon.text.corpus import load_corpus, load_sentiment

BIN = Path(sys.executable).parent


def pieces(size: int, count: int) -> list[str]:
    texts = [d.text for d in load_corpus()] + [d.text for d in load_sentiment()]
    stream = "\n".join(texts)
    result: list[str] = []
    offset = 0
    while len(result) < count:
        if offset + size > len(stream):
            offset = (offset % 97) + 1  # wrap with a shift so that pieces stay distinct
        result.append(stream[offset : offset + size])
        offset += size
    return result


def command(path: Path) -> list[str]:
    base = [str(BIN / "minwon"), "analyze", "--jsonl", str(path)]
    return (["taskset", "-c", "0"] if shutil.which("taskset") else []) + base


def measure(size: int, count: int, directory: Path) -> dict[str, float]:
    path = directory / f"docs-{size}.jsonl"
    with path.open("w", encoding="utf-8") as handle:
        for number, text in enumerate(pieces(size, count)):
            handle.write(json.dumps({"id": str(number), "text": text}, ensure_ascii=False) + "\n")
    start = time.perf_counter()
    process = subprocess.Popen(command(path), stdout=subprocess.PIPE)
    assert process.stdout is not None
    first = process.stdout.readline()
    first_result = time.perf_counter() - start
    lines = 1 + sum(1 for _ in process.stdout)
    process.wait()
    elapsed = time.perf_counter() - start
    assert first and lines == count, (lines, count)
    return {"documents": count, "seconds": elapsed, "docs_per_s": count / (elapsed - first_result),
            "first_result_s": first_result}


def peak_memory_mib(size: int, count: int, directory: Path) -> float:
    path = directory / f"docs-{size}.jsonl"
    script = (
        "import resource, sys; from minwon.cli import main; sys.stdout = open('/dev/null', 'w'); "
        f"main(['analyze', '--jsonl', {str(path)!r}]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    process = subprocess.run([sys.executable, "-c", script], capture_output=True, check=True)
    return int(process.stderr.decode().split()[-1]) / 1024


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        for size, n in ((500, count), (3000, max(count // 5, 200))):
            figures = measure(size, n, directory)
            memory = peak_memory_mib(size, n, directory)
            print(
                f"{size:5d}-char documents: {figures['docs_per_s']:7.1f} docs/s after start-up "
                f"({n} docs in {figures['seconds']:.1f} s), first result after {figures['first_result_s']:.2f} s, "
                f"peak memory {memory:.0f} MiB"
            )


if __name__ == "__main__":
    main()
