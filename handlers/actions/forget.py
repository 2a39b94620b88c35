"""The buttons under the forget question."""

from __future__ import annotations

from bot.blocks.personal_data import forgotten, kept
from bot.outbound import Outbound
from bot.services.member_picture import delete_files
from bot.services.personal_data import forget_user
from handlers.listener import Answer, Incoming


def confirm(req: Incoming) -> Answer:
    """Acknowledge, delete everything about the clicking user in this workspace (however
    much there is, after the ack), then replace the question with how many records went."""

    def forget(slack: Outbound) -> None:
        delete_files(slack, req.services, team_id=req.team_id, user_id=req.user_id)
        count = forget_user(req.services, team_id=req.team_id, user_id=req.user_id)
        slack.respond(*forgotten(count), replace_original=True)

    return Answer.later(forget)


def cancel(req: Incoming) -> Answer:
    """Keep the data: replace the question with the answer."""
    text, blocks = kept()
    return Answer.later(lambda slack: slack.respond(text, blocks, replace_original=True))
