"""Joining a program."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date

from bot.kinds import BACKGROUNDS
from bot.programs import Program
from bot.progress import (
    DEFAULT_TIMEZONE,
    known_zone,
    local_date,
    program_week,
    week_start,
    zone,
)
from bot.scheduling.due import COMPLETION, NUDGE, PROMPT, RECAP, SNOOZE
from bot.services import Services
from storage import due_items, entries, participants, workspaces
from storage.models import Participant

logger = logging.getLogger(__name__)


class EnrollmentError(ValueError):
    """The join form holds a value we cannot accept; the message is for the user."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class JoinOutcome:
    """What happened when someone joined."""

    participant: Participant
    program: Program
    created: bool
    week: int
    switched_from: Program | None = None  # the program left for this one


# What a run of a program sends on its own schedule; dropped when the member switches.
RUN_KINDS = (PROMPT, NUDGE, RECAP, COMPLETION, SNOOZE)


@dataclass(frozen=True)
class Enrolment:
    """Where a member stands in the program they are in."""

    participant: Participant
    program: Program
    week: int
    entry_count: int


def current_enrolment(services: Services, *, team_id: str, user_id: str) -> Enrolment | None:
    """The member's active or paused enrollment, or None."""
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status not in ("active", "paused"):
            return None
        count = sum(entries.count_by_kind(session, team_id=team_id, user_id=user_id).values())
    program = services.programs.get(found.program_id)
    if program is None:
        return None
    week = program_week(found.start_date, local_date(services.clock.now(), found.timezone))
    return Enrolment(found, program, week, count)


def join(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    program_id: str,
    background: str,
    start_date: date,
    timezone: str,
    switch: bool = False,
) -> JoinOutcome:
    """Enroll `user_id`; joining again while enrolled changes nothing and says so, unless
    the member asked to `switch`: then the new run starts, their entries stay, and what the
    old run had scheduled is dropped."""
    program = services.programs.get(program_id)
    if program is None:
        raise EnrollmentError("program", f"There is no program called {program_id!r}.")
    if background not in BACKGROUNDS:
        raise EnrollmentError("background", "Pick the background closest to yours.")
    if timezone and not known_zone(timezone):
        # From the member's Slack profile: not theirs to fix in the join form, so join
        # on UTC (as with no zone at all) and leave a line for the operator.
        logger.warning(
            "%s/%s joins in %s: ignored the profile's time zone %r, which is not one we know",
            team_id,
            user_id,
            DEFAULT_TIMEZONE,
            timezone[:40],
        )
        timezone = DEFAULT_TIMEZONE
    now = services.clock.now()
    today = local_date(now, timezone)
    start = week_start(start_date)  # weeks run Monday to Sunday
    if (start - today).days > 7 * 8:
        raise EnrollmentError("start", "Pick a start date within the next eight weeks.")
    if program_week(start, today) > program.weeks:
        raise EnrollmentError("start", f"That start date is over {program.weeks} weeks ago.")
    with services.db.session() as session:
        workspaces.note_workspace(session.connection(), team_id=team_id, now=now)
        before = participants.get_participant(session, team_id=team_id, user_id=user_id)
        switching = switch and before is not None and before.status in ("active", "paused")
        left_program = services.programs.get(before.program_id) if before and switching else None
        if switching:
            due_items.drop_open_for_person(
                session, team_id=team_id, user_id=user_id, kinds=RUN_KINDS
            )
        participant, created = participants.enroll(
            session,
            team_id=team_id,
            user_id=user_id,
            program_id=program_id,
            background=background,
            start_date=start,
            timezone=zone(timezone).key,
            now=now,
            switch=switching,
        )
    enrolled_program = services.programs.get(participant.program_id, program)
    week = program_week(participant.start_date, local_date(now, participant.timezone))
    return JoinOutcome(participant, enrolled_program, created, week, left_program)


def update_timezone(services: Services, *, team_id: str, user_id: str, timezone: str) -> bool:
    """Store a participant's time zone from their Slack profile; False (and the stored zone
    kept) when it is not a zone we know: prompts keep coming at the old local hour."""
    if not known_zone(timezone):
        logger.warning(
            "time zone of %s/%s kept: ignored %r, which is not one we know",
            team_id,
            user_id,
            timezone[:40],
        )
        return False
    with services.db.session() as session:
        participants.set_timezone(
            session,
            team_id=team_id,
            user_id=user_id,
            timezone=zone(timezone).key,
            now=services.clock.now(),
        )
    return True
