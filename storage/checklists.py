"""Queries about the checklist boxes participants ticked in their weekly prompts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.insert_once import insert_once
from storage.models import ChecklistTick

Key = tuple[str, str, str]  # (user, program, phase)


def set_item(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    phase_key: str,
    item: int,
    ticked: bool,
    now: datetime,
) -> None:
    """Tick (a row, once) or untick (no row) one activity of a phase."""
    where = (
        col(ChecklistTick.team_id) == team_id,
        col(ChecklistTick.user_id) == user_id,
        col(ChecklistTick.program_id) == program_id,
        col(ChecklistTick.phase_key) == phase_key,
        col(ChecklistTick.item) == item,
    )
    if not ticked:
        session.exec(delete(ChecklistTick).where(*where))
        return
    row = ChecklistTick(
        team_id=team_id,
        user_id=user_id,
        program_id=program_id,
        phase_key=phase_key,
        item=item,
        ticked_at=now,
    )
    insert_once(session, row, lambda: session.exec(select(ChecklistTick).where(*where)).first())


def ticked(
    session: Session, *, team_id: str, user_id: str, program_id: str, phase_key: str
) -> frozenset[int]:
    """The ticked activities of one phase."""
    rows = session.exec(
        select(ChecklistTick.item).where(
            ChecklistTick.team_id == team_id,
            ChecklistTick.user_id == user_id,
            ChecklistTick.program_id == program_id,
            ChecklistTick.phase_key == phase_key,
        )
    ).all()
    return frozenset(rows)


def ticked_for(
    session: Session, *, team_id: str, user_ids: Sequence[str]
) -> dict[Key, frozenset[int]]:
    """Ticked activities of these people (a batch of prompts), by (user, program, phase)."""
    if not user_ids:
        return {}
    rows = session.exec(
        select(ChecklistTick).where(
            ChecklistTick.team_id == team_id, col(ChecklistTick.user_id).in_(list(user_ids))
        )
    ).all()
    found: dict[Key, set[int]] = {}
    for r in rows:
        found.setdefault((r.user_id, r.program_id, r.phase_key), set()).add(r.item)
    return {key: frozenset(items) for key, items in found.items()}
