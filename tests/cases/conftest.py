"""Fixtures for the intake commands: run `minwon …` in-process against the test database."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from minwon import cli
from minwon.config import Settings, get_settings
from minwon.db import make_engine

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def run(
    prepared_database: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> Iterator[Run]:
    monkeypatch.setenv("MINWON_DATABASE_URL", prepared_database.database_url)
    monkeypatch.setenv("MINWON_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("MINWON_SECRET", prepared_database.secret_key)
    get_settings.cache_clear()

    def invoke(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = cli.main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield invoke
    get_settings.cache_clear()


@pytest.fixture
def db(prepared_database: Settings) -> Iterator[Session]:
    engine = make_engine(prepared_database.database_url)
    with Session(engine) as session:
        yield session
    engine.dispose()
