"""Queries about enrollments."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, select

from storage.insert_once import insert_once
from storage.models import Participant


def get_participant(session: Session, *, team_id: str, user_id: str) -> Participant | None:
    """The enrollment of `user_id` in `team_id`, whatever its status."""
    return session.exec(
        select(Participant).where(Participant.team_id == team_id, Participant.user_id == user_id)
    ).first()


def enroll(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    background: str,
    start_date: date,
    timezone: str,
    now: datetime,
) -> tuple[Participant, bool]:
    """Create the enrollment, or restart a left one; returns (participant, created).

    An active or paused enrollment is returned untouched (created=False): joining twice
    must not reset anyone's progress.
    """
    existing = get_participant(session, team_id=team_id, user_id=user_id)
    if existing is not None and existing.status in ("active", "paused"):
        return existing, False
    if existing is not None:  # left or inactive: a fresh start keeps the old entries
        existing.program_id = program_id
        existing.background = background
        existing.start_date = start_date
        existing.timezone = timezone
        existing.status = "active"
        existing.joined_at = now
        existing.updated_at = now
        session.add(existing)
        session.flush()
        return existing, True
    participant = Participant(
        team_id=team_id,
        user_id=user_id,
        program_id=program_id,
        background=background,
        start_date=start_date,
        timezone=timezone,
        status="active",
        joined_at=now,
        updated_at=now,
    )
    # A concurrent join (a double click) may win the race: then theirs stands.
    return insert_once(
        session, participant, lambda: get_participant(session, team_id=team_id, user_id=user_id)
    )


def set_timezone(
    session: Session, *, team_id: str, user_id: str, timezone: str, now: datetime
) -> None:
    """Record a participant's time zone (read from their Slack profile)."""
    participant = get_participant(session, team_id=team_id, user_id=user_id)
    if participant is not None and participant.timezone != timezone:
        participant.timezone = timezone
        participant.updated_at = now
        session.add(participant)
