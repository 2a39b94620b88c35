"""Queries about workspaces and their settings."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from storage.insert_once import insert_once
from storage.models import Workspace


def ensure_workspace(session: Session, *, team_id: str, now: datetime) -> Workspace:
    """The workspace row for `team_id`, created with default settings on first sight."""
    found = session.get(Workspace, team_id)
    if found is not None:
        return found
    workspace = Workspace(team_id=team_id, created_at=now)
    row, _ = insert_once(session, workspace, lambda: session.get(Workspace, team_id))
    return row


def get_workspace(session: Session, *, team_id: str) -> Workspace | None:
    """The workspace row for `team_id`, if the bot has seen it."""
    return session.get(Workspace, team_id)
