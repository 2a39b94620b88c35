"""Queries about workspaces and their settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete
from sqlalchemy import select as core_select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

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
    session.add(workspace)
    return workspace


_SETTINGS = {"team_channel_id", "prompt_weekday", "prompt_hour", "revisit_days"}


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
