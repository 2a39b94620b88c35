"""Queries about workspaces and their settings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import Workspace


def ensure_workspace(session: Session, *, team_id: str, now: datetime) -> Workspace:
    """The workspace row for `team_id`, created with default settings on first sight."""
    found = session.get(Workspace, team_id)
    if found is not None:
        return found
    workspace = Workspace(team_id=team_id, created_at=now)
    try:
        with session.begin_nested():
            session.add(workspace)
    except IntegrityError:  # another request created it first
        found = session.get(Workspace, team_id)
        assert found is not None
        return found
    return workspace


def list_workspaces(session: Session) -> list[Workspace]:
    """Every workspace the bot knows."""
    return list(session.exec(select(Workspace)).all())
