"""Core statements rendered once per dialect and run on the driver's own cursor.

SQLAlchemy's `Connection.execute` finds a statement's compiled form in its cache, builds an
execution context, processes every parameter through it and wraps the cursor in a Result:
about 50 µs of Python per statement when everything is warm, three times that on the
request path under load (bench.latency; a logged decision is three statements). A
`Prepared` statement does that work once per dialect: the SQL text, the order of its
parameters, and the type processors SQLAlchemy itself would apply (`TypeEngine.dialect_impl`,
then its `bind_processor` / `result_processor`), so what is stored and read back is the same as
through `execute`. It runs inside the caller's transaction, on the same DBAPI connection
(on SQLite, its cursor still takes the in-process write lock, storage/db.py), and it still
fires SQLAlchemy's cursor events when something listens on the engine (tracing, our
statement counts; a listener on one Connection alone is not asked).

Only for statements with plain bound parameters: expanding or literal-execute parameters
(`IN` lists rendered at execute time) are refused when the statement is first rendered. A
parameter the statement was built with a value for (a `+ 1`) is its own constant.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.sql import Executable
from sqlalchemy.sql.compiler import SQLCompiler

_CURSOR = "prepared_statements_cursor"  # its key in a pooled connection's `info`


@dataclass(frozen=True)
class _Rendered:
    """One statement as one dialect runs it."""

    sql: str
    names: tuple[str, ...]  # the bound parameters, in the order a positional driver wants
    keys: frozenset[str]  # the values it takes (a name may be used twice in the SQL)
    constants: Mapping[str, Any]  # the statement's own values, processed already
    binds: tuple[tuple[int, Callable[[Any], Any]], ...]  # the given values to process
    results: tuple[tuple[int, Callable[[Any], Any]], ...]  # the result columns to process
    positional: bool

    def parameters(self, values: Mapping[str, Any]) -> tuple[Any, ...] | dict[str, Any]:
        if values.keys() != self.keys:  # a value left out, or one it has no place for
            raise ValueError(f"expected the values {sorted(self.keys)}, got {sorted(values)}")
        merged = {**self.constants, **values} if self.constants else values
        row = [merged[name] for name in self.names]
        for index, process in self.binds:  # most need none (ids, text, integers)
            row[index] = process(row[index])
        return tuple(row) if self.positional else dict(zip(self.names, row, strict=True))

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        if not self.results:
            return tuple(raw)
        row = list(raw)
        for index, process in self.results:  # most columns need none (ids, text, integers)
            row[index] = process(row[index])
        return tuple(row)


class Prepared:
    """A statement for the hot path: `first`, `all`, `scalar`, `run` and `many` inside a
    Core transaction. `first`, `all` and `scalar` are for statements that return rows (a
    SELECT, or a write with RETURNING); `run` and `many` for the others.

    `build(dialect_name)` returns the statement (dialect-specific ones, such as an INSERT
    ... ON CONFLICT, differ by dialect). An INSERT's columns are the keys of the first values
    it is run with, as `execute` infers them from the first parameter set; values with other
    keys later are refused, never silently left out.
    """

    def __init__(self, build: Callable[[str], Executable]) -> None:
        self._build = build
        self._rendered: dict[str, _Rendered] = {}
        self._lock = threading.Lock()

    def first(self, connection: Connection, values: Mapping[str, Any]) -> tuple[Any, ...] | None:
        """The first row (processed as SQLAlchemy would), or None."""
        rendered, raw = self._run(connection, [values], many=False, fetch="one")
        return rendered.row(raw[0]) if raw else None

    def all(self, connection: Connection, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """Every row (processed as SQLAlchemy would)."""
        rendered, raw = self._run(connection, [values], many=False, fetch="all")
        return [rendered.row(row) for row in raw]

    def run(self, connection: Connection, values: Mapping[str, Any]) -> None:
        """Run it once, for what it does (an UPDATE: no rows back)."""
        self._run(connection, [values], many=False, fetch=None)

    def many(self, connection: Connection, rows: Sequence[Mapping[str, Any]]) -> None:
        """Run the statement once per set of values, as one executemany (no rows back)."""
        if rows:
            self._run(connection, rows, many=True, fetch=None)

    def _run(
        self,
        connection: Connection,
        rows: Sequence[Mapping[str, Any]],
        *,
        many: bool,
        fetch: Literal["one", "all"] | None,
    ) -> tuple[_Rendered, Sequence[Sequence[Any]]]:
        rendered = self._for(connection.dialect, rows[0])
        parameters: Any = (
            [rendered.parameters(values) for values in rows]
            if many
            else rendered.parameters(rows[0])
        )
        dialect = connection.dialect
        proxied = connection.connection
        driver = proxied.driver_connection
        assert driver is not None  # a Connection in a transaction holds its DBAPI connection
        # psycopg builds a cursor's adapters and state anew for each one, so on PostgreSQL
        # the DBAPI connection keeps one for these statements (in the pool's per-connection
        # `info`, which is cleared when the connection is replaced). A sqlite3 cursor costs
        # next to nothing, and one left open can keep its statement, and a read, open.
        reuse = dialect.name == "postgresql"
        cursor = proxied.info.get(_CURSOR) if reuse else None
        if cursor is None:
            cursor = driver.cursor()
            if reuse:
                proxied.info[_CURSOR] = cursor
        # Listeners are looked for on the engine (where tracing and tests attach them, and
        # where class-wide ones land): a Connection's own dispatcher is built anew for each
        # connection, and asking it cost more than the statement's parameters.
        listening = connection.engine.dispatch
        raw: Sequence[Sequence[Any]] = []
        try:
            if listening.before_cursor_execute:
                connection.dispatch.before_cursor_execute(
                    connection, cursor, rendered.sql, parameters, None, many
                )
            if many:
                cursor.executemany(rendered.sql, parameters)
            else:
                cursor.execute(rendered.sql, parameters)
            if listening.after_cursor_execute:
                connection.dispatch.after_cursor_execute(
                    connection, cursor, rendered.sql, parameters, None, many
                )
            # No look at cursor.description first: psycopg builds it anew on each reading.
            # A statement asked for rows returns them (a SELECT, or a RETURNING).
            if fetch == "all":
                raw = cursor.fetchall()
            elif fetch == "one":
                one = cursor.fetchone()
                raw = [] if one is None else [one]
        except dialect.loaded_dbapi.Error as error:
            if reuse:  # a cursor that failed is not handed to the next statement
                proxied.info.pop(_CURSOR, None)
                reuse = False  # so `finally` closes it
            # A connection the server dropped is invalidated, as `execute` does, so that
            # whoever holds it replaces it (storage/writers.py) rather than reusing it.
            lost = dialect.is_disconnect(error, driver, cursor)
            if lost:
                connection.invalidate(error)
            # The same exception `execute` raises, without the parameters (journal text).
            raise DBAPIError.instance(
                rendered.sql,
                None,
                error,
                dialect.loaded_dbapi.Error,
                hide_parameters=True,
                connection_invalidated=lost,
                dialect=dialect,
            ) from error
        finally:
            if not reuse:
                cursor.close()
        return rendered, raw

    def scalar(self, connection: Connection, values: Mapping[str, Any]) -> Any:
        """The first column of the first row, or None."""
        row = self.first(connection, values)
        return None if row is None else row[0]

    def _for(self, dialect: Dialect, values: Mapping[str, Any]) -> _Rendered:
        rendered = self._rendered.get(dialect.name)
        if rendered is None:
            with self._lock:
                rendered = self._rendered.get(dialect.name)
                if rendered is None:
                    rendered = self._render(dialect, list(values))
                    self._rendered[dialect.name] = rendered
        return rendered

    def _render(self, dialect: Dialect, keys: list[str]) -> _Rendered:
        statement: Any = self._build(dialect.name)
        compiled = statement.compile(dialect=dialect, column_keys=keys)
        assert isinstance(compiled, SQLCompiler)
        if compiled.literal_execute_params or compiled.post_compile_params:
            raise ValueError("a Prepared statement takes plain bound parameters only")
        if compiled.escaped_bind_names:
            raise ValueError("a Prepared statement's parameter names must need no escaping")
        order = compiled.positiontup
        names = tuple(order) if dialect.positional and order is not None else tuple(compiled.binds)
        processes = [
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect)
            for name in names
        ]
        # A parameter built with its value (not `bindparam(name)` alone) is the statement's
        # own: `build` sees nothing but the dialect's name, so such a value is a constant,
        # processed here once.
        constants = {}
        for name, process in zip(names, processes, strict=True):
            if not compiled.binds[name].required:
                value = compiled.binds[name].effective_value
                constants[name] = value if process is None else process(value)
        binds = tuple(
            (index, process)
            for index, (name, process) in enumerate(zip(names, processes, strict=True))
            if process is not None and name not in constants
        )
        # An INSERT's RETURNING includes what the compiler adds by itself (PostgreSQL's
        # primary key, "implicit returning"); a SELECT returns its columns.
        returned = compiled.effective_returning
        columns = statement.exported_columns if returned is None else returned
        processors = (
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        )
        results = tuple(
            (index, process) for index, process in enumerate(processors) if process is not None
        )
        return _Rendered(
            compiled.string,
            names,
            frozenset(names) - constants.keys(),
            constants,
            binds,
            results,
            dialect.positional,
        )
