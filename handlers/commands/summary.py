"""`/transition summary`: your recap so far; admins: `summary team` posts the digest now."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.blocks.common import context, section
from bot.blocks.reminders import digest_message
from bot.blocks.status import not_joined_blocks
from bot.blocks.summary import recap_blocks
from bot.services import Services
from bot.services.digest import digest_now
from bot.services.ship import team_channel
from bot.services.summary import personal_recap
from handlers.authz import is_admin

logger = logging.getLogger(__name__)

ADMINS_ONLY = "Only admins can post the team digest. `/transition summary` shows your own recap."


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Answer with the personal recap, or post the team digest for an admin."""
    team_id, user_id = command["team_id"], command["user_id"]
    if args.split()[:1] == ["team"]:
        post_team_digest(
            ack=ack, client=client, services=services, team_id=team_id, user_id=user_id
        )
        return
    recap = personal_recap(services, team_id=team_id, user_id=user_id)
    text, blocks = recap_blocks(recap) if recap else not_joined_blocks()
    ack(text=text, blocks=blocks)


def post_team_digest(
    *, ack: Ack, client: WebClient, services: Services, team_id: str, user_id: str
) -> None:
    """Post the last seven days' digest in the team channel now (or show it, with the fix)."""
    if not is_admin(client, services, team_id=team_id, user_id=user_id):
        ack(text=ADMINS_ONLY, blocks=[section(ADMINS_ONLY)])
        return
    now, data = digest_now(services, team_id=team_id)
    text, blocks = digest_message(period=f"7 days to {now:%d %b %Y}", data=data)
    channel = team_channel(services, team_id=team_id)
    problem = "No team channel is set: `/transition config channel #channel` sets one."
    if channel:
        try:
            client.chat_postMessage(channel=channel, text=text, blocks=blocks)
        except SlackApiError as error:
            reason = error.response.get("error")
            logger.warning("team digest for %s not posted: %s", team_id, reason)
            problem = (
                f"I couldn't post in <#{channel}> ({reason}): invite me there with "
                "`/invite @Transition Coach`."
            )
        else:
            done = f":white_check_mark: Posted the team digest in <#{channel}>."
            ack(text=done, blocks=[section(done)])
            return
    # Not posted: show it to the admin, so the numbers are not lost either.
    ack(text=text, blocks=[*blocks[:45], context(f":warning: {problem}")])
