"""`/transition config …`: workspace settings, for Slack admins and the admins they name."""

from __future__ import annotations

import logging
import re
from typing import Any

from bot.blocks.config import answer_blocks, refusal_blocks, settings_blocks, usage_blocks
from bot.outbound import Outbound
from bot.services import Services
from bot.services.config import WEEKDAYS, add_admin, current, remove_admin, update
from handlers.authz import is_admin
from handlers.listener import Answer, Incoming

logger = logging.getLogger(__name__)

# Slack escapes mentions as <#C123|name> / <@U123|name>; the |name part is optional.
CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")
USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
RAW_CHANNEL = re.compile(r"^[CG][A-Z0-9]{8,}$")  # a bare id, as copied from Slack
MAX_REVISIT_DAYS = 365


def run(req: Incoming, args: str) -> Answer:
    """Acknowledge, check the caller is an admin (users.info), then show or change one setting."""

    def answer(slack: Outbound) -> None:
        team_id, user_id = req.team_id, req.user_id
        if is_admin(slack, req.services, team_id=team_id, user_id=user_id):
            text, blocks = apply(req.services, team_id=team_id, user_id=user_id, args=args)
            what = (args.split() or ["show"])[0][:20]
            logger.info("config %s team=%s user=%s", what, team_id, user_id)
        else:
            text, blocks = refusal_blocks()
        slack.reply_privately(user_id=user_id, channel_id=req.channel_id, text=text, blocks=blocks)

    return Answer.later(answer)


def apply(services: Services, *, team_id: str, user_id: str, args: str) -> tuple[str, list[Any]]:
    """Parse and apply one config change; returns the reply."""
    words = args.split()
    what = words[0].lower() if words else ""
    rest = words[1:]
    if not what:
        return settings_blocks(current(services, team_id=team_id))
    if what == "channel" and len(rest) == 1:
        match = CHANNEL.match(rest[0])
        channel = match.group(1) if match else (rest[0] if RAW_CHANNEL.match(rest[0]) else None)
        if channel is None:
            return usage_blocks(
                "Pick the channel from Slack's autocomplete (type `#` and choose it) "
                "so I get its id."
            )
        update(services, team_id=team_id, team_channel_id=channel)
        return answer_blocks(
            f":white_check_mark: Ship posts now go to <#{channel}>. "
            "If it's private or I'm not in it, invite me with `/invite @Transition Coach`."
        )
    if what == "prompt" and len(rest) == 2:
        day, hour = rest[0].lower(), rest[1]
        matches = [i for i, name in enumerate(WEEKDAYS) if name.startswith(day[:3])]
        if len(day) < 3 or not matches or not hour.isdigit() or not 0 <= int(hour) <= 23:
            return usage_blocks("Write a weekday and an hour from 0 to 23, e.g. `prompt monday 9`.")
        update(services, team_id=team_id, prompt_weekday=matches[0], prompt_hour=int(hour))
        return answer_blocks(
            f":white_check_mark: Weekly prompts go out on {WEEKDAYS[matches[0]].title()} at "
            f"{int(hour):02d}:00, each participant's local time."
        )
    if what == "admin" and len(rest) == 2 and rest[0].lower() in ("add", "remove"):
        match = USER.match(rest[1])
        if match is None:
            return usage_blocks("Mention the person, e.g. `admin add @sam`.")
        target = match.group(1)
        if rest[0].lower() == "add":
            added = add_admin(services, team_id=team_id, user_id=target, added_by=user_id)
            verb = "is now a bot admin" if added else "was already a bot admin"
        else:
            removed = remove_admin(services, team_id=team_id, user_id=target)
            verb = "is no longer a bot admin" if removed else "wasn't a named bot admin"
        return answer_blocks(f":white_check_mark: <@{target}> {verb}.")
    if what == "revisit" and len(rest) == 1:
        if not rest[0].isdigit() or not 1 <= int(rest[0]) <= MAX_REVISIT_DAYS:
            return usage_blocks(f"Give a number of days from 1 to {MAX_REVISIT_DAYS}.")
        update(services, team_id=team_id, revisit_days=int(rest[0]))
        return answer_blocks(
            f":white_check_mark: Journal entries are revisited after {int(rest[0])} days."
        )
    return usage_blocks("I didn't understand that setting.")
