"""Snoozing a weekly prompt to 09:00 tomorrow in the participant's own time zone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from bot.progress import zone
from bot.services import Services
from bot.services.prompt_state import PromptState, prompt_state
from storage import snoozes
from storage.models import PromptSnooze

SNOOZE_HOUR = 9


class SnoozeError(ValueError):
    """The prompt cannot be snoozed; the message is for the user."""


@dataclass(frozen=True)
class SnoozeClaim:
    """A claimed snooze: `created` is False when this message was snoozed already."""

    snooze: PromptSnooze
    created: bool
    state: PromptState
    timezone: str

    @property
    def snooze_id(self) -> int:
        """The stored snooze's id (always set once claimed)."""
        assert self.snooze.id is not None
        return self.snooze.id


def snooze_until(now: datetime, timezone: str | None) -> datetime:
    """09:00 on the next calendar day in `timezone`, as an aware UTC datetime."""
    tz = zone(timezone)
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    # zoneinfo resolves a DST gap or overlap at 09:00 (none exists in practice) by fold=0.
    return datetime.combine(tomorrow, time(SNOOZE_HOUR), tzinfo=tz).astimezone(UTC)


def claim_snooze(
    services: Services,
    *,
    team_id: str,
    user_id: str,
    channel_id: str,
    message_ts: str,
    program_id: str,
    week: int,
) -> SnoozeClaim:
    """Claim the snooze of one prompt message; only a created claim should be scheduled."""
    state = prompt_state(services, team_id=team_id, user_id=user_id, week=week)
    if state is None or state.program.id != program_id:
        raise SnoozeError("Only the participant this prompt was sent to can snooze it.")
    now = services.clock.now()
    timezone = state.participant.timezone
    with services.db.session() as session:
        snooze, created = snoozes.claim_snooze(
            session,
            team_id=team_id,
            user_id=user_id,
            channel_id=channel_id,
            message_ts=message_ts,
            program_id=program_id,
            week=week,
            post_at=snooze_until(now, timezone),
            now=now,
        )
    return SnoozeClaim(snooze=snooze, created=created, state=state, timezone=timezone)


def confirm_scheduled(services: Services, *, snooze_id: int, scheduled_message_id: str) -> None:
    """Record Slack's id for the scheduled re-send."""
    with services.db.session() as session:
        snoozes.set_scheduled(
            session, snooze_id=snooze_id, scheduled_message_id=scheduled_message_id
        )


def release_snooze(services: Services, *, snooze_id: int) -> None:
    """Forget a claim whose scheduling failed, so a later click can try again."""
    with services.db.session() as session:
        snoozes.release(session, snooze_id=snooze_id)


def message_snooze(
    services: Services, *, team_id: str, channel_id: str, message_ts: str
) -> PromptSnooze | None:
    """The snooze of a prompt message, if it was snoozed (to keep its note when redrawn)."""
    with services.db.session() as session:
        return snoozes.get_snooze(
            session, team_id=team_id, channel_id=channel_id, message_ts=message_ts
        )
