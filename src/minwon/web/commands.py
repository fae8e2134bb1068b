"""`minwon serve` and `minwon demo-data`."""

from __future__ import annotations

import argparse
from typing import Any


def add_commands(subparsers: Any) -> None:
    serve = subparsers.add_parser("serve", help="웹·API 서버 실행 (마이그레이션 자동 적용)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--demo", action="store_true", help="데모 데이터가 없으면 먼저 만듭니다")
    serve.set_defaults(handler=run_serve)
    demo = subparsers.add_parser("demo-data", help="데모 계정과 90일치 민원 2,000건 (여러 번 실행해도 같음)")
    demo.add_argument("--cases", type=int, default=2000)
    demo.set_defaults(handler=run_demo)


def run_demo(args: argparse.Namespace) -> int:
    from minwon.config import get_settings
    from minwon.db import make_engine, migrate, session_factory
    from minwon.demo import load_demo_data

    settings = get_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    created = load_demo_data(session_factory(engine), settings.secret_key, cases=args.cases)
    print(f"데모 데이터: 민원 {created}건을 새로 만들었습니다.")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from minwon.web.app import create_app

    if args.demo:
        run_demo(argparse.Namespace(cases=2000))
    uvicorn.run(create_app(), host=args.host, port=args.port, log_level="info")
    return 0
