"""`/transition pause`: stop scheduled DMs until resume."""

from __future__ import annotations

from bot.blocks.participation import pause_reply
from bot.services.participation import pause
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Change the participant's enrollment and say what happened (ephemeral)."""
    change = pause(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*pause_reply(change))
