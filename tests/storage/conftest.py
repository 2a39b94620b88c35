"""Fixtures shared by the storage tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from storage.db import Database


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    """The app's Database on a fresh, migrated database (SQLite or PostgreSQL)."""
    database = Database(database_url)
    yield database
    database.dispose()
