"""Answers to the scheduled follow-ups: a ship post's one-week numbers, a decision's revisit."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks import ids
from bot.blocks.evidence import notice
from bot.blocks.ship import followup_reply
from bot.services import Services
from bot.services.evidence import own_entry
from bot.services.ship import add_answer
from handlers.replies import reply_privately
from handlers.views.values import metadata, state_value

logger = logging.getLogger(__name__)


def handle_followup(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store the after-metric with the ship post, then reply in the post's thread."""
    services: Services = context["services"]
    after = state_value(view, ids.FOLLOWUP_AFTER)
    if after is None:
        ack(
            response_action="errors",
            errors={ids.FOLLOWUP_AFTER[0]: "What does the metric say now?"},
        )
        return
    note = state_value(view, ids.FOLLOWUP_NOTE)
    user_id, team_id = body["user"]["id"], body["team"]["id"]
    entry_id = metadata(view).get("entry_id")
    entry = (
        own_entry(services, team_id=team_id, user_id=user_id, entry_id=entry_id)
        if isinstance(entry_id, int)
        else None
    )
    if entry is None or entry.kind != "ship":
        ack()
        text, blocks = notice("That ship post is gone, so there's no thread to add to.")
        reply_privately(client, user_id=user_id, channel_id=None, text=text, blocks=blocks)
        return
    answer: dict[str, Any] = {"after": after, "note": note}
    entry = add_answer(
        services, entry=entry, key="followup", answer=answer, now=services.clock.now()
    )
    ack()  # after storing: what the modal accepted is in the database
    if entry.post_channel_id and entry.post_ts:
        text, blocks = followup_reply(author=user_id, after=after, note=note)
        try:
            response = client.chat_postMessage(
                channel=entry.post_channel_id, thread_ts=entry.post_ts, text=text, blocks=blocks
            )
            add_answer(
                services,
                entry=entry,
                key="followup",
                answer={"reply_ts": response["ts"]},
                now=services.clock.now(),
            )
        except SlackApiError as error:
            logger.warning(
                "follow-up reply for %s failed: %s", entry.id, error.response.get("error")
            )
            text, blocks = notice(
                "Saved. I couldn't add it to the thread, but it's stored with your post."
            )
            reply_privately(client, user_id=user_id, channel_id=None, text=text, blocks=blocks)
            return
    text, blocks = notice(":white_check_mark: Saved and added to your ship post's thread.")
    reply_privately(client, user_id=user_id, channel_id=None, text=text, blocks=blocks)


def handle_revisit(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Add the optional note to a decision's revisit answer."""
    services: Services = context["services"]
    meta = metadata(view)
    entry_id = meta.get("entry_id")
    user_id, team_id = body["user"]["id"], body["team"]["id"]
    entry = (
        own_entry(services, team_id=team_id, user_id=user_id, entry_id=entry_id)
        if isinstance(entry_id, int)
        else None
    )
    note = state_value(view, ids.REVISIT_NOTE)
    if entry is not None and note is not None:  # stored before the modal closes
        add_answer(
            services, entry=entry, key="revisit", answer={"note": note}, now=services.clock.now()
        )
    ack()
