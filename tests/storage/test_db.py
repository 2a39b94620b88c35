"""SQLite writes are serialised in-process: threads wait on a lock, not in SQLite's busy
handler, and other processes still meet at SQLite's own lock."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session

from storage import entries, participants
from storage.db import Database
from storage.models import Entry

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[2]


def sqlite_only(database_url: str) -> None:
    if not database_url.startswith("sqlite"):
        pytest.skip("the in-process write lock is for SQLite engines only")


@pytest.fixture
def db(database_url):
    """The app's Database, with SQLite's busy handler switched off: a write that found the
    database locked would fail at once, so every write here that succeeds was serialised."""
    sqlite_only(database_url)
    database = Database(database_url)

    def no_busy_wait(dbapi_connection, _record) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    for engine in (database.engine, database.write_engine):
        event.listen(engine, "connect", no_busy_wait)
    yield database
    database.dispose()


def add(connection, *, text: str = "x", user_id: str = "U1") -> None:
    entries.add_entry(
        connection,
        team_id="T1",
        user_id=user_id,
        kind="decision",
        text=text,
        fields={},
        program_week=None,
        client_key=None,
        now=NOW,
    )


def count(db) -> int:
    with db.engine.connect() as connection:
        return connection.execute(select(func.count()).select_from(Entry)).scalar_one()


def in_thread(work) -> tuple[threading.Thread, list[BaseException]]:
    failures: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as error:
            failures.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, failures


def write_once(db) -> None:
    with db.write() as connection:
        add(connection)


def test_a_second_writer_waits_for_the_first_to_commit_then_writes(db):
    first = db.engine.connect()
    transaction = first.begin()
    add(first, text="first")
    second, failures = in_thread(lambda: write_once(db))
    second.join(0.3)
    assert second.is_alive()  # waiting on the lock: with no busy handler it would have failed
    transaction.commit()
    first.close()
    second.join(10)
    assert not second.is_alive() and failures == []
    assert count(db) == 2


def test_readers_are_not_held_up_by_a_writer(db):
    first = db.engine.connect()
    transaction = first.begin()
    add(first)

    def read() -> None:
        with db.write() as connection:
            participants.get_enrolment(connection, team_id="T1", user_id="U1")

    reader, failures = in_thread(read)
    reader.join(5)
    assert not reader.is_alive() and failures == []
    transaction.rollback()
    first.close()


def test_eight_threads_writing_at_once_never_find_the_database_locked(db):
    """Core and ORM writers alike: every write transaction holds the lock."""
    barrier = threading.Barrier(8)

    def core_writer(n: int) -> None:
        barrier.wait()
        for i in range(30):
            with db.write() as connection:
                participants.get_enrolment(connection, team_id="T1", user_id=f"U{n}")
                add(connection, text=f"{n}.{i}", user_id=f"U{n}")

    def orm_writer(n: int) -> None:
        barrier.wait()
        for i in range(30):
            with db.session() as session:
                session.add(
                    Entry(
                        team_id="T1",
                        user_id=f"U{n}",
                        kind="decision",
                        text=f"{n}.{i}",
                        fields={},
                        created_at=NOW,
                    )
                )

    workers = [in_thread(lambda n=n: (core_writer if n % 2 else orm_writer)(n)) for n in range(8)]
    for thread, _ in workers:
        thread.join(60)
    assert [failure for _, failures in workers for failure in failures] == []
    assert count(db) == 8 * 30


def test_the_lock_is_let_go_however_a_write_transaction_ends(db):
    # An error inside the transaction: rolled back.
    with pytest.raises(RuntimeError), db.write() as connection:
        add(connection)
        raise RuntimeError("something failed after the INSERT")
    # An ORM session that flushed a write and was closed without committing.
    session = Session(db.engine)
    session.add(Entry(team_id="T1", user_id="U1", kind="decision", text="x", created_at=NOW))
    session.flush()
    session.close()
    # A connection handed back to the pool in the middle of its transaction.
    connection = db.engine.connect()
    connection.begin()
    add(connection)
    connection.close()
    # Each time the next writer, in another thread, gets the lock at once.
    writer, failures = in_thread(lambda: write_once(db))
    writer.join(5)
    assert not writer.is_alive() and failures == []
    assert count(db) == 1


def test_one_thread_writing_through_two_connections_is_not_stuck_waiting_for_itself(db):
    """The same thread opening a second write transaction is left to SQLite, as before the
    lock: here (busy handler off) it is told the database is locked, instead of hanging."""
    first = db.engine.connect()
    transaction = first.begin()
    add(first)
    with pytest.raises(Exception, match="database is locked"), db.write() as second:
        add(second)
    transaction.commit()
    first.close()
    write_once(db)  # and the lock is free afterwards
    assert count(db) == 2


WRITER = """
import sys
from datetime import UTC, datetime
from storage import entries
from storage.db import Database
db = Database(sys.argv[1])
for i in range(100):
    with db.write() as connection:
        entries.add_entry(
            connection, team_id="T1", user_id=sys.argv[2], kind="decision", text=str(i),
            fields={}, program_week=None, client_key=f"cmd:{i}",
            now=datetime(2026, 11, 23, tzinfo=UTC),
        )
db.dispose()
"""


def test_writers_in_several_processes_all_get_through(database_url):
    """Each process has its own lock; between processes SQLite's lock and busy_timeout
    decide, as before."""
    sqlite_only(database_url)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, database_url, user], cwd=ROOT, env=env)
        for user in ("U1", "U2", "U3")
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0, 0]
    db = Database(database_url)
    assert count(db) == 300
    db.dispose()


def test_postgresql_engines_get_no_lock(database_url):
    if database_url.startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    db = Database(database_url)
    with db.engine.connect() as connection:
        raw = connection.connection.dbapi_connection
        assert getattr(raw, "write_lock", None) is None
    with db.write() as connection:  # and the Core path works there as ever
        add(connection)
    assert count(db) == 1
    db.dispose()


# -- checkpoints off the request path ------------------------------------------------------


def _wal_frames(db) -> tuple[int, int]:
    """(frames in the log, frames already copied back), as SQLite reports them."""
    with db.engine.connect() as connection:
        _busy, log, copied = connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
    return log, copied


def test_commits_never_checkpoint_and_the_checkpointer_catches_up(db):
    # SQLite's automatic checkpoint would run inside the commit that crosses 1,000 log
    # pages, holding the write lock; ours are off and a thread of the Database's own copies
    # the log back instead.
    for engine in (db.engine, db.write_engine):
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one() == 0
    checkpointer = db.checkpointer
    assert checkpointer is not None
    checkpointer.INTERVAL = 3600  # the test decides when the thread's checkpoint happens
    for n in range(400):  # about 3 pages per commit: well past 1,000 pages
        with db.write() as connection:
            add(connection, text=f"entry {n} " + "x" * 3000)
    assert checkpointer._thread is not None
    log_path = Path(db.url.removeprefix("sqlite:///") + "-wal")
    assert log_path.stat().st_size > 1000 * 4096  # nothing copied back during the commits
    checkpointer.checkpoint()  # what the thread does once a second
    log, copied = _wal_frames(db)
    assert log > 1000 and copied == log
    db.dispose()
    assert not checkpointer._thread.is_alive()
    assert count(db) == 400


def test_a_database_that_never_writes_starts_no_checkpoint_thread(database_url):
    sqlite_only(database_url)
    database = Database(database_url)
    assert count(database) == 0
    assert database.checkpointer is not None and database.checkpointer._thread is None
    database.dispose()


def test_a_write_connection_lost_to_an_error_is_replaced_and_nothing_half_written_stays(db):
    with pytest.raises(RuntimeError), db.write() as connection:
        add(connection, text="never committed")
        connection.invalidate()  # as SQLAlchemy does when the driver reports a lost connection
        raise RuntimeError("the connection broke")
    write_once(db)  # a fresh connection, although the pool holds only one
    with db.engine.connect() as connection:
        texts = connection.execute(select(Entry.text)).scalars().all()
    assert texts == ["x"]


def test_dispose_closes_the_write_connection_and_a_later_write_opens_another(db):
    write_once(db)
    db.dispose()
    assert db.write_engine.pool.checkedout() == 0
    write_once(db)
    assert count(db) == 2
