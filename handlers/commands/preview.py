"""`/transition preview <program> <week> [background]`: admins see a week's prompt."""

from __future__ import annotations

from bot.blocks.common import Block, section
from bot.blocks.prompt import preview, preview_usage, weekly_prompt
from bot.kinds import BACKGROUNDS
from bot.outbound import Outbound
from bot.services import Services
from bot.services.prompt_state import prompt_schedule
from bot.text import safe_text
from handlers.authz import is_admin
from handlers.listener import Answer, Incoming

REFUSAL = (
    "Previews are for workspace admins and owners. Your own prompt arrives in your DMs; "
    "`/transition status` shows this week's focus."
)


def run(req: Incoming, args: str) -> Answer:
    """Acknowledge, check admin rights, then show the prompt participants get that week,
    visible only to the admin."""

    def answer(slack: Outbound) -> None:
        if is_admin(slack, req.services, team_id=req.team_id, user_id=req.user_id):
            text, blocks = render(req.services, team_id=req.team_id, args=args)
        else:
            text, blocks = REFUSAL, [section(REFUSAL)]
        slack.reply_privately(
            user_id=req.user_id, channel_id=req.channel_id, text=text, blocks=blocks
        )

    return Answer.later(answer)


def render(services: Services, *, team_id: str, args: str) -> tuple[str, list[Block]]:
    """The preview for `<program> <week> [background]`, or the usage with what is wrong."""
    words = args.lower().split()
    problem = _problem(words, services)
    if problem is not None:
        return preview_usage(services.programs, problem)
    program = services.programs[words[0]]
    background = words[2] if len(words) == 3 else None
    text, blocks = weekly_prompt(
        program, int(words[1]), background=background, logged={}, deliverable_done=False
    )
    weekday, hour = prompt_schedule(services, team_id=team_id)
    return preview(text, blocks, weekday=weekday, hour=hour)


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
