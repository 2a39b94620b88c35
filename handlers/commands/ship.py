"""`/transition ship`: open the ship post form."""

from __future__ import annotations

from bot.blocks.evidence import evidence_modal
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Acknowledge, then open the form (the trigger id lives 3 seconds)."""
    view = evidence_modal("ship", channel_id=req.channel_id)
    return Answer.later(lambda slack: slack.open_view(req.trigger_id, view))
