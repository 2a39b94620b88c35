"""Queries about deliverables marked done."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from storage.insert_once import insert_once
from storage.models import DeliverableDone
from storage.people import Person, joined, rows_for


def mark_done(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    phase_key: str,
    evidence: str,
    now: datetime,
    missing: dict[str, int] | None = None,
) -> tuple[DeliverableDone, bool]:
    """Record a deliverable as done; marking it again updates the evidence (created=False).
    `missing`: what its definition still asked for when it was marked anyway."""
    existing = get_done(
        session, team_id=team_id, user_id=user_id, program_id=program_id, phase_key=phase_key
    )
    if existing is not None:
        existing.evidence = evidence
        existing.done_at = now
        existing.missing = missing
        session.add(existing)
        return existing, False
    row = DeliverableDone(
        team_id=team_id,
        user_id=user_id,
        program_id=program_id,
        phase_key=phase_key,
        evidence=evidence,
        done_at=now,
        missing=missing,
    )
    # A double submit may race us: the first one stands.
    return insert_once(
        session,
        row,
        lambda: get_done(
            session, team_id=team_id, user_id=user_id, program_id=program_id, phase_key=phase_key
        ),
    )


def get_done(
    session: Session, *, team_id: str, user_id: str, program_id: str, phase_key: str
) -> DeliverableDone | None:
    """The done record of one phase's deliverable, if any."""
    return session.exec(
        select(DeliverableDone).where(
            DeliverableDone.team_id == team_id,
            DeliverableDone.user_id == user_id,
            DeliverableDone.program_id == program_id,
            DeliverableDone.phase_key == phase_key,
        )
    ).first()


def done_phase_keys(session: Session, *, team_id: str, user_id: str, program_id: str) -> set[str]:
    """Keys of the phases whose deliverable the participant marked done."""
    rows = session.exec(
        select(DeliverableDone.phase_key).where(
            DeliverableDone.team_id == team_id,
            DeliverableDone.user_id == user_id,
            DeliverableDone.program_id == program_id,
        )
    ).all()
    return set(rows)


def count_done(
    session: Session, *, team_id: str, since: datetime | None = None, until: datetime | None = None
) -> int:
    """How many deliverables a workspace marked done, optionally within [since, until)."""
    query = (
        select(func.count()).select_from(DeliverableDone).where(DeliverableDone.team_id == team_id)
    )
    if since is not None:
        query = query.where(DeliverableDone.done_at >= since)
    if until is not None:
        query = query.where(DeliverableDone.done_at < until)
    return int(session.exec(query).one())


def _done_sql(people_join: str, dialect: str) -> str:
    return (
        "SELECT d.team_id, d.user_id, d.program_id, d.phase_key FROM " + people_join
        + joined(str(DeliverableDone.__tablename__), "d")
    )  # fmt: skip


def done_keys(session: Session, people: Iterable[Person]) -> set[tuple[str, str, str, str]]:
    """(team, user, program, phase key) of every deliverable these people marked done."""
    return {(t, u, p, k) for t, u, p, k in rows_for(session, _done_sql, people)}
