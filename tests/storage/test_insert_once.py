"""Concurrent writers of the same logical row end with one row, and nobody sees an error."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from threading import Barrier

from sqlmodel import func, select

from storage import entries, participants
from storage.db import Database
from storage.models import Entry, Participant

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_racing_inserts_with_one_client_key_store_one_entry(database_url):
    db = Database(database_url)
    barrier = Barrier(8)

    def submit(_: int) -> int | None:
        barrier.wait()  # all eight commit as close together as possible
        with db.session() as session:
            entry, _created = entries.add_entry(
                session.connection(),
                team_id="T1",
                user_id="U1",
                kind="decision",
                text="same modal, submitted eight times",
                fields={},
                program_week=None,
                client_key="view:V123",
                now=NOW,
            )
            return entry.id

    with ThreadPoolExecutor(8) as pool:
        ids = set(pool.map(submit, range(8)))
    with db.session() as session:
        count = session.exec(select(func.count()).select_from(Entry)).one()
    db.dispose()
    assert count == 1
    assert len(ids) == 1


def test_racing_joins_create_one_enrollment(database_url):
    db = Database(database_url)
    barrier = Barrier(6)

    def join(_: int) -> bool:
        barrier.wait()
        with db.session() as session:
            _row, created = participants.enroll(
                session,
                team_id="T1",
                user_id="U1",
                program_id="product-engineer",
                background="backend",
                start_date=date(2026, 11, 23),
                timezone="UTC",
                now=NOW,
            )
            return created

    with ThreadPoolExecutor(6) as pool:
        created = list(pool.map(join, range(6)))
    with db.session() as session:
        count = session.exec(select(func.count()).select_from(Participant)).one()
    db.dispose()
    assert count == 1
    assert created.count(True) == 1
