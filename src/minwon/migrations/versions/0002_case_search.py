"""case search: full-text index over contacts, JSON indexes for list filters

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24 10:00:00

What is indexed: ``contacts.search_tokens`` (content morphemes from mecab-ko, so that
요금제가 and 요금제를 are both stored as 요금제) plus ``contacts.masked_text`` (the
eojeols as written). Never the raw text: search must not reveal unmasked PII.

SQLite: ``contacts_fts``, an FTS5 table with external content over ``contacts``, kept
current by three triggers. A later ``batch_alter_table("contacts")`` recreates the table
and drops the triggers with it; such a migration must create them again (see
``_SQLITE_TRIGGERS``) and rebuild the index.

PostgreSQL: ``contacts.search_vector``, a stored generated tsvector ('simple'
configuration: no stemming, the morphemes are already stems) with a GIN index. Each
part is capped so that a very long complaint cannot exceed the 1 MB tsvector limit and
fail the insert; complaints that long are searchable by their first 100,000 characters.
GIN indexes on the JSON category and product lists serve the list filters.

Neither object is in the ORM metadata: autogenerate must skip them (``include_object``).
"""

from __future__ import annotations

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_SQLITE_TRIGGERS = (
    """
    CREATE TRIGGER contacts_fts_insert AFTER INSERT ON contacts BEGIN
        INSERT INTO contacts_fts (rowid, search_tokens, masked_text)
        VALUES (new.id, new.search_tokens, new.masked_text);
    END
    """,
    """
    CREATE TRIGGER contacts_fts_delete AFTER DELETE ON contacts BEGIN
        INSERT INTO contacts_fts (contacts_fts, rowid, search_tokens, masked_text)
        VALUES ('delete', old.id, old.search_tokens, old.masked_text);
    END
    """,
    """
    CREATE TRIGGER contacts_fts_update AFTER UPDATE OF search_tokens, masked_text ON contacts BEGIN
        INSERT INTO contacts_fts (contacts_fts, rowid, search_tokens, masked_text)
        VALUES ('delete', old.id, old.search_tokens, old.masked_text);
        INSERT INTO contacts_fts (rowid, search_tokens, masked_text)
        VALUES (new.id, new.search_tokens, new.masked_text);
    END
    """,
)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE contacts_fts USING fts5("
            "search_tokens, masked_text, content='contacts', content_rowid='id', tokenize='unicode61')"
        )
        for trigger in _SQLITE_TRIGGERS:
            op.execute(trigger)
        # Contacts stored before this migration.
        op.execute("INSERT INTO contacts_fts (contacts_fts) VALUES ('rebuild')")
    elif dialect == "postgresql":
        op.execute(
            "ALTER TABLE contacts ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
            "to_tsvector('simple'::regconfig, left(coalesce(search_tokens, ''), 100000) || ' ' "
            "|| left(coalesce(masked_text, ''), 100000))) STORED"
        )
        op.execute("CREATE INDEX ix_contacts_search_vector ON contacts USING gin (search_vector)")
        op.execute("CREATE INDEX ix_cases_categories_gin ON cases USING gin ((categories::jsonb))")
        op.execute("CREATE INDEX ix_cases_products_gin ON cases USING gin ((products::jsonb))")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in ("contacts_fts_update", "contacts_fts_delete", "contacts_fts_insert"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS contacts_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_cases_products_gin")
        op.execute("DROP INDEX IF EXISTS ix_cases_categories_gin")
        op.execute("DROP INDEX IF EXISTS ix_contacts_search_vector")
        op.execute("ALTER TABLE contacts DROP COLUMN IF EXISTS search_vector")
