"""Queries about workspaces and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, or_, update
from sqlalchemy import select as core_select
from sqlalchemy import select as sa_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select
from sqlmodel import select as sqlmodel_select

from storage.insert_once import insert_once, insert_or_skip
from storage.models import Workspace, WorkspaceAdmin


def ensure_workspace(session: Session, *, team_id: str, now: datetime) -> Workspace:
    """The workspace row for `team_id`, created with default settings on first sight."""
    found = session.get(Workspace, team_id)
    if found is not None:
        return found
    workspace = Workspace(team_id=team_id, created_at=now)
    row, _ = insert_once(session, workspace, lambda: session.get(Workspace, team_id))
    return row


_WORKSPACE: Table = Workspace.__table__  # type: ignore[attr-defined]  # set on table models
# Built once, run with parameters: see storage/insert_once.py on cache keys.
_KNOWN = core_select(_WORKSPACE.c.team_id).where(_WORKSPACE.c.team_id == bindparam("team_id"))


def note_workspace(connection: Connection, *, team_id: str, now: datetime) -> None:
    """Make sure `team_id` has a row: a primary-key read, and a write only when it is missing.

    Nothing is remembered in process memory (instances stay interchangeable, and a row
    whose creating transaction rolled back is simply created next time); two first
    requests from a new team at once both succeed, ON CONFLICT DO NOTHING.
    """
    if connection.execute(_KNOWN, {"team_id": team_id}).first() is None:
        insert = insert_or_skip(connection.dialect.name, _WORKSPACE, on=("team_id",))
        connection.execute(insert, {"team_id": team_id, "created_at": now})


def get_workspace(session: Session, *, team_id: str) -> Workspace | None:
    """The workspace row, or None when the bot has not seen the team yet."""
    return session.get(Workspace, team_id)


def update_settings(session: Session, *, team_id: str, now: datetime, **values: Any) -> Workspace:
    """Change some of a workspace's settings (team_channel_id, prompt_weekday, …)."""
    workspace = ensure_workspace(session, team_id=team_id, now=now)
    for key, value in values.items():
        if key not in _SETTINGS:
            raise ValueError(f"not a workspace setting: {key}")
        setattr(workspace, key, value)
    if _SCHEDULE.intersection(values):
        workspace.next_digest_at = None  # planned again at the next pass
    session.add(workspace)
    return workspace


_SETTINGS = {"team_channel_id", "prompt_weekday", "prompt_hour", "revisit_days"}
_SCHEDULE = {"team_channel_id", "prompt_weekday", "prompt_hour"}


def list_workspaces(session: Session) -> list[Workspace]:
    """Every workspace (for scheduled work that runs across teams)."""
    return list(session.exec(select(Workspace).order_by(col(Workspace.team_id))).all())


def named_admins(session: Session, *, team_id: str) -> list[str]:
    """User ids an admin named as bot admins in `team_id`."""
    query = select(WorkspaceAdmin.user_id).where(WorkspaceAdmin.team_id == team_id)
    return list(session.exec(query.order_by(col(WorkspaceAdmin.id))).all())


def add_admin(
    session: Session, *, team_id: str, user_id: str, added_by: str, now: datetime
) -> bool:
    """Name someone a bot admin; False when they already were."""
    if user_id in named_admins(session, team_id=team_id):
        return False
    try:
        with session.begin_nested():
            session.add(
                WorkspaceAdmin(team_id=team_id, user_id=user_id, added_by=added_by, added_at=now)
            )
    except IntegrityError:  # named twice at the same moment
        return False
    return True


def remove_admin(session: Session, *, team_id: str, user_id: str) -> bool:
    """Take someone off the named admins; False when they weren't on it."""
    result = session.exec(
        delete(WorkspaceAdmin).where(
            col(WorkspaceAdmin.team_id) == team_id, col(WorkspaceAdmin.user_id) == user_id
        )
    )
    return bool(result.rowcount)


# -- the scheduler's sending lanes ---------------------------------------------------------------

W = Workspace.__table__  # type: ignore[attr-defined]


def lease_lanes(
    session: Session, *, teams: list[str], instance: str, now: datetime, until: datetime
) -> list[str]:
    """Take the sending lane of these workspaces until `until`: only those whose lane is free,
    expired or ours (a compare-and-set, so two instances never hold one lane)."""
    if not teams:
        return []
    result = session.execute(
        update(W)
        .where(
            W.c.team_id.in_(teams),
            or_(W.c.lane_owner.is_(None), W.c.lane_owner == instance, W.c.lane_until <= now),
        )
        .values(lane_owner=instance, lane_until=until)
        .returning(W.c.team_id)
    )
    return sorted(row[0] for row in result)


def release_lanes(session: Session, *, teams: list[str], instance: str, now: datetime) -> None:
    """Hand our lanes back at the end of a pass (any instance may take them next)."""
    if teams:
        session.execute(
            update(W)
            .where(W.c.team_id.in_(teams), W.c.lane_owner == instance)
            .values(lane_owner=None, lane_until=now)
        )


def pause(session: Session, *, team_id: str, until: datetime) -> None:
    """Slack answered 429 for this workspace: nobody sends for it before `until`."""
    session.execute(
        update(W)
        .where(W.c.team_id == team_id, or_(W.c.paused_until.is_(None), W.c.paused_until < until))
        .values(paused_until=until)
    )


def suspend(session: Session, *, team_id: str, reason: str, probe_at: datetime) -> bool:
    """The workspace's token is dead: stop sending for it until it is resumed; True the
    first time (so it is logged once)."""
    result = session.execute(
        update(W)
        .where(W.c.team_id == team_id)
        .values(suspended=reason[:64], probe_at=probe_at)
        .returning(W.c.team_id)
    )
    return bool(result.first())


def resume(session: Session, *, team_id: str) -> None:
    """The workspace can be reached again (reinstalled, or a probe succeeded)."""
    session.execute(update(W).where(W.c.team_id == team_id).values(suspended=None, probe_at=None))


def due_for_probe(session: Session, *, now: datetime, limit: int = 20) -> list[tuple[str, str]]:
    """(team, reason) of suspended workspaces whose next probe is due."""
    rows = session.execute(
        sa_select(W.c.team_id, W.c.suspended)
        .where(W.c.suspended.is_not(None), W.c.probe_at <= now)
        .order_by(W.c.probe_at)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in rows]


def suspended_teams(session: Session, *, teams: list[str]) -> dict[str, str]:
    """team -> reason for those of `teams` that are suspended."""
    if not teams:
        return {}
    rows = session.execute(
        sa_select(W.c.team_id, W.c.suspended).where(
            W.c.team_id.in_(teams), W.c.suspended.is_not(None)
        )
    )
    return {row[0]: row[1] for row in rows}


def digests_to_plan(session: Session, *, now: datetime, limit: int) -> list[Workspace]:
    """Workspaces whose next digest is unplanned or due to be planned (indexed)."""
    query = (
        sqlmodel_select(Workspace)
        .where(
            or_(
                col(Workspace.next_digest_at).is_(None),
                col(Workspace.next_digest_at) <= now,
            )
        )
        .limit(limit)
    )
    return list(session.exec(query).all())


def set_next_digest(session: Session, values: list[tuple[str, datetime]]) -> None:
    """Record when each workspace's next digest is planned."""
    if values:
        session.execute(
            update(W)
            .where(W.c.team_id == bindparam("team"))
            .values(next_digest_at=bindparam("at")),
            [{"team": team, "at": at} for team, at in values],
        )


def welcomed(session: Session, *, team_id: str) -> bool:
    """True once the workspace's admins were greeted (or planned to be)."""
    found = session.get(Workspace, team_id)
    return found is not None and found.welcomed_at is not None


def claim_welcome(session: Session, *, team_id: str, now: datetime) -> bool:
    """Mark the workspace as greeted; True only for the one caller that set it (a
    compare-and-set: on PostgreSQL a concurrent second UPDATE waits, then matches nothing)."""
    statement = (
        update(_WORKSPACE)
        .where(_WORKSPACE.c.team_id == team_id, _WORKSPACE.c.welcomed_at.is_(None))
        .values(welcomed_at=now)
    )
    return (session.execute(statement).rowcount or 0) == 1  # type: ignore[attr-defined]


def release_welcome(session: Session, *, team_id: str) -> None:
    """Undo claim_welcome (the greeting could not be sent): the next install tries again."""
    session.execute(
        update(_WORKSPACE).where(_WORKSPACE.c.team_id == team_id).values(welcomed_at=None)
    )
