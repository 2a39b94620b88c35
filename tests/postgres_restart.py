"""What a PostgreSQL server restart does to a running bot: every open connection is gone."""

from __future__ import annotations

from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError


def drop_every_connection(url: str) -> int:
    """Terminate every other session on `url`'s database; returns how many there were."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return int(
                connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
            )
    finally:
        admin.dispose()


def lost_connection() -> OperationalError:
    """The error SQLAlchemy raises for a statement whose connection the server dropped."""
    return OperationalError(
        "SELECT", None, Exception("server closed the connection"), connection_invalidated=True
    )
