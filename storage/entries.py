"""Queries about journal and evidence entries."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import fields as dc_fields
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Insert, Table, bindparam, delete, func, update
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from storage.insert_once import insert_or_skip
from storage.models import Entry
from storage.people import Person, joined, rows_for
from storage.prepared import Prepared


@dataclass(frozen=True)
class StoredEntry:
    """An entry as it is stored, read with SQLAlchemy Core (no ORM object, no session)."""

    id: int
    team_id: str
    user_id: str
    kind: str
    text: str
    fields: dict[str, Any]
    program_week: int | None
    client_key: str | None
    created_at: datetime
    post_channel_id: str | None = None
    post_ts: str | None = None

    @classmethod
    def of(cls, entry: Entry) -> StoredEntry:
        """The stored record of an ORM entry (after an edit through a session)."""
        return cls(**{f.name: getattr(entry, f.name) for f in dc_fields(cls)})

    def as_model(self) -> Entry:
        """The same row as an Entry, for code written against the ORM model (ship posts)."""
        return Entry(**{column.name: getattr(self, column.name) for column in dc_fields(self)})


_ENTRY: Table = Entry.__table__  # type: ignore[attr-defined]  # set on every table model
# The unique constraint a replay lands on (uq_entry_team_user_client_key).
REPLAY_KEY = ("team_id", "user_id", "client_key")
# Built once, run with parameters: see storage/insert_once.py on cache keys.
_BY_REPLAY_KEY = core_select(_ENTRY).where(
    *(_ENTRY.c[name] == bindparam(name) for name in REPLAY_KEY)
)


@cache
def _insert_entry(dialect: str) -> Insert:
    return insert_or_skip(dialect, _ENTRY, on=REPLAY_KEY).returning(_ENTRY.c.id)


# The request path's INSERT, on the driver's cursor (storage/prepared.py).
_INSERT_ENTRY = Prepared(_insert_entry)


def add_entry(
    connection: Connection,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    text: str,
    fields: dict[str, Any],
    program_week: int | None,
    client_key: str | None,
    now: datetime,
) -> tuple[StoredEntry, bool]:
    """Store an entry; returns (entry, created). The author's repeated client_key returns
    their first entry with it.

    One INSERT ... ON CONFLICT DO NOTHING RETURNING id: no look-up first (repeats are rare,
    and the unique constraint finds them for free), and a repeat is read back only then.
    Another member's entry with the same key never matches: the key is per author.
    """
    values: dict[str, Any] = {
        "team_id": team_id,
        "user_id": user_id,
        "kind": kind,
        "text": text,
        "fields": fields,
        "program_week": program_week,
        "client_key": client_key,
        "created_at": now,
    }
    return store_values(connection, values)


def store_values(connection: Connection, values: Mapping[str, Any]) -> tuple[StoredEntry, bool]:
    """`add_entry` with the entry's columns given as one mapping (all but the id)."""
    return insert_or_replay(connection, values, lambda: _INSERT_ENTRY.scalar(connection, values))


_REPLAYED = Prepared(lambda _dialect: _BY_REPLAY_KEY)
_COLUMNS = tuple(column.name for column in _ENTRY.columns)


def insert_or_replay(
    connection: Connection, values: Mapping[str, Any], insert: Callable[[], int | None]
) -> tuple[StoredEntry, bool]:
    """`insert()` the entry with `values` (all its columns but the id): its new id, or None
    when the author's client_key is taken, and then the author's entry with that key is
    read back. Returns (entry, created)."""
    key = {name: values[name] for name in REPLAY_KEY}
    # A second round only when the entry we collided with is deleted before we read it
    # (PostgreSQL; on SQLite this transaction holds the write lock from the INSERT on).
    for _ in range(3):
        new_id = insert()
        if new_id is not None:
            return StoredEntry(id=new_id, **values), True
        earlier = _REPLAYED.first(connection, key)
        if earlier is not None:
            return StoredEntry(**dict(zip(_COLUMNS, earlier, strict=True))), False
    raise LookupError(f"entry with client key {values['client_key']!r} neither inserted nor found")


def list_entries(
    session: Session, *, team_id: str, user_id: str, limit: int | None = None
) -> list[Entry]:
    """A participant's entries, newest first."""
    query = (
        select(Entry)
        .where(Entry.team_id == team_id, Entry.user_id == user_id)
        .order_by(col(Entry.created_at).desc(), col(Entry.id).desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return list(session.exec(query).all())


def of_kinds_in_weeks(
    session: Session, *, team_id: str, user_id: str, kinds: Sequence[str], weeks: range
) -> list[Entry]:
    """A participant's entries of these kinds logged in these program weeks (one phase's
    evidence, for its deliverable check)."""
    if not kinds:
        return []
    query = select(Entry).where(
        Entry.team_id == team_id,
        Entry.user_id == user_id,
        col(Entry.kind).in_(list(kinds)),
        col(Entry.program_week).between(weeks.start, weeks.stop - 1),
    )
    return list(session.exec(query).all())


def count_by_kind(
    session: Session, *, team_id: str, user_id: str, weeks: range | None = None
) -> dict[str, int]:
    """How many entries of each kind a participant logged, optionally within program weeks."""
    query = (
        select(Entry.kind, func.count())
        .where(Entry.team_id == team_id, Entry.user_id == user_id)
        .group_by(Entry.kind)
    )
    if weeks is not None:
        query = query.where(col(Entry.program_week).between(weeks.start, weeks.stop - 1))
    return {kind: int(n) for kind, n in session.exec(query).all()}


def entry_times(
    session: Session, *, team_id: str, user_id: str, since: datetime, kind: str | None = None
) -> list[datetime]:
    """When a participant logged entries (of `kind`, or any) since `since` (for streaks)."""
    query = select(Entry.created_at).where(
        Entry.team_id == team_id,
        Entry.user_id == user_id,
        Entry.created_at >= since,
    )
    if kind is not None:
        query = query.where(Entry.kind == kind)
    return list(session.exec(query).all())


def get_entry(session: Session, *, team_id: str, entry_id: int) -> Entry | None:
    """One entry, only if it belongs to `team_id`."""
    return session.exec(select(Entry).where(Entry.team_id == team_id, Entry.id == entry_id)).first()


def update_entry(
    session: Session,
    *,
    team_id: str,
    entry_id: int,
    text: str,
    fields: dict[str, Any],
    kind: str | None = None,
) -> Entry | None:
    """Replace an entry's text and fields (and its kind, given one); None when it isn't
    there."""
    entry = get_entry(session, team_id=team_id, entry_id=entry_id)
    if entry is None:
        return None
    if kind is not None:
        entry.kind = kind
    entry.text = text
    entry.fields = dict(fields)  # a new dict, so the JSON column is seen as changed
    session.add(entry)
    return entry


def merge_fields(
    session: Session, *, team_id: str, entry_id: int, extra: dict[str, Any]
) -> Entry | None:
    """Add `extra` to an entry's fields (keys in it replace the stored ones)."""
    entry = get_entry(session, team_id=team_id, entry_id=entry_id)
    if entry is None:
        return None
    entry.fields = {**entry.fields, **extra}
    session.add(entry)
    return entry


def delete_entry(session: Session, *, team_id: str, entry_id: int) -> bool:
    """Delete one entry; True when a row went away."""
    result = session.exec(
        delete(Entry).where(col(Entry.team_id) == team_id, col(Entry.id) == entry_id)
    )
    return bool(result.rowcount)


def set_post(session: Session, *, team_id: str, entry_id: int, channel_id: str, ts: str) -> None:
    """Remember where a ship post was published."""
    session.exec(
        update(Entry)
        .where(col(Entry.team_id) == team_id, col(Entry.id) == entry_id)
        .values(post_channel_id=channel_id, post_ts=ts)
    )


def get_entries(session: Session, *, team_id: str, entry_ids: list[int]) -> dict[int, Entry]:
    """These entries of one workspace, by id."""
    if not entry_ids:
        return {}
    query = select(Entry).where(Entry.team_id == team_id, col(Entry.id).in_(entry_ids))
    return {e.id: e for e in session.exec(query).all() if e.id is not None}


def team_counts_by_kind(
    session: Session, *, team_id: str, since: datetime, until: datetime
) -> dict[str, int]:
    """How many entries of each kind a workspace logged in [since, until) (counts only)."""
    query = (
        select(Entry.kind, func.count())
        .where(Entry.team_id == team_id, Entry.created_at >= since, Entry.created_at < until)
        .group_by(Entry.kind)
    )
    return {kind: int(n) for kind, n in session.exec(query).all()}


def team_ship_posts(
    session: Session, *, team_id: str, since: datetime, until: datetime
) -> list[Entry]:
    """A workspace's published ship posts created in [since, until), oldest first."""
    query = select(Entry).where(
        Entry.team_id == team_id,
        Entry.kind == "ship",
        col(Entry.post_ts).is_not(None),
        Entry.created_at >= since,
        Entry.created_at < until,
    )
    return list(session.exec(query.order_by(col(Entry.created_at))).all())


def team_journal_days(
    session: Session, *, team_id: str, since: datetime, until: datetime
) -> dict[str, int]:
    """For each author in a workspace: on how many (UTC) days of [since, until) they journaled."""
    query = (
        select(Entry.user_id, func.count(func.distinct(func.date(Entry.created_at))))
        .where(
            Entry.team_id == team_id,
            Entry.kind == "decision",
            Entry.created_at >= since,
            Entry.created_at < until,
        )
        .group_by(Entry.user_id)
    )
    return {user: int(days) for user, days in session.exec(query).all()}


def _counts_sql(people_join: str, dialect: str) -> str:
    # Without statistics SQLite would pick the covering (team, created, ...) index and read
    # every entry of the workspace once for each person.
    by_person = " INDEXED BY ix_entry_team_user_created" if dialect == "sqlite" else ""
    return (
        "SELECT e.team_id, e.user_id, e.kind, e.program_week, count(*) FROM " + people_join
        + joined(str(Entry.__tablename__), "e", by_person)
        + " WHERE e.program_week IS NOT NULL"
        " GROUP BY e.team_id, e.user_id, e.kind, e.program_week"
    )  # fmt: skip


def counts_by_kind_and_week(
    session: Session, people: Iterable[Person]
) -> dict[Person, dict[tuple[str, int], int]]:
    """For each of these (team, user) people: how many entries of each kind in each program
    week (people with none are left out)."""
    found: dict[Person, dict[tuple[str, int], int]] = {}
    for team, user, kind, week, n in rows_for(session, _counts_sql, people):
        found.setdefault((team, user), {})[(kind, int(week))] = int(n)
    return found
