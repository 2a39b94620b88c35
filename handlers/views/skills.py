"""The skills modal's submission."""

from __future__ import annotations

from bot.blocks.skills import skill_block_id, skills_saved
from bot.outbound import Outbound
from bot.services.skills import ratings, save
from bot.skills import SKILLS
from handlers.home import publish_home
from handlers.listener import Answer, Incoming
from handlers.views.values import metadata, state_value


def handle_submission(req: Incoming) -> Answer:
    """Store the seven ratings, then show start vs now."""
    view = req.view
    moment = metadata(view).get("moment")
    scores: dict[str, int] = {}
    errors: dict[str, str] = {}
    for skill in SKILLS:
        value = state_value(view, (skill_block_id(skill), "score"))
        if value is None or not value.isdigit() or not 1 <= int(value) <= 5:
            errors[skill_block_id(skill)] = "Pick 1 to 5."
        else:
            scores[skill] = int(value)
    if moment not in ("start", "end"):
        errors[skill_block_id(next(iter(SKILLS)))] = "This form is out of date: open it again."
    if errors or not isinstance(moment, str):
        return Answer.errors(errors)
    services, team_id, user_id = req.services, req.team_id, req.user_id
    save(services, team_id=team_id, user_id=user_id, moment=moment, scores=scores)
    text, blocks = skills_saved(moment, ratings(services, team_id=team_id, user_id=user_id))

    def confirm(slack: Outbound) -> None:
        slack.reply_privately(user_id=user_id, channel_id=None, text=text, blocks=blocks)
        publish_home(slack, services, team_id=team_id, user_id=user_id)

    return Answer.later(confirm)
