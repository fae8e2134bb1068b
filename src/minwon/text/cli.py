"""`minwon analyze`, `minwon train`, `minwon eval` (contract: shared/spec/analyze-cli.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from minwon.text.decode import DecodeError, decode_bytes

DEFAULT_MAX_BYTES = 1_000_000


@dataclass
class Item:
    id: str
    text: str | None = None
    error: str | None = None


def add_commands(subparsers: Any) -> None:
    analyze = subparsers.add_parser("analyze", help="한국어 민원 텍스트 분석 (문서마다 JSON 한 줄)")
    analyze.add_argument("paths", nargs="*", help="파일 또는 폴더 (없으면 표준 입력 한 문서)")
    analyze.add_argument("--jsonl", action="store_true", help='입력 한 줄이 {"id", "text"} 한 문서')
    analyze.add_argument("--format", choices=("json", "table"), default="json")
    analyze.add_argument("--explain", action="store_true", help="범주마다 가장 크게 기여한 특징을 함께 출력")
    analyze.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="문서 크기 상한 (기본 1 MB)")
    analyze.set_defaults(handler=run_analyze)

    train = subparsers.add_parser("train", help="말뭉치로 배포 모델을 다시 만듭니다 (결정적)")
    train.set_defaults(handler=run_train)

    evaluate = subparsers.add_parser("eval", help="보류 분할에서 범주별 정밀도/재현율/F1과 이탈 혼동행렬")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(handler=run_eval)


def _file_item(path: Path, name: str, max_bytes: int) -> Item:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return Item(name, error=f"문서가 너무 큽니다({size:,}바이트, 상한 {max_bytes:,}바이트; --max-bytes로 늘릴 수 있습니다)")
        data = path.read_bytes()
    except OSError as exc:
        return Item(name, error=f"파일을 읽을 수 없습니다: {exc.strerror or exc}")
    return _bytes_item(data, name, max_bytes)


def _bytes_item(data: bytes, name: str, max_bytes: int) -> Item:
    if len(data) > max_bytes:
        return Item(name, error=f"문서가 너무 큽니다({len(data):,}바이트, 상한 {max_bytes:,}바이트; --max-bytes로 늘릴 수 있습니다)")
    try:
        text = decode_bytes(data)
    except DecodeError as exc:
        return Item(name, error=str(exc))
    if not text.strip():
        return Item(name, error="빈 문서")
    return Item(name, text=text)


def _jsonl_items(lines: Iterator[bytes], source: str, max_bytes: int) -> Iterator[Item]:
    for number, raw in enumerate(lines, 1):
        where = f"{source}:{number}"
        if not raw.strip():
            continue
        try:
            row = json.loads(decode_bytes(raw))
        except (DecodeError, ValueError) as exc:
            yield Item(where, error=f"{number}번째 줄이 올바른 JSON이 아닙니다: {exc}")
            continue
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            yield Item(str(row.get("id", where)) if isinstance(row, dict) else where,
                       error=f'{number}번째 줄에 문자열 "text" 필드가 없습니다')
            continue
        doc_id = str(row.get("id", where))
        text = row["text"]
        if len(text.encode("utf-8")) > max_bytes:
            yield Item(doc_id, error=f"문서가 너무 큽니다(상한 {max_bytes:,}바이트; --max-bytes로 늘릴 수 있습니다)")
        elif not text.strip():
            yield Item(doc_id, error="빈 문서")
        else:
            yield Item(doc_id, text=text)


def _files(paths: list[str]) -> Iterator[tuple[Path, str]]:
    for name in paths:
        path = Path(name)
        if path.is_dir():
            # Names are sorted, contents are read one at a time: memory stays flat.
            for entry in sorted(os.listdir(path)):
                child = path / entry
                if child.is_file():
                    yield child, entry
        else:
            yield path, path.name


def iter_items(paths: list[str], jsonl: bool, max_bytes: int, stdin: Any) -> Iterator[Item]:
    if not paths:
        if jsonl:
            yield from _jsonl_items(iter(stdin.readline, b""), "stdin", max_bytes)
        else:
            yield _bytes_item(stdin.read(max_bytes + 1), "stdin", max_bytes)
        return
    for path, name in _files(paths):
        if not path.exists():
            yield Item(name, error=f"파일이 없습니다: {path}")
        elif jsonl:
            try:
                with path.open("rb") as handle:
                    yield from _jsonl_items(iter(handle.readline, b""), name, max_bytes)
            except OSError as exc:
                yield Item(name, error=f"파일을 읽을 수 없습니다: {exc.strerror or exc}")
        else:
            yield _file_item(path, name, max_bytes)


def run_analyze(args: argparse.Namespace, stdin: Any = None, stdout: TextIO | None = None) -> int:
    from minwon.text.analysis import analyze, load_model

    stdin = stdin if stdin is not None else sys.stdin.buffer
    out = stdout or sys.stdout
    model = load_model()
    failures = 0
    if args.format == "table":
        out.write(_TABLE_HEADER)
    for item in iter_items(args.paths, args.jsonl, args.max_bytes, stdin):
        if item.text is None:
            failures += 1
            record: dict[str, Any] = {"id": item.id, "error": item.error}
        else:
            try:
                analysis = analyze(item.text, model, explain=args.explain)
            except Exception as exc:  # a bug in one document must not stop the run
                failures += 1
                record = {"id": item.id, "error": f"분석 중 오류가 발생했습니다: {type(exc).__name__}: {exc}"}
            else:
                record = analysis.to_record(item.id)
        if args.format == "table":
            out.write(_table_row(record))
        else:
            out.write(json.dumps(record, ensure_ascii=False))
            out.write("\n")
    out.flush()
    return 1 if failures else 0


_TABLE_HEADER = f"{'id':24s} {'민원':4s} {'범주':38s} {'이탈':8s} {'감정':9s} {'분노':>5s}  요약\n"


def _table_row(record: dict[str, Any]) -> str:
    if "error" in record:
        return f"{str(record['id'])[:24]:24s} 오류: {record['error']}\n"
    codes = ",".join(c["code"] for c in record["categories"]) or "-"
    summary = record["summary"].replace("\n", " ")
    return (
        f"{str(record['id'])[:24]:24s} {'예' if record['is_complaint'] else '아니오':4s} {codes:38s} "
        f"{record['churn']:8s} {record['sentiment']['label']:9s} {record['sentiment']['anger']:5.2f}  {summary[:70]}\n"
    )


def run_train(args: argparse.Namespace) -> int:
    import hashlib

    from minwon.text.model import MODEL_PATH
    from minwon.text.train import train_shipped

    model = train_shipped()
    digest = hashlib.sha256(MODEL_PATH.read_bytes()).hexdigest()
    print(f"model: {MODEL_PATH}")
    print(f"documents: {model.meta['documents']} complaints + {model.meta['general_documents']} general")
    print(f"features: {model.meta['features']}")
    print(f"sha256: {digest}")
    return 0


def run_eval(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from minwon.text.evaluate import evaluate, report

    scores = evaluate()
    print(json.dumps(asdict(scores), ensure_ascii=False, indent=1) if args.json else report(scores))
    return 0
