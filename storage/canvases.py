"""Queries about members' portfolio canvases."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.insert_once import insert_once
from storage.models import PortfolioCanvas


def get_canvas_id(session: Session, *, team_id: str, user_id: str) -> str | None:
    """The id of the member's portfolio canvas, or None before the first one."""
    row = _row(session, team_id=team_id, user_id=user_id)
    return row.canvas_id if row else None


def save_canvas_id(
    session: Session, *, team_id: str, user_id: str, canvas_id: str, now: datetime
) -> None:
    """Remember (or replace) the member's portfolio canvas."""
    row = _row(session, team_id=team_id, user_id=user_id)
    if row is not None:
        row.canvas_id, row.updated_at = canvas_id, now
        session.add(row)
        return
    new = PortfolioCanvas(team_id=team_id, user_id=user_id, canvas_id=canvas_id, updated_at=now)
    found, created = insert_once(
        session, new, lambda: _row(session, team_id=team_id, user_id=user_id)
    )
    if not created:  # another request stored one first: the newest canvas wins
        found.canvas_id, found.updated_at = canvas_id, now
        session.add(found)


def _row(session: Session, *, team_id: str, user_id: str) -> PortfolioCanvas | None:
    query = select(PortfolioCanvas).where(
        PortfolioCanvas.team_id == team_id, PortfolioCanvas.user_id == user_id
    )
    return session.exec(query).first()
