"""Settings from the environment (MINWON_*), with embedded defaults for `make run`."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    database_url: str
    broker_url: str | None
    secret_key: str
    var_dir: Path
    token_minutes: int = 12 * 60
    max_body_bytes: int = 1_000_000


def _secret(var_dir: Path) -> str:
    """MINWON_SECRET, or a random key kept under var/ so that tokens survive a restart."""
    if os.environ.get("MINWON_SECRET"):
        return os.environ["MINWON_SECRET"]
    path = var_dir / "secret.key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    var_dir = Path(os.environ.get("MINWON_VAR_DIR", "var")).resolve()
    default_db = f"sqlite:///{var_dir / 'minwon.db'}"
    return Settings(
        database_url=os.environ.get("MINWON_DATABASE_URL", default_db),
        broker_url=os.environ.get("MINWON_BROKER_URL") or None,
        secret_key=_secret(var_dir),
        var_dir=var_dir,
    )
