"""`/transition`: the first word picks the action; unknown words get help."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.errors import text_too_long_message
from bot.blocks.help import help_blocks
from bot.text import COMMAND_TEXT_LIMIT, from_slack
from handlers.commands import (
    config,
    entries,
    export,
    forget,
    join,
    leave,
    log,
    pause,
    portfolio,
    preview,
    resume,
    ship,
    skills,
    status,
    summary,
)

Subcommand = Callable[..., None]

SUBCOMMANDS: dict[str, Subcommand] = {
    "join": join.run,
    "log": log.run,
    "ship": ship.run,
    "entries": entries.run,
    "config": config.run,
    "status": status.run,
    "summary": summary.run,
    "skills": skills.run,
    "portfolio": portfolio.run,
    "export": export.run,
    "forget": forget.run,
    "preview": preview.run,
    "pause": pause.run,
    "resume": resume.run,
    "leave": leave.run,
}


RAW_ARGS = {"config"}


def handle_transition(
    ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Route `/transition <word> <rest>` to its subcommand."""
    typed = len(from_slack(command.get("text", "")))
    if typed > COMMAND_TEXT_LIMIT:  # refused in words, never stored cut short
        ack(**text_too_long_message(typed, COMMAND_TEXT_LIMIT))
        return
    word, _, rest = command.get("text", "").strip().partition(" ")
    word = word.lower()
    if word in ("", "help", "?"):
        text, blocks = help_blocks()
        ack(text=text, blocks=blocks)
        return
    subcommand = SUBCOMMANDS.get(word)
    if subcommand is None:
        text, blocks = help_blocks(unknown=from_slack(word))
        ack(text=text, blocks=blocks)
        return
    # config reads the channel and user ids inside Slack's markup; everyone else gets the
    # words the user typed.
    args = rest.strip() if word in RAW_ARGS else from_slack(rest).strip()
    subcommand(ack=ack, command=command, client=client, services=context["services"], args=args)


def register(app: App) -> None:
    """Wire `/transition`."""
    app.command(ids.COMMAND)(handle_transition)
