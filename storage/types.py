"""Column types that behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and hands them back aware.

    SQLite drops time zones; storing naive UTC everywhere keeps comparisons and
    ordering identical on both databases.

    The zone is taken off and put back with `datetime.combine`, not `datetime.replace`:
    on Python 3.11 `replace` costs several times as much, and every datetime read or
    written goes through here (a prompt-hour claim of 500 items reads 1,000).
    """

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Convert an aware datetime to naive UTC before it reaches the database."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        utc = value.astimezone(UTC)
        return datetime.combine(utc.date(), utc.time())  # time() carries no zone

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        """Attach UTC to what the database returns."""
        if value is None:
            return None
        return datetime.combine(value.date(), value.time(), UTC)


def stored_form(column: Any, dialect: Dialect) -> Callable[[Any], Any]:
    """What `column`'s own type makes of a value on `dialect` (a UTCDateTime: naive UTC, a
    string on SQLite), for values SQLAlchemy does not process itself: the elements of an array
    or of a JSON document bound to a text statement."""
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else _as_is


def _as_is(value: Any) -> Any:
    return value
