"""Connections held between short write transactions, for `Database.write()`.

Checking a connection out of SQLAlchemy's pool and building a `Connection` around it cost
more Python than the statements of a logged entry; on PostgreSQL the pool's pre-ping adds
a round trip as well. So the connections behind `write()` stay checked out between writes:
- SQLite (`OneWriter`): one connection, callers taking turns on it (writes are one at a
  time on SQLite anyway), so its page cache also stays warm;
- PostgreSQL (`HeldWriters`): a stack of them, as many as writes run at once, the most
  recently used taken first. One idle for longer than `IDLE_SECONDS` is handed back to the
  pool, whose pre-ping checks it before anyone uses it again.
A held connection the server dropped (a restart) fails at its next statement and is then
replaced; `Database.run_write` runs such a write again on the fresh one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError


@contextmanager
def _transaction(connection: Connection) -> Iterator[None]:
    """`connection.begin()`, and after a failure whatever the driver still holds rolled back:
    a COMMIT that failed can leave the transaction open (SQLite's does when the database is
    busy), and the next write's COMMIT would then keep what this one was told was lost. The
    pool does the same when a connection comes back to it; a held one never comes back."""
    try:
        with connection.begin():
            yield
    except BaseException:
        if not connection.invalidated:
            try:
                connection.connection.dbapi_connection.rollback()  # type: ignore[union-attr]
            except Exception:  # it is unusable then: a new one replaces it
                connection.invalidate()
        raise


class OneWriter:
    """One connection for every write, each caller waiting its turn (SQLite)."""

    def __init__(self, engine: Engine, *, wait_seconds: float) -> None:
        self._engine = engine
        self._wait_seconds = wait_seconds
        self._turn = threading.Lock()
        self._connection: Connection | None = None

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction on the one connection: committed on success, rolled back on error."""
        if not self._turn.acquire(timeout=self._wait_seconds):
            raise SQLAlchemyTimeoutError(
                f"the SQLite write connection was not free after {self._wait_seconds:.0f} s"
            )
        try:
            connection = self._connection
            if connection is None or connection.invalidated:  # first use, or lost to an error
                if connection is not None:
                    connection.close()  # hands its pool slot back (the pool holds one)
                connection = self._connection = self._engine.connect()
            with _transaction(connection):
                yield connection
        finally:
            self._turn.release()

    def close(self) -> None:
        """Close the connection; the next write opens another."""
        with self._turn:
            if self._connection is not None:
                self._connection.close()
                self._connection = None


class HeldWriters:
    """Connections kept out of the pool between writes, one per write running at once."""

    IDLE_SECONDS = 10.0  # held longer unused: back to the pool, whose pre-ping checks it
    MOST_HELD = 16  # a burst beyond this many writes at once gives the extra ones back

    def __init__(self, engine: Engine, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._clock = clock
        self._lock = threading.Lock()
        self._idle: list[tuple[Connection, float]] = []  # (connection, when given back)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A transaction on a held connection: committed on success, rolled back on error."""
        connection = self._take()
        try:
            with _transaction(connection):
                yield connection
        finally:
            self._give_back(connection)

    @contextmanager
    def statements(self) -> Iterator[Connection]:
        """A held connection in autocommit: each statement is a transaction of its own, with
        no BEGIN and COMMIT round trips (storage/entry_writes.py)."""
        connection = self._take()
        try:
            driver: Any = connection.connection.driver_connection
            try:
                driver.autocommit = True
            except Exception:  # psycopg refuses on a connection it knows is broken
                connection.invalidate()
                connection.close()
                connection = self._engine.connect()
                driver = connection.connection.driver_connection
                driver.autocommit = True
            try:
                yield connection
            finally:
                if not connection.invalidated:
                    try:
                        driver.autocommit = False
                    except Exception:  # it is unusable then: a new one replaces it
                        connection.invalidate()
        finally:
            self._give_back(connection)

    def _take(self) -> Connection:
        now = self._clock()
        with self._lock:
            if self._idle and now - self._idle[-1][1] <= self.IDLE_SECONDS:
                return self._idle.pop()[0]
            # The newest is too old, so are all below it.
            stale, self._idle = self._idle, []
        for connection, _ in stale:
            connection.close()
        return self._engine.connect()

    def _give_back(self, connection: Connection) -> None:
        if not connection.invalidated:
            with self._lock:
                if len(self._idle) < self.MOST_HELD:
                    self._idle.append((connection, self._clock()))
                    return
        connection.close()

    def close(self) -> None:
        """Hand every idle connection back to the pool (those in use come back later)."""
        with self._lock:
            idle, self._idle = self._idle, []
        for connection, _ in idle:
            connection.close()
