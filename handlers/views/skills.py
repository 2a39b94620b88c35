"""The skills modal's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.skills import skill_block_id, skills_saved
from bot.services.skills import ratings, save
from bot.skills import SKILLS
from handlers.home import publish_home
from handlers.replies import reply_privately
from handlers.views.values import metadata, state_value


def handle_submission(
    ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Store the seven ratings, then show start vs now."""
    services = context["services"]
    team_id, user_id = body["team"]["id"], body["user"]["id"]
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
        ack(response_action="errors", errors=errors)
        return
    save(services, team_id=team_id, user_id=user_id, moment=moment, scores=scores)
    ack()
    text, blocks = skills_saved(moment, ratings(services, team_id=team_id, user_id=user_id))
    reply_privately(client, user_id=user_id, channel_id=None, text=text, blocks=blocks)
    publish_home(client, services, team_id=team_id, user_id=user_id)
