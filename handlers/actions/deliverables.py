"""The "Mark deliverable done" button: open the evidence modal for that phase."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.common import section
from bot.blocks.deliverables import deliverable_modal
from bot.blocks.prompt import PromptRef
from bot.services.deliverables import DeliverableError, deliverable_target
from handlers.actions.containers import action_value, source_message
from handlers.replies import reply_privately

logger = logging.getLogger(__name__)


def open_mark_done(
    ack: Ack, body: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Check the button is the clicker's own, then open the modal (trigger lives 3 s)."""
    ack()
    user_id = body["user"]["id"]
    ref = PromptRef.parse(action_value(body))
    channel_id, message_ts = source_message(body)
    if ref is None:
        logger.warning("mark-done button with an unreadable value from %s", user_id)
        return
    try:
        target = deliverable_target(
            context["services"],
            team_id=body["team"]["id"],
            user_id=user_id,
            program_id=ref.program_id,
            phase_key=ref.phase_key,
        )
    except DeliverableError as error:
        reply_privately(
            client,
            user_id=user_id,
            channel_id=channel_id,
            text=str(error),
            blocks=[section(str(error))],
        )
        return
    metadata = {"ref": ref.value, "channel": channel_id, "ts": message_ts}
    client.views_open(
        trigger_id=body["trigger_id"],
        view=deliverable_modal(
            target.phase,
            existing_evidence=target.existing.evidence if target.existing else None,
            metadata=metadata,
        ),
    )
