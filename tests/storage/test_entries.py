"""The Core write path for entries: one INSERT ... ON CONFLICT DO NOTHING RETURNING, replays
recognised per author, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from sqlalchemy import event, func, select

from storage import entries
from storage.models import Entry

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def add(connection, *, user_id="U1", text="Chose annual billing", client_key="cmd:1.2.3"):
    return entries.add_entry(
        connection,
        team_id="T1",
        user_id=user_id,
        kind="decision",
        text=text,
        fields={"decision": text},
        program_week=3,
        client_key=client_key,
        now=NOW,
    )


def stored(db) -> list[tuple[str, str, str | None]]:
    with db.engine.connect() as connection:
        rows = connection.execute(
            select(Entry.user_id, Entry.text, Entry.client_key).order_by(Entry.id)
        )
        return [tuple(row) for row in rows]


def test_a_new_entry_comes_back_as_stored(db):
    with db.write() as connection:
        entry, created = add(connection)
    assert created
    assert entry.id > 0
    assert (entry.team_id, entry.user_id, entry.kind, entry.program_week) == (
        "T1",
        "U1",
        "decision",
        3,
    )
    assert entry.created_at == NOW
    assert entry.fields == {"decision": "Chose annual billing"}
    model = entry.as_model()  # the ORM form, for code that wants one
    assert (model.id, model.text, model.post_ts) == (entry.id, entry.text, None)


def test_the_authors_replay_returns_their_first_entry_and_stores_nothing(db):
    with db.write() as connection:
        first, _ = add(connection, text="What was typed first")
    with db.write() as connection:
        again, created = add(connection, text="A retry carrying other text")
    assert not created
    assert again.id == first.id
    assert again.text == "What was typed first"
    assert again.created_at == NOW  # read back through the column types, time zone and all
    assert stored(db) == [("U1", "What was typed first", "cmd:1.2.3")]


def test_another_member_with_the_same_key_gets_an_entry_of_their_own(db):
    with db.write() as connection:
        alex, _ = add(connection, user_id="U1", text="Alex's private entry")
        sam, created = add(connection, user_id="U2", text="Sam's entry")
    assert created
    assert sam.id != alex.id
    assert sam.text == "Sam's entry"
    assert len(stored(db)) == 2


def test_entries_without_a_key_are_never_taken_for_replays(db):
    with db.write() as connection:
        results = [add(connection, client_key=None) for _ in range(3)]
    assert [created for _, created in results] == [True, True, True]
    assert len({entry.id for entry, _ in results}) == 3


def test_a_replay_leaves_the_transaction_usable(db):
    """PostgreSQL aborts a transaction on a failed INSERT; ON CONFLICT DO NOTHING is no
    failure, so what comes after the replay in the same transaction still runs."""
    with db.write() as connection:
        add(connection, client_key="cmd:a")
        _, replayed = add(connection, client_key="cmd:a")
        _, created = add(connection, client_key="cmd:b")
    assert (replayed, created) == (False, True)
    assert [key for *_, key in stored(db)] == ["cmd:a", "cmd:b"]


def test_one_insert_statement_for_a_new_entry(db):
    statements: list[str] = []
    event.listen(db.write_engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    with db.write() as connection:
        add(connection)
    [insert] = statements
    assert "ON CONFLICT" in insert and "DO NOTHING" in insert and "RETURNING" in insert


def test_a_replay_racing_the_first_request_waits_for_it_and_returns_its_entry(db):
    """The second INSERT waits for the first transaction (PostgreSQL: on the unique index;
    SQLite: on the write lock) and, once it commits, returns its row, not an error."""
    first = db.engine.connect()
    transaction = first.begin()
    mine, _ = add(first, text="first")
    result: list[tuple[entries.StoredEntry, bool]] = []

    def replay() -> None:
        with db.write() as connection:
            result.append(add(connection, text="replay"))

    racer = threading.Thread(target=replay)
    racer.start()
    racer.join(0.3)
    assert racer.is_alive()  # held up by the uncommitted first INSERT
    transaction.commit()
    first.close()
    racer.join(10)
    [(entry, created)] = result
    assert not created
    assert (entry.id, entry.text) == (mine.id, "first")


def test_a_racing_replay_stores_its_own_entry_when_the_first_one_rolls_back(db):
    first = db.engine.connect()
    transaction = first.begin()
    add(first, text="rolled back")
    result: list[tuple[entries.StoredEntry, bool]] = []

    def replay() -> None:
        with db.write() as connection:
            result.append(add(connection, text="kept"))

    racer = threading.Thread(target=replay)
    racer.start()
    racer.join(0.3)
    transaction.rollback()
    first.close()
    racer.join(10)
    [(entry, created)] = result
    assert created and entry.text == "kept"
    assert stored(db) == [("U1", "kept", "cmd:1.2.3")]


def test_eight_threads_replaying_one_request_store_it_once(db):
    barrier = threading.Barrier(8)
    results: list[tuple[int, bool]] = []
    lock = threading.Lock()

    def submit() -> None:
        barrier.wait()
        with db.write() as connection:
            entry, created = add(connection)
        with lock:
            results.append((entry.id, created))

    threads = [threading.Thread(target=submit) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(results) == 8
    assert len({entry_id for entry_id, _ in results}) == 1
    assert [created for _, created in results].count(True) == 1
    with db.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(Entry)).scalar_one() == 1
