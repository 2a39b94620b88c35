"""The connections behind `Database.write()` stay checked out between writes, a lost one is
replaced, and `run_write` tries a write again only when nothing of it can have been kept;
on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError

from storage import entries
from storage.db import Database
from storage.models import Entry
from storage.writers import HeldWriters
from tests.postgres_restart import drop_every_connection, lost_connection

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
E = Entry.__table__  # type: ignore[attr-defined]


def postgres_only(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL holds several connections, each one idle for a while")


def add(connection: Connection, text_: str, key: str | None = None) -> None:
    entries.add_entry(
        connection,
        team_id="T1",
        user_id="U1",
        kind="decision",
        text=text_,
        fields={},
        program_week=None,
        client_key=key,
        now=NOW,
    )


def texts(db: Database) -> list[str]:
    with db.engine.connect() as connection:
        return list(connection.execute(select(E.c.text).order_by(E.c.id)).scalars())


def checkouts(db: Database) -> list[object]:
    seen: list[object] = []
    event.listen(db.write_engine, "checkout", lambda dbapi, *_: seen.append(dbapi))
    return seen


def test_many_writes_check_one_connection_out_once(db):
    taken = checkouts(db)
    for n in range(6):
        with db.write() as connection:
            add(connection, f"entry {n}")
    assert len(taken) == 1
    assert texts(db) == [f"entry {n}" for n in range(6)]


def test_a_connection_held_too_long_goes_back_to_the_pool_and_a_checked_one_is_used(
    db, monkeypatch
):
    postgres_only(db)
    monkeypatch.setattr(HeldWriters, "IDLE_SECONDS", -1.0)  # every held one is too old
    taken = checkouts(db)
    for n in range(3):
        with db.write() as connection:
            add(connection, f"entry {n}")
        assert db.write_engine.pool.checkedout() == 1  # the old one was handed back
    assert len(taken) == 3
    assert len(texts(db)) == 3


def test_writes_at_once_each_get_a_connection_and_keep_it(db):
    postgres_only(db)
    taken = checkouts(db)
    with db.write() as first, db.write() as second:
        assert first is not second
        add(first, "one")
        add(second, "two")
    for _ in range(4):
        with db.write() as connection, db.write() as other:
            assert {connection, other} == {first, second}
    assert len(taken) == 2


def test_a_write_whose_connection_the_server_dropped_runs_again_on_a_new_one(db):
    calls = []

    def work(connection: Connection) -> str:
        calls.append(connection)
        add(connection, f"attempt {len(calls)}", key="cmd:1")
        if len(calls) == 1:
            connection.invalidate()  # what SQLAlchemy does when the driver reports it
            raise lost_connection()
        return "stored"

    assert db.run_write(work) == "stored"
    assert len(calls) == 2 and calls[0] is not calls[1]
    assert texts(db) == ["attempt 2"]  # the first attempt kept nothing


def test_a_server_restart_under_a_held_connection_loses_no_write(db):
    postgres_only(db)
    with db.write() as connection:
        add(connection, "before")
    assert drop_every_connection(db.url) >= 1
    calls = []

    def work(connection: Connection) -> None:
        calls.append(connection)
        add(connection, "after")

    db.run_write(work)
    assert len(calls) == 2  # the held one failed at its first statement, then a new one
    assert texts(db) == ["before", "after"]


def test_a_failure_at_the_commit_is_not_tried_again_and_leaves_nothing_open(db):
    """The commit may have reached the server: running the write again could store it twice.
    And the held connection must not carry the failed transaction into the next write, whose
    COMMIT would keep it (it did, before the roll-back in storage/writers.py)."""

    def fail_commit(_connection: Connection) -> None:
        raise lost_connection()

    event.listen(db.write_engine, "commit", fail_commit)
    calls = []

    def work(connection: Connection) -> None:
        calls.append(connection)
        add(connection, "once")

    with pytest.raises(DBAPIError):
        db.run_write(work)
    assert len(calls) == 1
    event.remove(db.write_engine, "commit", fail_commit)
    db.run_write(work)  # the connection it was on is still fit for the next write
    assert texts(db) == ["once"]


def test_other_database_errors_are_not_tried_again(db):
    calls = []

    def work(connection: Connection) -> None:
        calls.append(connection)
        connection.execute(E.insert().values(id=1, team_id="T1"))

    with pytest.raises(IntegrityError):
        db.run_write(work)
    assert len(calls) == 1
    with db.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Entry)).scalar_one() == 0


def test_eight_threads_writing_at_once_each_keep_to_a_connection_and_lose_nothing(db):
    barrier = threading.Barrier(8)
    used: set[int] = set()
    failures: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(25):

                def work(connection: Connection, i: int = i) -> None:
                    used.add(id(connection))
                    add(connection, f"{n}.{i}", key=f"cmd:{n}.{i}")

                db.run_write(work)
        except BaseException as error:  # reported below
            failures.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert failures == []
    assert sorted(texts(db)) == sorted(f"{n}.{i}" for n in range(8) for i in range(25))
    assert len(used) <= 8  # never more connections than writes at once
    assert db.write_engine.pool.checkedout() <= 8
