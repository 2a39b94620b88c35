"""`/transition leave`: end your enrollment, keeping your data."""

from __future__ import annotations

from bot.blocks.participation import leave_reply
from bot.services.participation import leave
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Change the participant's enrollment and say what happened (ephemeral)."""
    change = leave(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*leave_reply(change))
