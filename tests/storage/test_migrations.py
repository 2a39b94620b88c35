"""The Alembic history creates exactly the tables the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables)
from storage.db import Database
from storage.installations import OAUTH_METADATA


def _all_tables() -> MetaData:
    """Our models plus slack-sdk's installation tables: everything the migrations create."""
    merged = MetaData()
    for metadata in (SQLModel.metadata, OAUTH_METADATA):
        for table in metadata.tables.values():
            table.to_metadata(merged)
    return merged


def test_migrations_match_the_models(database_url):
    db = Database(database_url)
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        diff = compare_metadata(context, _all_tables())
    db.dispose()
    assert diff == []


def test_migrating_twice_is_a_no_op(database_url):
    db = Database(database_url)
    db.migrate()
    db.migrate()
    tables = set(inspect(db.engine).get_table_names())
    db.dispose()
    assert {"workspace", "participant", "entry", "alembic_version"} <= tables
    assert {"slack_bots", "slack_installations", "slack_oauth_states"} <= tables
