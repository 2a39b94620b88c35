"""Pausing, resuming and leaving a program: stop and restart scheduled DMs without losing data."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from bot.progress import local_date, program_week, week_start
from bot.scheduling.due import local_instant
from bot.services import Services
from storage import entries, participants
from storage.models import PLAN_NOW, Participant

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ParticipationChange:
    """What a pause, resume or leave did."""

    participant: Participant | None  # None: never joined
    changed: bool
    week: int = 0
    weeks_paused: int = 0
    program_weeks: int = 0  # how long the program is (0: unknown)

    @property
    def before_start(self) -> bool:
        """Week 1 has not begun."""
        return self.participant is not None and self.week < 1

    @property
    def after_end(self) -> bool:
        """The program's last week is over."""
        return 0 < self.program_weeks < self.week


def pause(services: Services, *, team_id: str, user_id: str) -> ParticipationChange:
    """Stop every scheduled DM until `resume`; a second pause changes nothing."""
    now = services.clock.now()
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status == "left":
            return ParticipationChange(found, False)
        if found.status == "paused" or _finished(found, services):
            # Nothing to pause after the end: the reply says the run is over.
            return _change(found, False, services)
        updated = participants.set_status(
            session, team_id=team_id, user_id=user_id, status="paused", now=now
        )
    return _change(updated, True, services)


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
            return _change(found, False, services)
        weeks = resume_in(session, found, now=now)
    return _change(found, True, services, weeks_paused=weeks)


def resume_in(session: Session, participant: Participant, *, now: datetime) -> int:
    """Make a paused enrollment active again, moving week 1 later by the program weeks the
    pause covered; returns how many. Used by `resume` and when an away date comes."""
    weeks = 0
    if participant.paused_at is not None:
        # Only the program weeks the pause covered move: a pause that began before week 1
        # counts from week 1's Monday, and one that ended before it moves nothing.
        zone_of = participant.timezone
        paused_on = max(
            week_start(local_date(participant.paused_at, zone_of)), participant.start_date
        )
        weeks = max(0, (week_start(local_date(now, zone_of)) - paused_on).days // 7)
    if weeks:
        participant.start_date = participant.start_date + timedelta(weeks=weeks)
    participant.status = "active"
    participant.paused_at = None
    participant.away_until = None
    participant.updated_at = now
    participant.next_due_at = PLAN_NOW
    session.add(participant)
    session.flush()
    return weeks


class AwayError(ValueError):
    """The away date cannot be used; the message is for the user."""


@dataclass(frozen=True)
class AwayChange:
    """What `/transition away <date>` did."""

    participant: Participant
    until: date


AWAY_LIMIT_DAYS = 183  # half a year: longer than that is leaving, not being away


def away(services: Services, *, team_id: str, user_id: str, until: date) -> AwayChange | None:
    """Pause until `until` (a date in the member's zone): nothing is sent meanwhile, the
    program resumes by itself that morning and shifts like a pause. None: not enrolled."""
    now = services.clock.now()
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status == "left":
            return None
        today = local_date(now, found.timezone)
        if until <= today:
            raise AwayError("Pick a date after today: the day you are back.")
        if (until - today).days > AWAY_LIMIT_DAYS:
            raise AwayError(
                "That is more than six months away. `/transition leave` ends the program and "
                "keeps your entries; `/transition join` starts again when you are back."
            )
        back_at = local_instant(found.timezone, until, 0)
        updated = participants.set_away(
            session, team_id=team_id, user_id=user_id, until=until, back_at=back_at, now=now
        )
    assert updated is not None
    return AwayChange(updated, until)


def return_from_away(services: Services, now: datetime, *, limit: int) -> int:
    """Resume the enrollments whose away date has come; returns how many were looked at."""
    with services.db.session() as session:
        batch = participants.returning(session, now=now, limit=limit)
        for participant in batch:
            weeks = resume_in(session, participant, now=now)
            logger.info(
                "%s/%s is back from away (program moved %d weeks)",
                participant.team_id,
                participant.user_id,
                weeks,
            )
    return len(batch)


@dataclass(frozen=True)
class LeaveQuestion:
    """What the question before leaving tells: the program, and what stays."""

    program_title: str
    entry_count: int


def leave_question(services: Services, *, team_id: str, user_id: str) -> LeaveQuestion | None:
    """What leaving would end; None when there is no enrollment to leave."""
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status == "left":
            return None
        count = sum(entries.count_by_kind(session, team_id=team_id, user_id=user_id).values())
    program = services.programs.get(found.program_id)
    return LeaveQuestion(program.title if program else found.program_id, count)


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
    return _change(updated, True, services)


def _change(
    participant: Participant | None, changed: bool, services: Services, *, weeks_paused: int = 0
) -> ParticipationChange:
    if participant is None:
        return ParticipationChange(None, False)
    week, length = _weeks(participant, services)
    return ParticipationChange(participant, changed, week, weeks_paused, length)


def _weeks(participant: Participant, services: Services) -> tuple[int, int]:
    """(the participant's program week today, their program's length in weeks)."""
    program = services.programs.get(participant.program_id)
    week = program_week(
        participant.start_date, local_date(services.clock.now(), participant.timezone)
    )
    return week, program.weeks if program else 0


def _finished(participant: Participant, services: Services) -> bool:
    week, length = _weeks(participant, services)
    return 0 < length < week
