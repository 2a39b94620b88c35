"""Queries about journal and evidence entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from storage.insert_once import insert_once
from storage.models import Entry


def add_entry(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    kind: str,
    text: str,
    fields: dict[str, Any],
    program_week: int | None,
    client_key: str | None,
    now: datetime,
) -> tuple[Entry, bool]:
    """Store an entry; returns (entry, created). The author's repeated client_key returns
    their first entry with it.

    No look-up first: repeats are rare, and the unique constraint finds them for free.
    """
    entry = Entry(
        team_id=team_id,
        user_id=user_id,
        kind=kind,
        text=text,
        fields=fields,
        program_week=program_week,
        client_key=client_key,
        created_at=now,
    )
    # A retry or double submit of the same request lands on the unique
    # (team, user, client_key): only the author's own earlier entry can come back.
    return insert_once(
        session,
        entry,
        lambda: (
            _by_client_key(session, team_id=team_id, user_id=user_id, client_key=client_key)
            if client_key is not None
            else None
        ),
    )


def _by_client_key(
    session: Session, *, team_id: str, user_id: str, client_key: str
) -> Entry | None:
    return session.exec(
        select(Entry).where(
            Entry.team_id == team_id, Entry.user_id == user_id, Entry.client_key == client_key
        )
    ).first()


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


def counts_by_kind_and_week(
    session: Session, *, team_id: str, user_ids: list[str]
) -> dict[str, dict[tuple[str, int], int]]:
    """For each of these people: how many entries of each kind in each program week."""
    found: dict[str, dict[tuple[str, int], int]] = {}
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        rows = session.execute(
            sa_select(col(Entry.user_id), col(Entry.kind), col(Entry.program_week), func.count())
            .where(
                col(Entry.team_id) == team_id,
                col(Entry.user_id).in_(chunk),
                col(Entry.program_week).is_not(None),
            )
            .group_by(col(Entry.user_id), col(Entry.kind), col(Entry.program_week))
        )
        for user, kind, week, n in rows:
            found.setdefault(user, {})[(kind, int(week))] = int(n)
    return found
