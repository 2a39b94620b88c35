"""A workspace's row is written the first time its team is seen, and only then."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import event
from sqlmodel import select

from storage import workspaces
from storage.db import Database
from storage.models import Workspace

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def rows(db) -> list[Workspace]:
    with db.session() as session:
        return list(session.exec(select(Workspace)).all())


def test_the_first_request_of_a_team_writes_its_row_and_later_ones_only_read(database_url):
    db = Database(database_url)
    writes: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement)

    event.listen(db.write_engine, "before_cursor_execute", record)
    with db.write() as connection:
        workspaces.note_workspace(connection, team_id="T9", now=NOW)
    assert len(writes) == 1
    for _ in range(3):
        with db.write() as connection:
            workspaces.note_workspace(connection, team_id="T9", now=NOW)
    assert len(writes) == 1  # a read only, once the row is there
    [row] = rows(db)
    db.dispose()
    assert (row.team_id, row.prompt_hour, row.revisit_days) == ("T9", 9, 28)
    assert row.created_at == NOW


def test_two_first_requests_at_once_both_succeed(database_url):
    """Both find no row; the second INSERT waits for the first and then does nothing."""
    db = Database(database_url)
    first = db.engine.connect()
    transaction = first.begin()
    workspaces.note_workspace(first, team_id="T9", now=NOW)
    failures: list[BaseException] = []

    def second() -> None:
        try:
            with db.write() as connection:
                workspaces.note_workspace(connection, team_id="T9", now=NOW)
        except BaseException as error:
            failures.append(error)

    racer = threading.Thread(target=second)
    racer.start()
    racer.join(0.3)
    transaction.commit()
    first.close()
    racer.join(10)
    assert not racer.is_alive() and failures == []
    assert len(rows(db)) == 1
    db.dispose()
