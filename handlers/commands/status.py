"""`/transition status`: where you are in your program."""

from __future__ import annotations

from bot.blocks.status import not_joined_blocks, status_blocks
from bot.services.status import status
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Answer with the participant's status."""
    report = status(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*(status_blocks(report) if report else not_joined_blocks()))
