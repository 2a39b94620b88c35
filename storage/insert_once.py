"""Insert a row that a unique constraint may say already exists, without failing."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

from sqlalchemy import Insert, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel

Row = TypeVar("Row", bound=SQLModel)


def insert_once(session: Session, row: Row, find: Callable[[], Row | None]) -> tuple[Row, bool]:
    """Add `row`; when a concurrent writer (a retry, a double click, another instance) got
    there first, return the row `find` sees instead. Returns (row, created)."""
    try:
        with session.begin_nested():  # a savepoint: the losing INSERT leaves the session usable
            session.add(row)
    except IntegrityError:
        found = find()
        if found is None:  # the conflict was with something else: not ours to hide
            raise
        return found, False
    return row, True


@cache
def insert_or_skip(dialect: str, table: Table, *, on: tuple[str, ...]) -> Insert:
    """`INSERT ... ON CONFLICT (on) DO NOTHING` into `table` for `dialect` ("sqlite" or
    "postgresql"), values given at execute time.

    One statement instead of a savepoint and a caught IntegrityError: the unique constraint
    over `on` decides, and a row that is already there costs no error and no rollback.
    Only a conflict on `on` is skipped; any other constraint still raises. Built once per
    table: SQLAlchemy then finds its compiled form by the statement's memoised cache key
    instead of building and hashing a new statement on every request.
    """
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return dialect_insert(table).on_conflict_do_nothing(index_elements=list(on))
