"""`/transition leave`: ask first; the buttons in handlers/actions/leave.py do the rest."""

from __future__ import annotations

from bot.blocks.participation import leave_question_blocks
from bot.services.participation import leave_question
from handlers.listener import Answer, Incoming


def run(req: Incoming, args: str) -> Answer:
    """Answer with the question (nothing changes yet): what stops and what is kept."""
    question = leave_question(req.services, team_id=req.team_id, user_id=req.user_id)
    return Answer.reply(*leave_question_blocks(question))
