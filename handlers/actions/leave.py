"""The buttons under the leave question."""

from __future__ import annotations

from bot.blocks.participation import leave_reply, stayed
from bot.services.participation import leave
from handlers.listener import Answer, Incoming


def confirm(req: Incoming) -> Answer:
    """End the enrollment before the ack, then replace the question with what happened."""
    text, blocks = leave_reply(leave(req.services, team_id=req.team_id, user_id=req.user_id))
    return Answer.later(lambda slack: slack.respond(text, blocks, replace_original=True))


def cancel(req: Incoming) -> Answer:
    """Stay: replace the question with the answer."""
    text, blocks = stayed()
    return Answer.later(lambda slack: slack.respond(text, blocks, replace_original=True))
