"""The "Snooze to tomorrow" button: re-send this week's prompt at 09:00 tomorrow, once."""

from __future__ import annotations

import logging

from bot.blocks.common import section, slack_date
from bot.blocks.prompt import SNOOZE_FORMAT, PromptRef
from bot.outbound import Outbound
from bot.services.snooze import SnoozeError, claim_snooze
from handlers.actions.containers import action_value, source_message
from handlers.listener import Answer, Incoming, Then
from handlers.prompt_messages import redraw_prompt, snooze_fallback

logger = logging.getLogger(__name__)


def snooze_prompt(req: Incoming) -> Answer:
    """Queue the re-send for this message (before the ack), then mark the message (after)."""
    services = req.services
    ref = PromptRef.parse(action_value(req.body))
    channel_id, message_ts = source_message(req.body)

    def tell(text: str) -> Then:
        return lambda slack: slack.reply_privately(
            user_id=req.user_id, channel_id=channel_id, text=text, blocks=[section(text)]
        )

    if ref is None:
        logger.warning("snooze button with an unreadable value from %s", req.user_id)
        return Answer.later()
    if channel_id is None or message_ts is None:
        return Answer.later(
            tell("Snooze works on the weekly prompt in your DMs; this copy cannot be snoozed.")
        )
    try:
        claim = claim_snooze(
            services,
            team_id=req.team_id,
            user_id=req.user_id,
            channel_id=channel_id,
            message_ts=message_ts,
            program_id=ref.program_id,
            week=ref.week,
        )
    except SnoozeError as error:
        return Answer.later(tell(str(error)))
    post_at = int(claim.snooze.post_at.timestamp())
    when = slack_date(post_at, SNOOZE_FORMAT, snooze_fallback(claim.snooze.post_at, claim.timezone))
    if not claim.created:
        return Answer.later(tell(f":zzz: Already snoozed: it comes back {when}."))

    def mark(slack: Outbound) -> None:
        # The re-send is queued (the scheduler sends it); the prompt shows when it comes back.
        redraw_prompt(
            slack,
            services,
            claim.state,
            team_id=req.team_id,
            channel_id=channel_id,
            message_ts=message_ts,
        )

    return Answer.later(mark)
