"""The database engine, sessions, SQLite pragmas and migrations."""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, create_engine

from storage.writers import HeldWriters, OneWriter

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# Any constant works; it only has to be the same for every instance migrating one database.
_MIGRATION_LOCK_ID = 7_242_019


# How long a writer waits for another thread's write transaction before leaving it to
# SQLite's busy handler: as long as busy_timeout would have waited.
WRITE_LOCK_TIMEOUT = 30.0
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")
T = TypeVar("T")
R = TypeVar("R")


class SQLiteWriteLock:
    """One write transaction at a time among one database's connections in this process.

    SQLite admits one writer per database; threads that collide wait in its busy handler,
    which sleeps in steps (1, 2, 5, 10 ... 100 ms) and so answers late even when the lock
    came free at once. Waiting here instead wakes the next writer the moment the previous
    one commits. Other processes still meet at SQLite's own lock and its busy_timeout.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._owner: int | None = None

    def acquire(self) -> bool:
        """Wait for the lock; False when not taken (see below): SQLite decides then."""
        me = threading.get_ident()
        # A thread writing through a second connection while its first one holds the lock
        # would wait for itself forever here; SQLite's busy handler times it out as before.
        # (Read without the lock: only the owner ever sets it to its own id.)
        if self._owner == me:
            return False
        if not self._lock.acquire(timeout=WRITE_LOCK_TIMEOUT):
            logger.warning("SQLite write lock not free after %.0f s", WRITE_LOCK_TIMEOUT)
            return False
        self._owner = me
        return True

    def release(self) -> None:
        """Let the next writer in."""
        self._owner = None
        self._lock.release()


class WalCheckpointer:
    """Copies SQLite's write-ahead log back into the database file from a thread of its own.

    SQLite's automatic checkpoint runs inside the COMMIT that takes the log past 1,000 pages:
    one request in a hundred or so then copies pages and waits for two fsyncs, holding the
    write lock while every other writer queues behind it (measured here: 0.41 ms of wall time
    per commit on average with it, 0.13 ms without). With `wal_autocheckpoint=0` on our
    connections, this thread runs a PASSIVE checkpoint (it never blocks readers or writers)
    once a second after something was committed; the sqlite3 module leaves the GIL while it
    runs. A process that dies leaves a longer log, which the next opener reads as usual.
    """

    INTERVAL = 1.0  # seconds between checkpoints while writes keep coming

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._dirty = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()

    def note_commit(self) -> None:
        """A write transaction committed: checkpoint within INTERVAL (starts the thread the
        first time, so a Database that never writes never has one)."""
        self._dirty = True
        if self._thread is None:
            with self._start:
                if self._thread is None and not self._stop.is_set():
                    self._thread = threading.Thread(
                        target=self._run, name="sqlite-checkpoint", daemon=True
                    )
                    self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.INTERVAL):
            if self._dirty:
                self._dirty = False
                self.checkpoint()

    def checkpoint(self) -> None:
        """One PASSIVE checkpoint now; a failure is logged and retried next time."""
        try:
            with self._engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
        except Exception as error:  # the next interval tries again; writes are unaffected
            logger.warning("SQLite checkpoint failed: %s", error)
            self._dirty = True

    def stop(self) -> None:
        """Stop the thread, after a last checkpoint if anything is left in the log."""
        self._stop.set()
        thread = self._thread
        if thread is not None:
            thread.join(timeout=10)
            if self._dirty:
                self._dirty = False
                self.checkpoint()


class _SerialisedCursor(sqlite3.Cursor):
    """Takes its connection's write lock before the first write of a transaction."""

    connection: _SerialisedConnection

    def execute(self, sql: str, parameters: Any = (), /) -> _SerialisedCursor:
        self.connection.before(sql)
        return super().execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> _SerialisedCursor:
        self.connection.before(sql)
        return super().executemany(sql, parameters)


class _SerialisedConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions hold its database's SQLiteWriteLock, from
    the first INSERT, UPDATE or DELETE (where the sqlite3 module begins the transaction)
    until its COMMIT or ROLLBACK has finished, so the next writer never finds SQLite busy.
    Reads take no lock: in WAL mode they run beside the writer."""

    write_lock: SQLiteWriteLock | None = None  # set when the engine opens the connection
    checkpointer: WalCheckpointer | None = None  # likewise, when the Database runs one
    _holding = False

    def cursor(self, factory: Any = _SerialisedCursor) -> Any:
        return super().cursor(factory)

    def before(self, sql: str) -> None:
        if self._holding or self.write_lock is None:
            return
        if sql.lstrip()[:7].upper().startswith(_WRITES):
            self._holding = self.write_lock.acquire()

    def commit(self) -> None:
        wrote = self._holding
        try:
            super().commit()
        finally:
            self._release()
        if wrote and self.checkpointer is not None:
            self.checkpointer.note_commit()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._release()

    def _release(self) -> None:
        if self._holding and self.write_lock is not None:
            self._holding = False
            self.write_lock.release()


def make_engine(
    url: str,
    *,
    write_lock: SQLiteWriteLock | None = None,
    checkpointer: Callable[[], WalCheckpointer | None] | None = None,
    pool_size: int = 10,
    max_overflow: int = 20,
) -> Engine:
    """Create an engine for `url` (sqlite:/// or postgresql+psycopg://) with our settings.

    SQLite engines serialise their write transactions on `write_lock` (a new one unless
    given: engines on one database in one process must share it). PostgreSQL has row
    locks and needs none. `checkpointer` (SQLite) returns the WalCheckpointer that takes
    over from SQLite's automatic checkpoints, when there is one.
    """
    if url.startswith("sqlite"):
        # A pool of connections reused across listener threads (one thread at a time per
        # connection): opening a connection and setting the pragmas per request cost more
        # than the request's own queries. Last in, first out: a connection back from a
        # request is the next one handed out, so at low concurrency the same few
        # connections serve everything, with their page caches warm.
        engine = create_engine(
            url,
            connect_args={
                "check_same_thread": False,
                "timeout": 30,
                "factory": _SerialisedConnection,
            },
            pool_size=pool_size,
            max_overflow=max_overflow,
            pool_use_lifo=True,
            hide_parameters=True,
        )
        lock = write_lock or SQLiteWriteLock()

        def on_connect(dbapi_connection: Any, record: Any) -> None:
            _sqlite_pragmas(dbapi_connection, record)
            dbapi_connection.write_lock = lock
            found = checkpointer() if checkpointer is not None else None
            if found is not None:
                dbapi_connection.execute("PRAGMA wal_autocheckpoint=0")
                dbapi_connection.checkpointer = found

        event.listen(engine, "connect", on_connect)
        return engine
    # hide_parameters: a failed statement's error (which gets logged) must not carry its
    # values: journal text, bot tokens in the installation tables.
    return create_engine(
        url,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        hide_parameters=True,
    )


def _is_file(url: str) -> bool:
    """Whether a sqlite URL names a file (an in-memory database has no log to checkpoint)."""
    path = url.partition(":///")[2].partition("?")[0]
    return bool(path) and path != ":memory:" and "mode=memory" not in url


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers run beside the writer; busy_timeout waits for a lock instead of
    # failing at once when another thread or process writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to a connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest migration; safe when several instances start at once."""
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Serialise concurrent start-ups: the second instance waits, then finds no work.
            connection.execute(
                text("SELECT pg_advisory_xact_lock(:id)"), {"id": _MIGRATION_LOCK_ID}
            )
        command.upgrade(alembic_config(connection), "head")
    logger.info("database schema is up to date")


class Database:
    """Owns the engines and hands out sessions and write transactions."""

    def __init__(self, url: str) -> None:
        self.url = url
        lock = SQLiteWriteLock()  # one per database, for both engines below (SQLite only)
        self.checkpointer: WalCheckpointer | None = None  # set below for a SQLite file
        self.engine = make_engine(url, write_lock=lock, checkpointer=lambda: self.checkpointer)
        # The engine behind write(). On SQLite, one connection of its own: SQLite empties a
        # connection's page cache whenever another connection has written since its last
        # transaction, so short writes spread over the pool re-read their index pages
        # every time (10 threads logging at once: 0.90 ms per entry, 0.62 ms through one
        # connection). Writes are one at a time on SQLite anyway (the write lock, shared
        # with the main engine), so one connection costs them no concurrency.
        self.write_engine = self.engine
        if url.startswith("sqlite"):
            self.write_engine = make_engine(
                url,
                write_lock=lock,
                checkpointer=lambda: self.checkpointer,
                pool_size=1,
                max_overflow=0,
            )
            if _is_file(url):
                self.checkpointer = WalCheckpointer(self.engine)
        # Connections held between writes, not checked out of the pool for each one
        # (storage/writers.py). bench.latency at 10 clients, back to back: SQLite 1.15 ->
        # 1.07 ms of server CPU per request, PostgreSQL 1.58-1.62 -> 1.43-1.45 ms.
        self._writers: OneWriter | HeldWriters = (
            OneWriter(self.write_engine, wait_seconds=WRITE_LOCK_TIMEOUT)
            if url.startswith("sqlite")
            else HeldWriters(self.write_engine)
        )

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A Core transaction for a short write (a few statements, no ORM session or
        objects) that commits on success and rolls back on error: the hot request path.
        On SQLite, callers take turns on one connection, so nothing slow belongs here."""
        with self._writers.transaction() as connection:
            yield connection

    def run_write(self, work: Callable[[Connection], T]) -> T:
        """`work` in a `write()` transaction, run once more on a fresh connection when the
        first attempt lost its connection before committing (a held connection the server
        dropped): nothing of that attempt was kept. A failure at the commit itself is not
        retried, since the commit may have reached the server."""
        for attempt in (1, 2):
            reached_commit = False
            try:
                with self.write() as connection:
                    result = work(connection)
                    reached_commit = True
                return result
            except DBAPIError as error:
                if reached_commit or attempt == 2 or not error.connection_invalidated:
                    raise
                logger.warning("a write lost its database connection; trying it again")
        raise AssertionError("unreachable: the second attempt returns or raises")

    def run_statements(
        self, read: Callable[[Connection], R], write: Callable[[Connection, R], T]
    ) -> T:
        """PostgreSQL: `read`, then `write`, on a held connection in autocommit, so each
        statement commits by itself: for a write that is one statement, atomic on its own,
        and a read before it that locks nothing (storage/entry_writes.py). `read` is run once
        more on a fresh connection when it lost its connection; `write` never is, since its
        statement may have committed."""
        if not isinstance(self._writers, HeldWriters):
            raise TypeError("statements in autocommit are for PostgreSQL's held connections")
        for attempt in (1, 2):
            with self._writers.statements() as connection:
                try:
                    got = read(connection)
                except DBAPIError as error:
                    if attempt == 2 or not error.connection_invalidated:
                        raise
                    logger.warning("a read lost its database connection; trying it again")
                    continue
                return write(connection, got)
        raise AssertionError("unreachable: the second attempt returns or raises")

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits on success and rolls back on error."""
        with Session(self.engine, expire_on_commit=False) as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def migrate(self) -> None:
        """Apply migrations to this database."""
        migrate(self.engine)

    def dispose(self) -> None:
        """Close pooled connections (after the last checkpoint, on SQLite)."""
        if self.checkpointer is not None:
            self.checkpointer.stop()
        self._writers.close()
        self.engine.dispose()
        if self.write_engine is not self.engine:
            self.write_engine.dispose()
