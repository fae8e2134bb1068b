"""`minwon analyze` as other tools call it: a real process, real files, real exit codes."""

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "src" / "minwon" / "text" / "examples"
FIELDS = {
    "id", "is_complaint", "categories", "churn", "sentiment", "products", "companies", "places", "orgs", "durations",
    "money", "dates", "pii", "clean_text", "masked_text", "summary", "repeated_blocks_removed",
}


def run(*args: str, stdin: bytes | None = None) -> tuple[int, list[dict], str]:
    process = subprocess.run(
        [sys.executable, "-m", "minwon.cli", "analyze", *args], input=stdin, capture_output=True, timeout=300
    )
    out = process.stdout.decode("utf-8")
    records = [json.loads(line) for line in out.splitlines()] if "--format" not in args else []
    return process.returncode, records, out


def test_directory_is_analysed_in_name_order_with_every_field(tmp_path: Path) -> None:
    code, records, _ = run(str(EXAMPLES))
    assert code == 0
    assert [r["id"] for r in records] == sorted(os.listdir(EXAMPLES))
    for record in records:
        assert set(record) >= FIELDS
        for category in record["categories"]:
            assert 0.0 <= category["score"] <= 1.0
            assert category["evidence"] in record["clean_text"]
    by_id = {r["id"]: r for r in records}
    assert by_id["05-night-call-cp949.txt"]["pii"][0]["type"] == "phone"
    assert "[전화번호]" in by_id["05-night-call-cp949.txt"]["masked_text"]
    assert "outage" in {c["code"] for c in by_id["01-internet-drops.txt"]["categories"]}


def test_stdin_is_one_document() -> None:
    code, records, _ = run(stdin="기사님이 내일 온다더니 안 왔어요".encode())
    assert code == 0 and len(records) == 1 and records[0]["id"] == "stdin"


def test_bad_documents_give_error_records_and_exit_1_while_the_rest_is_analysed(tmp_path: Path) -> None:
    (tmp_path / "a-good.txt").write_text("인터넷이 자꾸 끊겨요", encoding="utf-8")
    (tmp_path / "b-binary.bin").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    (tmp_path / "c-empty.txt").write_bytes(b"   \n")
    (tmp_path / "d-big.txt").write_bytes("가".encode() * 400_000)
    code, records, _ = run(str(tmp_path))
    assert code == 1
    by_id = {r["id"]: r for r in records}
    assert list(by_id) == ["a-good.txt", "b-binary.bin", "c-empty.txt", "d-big.txt"]
    assert "error" not in by_id["a-good.txt"]
    assert "텍스트가 아닌" in by_id["b-binary.bin"]["error"]
    assert by_id["c-empty.txt"]["error"] == "빈 문서"
    assert "--max-bytes" in by_id["d-big.txt"]["error"]

    code, records, _ = run("--max-bytes", "2000000", str(tmp_path / "d-big.txt"))
    assert code == 0 and "error" not in records[0]


def test_broken_jsonl_line_is_reported_with_its_number_and_the_run_goes_on(tmp_path: Path) -> None:
    lines = ['{"id": "x1", "text": "요금이 두 배로 나왔어요"}', '{"id": "x2", "text": ', '{"id": "x3", "text": "해지할래요"}']
    (tmp_path / "in.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, records, _ = run("--jsonl", str(tmp_path / "in.jsonl"))
    assert code == 1
    assert [r["id"] for r in records] == ["x1", "in.jsonl:2", "x3"]
    assert "2번째 줄" in records[1]["error"]


def test_table_format_is_readable() -> None:
    code, _, out = run("--format", "table", str(EXAMPLES))
    assert code == 0
    assert "01-internet-drops.txt" in out and "outage" in out


def test_missing_file_is_an_error_record() -> None:
    code, records, _ = run("/nonexistent/complaint.txt")
    assert code == 1 and "파일이 없습니다" in records[0]["error"]


def _peak_rss_kib(directory: Path) -> int:
    script = (
        "import resource, sys; from minwon.cli import main; "
        "sys.stdout = open('/dev/null', 'w'); code = main(['analyze', sys.argv[1]]); "
        "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)"
    )
    process = subprocess.run([sys.executable, "-c", script, str(directory)], capture_output=True, timeout=600)
    return int(process.stderr.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("count", [2000])
def test_a_large_directory_streams_with_flat_memory(tmp_path: Path, count: int) -> None:
    small, large = tmp_path / "small", tmp_path / "large"
    for directory, n in ((small, 50), (large, count)):
        directory.mkdir()
        for i in range(n):
            (directory / f"{i:05d}.txt").write_text(f"{i}번째 민원: 인터넷이 {i % 7 + 1}일째 끊겨요. " * 5, encoding="utf-8")
    growth_kib = _peak_rss_kib(large) - _peak_rss_kib(small)
    assert growth_kib < 20 * 1024, f"memory grew by {growth_kib} KiB for {count} files"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
