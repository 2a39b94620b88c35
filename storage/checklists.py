"""Queries about the checklist boxes participants ticked in their weekly prompts."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col, select

from storage.insert_once import insert_once
from storage.models import ChecklistTick
from storage.people import Person, joined, rows_for

Ticked = tuple[str, str, str, str]  # (team, user, program, phase)


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


def _ticks_sql(people_join: str, dialect: str) -> str:
    return (
        "SELECT c.team_id, c.user_id, c.program_id, c.phase_key, c.item FROM " + people_join
        + joined(ChecklistTick.__tablename__, "c")
    )  # fmt: skip


def ticked_for(session: Session, people: Iterable[Person]) -> dict[Ticked, frozenset[int]]:
    """Ticked activities of these (team, user) people (a batch of prompts), by (team, user,
    program, phase)."""
    found: dict[Ticked, set[int]] = {}
    for team, user, program, phase, item in rows_for(session, _ticks_sql, people):
        found.setdefault((team, user, program, phase), set()).add(int(item))
    return {key: frozenset(items) for key, items in found.items()}
