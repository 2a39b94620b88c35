"""Queries about journal and evidence entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

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
    """Store an entry; returns (entry, created). A repeated client_key returns the first one."""
    if client_key is not None:
        existing = _by_client_key(session, team_id=team_id, client_key=client_key)
        if existing is not None:
            return existing, False
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
    try:
        with session.begin_nested():
            session.add(entry)
    except IntegrityError:  # the same request raced itself (retry or double submit)
        assert client_key is not None
        found = _by_client_key(session, team_id=team_id, client_key=client_key)
        assert found is not None
        return found, False
    return entry, True


def _by_client_key(session: Session, *, team_id: str, client_key: str) -> Entry | None:
    return session.exec(
        select(Entry).where(Entry.team_id == team_id, Entry.client_key == client_key)
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
