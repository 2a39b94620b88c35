"""`/transition resume`: restart scheduled DMs where you left off."""

from __future__ import annotations

from bot.blocks.participation import resume_reply
from bot.services.participation import resume
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Change the participant's enrollment and say what happened (ephemeral)."""
    change = resume(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*resume_reply(change))
