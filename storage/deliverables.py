"""Queries about deliverables marked done."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from storage.insert_once import insert_once
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
