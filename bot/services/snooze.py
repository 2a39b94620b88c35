"""Snoozing a weekly prompt to 09:00 tomorrow in the participant's own time zone.

A snooze is a queue item (bot/scheduling): one per prompt message, so a double click
snoozes once, sent by the same pipeline as every scheduled message, exactly once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session

from bot.progress import zone
from bot.scheduling.due import SNOOZE
from bot.scheduling.kinds import Message
from bot.services import Services
from bot.services.prompt_state import PromptState, prompt_state, render_state
from storage import due_items
from storage.due_items import Claimed, Planned

SNOOZE_HOUR = 9
# A snoozed prompt that could not go out the next day (the bot was down) is not sent later.
SNOOZE_GRACE = timedelta(hours=12)


class SnoozeError(ValueError):
    """The prompt cannot be snoozed; the message is for the user."""


@dataclass(frozen=True)
class Snooze:
    """A snoozed prompt message and when it comes back."""

    user_id: str
    channel_id: str
    message_ts: str
    post_at: datetime


@dataclass(frozen=True)
class SnoozeClaim:
    """A claimed snooze: `created` is False when this message was snoozed already."""

    snooze: Snooze
    created: bool
    state: PromptState
    timezone: str


def snooze_until(now: datetime, timezone: str | None) -> datetime:
    """09:00 on the next calendar day in `timezone`, as an aware UTC datetime."""
    tz = zone(timezone)
    tomorrow = now.astimezone(tz).date() + timedelta(days=1)
    # zoneinfo resolves a DST gap or overlap at 09:00 (none exists in practice) by fold=0.
    return datetime.combine(tomorrow, time(SNOOZE_HOUR), tzinfo=tz).astimezone(UTC)


def _period(channel_id: str, message_ts: str) -> str:
    return f"{channel_id}:{message_ts}"


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
    """Snooze one prompt message (planned as a queue item); a second snooze of the same
    message changes nothing and says when it comes back."""
    state = prompt_state(services, team_id=team_id, user_id=user_id, week=week)
    if state is None or state.program.id != program_id:
        raise SnoozeError("Only the participant this prompt was sent to can snooze it.")
    now = services.clock.now()
    timezone = state.participant.timezone
    post_at = snooze_until(now, timezone)
    item = Planned(
        team_id=team_id,
        user_id=user_id,
        kind=SNOOZE,
        period=_period(channel_id, message_ts),
        due_at=post_at,
        expires_at=post_at + SNOOZE_GRACE,
        payload={"program_id": program_id, "week": week, "channel": channel_id, "ts": message_ts},
    )
    with services.db.session() as session:
        created = due_items.plan(session, [item], now=now) == 1
        if not created:
            existing = due_items.get(session, item.key)
            assert existing is not None
            post_at = existing.due_at
    snooze = Snooze(user_id, channel_id, message_ts, post_at)
    return SnoozeClaim(snooze=snooze, created=created, state=state, timezone=timezone)


def message_snooze(
    services: Services, *, team_id: str, user_id: str, channel_id: str, message_ts: str
) -> Snooze | None:
    """The snooze of a prompt message, if it was snoozed (to keep its note when redrawn)."""
    key = (team_id, user_id, SNOOZE, _period(channel_id, message_ts))
    with services.db.session() as session:
        found = due_items.get(session, key)
    if found is None:
        return None
    return Snooze(user_id, channel_id, message_ts, found.due_at)


def render_snoozes(
    services: Services, session: Session, items: list[Claimed], now: datetime
) -> dict[int, Message | None]:
    """A snoozed prompt comes back as it stands now (what was logged since counts)."""
    out: dict[int, Message | None] = {}
    for item in items:
        week = item.payload.get("week")
        state = (
            prompt_state(services, team_id=item.team_id, user_id=item.user_id, week=week)
            if isinstance(week, int)
            else None
        )
        if state is None or state.participant.status != "active":
            out[item.id] = None
        else:
            out[item.id] = Message(item.user_id, *render_state(state))
    return out
