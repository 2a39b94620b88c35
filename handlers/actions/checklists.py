"""A checkbox of the weekly prompt's checklist: remember it (Slack's client shows it)."""

from __future__ import annotations

import logging

from bot.blocks import ids
from bot.blocks.prompt import parse_checklist_value
from bot.services.checklists import tick
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)


def tick_item(req: Incoming) -> Answer:
    """Store the box's new state before the ack; the message itself needs no redraw (the
    client already shows the tick) and later redraws read the stored state."""
    actions = req.body.get("actions")
    action = actions[0] if isinstance(actions, list) and actions else None
    block_id = action.get("block_id") if isinstance(action, dict) else None
    parsed = (
        parse_checklist_value(block_id.removeprefix(ids.CHECKLIST_BLOCK))
        if isinstance(block_id, str) and block_id.startswith(ids.CHECKLIST_BLOCK)
        else None
    )
    if parsed is None or not isinstance(action, dict):
        logger.warning("checklist box with an unreadable block id from %s", req.user_id)
        return Answer.later()
    ref, item = parsed
    selected = action.get("selected_options")
    stored = tick(
        req.services,
        team_id=req.team_id,
        user_id=req.user_id,
        ref=ref,
        item=item,
        ticked=isinstance(selected, list) and len(selected) > 0,
    )
    if not stored:
        logger.info("checklist box of another program or phase from %s", req.user_id)
    return Answer.later()
