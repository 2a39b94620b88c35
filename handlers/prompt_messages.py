"""Redrawing a weekly prompt message in place after the participant acted on it."""

from __future__ import annotations

from datetime import datetime

from bot.blocks.prompt import snoozed
from bot.outbound import Outbound, SlackFailure
from bot.progress import zone
from bot.services import Services
from bot.services.prompt_state import PromptState, render_state
from bot.services.snooze import message_snooze


def snooze_fallback(post_at: datetime, timezone: str) -> str:
    """The snooze time as plain text in the participant's zone, for clients without dates."""
    return post_at.astimezone(zone(timezone)).strftime("%A %-d %B, %H:%M %Z")


def redraw_prompt(
    slack: Outbound,
    services: Services,
    state: PromptState,
    *,
    team_id: str,
    channel_id: str,
    message_ts: str,
) -> bool:
    """chat.update the prompt message with the current state, keeping a snooze note."""
    text, blocks = render_state(state)
    snooze = message_snooze(
        services,
        team_id=team_id,
        user_id=state.participant.user_id,
        channel_id=channel_id,
        message_ts=message_ts,
    )
    if snooze is not None:
        text, blocks = snoozed(
            text,
            blocks,
            post_at=int(snooze.post_at.timestamp()),
            fallback=snooze_fallback(snooze.post_at, state.participant.timezone),
        )
    try:
        slack.update(channel_id, message_ts, text, blocks)
    except SlackFailure:  # the message may be gone; the stored state is what counts
        return False
    return True
