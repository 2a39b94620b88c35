"""Insert a row that a unique constraint may say already exists, without failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

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
