"""Alembic environment: uses the connection handed over by minwon.db.migrate, or
MINWON_DATABASE_URL when run from the alembic command line."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import minwon.models  # noqa: F401  (registers every table on Base.metadata)
from minwon.config import get_settings
from minwon.db import Base, make_engine

target_metadata = Base.metadata


# Search structures that migration 0002 creates by hand (FTS5 table and triggers on SQLite,
# a generated tsvector column and GIN indexes on PostgreSQL): autogenerate must leave them.
_HAND_MADE = ("contacts_fts", "search_vector", "ix_contacts_search_vector", "ix_cases_categories_gin", "ix_cases_products_gin")


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    return not (name and name.startswith(_HAND_MADE))


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_object=include_object,
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
