"""Queries about snoozed prompt messages."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from storage.models import PromptSnooze


def claim_snooze(
    session: Session,
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    message_ts: str,
    program_id: str,
    week: int,
    post_at: datetime,
    now: datetime,
) -> tuple[PromptSnooze, bool]:
    """Claim the snooze of one message; returns (snooze, created). Only the creator schedules."""
    existing = get_snooze(session, team_id=team_id, channel_id=channel_id, message_ts=message_ts)
    if existing is not None:
        return existing, False
    row = PromptSnooze(
        team_id=team_id,
        user_id=user_id,
        channel_id=channel_id,
        message_ts=message_ts,
        program_id=program_id,
        week=week,
        post_at=post_at,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:  # a concurrent click claimed it first
        found = get_snooze(session, team_id=team_id, channel_id=channel_id, message_ts=message_ts)
        assert found is not None
        return found, False
    return row, True


def get_snooze(
    session: Session, *, team_id: str, channel_id: str, message_ts: str
) -> PromptSnooze | None:
    """The snooze of one message, if it was snoozed."""
    return session.exec(
        select(PromptSnooze).where(
            PromptSnooze.team_id == team_id,
            PromptSnooze.channel_id == channel_id,
            PromptSnooze.message_ts == message_ts,
        )
    ).first()


def set_scheduled(session: Session, *, snooze_id: int, scheduled_message_id: str) -> None:
    """Remember the id Slack gave the scheduled re-send."""
    row = session.get(PromptSnooze, snooze_id)
    if row is not None:
        row.scheduled_message_id = scheduled_message_id
        session.add(row)


def release(session: Session, *, snooze_id: int) -> None:
    """Drop a claim whose scheduling failed, so the participant can try again."""
    row = session.get(PromptSnooze, snooze_id)
    if row is not None:
        session.delete(row)
