"""The UTC column type: aware datetimes in, naive UTC stored, aware UTC back, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert, select, text

from storage.db import Database
from storage.types import UTCDateTime

metadata = MetaData()
STAMPS = Table(
    "utc_stamps", metadata, Column("id", Integer, primary_key=True), Column("at", UTCDateTime)
)
CHATHAM = timezone(timedelta(hours=12, minutes=45))


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    metadata.create_all(database.engine)
    yield database
    metadata.drop_all(database.engine)
    database.dispose()


@pytest.mark.parametrize(
    "given",
    [
        datetime(2026, 11, 25, 10, 16, 0, 123456, tzinfo=UTC),
        datetime(2026, 3, 29, 1, 30, tzinfo=CHATHAM),  # +12:45, the day before in UTC
        datetime(2026, 12, 31, 23, 59, 59, 999999, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_an_aware_datetime_is_stored_as_naive_utc_and_read_back_aware(db, given):
    with db.engine.begin() as connection:
        connection.execute(insert(STAMPS).values(id=1, at=given))
        stored = connection.execute(text("SELECT CAST(at AS TEXT) FROM utc_stamps")).scalar()
        read = connection.execute(select(STAMPS.c.at)).scalar()
    utc = given.astimezone(UTC)
    # Stored without a zone, in UTC: the same text whichever zone it was given in.
    assert datetime.fromisoformat(stored) == utc.replace(tzinfo=None), stored
    assert read == given and read.tzinfo is UTC
    assert (read.year, read.hour, read.microsecond) == (utc.year, utc.hour, utc.microsecond)


def test_a_naive_datetime_is_refused(db):
    with pytest.raises(Exception, match="naive datetime"), db.engine.begin() as connection:
        connection.execute(insert(STAMPS).values(id=1, at=datetime(2026, 11, 25, 10, 16)))


def test_none_stays_none(db):
    with db.engine.begin() as connection:
        connection.execute(insert(STAMPS).values(id=1, at=None))
        assert connection.execute(select(STAMPS.c.at)).scalar() is None
