"""`/transition preview <program> <week> [background]`: admins see a week's prompt."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from bot.blocks.common import section
from bot.blocks.prompt import preview, preview_usage, weekly_prompt
from bot.kinds import BACKGROUNDS
from bot.services import Services
from bot.services.prompt_state import prompt_schedule
from bot.text import safe_text
from handlers.authz import is_admin

REFUSAL = (
    "Previews are for workspace admins and owners. Your own prompt arrives in your DMs; "
    "`/transition status` shows this week's focus."
)


def run(
    *, ack: Ack, command: dict[str, Any], client: WebClient, services: Services, args: str
) -> None:
    """Answer with the prompt participants get that week, visible only to the admin."""
    team_id, user_id = command["team_id"], command["user_id"]
    if not is_admin(client, services, team_id=team_id, user_id=user_id):
        ack(text=REFUSAL, blocks=[section(REFUSAL)])
        return
    words = args.lower().split()
    problem = _problem(words, services)
    if problem is not None:
        text, blocks = preview_usage(services.programs, problem)
        ack(text=text, blocks=blocks)
        return
    program = services.programs[words[0]]
    background = words[2] if len(words) == 3 else None
    text, blocks = weekly_prompt(
        program, int(words[1]), background=background, logged={}, deliverable_done=False
    )
    weekday, hour = prompt_schedule(services, team_id=team_id)
    text, blocks = preview(text, blocks, weekday=weekday, hour=hour)
    ack(text=text, blocks=blocks)


def _problem(words: list[str], services: Services) -> str | None:
    """What is wrong with the arguments, or None when they name a real week."""
    if len(words) not in (2, 3):
        return "Tell me which program and week to preview."
    program_id, week = words[0], words[1]
    if program_id not in services.programs:
        return f"I don't know the program `{safe_text(program_id, 64)}`."
    if not week.isdigit() or not 1 <= int(week) <= 999:
        return f"`{safe_text(week, 20)}` is not a week number."
    if len(words) == 3 and words[2] not in BACKGROUNDS:
        return f"I don't know the background `{safe_text(words[2], 40)}`."
    return None
