"""`/transition`: the first word picks the action; unknown words get help."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from bot.blocks import ids
from bot.blocks.help import help_blocks
from handlers.commands import join, leave, log, pause, resume, status

Subcommand = Callable[..., None]

SUBCOMMANDS: dict[str, Subcommand] = {
    "join": join.run,
    "log": log.run,
    "status": status.run,
    "pause": pause.run,
    "resume": resume.run,
    "leave": leave.run,
}


def handle_transition(
    ack: Ack, command: dict[str, Any], client: WebClient, context: dict[str, Any]
) -> None:
    """Route `/transition <word> <rest>` to its subcommand."""
    word, _, rest = command.get("text", "").strip().partition(" ")
    word = word.lower()
    if word in ("", "help", "?"):
        text, blocks = help_blocks()
        ack(text=text, blocks=blocks)
        return
    subcommand = SUBCOMMANDS.get(word)
    if subcommand is None:
        text, blocks = help_blocks(unknown=word)
        ack(text=text, blocks=blocks)
        return
    subcommand(
        ack=ack, command=command, client=client, services=context["services"], args=rest.strip()
    )


def register(app: App) -> None:
    """Wire `/transition`."""
    app.command(ids.COMMAND)(handle_transition)
