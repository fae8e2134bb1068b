"""The `minwon` command."""

from __future__ import annotations

import argparse
import sys

from minwon.cases import commands as case_commands
from minwon.text import cli as text_cli
from minwon.web import commands as web_commands


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="minwon", description="minwon — 통신 민원 분석·처리 플랫폼")
    subparsers = parser.add_subparsers(dest="command", required=True)
    text_cli.add_commands(subparsers)
    web_commands.add_commands(subparsers)
    case_commands.add_commands(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
