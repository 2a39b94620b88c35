"""The "Snooze to tomorrow" button: re-send this week's prompt at 09:00 tomorrow, once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import section, slack_date
from bot.blocks.prompt import SNOOZE_FORMAT, PromptRef
from bot.services.snooze import SnoozeError, claim_snooze, confirm_scheduled, release_snooze
from handlers.actions.containers import action_value, source_message
from handlers.prompt_messages import redraw_prompt, render_state, snooze_fallback
from handlers.replies import reply_privately

logger = logging.getLogger(__name__)


def snooze_prompt(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Claim the snooze for this message, schedule the re-send, and mark the message."""
    ack()
    services = context["services"]
    user_id = body["user"]["id"]
    team_id = body["team"]["id"]
    ref = PromptRef.parse(action_value(body))
    channel_id, message_ts = source_message(body)

    def tell(text: str) -> None:
        reply_privately(
            client, user_id=user_id, channel_id=channel_id, text=text, blocks=[section(text)]
        )

    if ref is None:
        logger.warning("snooze button with an unreadable value from %s", user_id)
        return
    if channel_id is None or message_ts is None:
        tell("Snooze works on the weekly prompt in your DMs; this copy cannot be snoozed.")
        return
    try:
        claim = claim_snooze(
            services,
            team_id=team_id,
            user_id=user_id,
            channel_id=channel_id,
            message_ts=message_ts,
            program_id=ref.program_id,
            week=ref.week,
        )
    except SnoozeError as error:
        tell(str(error))
        return
    post_at = int(claim.snooze.post_at.timestamp())
    when = slack_date(post_at, SNOOZE_FORMAT, snooze_fallback(claim.snooze.post_at, claim.timezone))
    if not claim.created:
        tell(f":zzz: Already snoozed: it comes back {when}.")
        return
    text, blocks = render_state(claim.state)
    try:
        scheduled = client.chat_scheduleMessage(
            channel=channel_id, post_at=post_at, text=text, blocks=blocks
        )
    except SlackApiError as error:
        release_snooze(services, snooze_id=claim.snooze_id)
        reason = error.response.get("error")
        logger.warning("snooze for %s not scheduled: %s", user_id, reason)
        tell("I could not snooze this prompt just now. Try the button again in a minute.")
        return
    confirm_scheduled(
        services,
        snooze_id=claim.snooze_id,
        scheduled_message_id=str(scheduled.get("scheduled_message_id", "")),
    )
    redraw_prompt(
        client, services, claim.state, team_id=team_id, channel_id=channel_id, message_ts=message_ts
    )
