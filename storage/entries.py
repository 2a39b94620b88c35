"""Queries about journal and evidence entries."""

from __future__ import annotations

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
    followup_sent_at: datetime | None = None
    revisit_sent_at: datetime | None = None

    def as_model(self) -> Entry:
        """The same row as an Entry, for code written against the ORM model (ship posts)."""
        return Entry(**{column.name: getattr(self, column.name) for column in dc_fields(self)})


_ENTRY: Table = Entry.__table__  # type: ignore[attr-defined]  # set on every table model
# The unique constraint a replay lands on (uq_entry_team_user_client_key).
_REPLAY_KEY = ("team_id", "user_id", "client_key")
# Built once, run with parameters: see storage/insert_once.py on cache keys.
_BY_REPLAY_KEY = core_select(_ENTRY).where(
    *(_ENTRY.c[name] == bindparam(name) for name in _REPLAY_KEY)
)


@cache
def _insert_entry(dialect: str) -> Insert:
    return insert_or_skip(dialect, _ENTRY, on=_REPLAY_KEY).returning(_ENTRY.c.id)


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
    insert = _insert_entry(connection.dialect.name)
    key = {"team_id": team_id, "user_id": user_id, "client_key": client_key}
    # A second round only when the entry we collided with is deleted before we read it
    # (PostgreSQL; on SQLite this transaction holds the write lock from the INSERT on).
    for _ in range(3):
        new_id = connection.execute(insert, values).scalar()
        if new_id is not None:
            return StoredEntry(id=new_id, **values), True
        found = connection.execute(_BY_REPLAY_KEY, key).mappings().first()
        if found is not None:
            return StoredEntry(**found), False
    raise LookupError(f"entry with client key {client_key!r} neither inserted nor found")


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
    session: Session, *, team_id: str, user_id: str, kind: str, since: datetime
) -> list[datetime]:
    """When a participant logged entries of `kind` since `since` (for streaks)."""
    query = select(Entry.created_at).where(
        Entry.team_id == team_id,
        Entry.user_id == user_id,
        Entry.kind == kind,
        Entry.created_at >= since,
    )
    return list(session.exec(query).all())


def get_entry(session: Session, *, team_id: str, entry_id: int) -> Entry | None:
    """One entry, only if it belongs to `team_id`."""
    return session.exec(select(Entry).where(Entry.team_id == team_id, Entry.id == entry_id)).first()


def update_entry(
    session: Session, *, team_id: str, entry_id: int, text: str, fields: dict[str, Any]
) -> Entry | None:
    """Replace an entry's text and fields; None when it isn't there."""
    entry = get_entry(session, team_id=team_id, entry_id=entry_id)
    if entry is None:
        return None
    entry.text = text
    entry.fields = dict(fields)  # a new dict, so the JSON column is seen as changed
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


def ship_followup_candidates(session: Session, *, created_before: datetime) -> list[Entry]:
    """Published ship posts older than `created_before` whose follow-up is not yet claimed."""
    query = select(Entry).where(
        Entry.kind == "ship",
        col(Entry.post_ts).is_not(None),
        col(Entry.followup_sent_at).is_(None),
        Entry.created_at <= created_before,
    )
    return list(session.exec(query.order_by(col(Entry.id))).all())


def revisit_candidates(session: Session, *, team_id: str, created_before: datetime) -> list[Entry]:
    """A team's decision entries older than `created_before` not yet asked about."""
    query = select(Entry).where(
        Entry.team_id == team_id,
        Entry.kind == "decision",
        col(Entry.revisit_sent_at).is_(None),
        Entry.created_at <= created_before,
    )
    return list(session.exec(query.order_by(col(Entry.id))).all())


_CLAIM_COLUMNS = {"followup": "followup_sent_at", "revisit": "revisit_sent_at"}


def claim(session: Session, *, entry_id: int, what: str, now: datetime) -> bool:
    """Atomically mark a follow-up as sent; True only for the one caller that set it."""
    column = getattr(Entry, _CLAIM_COLUMNS[what])
    result = session.exec(
        update(Entry)
        .where(col(Entry.id) == entry_id, col(column).is_(None))
        .values({_CLAIM_COLUMNS[what]: now})
    )
    return result.rowcount == 1


def release(session: Session, *, entry_id: int, what: str, claimed_at: datetime) -> None:
    """Undo our own claim (the send failed in a way worth retrying next tick)."""
    column = getattr(Entry, _CLAIM_COLUMNS[what])
    session.exec(
        update(Entry)
        .where(col(Entry.id) == entry_id, col(column) == claimed_at)
        .values({_CLAIM_COLUMNS[what]: None})
    )


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
