"""`minwon import` and `minwon ingest-mail` (bulk intake)."""

from __future__ import annotations

from typing import Any


def add_commands(subparsers: Any) -> None:
    """Registered by minwon.cli; the commands are added here."""
