"""Statements run on the driver's cursor store and read exactly what `Connection.execute`
would, take part in the caller's transaction, raise SQLAlchemy's errors without the
parameters, and stay visible to SQLAlchemy's cursor events; on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import bindparam, event, select
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage.insert_once import insert_or_skip
from storage.models import Entry, Participant
from storage.prepared import Prepared

NOW = datetime(2026, 11, 23, 9, 0, 0, 123456, tzinfo=UTC)
E = Entry.__table__  # type: ignore[attr-defined]
P = Participant.__table__  # type: ignore[attr-defined]
VALUES = {
    "team_id": "T1",
    "user_id": "U1",
    "kind": "decision",
    "text": "Chose 'annual' \\ billing — 🚀",
    "fields": {"decision": "annual", "nested": [1, "ü", None]},
    "program_week": 3,
    "client_key": "cmd:1",
    "created_at": NOW,
}
REPLAY_KEY = ("team_id", "user_id", "client_key")
INSERT = Prepared(lambda dialect: insert_or_skip(dialect, E, on=REPLAY_KEY).returning(E.c.id))
PLAIN_INSERT = Prepared(lambda _: E.insert())
BY_ID = Prepared(
    lambda _: select(E.c.fields, E.c.created_at, E.c.text).where(E.c.id == bindparam("id"))
)


def test_a_row_written_and_read_back_matches_what_execute_does(db):
    with db.write() as connection:
        new_id = INSERT.scalar(connection, VALUES)
        # The same values through SQLAlchemy's own execute, for comparison.
        theirs_id = connection.execute(
            insert_or_skip(connection.dialect.name, E, on=REPLAY_KEY)
            .returning(E.c.id)
            .values(**{**VALUES, "client_key": "cmd:2"})
        ).scalar_one()
        columns = ("text", "fields", "created_at", "program_week", "kind")
        mine = connection.execute(select(E).where(E.c.id == new_id)).mappings().one()
        theirs = connection.execute(select(E).where(E.c.id == theirs_id)).mappings().one()
        # And as stored, read past every type processor: the same bytes either way.
        as_stored = (
            "SELECT text, CAST(fields AS TEXT), CAST(created_at AS TEXT), program_week, kind"
            " FROM entry WHERE id = {}"
        )
        raw_mine = connection.exec_driver_sql(as_stored.format(int(new_id))).one()
        raw_theirs = connection.exec_driver_sql(as_stored.format(int(theirs_id))).one()
    assert isinstance(new_id, int)
    for column in columns:
        assert mine[column] == theirs[column] == VALUES[column], column
    assert tuple(raw_mine) == tuple(raw_theirs)
    # Read back through a Prepared SELECT: the result processors apply (an aware UTC datetime,
    # a dict from JSON), as Connection.execute gives them.
    with db.engine.begin() as connection:
        assert BY_ID.first(connection, {"id": new_id}) == (
            VALUES["fields"],
            NOW,
            VALUES["text"],
        )


def test_a_date_column_comes_back_as_a_date(db):
    read = Prepared(lambda _: select(P.c.start_date).where(P.c.user_id == bindparam("user_id")))
    with db.write() as connection:
        connection.execute(
            P.insert().values(
                team_id="T1",
                user_id="U1",
                program_id="product-engineer",
                background="backend",
                start_date=date(2026, 11, 2),
                timezone="Europe/Berlin",
                status="active",
                joined_at=NOW,
                updated_at=NOW,
            )
        )
        assert read.first(connection, {"user_id": "U1"}) == (date(2026, 11, 2),)
        assert read.first(connection, {"user_id": "U2"}) is None


def test_it_runs_inside_the_callers_transaction(db):
    with pytest.raises(RuntimeError), db.write() as connection:
        INSERT.scalar(connection, VALUES)
        raise RuntimeError("the request failed after the INSERT")
    with db.engine.connect() as connection:
        assert connection.execute(select(E.c.id)).all() == []


def test_a_skipped_insert_returns_no_row(db):
    with db.write() as connection:
        assert INSERT.first(connection, VALUES) is not None
        assert INSERT.first(connection, VALUES) is None


def test_a_driver_error_is_sqlalchemys_and_holds_no_parameter(db):
    with db.write() as connection:
        PLAIN_INSERT.first(connection, VALUES)
    with pytest.raises(IntegrityError) as caught, db.write() as connection:
        PLAIN_INSERT.first(connection, VALUES)  # the same author and key: unique constraint
    assert isinstance(caught.value, DBAPIError)
    message = str(caught.value)
    assert "INSERT INTO entry" in message
    # What was typed is not in it (PostgreSQL's own DETAIL names the conflicting key, as it
    # does through Connection.execute with hide_parameters).
    assert "[parameters" not in message
    assert "annual" not in message and "billing" not in message


def test_cursor_events_see_the_statement(db):
    seen: list[str] = []
    event.listen(db.write_engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    after: list[str] = []
    event.listen(db.write_engine, "after_cursor_execute", lambda *a: after.append(a[2]))
    with db.write() as connection:
        INSERT.scalar(connection, VALUES)
    assert len(seen) == len(after) == 1
    assert seen[0].startswith("INSERT INTO entry") and "RETURNING" in seen[0]


def test_values_with_a_key_the_insert_has_no_column_for_are_refused(db):
    """The INSERT's columns come from its first values; a later extra key is an error, never
    a value silently left out."""
    with db.write() as connection:
        INSERT.scalar(connection, VALUES)
        with pytest.raises(ValueError, match="expected the values"):
            INSERT.scalar(connection, {**VALUES, "client_key": "cmd:3", "post_ts": "1.2"})


def test_expanding_parameters_are_refused_when_first_rendered(db):
    listed = Prepared(
        lambda _: select(E.c.id).where(E.c.kind.in_(bindparam("kinds", expanding=True)))
    )
    with db.write() as connection, pytest.raises(ValueError, match="plain bound parameters"):
        listed.first(connection, {"kinds": ["decision"]})


def test_all_rows_and_the_statements_own_values(db):
    """`all` hands back every row, processed; a value written into the statement (a `+ 1`,
    a LIMIT's OFFSET 0 on SQLite) is its own, and a parameter used twice is given once."""
    with db.write() as connection:
        for n in range(3):
            INSERT.scalar(connection, {**VALUES, "client_key": f"cmd:{n}", "program_week": n})
    weeks = Prepared(
        lambda _: (
            select((E.c.program_week + 1).label("next"), E.c.created_at)
            .where(E.c.created_at >= bindparam("since"), E.c.created_at <= bindparam("since"))
            .order_by(E.c.program_week)
            .limit(bindparam("limit"))
        )
    )
    with db.engine.begin() as connection:
        rows = weeks.all(connection, {"since": NOW, "limit": 2})
        assert rows == [(1, NOW), (2, NOW)]
        assert weeks.all(connection, {"since": NOW, "limit": 0}) == []
        with pytest.raises(ValueError, match="expected the values"):
            weeks.all(connection, {"since": NOW})  # a value left out


def test_many_runs_once_per_set_of_values_in_the_callers_transaction(db):
    """`many` is one executemany: every set of values processed (an aware datetime stored as
    `execute` stores it), cursor events told it is a many, and rolled back with the caller."""
    with db.write() as connection:
        ids = [INSERT.scalar(connection, {**VALUES, "client_key": f"cmd:{n}"}) for n in range(3)]
    stamp = Prepared(
        lambda _: (
            E.update()
            .where(E.c.id == bindparam("entry_id"))
            .values(
                text=bindparam("new_text"), created_at=bindparam("at", type_=E.c.created_at.type)
            )
        )
    )
    later = datetime(2026, 11, 24, 8, 30, 0, 5, tzinfo=UTC)
    seen: list[bool] = []
    event.listen(db.write_engine, "before_cursor_execute", lambda *a: seen.append(a[-1]))
    with db.write() as connection:
        stamp.many(
            connection,
            [{"entry_id": i, "new_text": f"edited {i}", "at": later} for i in ids[:2]],
        )
        stamp.many(connection, [])  # nothing to do: no statement
    assert seen == [True]
    with db.engine.connect() as connection:
        rows = connection.execute(select(E.c.id, E.c.text, E.c.created_at).order_by(E.c.id)).all()
    assert [tuple(r) for r in rows] == [
        (ids[0], f"edited {ids[0]}", later),
        (ids[1], f"edited {ids[1]}", later),
        (ids[2], VALUES["text"], NOW),
    ]
    with pytest.raises(RuntimeError), db.write() as connection:
        stamp.many(connection, [{"entry_id": ids[2], "new_text": "lost", "at": later}])
        raise RuntimeError("the pass failed after recording")
    with db.engine.connect() as connection:
        assert (
            connection.execute(select(E.c.text).where(E.c.id == ids[2])).scalar() == VALUES["text"]
        )


def test_postgresql_runs_them_on_one_cursor_per_connection_and_replaces_one_that_failed(db):
    """psycopg builds each cursor's adapters anew, so PostgreSQL keeps one per connection;
    SQLite's cursors are cheap and each one is closed after its statement, as before."""
    cursors: list[object] = []
    event.listen(db.write_engine, "before_cursor_execute", lambda *a: cursors.append(a[1]))
    with db.write() as connection:
        INSERT.scalar(connection, VALUES)
        BY_ID.first(connection, {"id": 1})
    with pytest.raises(IntegrityError), db.write() as connection:
        PLAIN_INSERT.first(connection, VALUES)  # fails: the same author and key
    with db.write() as connection:
        assert BY_ID.first(connection, {"id": 1}) is not None
    first, second, failed, after = cursors
    if db.engine.dialect.name == "postgresql":
        assert first is second is failed  # one cursor for the connection's statements
        assert after is not failed  # not the one that failed
        assert not after.closed and failed.closed
    else:
        for cursor in cursors:  # each closed once its statement ran: none holds a read open
            with pytest.raises(sqlite3.ProgrammingError, match="closed cursor"):
                cursor.execute("SELECT 1")
