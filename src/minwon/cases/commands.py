"""`minwon import` and `minwon ingest-mail` (bulk intake).

Both print a progress bar on stderr (only on a terminal) and a Korean summary on
stdout. Exit status: 0 when every document was filed or recognised as a duplicate, 1
when any document failed or was quarantined, 2 when the run could not start (no such
path, no such user or customer).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the importer pulls in the analysis engine: not for `minwon serve --help`
    from minwon.cases.importer import Intake, Item, Outcome, Summary

SHOWN_DUPLICATES = 50


def add_commands(subparsers: Any) -> None:
    """Registered by minwon.cli; the commands are added here."""
    importer = subparsers.add_parser(
        "import",
        help="파일·폴더·CSV·JSONL을 민원으로 일괄 접수 (중복·유사 중복은 건너뜀)",
        description=(
            "텍스트 파일, 폴더(하위 폴더 포함, 이름순), CSV(text 열 필수; id, customer_phone, customer_birth_date, "
            'product, region, created_at 선택), JSONL({"text": ...})을 민원으로 접수합니다. '
            "이미 접수된 문서와 같거나 거의 같은 문서는 중복으로 건너뜁니다."
        ),
    )
    importer.add_argument("path", type=Path, help="파일 또는 폴더")
    importer.add_argument("--channel", default="import", help="접수 채널 (기본: import)")
    importer.add_argument("--as", dest="username", default="agent1", help="접수자로 기록할 직원 계정 (기본: agent1)")
    importer.add_argument("--customer", type=int, default=None, help="모든 문서를 이 고객 번호의 민원으로 접수")
    importer.set_defaults(handler=run_import)

    mail = subparsers.add_parser(
        "ingest-mail",
        help=".eml·mbox 파일이나 폴더의 메일을 민원으로 접수 (읽을 수 없는 메일은 격리)",
        description="읽을 수 없는 메일은 원본과 사유(.reason.txt)를 격리 폴더에 남기고 건너뜁니다. 같은 Message-ID는 한 번만 접수합니다.",
    )
    mail.add_argument("path", type=Path, help=".eml 파일, mbox 파일 또는 그런 파일이 든 폴더")
    mail.add_argument("--quarantine", type=Path, default=None, help="격리 폴더 (기본: var/quarantine)")
    mail.add_argument("--as", dest="username", default="agent1", help="접수자로 기록할 직원 계정 (기본: agent1)")
    mail.set_defaults(handler=run_ingest_mail)


def _open_intake(username: str, near_duplicates: bool) -> tuple[Intake, Any]:
    from minwon.cases.importer import Intake
    from minwon.config import get_settings
    from minwon.db import make_engine, migrate, session_factory

    settings = get_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    try:
        return Intake(session_factory(engine), username, settings.secret_key, near_duplicates=near_duplicates), engine
    except BaseException:
        engine.dispose()
        raise


def _progress(items: Iterable[tuple[Item | Outcome, int]], intake: Intake, total: int | None, unit: str) -> Summary:
    from tqdm import tqdm

    bar = tqdm(
        total=total, unit=unit, unit_scale=unit == "B", file=sys.stderr, disable=not sys.stderr.isatty(),
        desc="접수 중", dynamic_ncols=True,
    )  # fmt: skip
    counts = (-1, -1, -1)

    def update(used: int, summary: Summary) -> None:
        nonlocal counts
        bar.update(used)
        now = (len(summary.imported), len(summary.duplicates), len(summary.errors) + len(summary.quarantined))
        if now != counts:
            counts = now
            bar.set_postfix_str(f"접수 {now[0]} · 중복 {now[1]} · 오류 {now[2]}", refresh=False)

    try:
        return intake.run(items, update)
    finally:
        bar.close()


def run_import(args: argparse.Namespace) -> int:
    from minwon.cases.importer import input_files, read_documents, total_bytes
    from minwon.cases.models import CHANNELS

    path: Path = args.path
    if args.channel not in CHANNELS:
        print(f"알 수 없는 접수 채널입니다: {args.channel} (가능: {', '.join(CHANNELS)})", file=sys.stderr)
        return 2
    if not path.exists():
        print(f"파일이나 폴더가 없습니다: {path}", file=sys.stderr)
        return 2
    try:
        intake, engine = _open_intake(args.username, near_duplicates=True)
    except LookupError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    try:
        if args.customer is not None:
            try:
                intake.check_customer(args.customer)
            except LookupError as exc:
                print(exc.args[0], file=sys.stderr)
                return 2
        documents = read_documents(path, customer_id=args.customer, channel=args.channel)
        summary = _progress(documents, intake, total_bytes(input_files(path)), "B")
    finally:
        intake.close()
        engine.dispose()
    print_summary(summary, "가져오기")
    return 1 if summary.errors or summary.interrupted else 0


def run_ingest_mail(args: argparse.Namespace) -> int:
    from minwon.cases.importer import mail_documents
    from minwon.config import get_settings

    path: Path = args.path
    if not path.exists():
        print(f"파일이나 폴더가 없습니다: {path}", file=sys.stderr)
        return 2
    quarantine_dir: Path = args.quarantine or get_settings().var_dir / "quarantine"
    try:
        intake, engine = _open_intake(args.username, near_duplicates=False)
    except LookupError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    try:
        summary = _progress(mail_documents(path, quarantine_dir), intake, None, "통")
    finally:
        intake.close()
        engine.dispose()
    print_summary(summary, "메일 접수", quarantine_dir=quarantine_dir)
    return 1 if summary.errors or summary.quarantined or summary.interrupted else 0


def print_summary(summary: Summary, title: str, quarantine_dir: Path | None = None) -> None:
    parts = [f"접수 {len(summary.imported)}건", f"중복 {len(summary.duplicates)}건"]
    if quarantine_dir is not None:
        parts.append(f"격리 {len(summary.quarantined)}건")
    parts.append(f"오류 {len(summary.errors)}건")
    state = "중단됨(Ctrl+C): 그때까지 접수한 것만 저장했습니다" if summary.interrupted else "완료"
    print(f"{title} {state}: " + ", ".join(parts))
    if summary.linked:
        print(f"  (접수 {len(summary.imported)}건 중 {summary.linked}건은 같은 고객의 진행 중인 민원에 연결)")
    if summary.duplicates:
        print("중복으로 건너뛴 문서:")
        for outcome in summary.duplicates[:SHOWN_DUPLICATES]:
            print(f"  {outcome.source}: {outcome.detail}")
        if len(summary.duplicates) > SHOWN_DUPLICATES:
            print(f"  … 외 {len(summary.duplicates) - SHOWN_DUPLICATES}건")
    if summary.quarantined:
        print(f"격리한 메일 ({quarantine_dir}):")
        for outcome in summary.quarantined:
            print(f"  {outcome.source}: {outcome.detail} → {outcome.kept.name if outcome.kept else ''}")
    if summary.errors:
        print("오류:")
        for outcome in summary.errors:
            print(f"  {outcome.source}: {outcome.detail}")
