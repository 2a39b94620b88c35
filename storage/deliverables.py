"""Queries about deliverables marked done."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import DeliverableDone


def mark_done(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    phase_key: str,
    evidence: str,
    now: datetime,
) -> tuple[DeliverableDone, bool]:
    """Record a deliverable as done; marking it again updates the evidence (created=False)."""
    existing = get_done(
        session, team_id=team_id, user_id=user_id, program_id=program_id, phase_key=phase_key
    )
    if existing is not None:
        existing.evidence = evidence
        existing.done_at = now
        session.add(existing)
        return existing, False
    row = DeliverableDone(
        team_id=team_id,
        user_id=user_id,
        program_id=program_id,
        phase_key=phase_key,
        evidence=evidence,
        done_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a double submit raced us: keep the first
        found = get_done(
            session, team_id=team_id, user_id=user_id, program_id=program_id, phase_key=phase_key
        )
        assert found is not None
        return found, False
    return row, True


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
