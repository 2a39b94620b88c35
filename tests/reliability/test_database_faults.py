"""The database goes away for a moment: the bot waits or reconnects, and nothing is lost."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import create_engine, func, select

from storage.models import Entry
from tests.postgres_restart import drop_every_connection
from tests.reliability.ledger import LEDGER


def entry_count(slack) -> int:
    with slack.services.db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Entry.__table__)).scalar_one()


def test_sqlite_briefly_locked_by_another_writer_then_the_entry_is_stored(slack):
    if slack.services.db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's database-level write lock (PostgreSQL: see the restart test)")
    # Another process-like writer holds the write lock for a moment.
    other = create_engine(slack.services.db.url)
    connection = other.connect()
    connection.exec_driver_sql("BEGIN IMMEDIATE")
    released = threading.Event()

    def release_soon() -> None:
        released.wait(0.5)  # bounded: the lock is held for half a second
        connection.exec_driver_sql("COMMIT")
        connection.close()

    threading.Thread(target=release_soon, daemon=True).start()
    LEDGER.add("faults.injected")
    response = slack.command("log Written while the database was locked")
    assert response.status == 200
    assert "Saved" in response.json()["text"]
    LEDGER.add("entries.acknowledged")
    assert entry_count(slack) == 1
    LEDGER.add("entries.found")
    LEDGER.add("faults.survived")
    other.dispose()


def test_postgresql_connections_killed_then_the_bot_reconnects(slack):
    if slack.services.db.engine.dialect.name != "postgresql":
        pytest.skip("a PostgreSQL server restart drops every connection")
    assert "Saved" in slack.command("log Before the restart").json()["text"]
    assert drop_every_connection(slack.services.db.url) >= 1
    LEDGER.add("faults.injected")
    response = slack.command("log After the restart")
    assert response.status == 200
    assert "Saved" in response.json()["text"]
    LEDGER.add("entries.acknowledged", 2)
    assert entry_count(slack) == 2
    LEDGER.add("entries.found", 2)
    LEDGER.add("faults.survived")
