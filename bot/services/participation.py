"""Pausing, resuming and leaving a program: stop and restart scheduled DMs without losing data."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from bot.progress import local_date, program_week, week_start
from bot.services import Services
from storage import participants
from storage.models import Participant


@dataclass(frozen=True)
class ParticipationChange:
    """What a pause, resume or leave did."""

    participant: Participant | None  # None: never joined
    changed: bool
    week: int = 0
    weeks_paused: int = 0


def pause(services: Services, *, team_id: str, user_id: str) -> ParticipationChange:
    """Stop every scheduled DM until `resume`; a second pause changes nothing."""
    now = services.clock.now()
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status in ("paused", "left"):
            return ParticipationChange(found, False)
        updated = participants.set_status(
            session, team_id=team_id, user_id=user_id, status="paused", now=now
        )
    return ParticipationChange(updated, True, _week(updated, services))


def resume(services: Services, *, team_id: str, user_id: str) -> ParticipationChange:
    """Continue where the participant left off.

    Program week 1 moves later by the number of week boundaries (Mondays, local time) the
    pause crossed, so the participant picks up in the week they paused in and no week is
    skipped; a prompt already sent for that week is not sent again.
    """
    now = services.clock.now()
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status in ("active", "left"):
            return ParticipationChange(found, False, _week(found, services) if found else 0)
        weeks = 0
        if found.status == "paused" and found.paused_at is not None:
            paused_on = week_start(local_date(found.paused_at, found.timezone))
            weeks = max(0, (week_start(local_date(now, found.timezone)) - paused_on).days // 7)
        if weeks:
            participants.shift_start(
                session,
                team_id=team_id,
                user_id=user_id,
                start_date=found.start_date + timedelta(weeks=weeks),
                now=now,
            )
        updated = participants.set_status(
            session, team_id=team_id, user_id=user_id, status="active", now=now
        )
    return ParticipationChange(updated, True, _week(updated, services), weeks)


def leave(services: Services, *, team_id: str, user_id: str) -> ParticipationChange:
    """End the enrollment; entries stay until `forget`, and `join` starts afresh."""
    now = services.clock.now()
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status == "left":
            return ParticipationChange(found, False)
        updated = participants.set_status(
            session, team_id=team_id, user_id=user_id, status="left", now=now
        )
    return ParticipationChange(updated, True, _week(updated, services))


def _week(participant: Participant | None, services: Services) -> int:
    if participant is None:
        return 0
    return program_week(
        participant.start_date, local_date(services.clock.now(), participant.timezone)
    )
