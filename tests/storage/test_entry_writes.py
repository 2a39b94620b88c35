"""The request path's write of one entry (storage/entry_writes.py): an entry and its revisit
are stored together or not at all, a replay plans nothing more, and on PostgreSQL the write
is a read and one statement, with no transaction around them; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, OperationalError

from storage import entry_writes
from storage.db import Database
from storage.due_items import Planned
from storage.entries import StoredEntry
from storage.entry_writes import EntryDraft, Logged
from storage.models import DueItem, Entry
from storage.participants import EnrolmentInWorkspace
from tests.postgres_restart import lost_connection

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
E = Entry.__table__  # type: ignore[attr-defined]
D = DueItem.__table__  # type: ignore[attr-defined]


def log(db: Database, words: str, *, kind: str = "decision", key: str | None = None) -> Logged:
    def draft(_found: EnrolmentInWorkspace) -> EntryDraft:
        return EntryDraft(kind, words, {"why": "because"}, None, key)

    def revisit(stored: StoredEntry, _found: EnrolmentInWorkspace) -> Planned | None:
        if kind != "decision":
            return None
        due = stored.created_at + timedelta(days=7)
        return Planned(
            team_id=stored.team_id,
            user_id=stored.user_id,
            kind="revisit",
            period=f"entry-{stored.id}",
            due_at=due,
            expires_at=due + timedelta(days=1),
            payload={"entry_id": stored.id},
        )

    return entry_writes.log_entry(
        db, team_id="T1", user_id="U1", now=NOW, draft=draft, revisit=revisit
    )


def stored_rows(db: Database) -> tuple[list[tuple[int, str]], list[tuple[str, dict]]]:
    with db.engine.connect() as connection:
        kept = connection.execute(select(E.c.id, E.c.text).order_by(E.c.id)).all()
        planned = connection.execute(select(D.c.period, D.c.payload).order_by(D.c.id)).all()
    return [tuple(row) for row in kept], [tuple(row) for row in planned]


def test_a_decision_and_its_revisit_are_stored_with_the_entrys_own_id(db):
    first = log(db, "first, in a workspace seen for the first time")  # gives it its row
    second = log(db, "second, in a workspace already known")
    assert first.created and second.created
    assert first.stored.id != second.stored.id
    kept, planned = stored_rows(db)
    assert kept == [(first.stored.id, first.stored.text), (second.stored.id, second.stored.text)]
    assert planned == [
        (f"entry-{first.stored.id}", {"entry_id": first.stored.id}),
        (f"entry-{second.stored.id}", {"entry_id": second.stored.id}),
    ]
    assert second.stored.fields == {"why": "because"} and second.stored.created_at == NOW


def test_other_kinds_are_stored_with_nothing_planned(db):
    log(db, "the workspace's first", kind="evidence")
    evidence = log(db, "evidence, in a known workspace", kind="evidence")
    kept, planned = stored_rows(db)
    assert [text_ for _, text_ in kept] == ["the workspace's first", evidence.stored.text]
    assert planned == []


def test_a_repeated_key_returns_the_first_entry_and_plans_nothing_more(db):
    log(db, "the workspace's first", kind="evidence")
    original = log(db, "what Sam typed", key="cmd:1")
    again = log(db, "a retry of the same command", key="cmd:1")
    assert original.created and not again.created
    assert again.stored == original.stored
    kept, planned = stored_rows(db)
    assert [text_ for _, text_ in kept] == ["the workspace's first", "what Sam typed"]
    assert planned == [(f"entry-{original.stored.id}", {"entry_id": original.stored.id})]


def refuse_revisits(connection: Connection) -> None:
    """A trigger that fails every INSERT into the queue, as a full disk or a broken
    constraint would."""
    if connection.dialect.name == "postgresql":
        connection.execute(
            text(
                "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'queue refused'; END $$ LANGUAGE plpgsql"
            )
        )
        connection.execute(
            text("CREATE TRIGGER refuse BEFORE INSERT ON due_item EXECUTE FUNCTION refuse()")
        )
    else:
        connection.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON due_item "
                "BEGIN SELECT RAISE(ABORT, 'queue refused'); END"
            )
        )


@pytest.mark.parametrize("known_workspace", [False, True])
def test_when_the_revisit_cannot_be_stored_the_entry_is_not_kept_either(db, known_workspace):
    if known_workspace:
        log(db, "the workspace's first", kind="evidence")
    with db.engine.begin() as connection:
        refuse_revisits(connection)
    with pytest.raises(DBAPIError, match="queue refused"):
        log(db, "a decision whose revisit fails")
    kept, planned = stored_rows(db)
    assert [text_ for _, text_ in kept] == (["the workspace's first"] if known_workspace else [])
    assert planned == []
    # The connection it failed on is fit for the next write.
    assert log(db, "evidence after the failure", kind="evidence").created


def postgres_only(db: Database) -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip("SQLite writes an entry in one transaction on its one write connection")


def test_on_postgresql_an_entry_in_a_known_workspace_is_two_statements_and_no_transaction(db):
    postgres_only(db)
    log(db, "the workspace's first", kind="evidence")
    statements: list[str] = []
    transactions: list[str] = []
    event.listen(db.write_engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    event.listen(db.write_engine, "begin", lambda *_: transactions.append("begin"))
    event.listen(db.write_engine, "commit", lambda *_: transactions.append("commit"))
    logged = log(db, "a decision")
    assert logged.created
    assert len(statements) == 2
    assert statements[0].lstrip().startswith("SELECT") and "nextval" in statements[0]
    assert statements[1].lstrip().startswith("WITH")
    assert transactions == []
    # and the held connection is back to transactions for the next write
    with pytest.raises(RuntimeError), db.write() as connection:
        connection.execute(
            E.insert().values(
                team_id="T1",
                user_id="U1",
                kind="evidence",
                text="rolled back",
                fields={},
                created_at=NOW,
            )
        )
        raise RuntimeError("the write fails after its INSERT")
    kept, _ = stored_rows(db)
    assert [text_ for _, text_ in kept] == ["the workspace's first", "a decision"]


def test_on_postgresql_a_read_that_lost_its_connection_runs_again_and_a_write_never(db):
    postgres_only(db)
    reads: list[Connection] = []

    def read(connection: Connection) -> int:
        reads.append(connection)
        if len(reads) == 1:
            connection.invalidate()  # what Prepared does when the driver reports it
            raise lost_connection()
        return 7

    assert db.run_statements(read, lambda _connection, got: got * 6) == 42
    assert len(reads) == 2 and reads[0] is not reads[1]

    writes: list[int] = []

    def write(connection: Connection, got: int) -> None:
        writes.append(got)
        connection.invalidate()
        raise lost_connection()

    with pytest.raises(OperationalError):
        db.run_statements(lambda _connection: 1, write)
    assert writes == [1]  # its statement may have committed: never run twice


def test_on_sqlite_statements_in_autocommit_are_refused(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL runs them")
    with pytest.raises(TypeError):
        db.run_statements(lambda _connection: 1, lambda _connection, got: got)


def test_on_postgresql_a_held_connection_that_cannot_take_autocommit_is_replaced(db):
    """psycopg refuses autocommit on a connection it knows is broken, or one left inside a
    transaction; the entry must still be written, on a new connection."""
    postgres_only(db)
    log(db, "the workspace's first", kind="evidence")
    with db.write() as connection:
        held = connection
    driver = held.connection.driver_connection
    driver.execute("SELECT 1")  # leaves it inside a transaction
    logged = log(db, "written on a new connection")
    assert logged.created
    assert driver.closed  # replaced, not handed back to anyone
    kept, _ = stored_rows(db)
    assert [text_ for _, text_ in kept] == ["the workspace's first", "written on a new connection"]


def test_eight_threads_logging_one_request_store_it_and_its_revisit_once(db):
    log(db, "the workspace's first", kind="evidence")  # so PostgreSQL takes its two round trips
    barrier = threading.Barrier(8)
    results: list[Logged] = []
    lock = threading.Lock()

    def submit(n: int) -> None:
        barrier.wait()
        logged = log(db, f"attempt {n}", key="cmd:racing")
        with lock:
            results.append(logged)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 8
    winner = next(logged.stored for logged in results if logged.created)
    assert all(logged.stored == winner for logged in results)
    assert [logged.created for logged in results].count(True) == 1
    kept, planned = stored_rows(db)
    assert [text_ for _, text_ in kept] == ["the workspace's first", winner.text]
    assert planned == [(f"entry-{winner.id}", {"entry_id": winner.id})]
