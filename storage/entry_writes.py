"""The request path's write of one entry (a `/transition log`), done the cheapest way each
database allows.

The write is a read (the member's enrolment and the workspace's settings), the entry's
INSERT and, for a decision, its revisit in the queue.
- SQLite: one transaction on the one write connection. A commit there is a call into the
  library, cheap in CPU.
- PostgreSQL: every round trip to the server costs the request about 40 µs of Python (the
  driver's send, wait and parse) and hands the GIL over, and a transaction adds two, BEGIN
  and COMMIT, to the statements' own. So the read runs by itself (autocommit) and draws
  the entry's id from its sequence, so that the revisit can be planned before the entry
  exists; then the entry and its revisit are one statement (a data-modifying CTE), atomic
  on its own. Two round trips instead of five (bench.latency at 10 clients: see README).
  A workspace seen for the first time takes the transaction, which also gives it its row.

What is written is the same either way; only the number of round trips differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, Table, bindparam, cast, exists, literal_column
from sqlalchemy import select as core_select
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Connection

from storage import due_items, entries, participants
from storage.db import Database
from storage.due_items import Planned
from storage.entries import StoredEntry
from storage.models import DueItem, Entry
from storage.participants import EnrolmentInWorkspace
from storage.prepared import Prepared


@dataclass(frozen=True)
class EntryDraft:
    """What the member typed and where it is filed: everything of an entry but its keys."""

    kind: str
    text: str
    fields: dict[str, Any]
    program_week: int | None
    client_key: str | None


class Logged(NamedTuple):
    """The stored entry (the author's earlier one for a replay), whether it is new, and the
    enrolment it was filed by."""

    stored: StoredEntry
    created: bool
    found: EnrolmentInWorkspace


# The service's rules, handed in: how the enrolment files the entry, and the revisit a new
# entry gets (None for most kinds). Storage decides only how it is written.
Drafting = Callable[[EnrolmentInWorkspace], EntryDraft]
Revisiting = Callable[[StoredEntry, EnrolmentInWorkspace], Planned | None]


def log_entry(
    db: Database,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    draft: Drafting,
    revisit: Revisiting,
) -> Logged:
    """Store an entry with its revisit, if it gets one; a repeated client_key returns the
    author's first entry with it (created False) and plans nothing."""
    if db.engine.dialect.name == "postgresql":
        logged = db.run_statements(
            lambda connection: _READ_WITH_NEXT_ID.first(
                connection, {"team_id": team_id, "user_id": user_id}
            ),
            lambda connection, row: _write_on_postgresql(
                connection,
                row,
                team_id=team_id,
                user_id=user_id,
                now=now,
                draft=draft,
                revisit=revisit,
            ),
        )
        if logged is not None:
            return logged
    # SQLite, and a workspace PostgreSQL has no row for yet.

    def in_one_transaction(connection: Connection) -> Logged:
        found = participants.get_enrolment_noting_workspace(
            connection, team_id=team_id, user_id=user_id, now=now
        )
        values = _columns(draft(found), team_id=team_id, user_id=user_id, now=now)
        stored, created = entries.store_values(connection, values)
        item = revisit(stored, found) if created else None
        if item is not None:
            due_items.plan(connection, [item], now=now)
        return Logged(stored, created, found)

    return db.run_write(in_one_transaction)


def _write_on_postgresql(
    connection: Connection,
    row: tuple[Any, ...] | None,
    *,
    team_id: str,
    user_id: str,
    now: datetime,
    draft: Drafting,
    revisit: Revisiting,
) -> Logged | None:
    if row is None:  # the workspace has no row yet: the transaction path gives it one
        return None
    found, next_id = participants.in_workspace(row), row[5]
    values = _columns(draft(found), team_id=team_id, user_id=user_id, now=now)
    # The revisit is planned with the id the entry is about to get, in the same statement.
    item = revisit(StoredEntry(id=next_id, **values), found)
    given = {"id": next_id, **values}
    if item is not None:
        given.update(
            {f"due_{name}": value for name, value in due_items.row_of(item, now=now).items()}
        )
    statement = _INSERT_ENTRY if item is None else _INSERT_ENTRY_AND_REVISIT
    stored, created = entries.insert_or_replay(
        connection, values, lambda: statement.scalar(connection, given)
    )
    return Logged(stored, created, found)


def _columns(draft: EntryDraft, *, team_id: str, user_id: str, now: datetime) -> dict[str, Any]:
    return {
        "team_id": team_id,
        "user_id": user_id,
        "kind": draft.kind,
        "text": draft.text,
        "fields": draft.fields,
        "program_week": draft.program_week,
        "client_key": draft.client_key,
        "created_at": now,
    }


_ENTRY: Table = Entry.__table__  # type: ignore[attr-defined]  # set on every table model
_DUE: Table = DueItem.__table__  # type: ignore[attr-defined]
_ENTRY_COLUMNS = (
    "id",
    "team_id",
    "user_id",
    "kind",
    "text",
    "fields",
    "program_week",
    "client_key",
    "created_at",
)

# The enrolment read, with the id the entry will have (a number drawn and not used, by a
# replay, is a gap in the ids and nothing else).
_READ_WITH_NEXT_ID = Prepared(
    lambda _dialect: participants.ENROLMENT_IN_WORKSPACE.add_columns(
        literal_column("nextval(pg_get_serial_sequence('entry', 'id'))")
    )
)


def _stored_entry() -> Any:
    return (
        postgresql.insert(_ENTRY)
        .values({name: bindparam(name) for name in _ENTRY_COLUMNS})
        .on_conflict_do_nothing(index_elements=list(entries.REPLAY_KEY))
        .returning(_ENTRY.c.id)
    )


def _entry_and_revisit() -> Select[Any]:
    """WITH stored AS (INSERT INTO entry ... RETURNING id), planned AS (INSERT INTO
    due_item SELECT ... WHERE EXISTS (SELECT FROM stored)) SELECT id FROM stored: the revisit
    only when the entry was new. The queue's values are cast to their columns' types, since
    a bare parameter in a SELECT list would reach PostgreSQL as text."""
    stored = _stored_entry().cte("stored")
    names = list(due_items.ROW_COLUMNS)
    planned = (
        postgresql.insert(_DUE)
        .from_select(
            names,
            core_select(
                *(
                    cast(bindparam(f"due_{name}", type_=_DUE.c[name].type), _DUE.c[name].type)
                    for name in names
                )
            ).where(exists(core_select(stored.c.id))),
        )
        .on_conflict_do_nothing(index_elements=list(due_items.KEY_COLUMNS))
        .cte("planned")
    )
    return core_select(stored.c.id).add_cte(planned)


_INSERT_ENTRY = Prepared(lambda _dialect: _stored_entry())
_INSERT_ENTRY_AND_REVISIT = Prepared(lambda _dialect: _entry_and_revisit())
