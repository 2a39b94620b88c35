"""What `/transition config` shows and answers (admins only)."""

from __future__ import annotations

from bot.blocks.common import Block, context, header, section
from bot.kinds import plural
from bot.services.config import WEEKDAYS, WorkspaceSettings

USAGE = "\n".join(
    (
        "`/transition config channel #channel`  where ship posts and the digest go",
        "`/transition config prompt monday 9`  weekday and hour (local time) of the weekly prompt",
        "`/transition config admin add @someone` / `admin remove @someone`  bot admins",
        "`/transition config revisit 28`  days before you're asked how a decision turned out",
    )
)


def settings_blocks(settings: WorkspaceSettings) -> tuple[str, list[Block]]:
    """The current settings, then how to change them."""
    channel = f"<#{settings.team_channel_id}>" if settings.team_channel_id else "_not set_"
    admins = ", ".join(f"<@{u}>" for u in settings.admins) or "_none named_"
    lines = [
        f"*Team channel:* {channel}",
        f"*Weekly prompt:* {WEEKDAYS[settings.prompt_weekday].title()} at "
        f"{settings.prompt_hour:02d}:00 (each participant's local time)",
        f"*Decision revisit:* after {plural(settings.revisit_days, 'day')}",
        f"*Bot admins:* {admins} (plus Slack workspace admins and owners)",
    ]
    blocks = [header("Transition Coach settings"), section("\n".join(lines)), context(USAGE)]
    return "Transition Coach settings", blocks


def refusal_blocks(what: str = "change these settings") -> tuple[str, list[Block]]:
    """A polite no for non-admins, saying what only admins may do."""
    text = (
        f"Only workspace admins and the bot admins they name can {what}. "
        "Ask one of them if something should change."
    )
    return text, [section(text)]


def answer_blocks(text: str) -> tuple[str, list[Block]]:
    """One-line result (our words; ids are rendered as mentions by Slack)."""
    return text, [section(text)]


def usage_blocks(problem: str) -> tuple[str, list[Block]]:
    """What went wrong and how to write it."""
    return problem, [section(problem), context(USAGE)]
