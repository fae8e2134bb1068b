"""Alembic environment: uses the connection handed over by minwon.db.migrate, or
MINWON_DATABASE_URL when run from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import minwon.models  # noqa: F401  (registers every table on Base.metadata)
from minwon.config import get_settings
from minwon.db import Base, make_engine

target_metadata = Base.metadata


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    run(connection)
else:
    with make_engine(get_settings().database_url).begin() as fresh:
        run(fresh)
