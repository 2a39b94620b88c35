"""The "Mark deliverable done" button: open the evidence modal for that phase."""

from __future__ import annotations

import logging

from bot.blocks.common import section
from bot.blocks.deliverables import deliverable_modal
from bot.blocks.prompt import PromptRef
from bot.services.deliverables import DeliverableError, deliverable_target
from handlers.actions.containers import action_value, source_message
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)


def open_mark_done(req: Incoming) -> Answer:
    """Check the button is the clicker's own, then open the modal (trigger lives 3 s) with
    the definition of done against what they logged."""
    ref = PromptRef.parse(action_value(req.body))
    channel_id, message_ts = source_message(req.body)
    if ref is None:
        logger.warning("mark-done button with an unreadable value from %s", req.user_id)
        return Answer.later()
    try:
        target = deliverable_target(
            req.services,
            team_id=req.team_id,
            user_id=req.user_id,
            program_id=ref.program_id,
            phase_key=ref.phase_key,
        )
    except DeliverableError as error:
        message = str(error)
        return Answer.later(
            lambda slack: slack.reply_privately(
                user_id=req.user_id, channel_id=channel_id, text=message, blocks=[section(message)]
            )
        )
    view = deliverable_modal(
        target.phase,
        existing_evidence=target.existing.evidence if target.existing else None,
        metadata={"ref": ref.value, "channel": channel_id, "ts": message_ts},
        logged=target.logged,
        missing=target.missing,
        gaps=target.gaps,
    )
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))
