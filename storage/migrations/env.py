"""Alembic environment: runs migrations on the connection handed in by storage.db.migrate."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine
from sqlmodel import SQLModel

import storage.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from storage.installations import OAUTH_METADATA

# Our models plus slack-sdk's installation/OAuth-state tables (migration 0006).
target_metadata = [SQLModel.metadata, OAUTH_METADATA]


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite needs batch ALTERs
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:  # the alembic CLI: `alembic -x url=sqlite:///x.db revision --autogenerate`
    url = context.get_x_argument(as_dictionary=True).get("url", "sqlite:///transition-coach.db")
    with create_engine(url).connect() as conn:
        _run(conn)
        conn.commit()
