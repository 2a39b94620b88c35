"""A member's own rhythm: the day and hour of their prompts, and time away."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.services import Services
from bot.services.prompt_state import prompt_schedule
from storage import participants


@dataclass(frozen=True)
class Rhythm:
    """When a member's prompts come, and whose setting that is."""

    weekday: int
    hour: int
    own: bool  # False: the workspace's
    away_until: date | None
    paused: bool


def rhythm(services: Services, *, team_id: str, user_id: str) -> Rhythm | None:
    """The member's rhythm; None when not enrolled."""
    weekday, hour = prompt_schedule(services, team_id=team_id)
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
    if found is None or found.status == "left":
        return None
    own = found.prompt_weekday is not None or found.prompt_hour is not None
    return Rhythm(
        weekday=weekday if found.prompt_weekday is None else found.prompt_weekday,
        hour=hour if found.prompt_hour is None else found.prompt_hour,
        own=own,
        away_until=found.away_until,
        paused=found.status == "paused",
    )


KEEP = -1  # set_rhythm: leave this one as it is


def set_rhythm(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    weekday: int | None = KEEP,
    hour: int | None = KEEP,
) -> Rhythm | None:
    """Set the member's prompt day and/or hour: a number, None for the workspace's, KEEP
    for unchanged. None when not enrolled."""
    with services.db.session() as session:
        found = participants.get_participant(session, team_id=team_id, user_id=user_id)
        if found is None or found.status == "left":
            return None
        participants.set_rhythm(
            session,
            team_id=team_id,
            user_id=user_id,
            weekday=found.prompt_weekday if weekday == KEEP else weekday,
            hour=found.prompt_hour if hour == KEEP else hour,
            now=services.clock.now(),
        )
    return rhythm(services, team_id=team_id, user_id=user_id)
