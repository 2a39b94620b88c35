"""Queries about cohorts: a program started together on one Monday, with its own channel."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from storage.models import Cohort, Participant, Workspace

_P = Participant.__table__  # type: ignore[attr-defined]
_C = Cohort.__table__  # type: ignore[attr-defined]
_W = Workspace.__table__  # type: ignore[attr-defined]


def create(
    session: Session,
    *,
    team_id: str,
    name: str,
    program_id: str,
    start_date: date,
    channel_id: str,
    created_by: str,
    now: datetime,
) -> Cohort:
    """Store a new cohort (its id is set on return)."""
    cohort = Cohort(
        team_id=team_id,
        name=name,
        program_id=program_id,
        start_date=start_date,
        channel_id=channel_id,
        created_by=created_by,
        created_at=now,
    )
    session.add(cohort)
    session.execute(  # its weekly digest is planned at the next pass
        update(_W).where(_W.c.team_id == team_id).values(next_digest_at=None)
    )
    session.flush()
    return cohort


def get(session: Session, *, team_id: str, cohort_id: int) -> Cohort | None:
    """One cohort of this workspace (never another workspace's, whatever the id)."""
    return session.exec(
        select(Cohort).where(Cohort.team_id == team_id, Cohort.id == cohort_id)
    ).first()


def in_team(session: Session, *, team_id: str) -> list[Cohort]:
    """A workspace's cohorts, oldest first (a handful per workspace)."""
    return list(
        session.exec(select(Cohort).where(Cohort.team_id == team_id).order_by(col(Cohort.id))).all()
    )


def add_member(session: Session, *, team_id: str, user_id: str, cohort_id: int) -> None:
    """Put an enrollment in a cohort (one enrollment per person: one cohort at most)."""
    session.execute(
        update(_P)
        .where(_P.c.team_id == team_id, _P.c.user_id == user_id)
        .values(cohort_id=cohort_id)
    )


def member_counts(session: Session, *, team_id: str) -> dict[int, int]:
    """cohort id -> its active and paused members."""
    rows = session.execute(
        core_select(_P.c.cohort_id, func.count())
        .where(
            _P.c.team_id == team_id,
            _P.c.cohort_id.is_not(None),
            _P.c.status.in_(("active", "paused")),
        )
        .group_by(_P.c.cohort_id)
    ).all()
    return {int(c): int(n) for c, n in rows}


def ids_by_team(session: Session, *, team_ids: list[str]) -> dict[str, tuple[int, ...]]:
    """team -> its cohorts' ids, for a batch of workspaces (one indexed query)."""
    if not team_ids:
        return {}
    rows = session.execute(
        core_select(_C.c.team_id, _C.c.id).where(_C.c.team_id.in_(team_ids)).order_by(_C.c.id)
    ).all()
    found: dict[str, tuple[int, ...]] = {}
    for team_id, cohort_id in rows:
        found[team_id] = (*found.get(team_id, ()), int(cohort_id))
    return found
