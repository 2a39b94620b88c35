"""`/transition`: the first word picks the action; unknown words get help."""

from __future__ import annotations

from collections.abc import Callable

from slack_bolt import App

from bot.blocks import ids
from bot.blocks.errors import text_too_long_message
from bot.blocks.help import admin_help_blocks, help_blocks
from bot.blocks.interview import interview_card
from bot.blocks.resist import resist_card
from bot.outbound import Outbound
from bot.text import COMMAND_TEXT_LIMIT, from_slack
from handlers.authz import is_admin
from handlers.commands import (
    away,
    cohort,
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
    prompts,
    resume,
    ship,
    skills,
    status,
    summary,
)
from handlers.listener import Answer, Incoming, Then, wire

Subcommand = Callable[[Incoming, str], Answer]

SUBCOMMANDS: dict[str, Subcommand] = {
    "join": join.run,
    "log": log.run,
    "ship": ship.run,
    "entries": entries.run,
    "config": config.run,
    "cohort": cohort.run,
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
    "away": away.run,
    "prompts": prompts.run,
}

# `/transition help <topic>`: guide sections that are read when they are needed.
HELP_TOPICS = {"resist": resist_card, "interview": interview_card}

# config, cohort and `portfolio share @name` read the channel and user ids inside Slack's
# markup; everyone else gets the words the user typed.
RAW_ARGS = {"config", "cohort", "portfolio"}


def handle_transition(req: Incoming) -> Answer:
    """Route `/transition <word> <rest>` to its subcommand."""
    text = str(req.body.get("text", ""))
    typed = len(from_slack(text))
    if typed > COMMAND_TEXT_LIMIT:  # refused in words, never stored cut short
        return Answer(text_too_long_message(typed, COMMAND_TEXT_LIMIT))
    word, _, rest = text.strip().partition(" ")
    word = word.lower()
    topic = HELP_TOPICS.get(rest.strip().lower()) if word == "help" else None
    if topic is not None:
        return Answer.reply(*topic())
    if word in ("", "help", "?"):
        return Answer.reply(*help_blocks(), then=admin_help_for(req))
    subcommand = SUBCOMMANDS.get(word)
    if subcommand is None:
        return Answer.reply(*help_blocks(unknown=from_slack(word)))
    args = rest.strip() if word in RAW_ARGS else from_slack(rest).strip()
    return subcommand(req, args)


def admin_help_for(req: Incoming) -> Then:
    """After the ack (admin rights come from users.info): the admins' commands, to admins."""

    def show(slack: Outbound) -> None:
        if is_admin(slack, req.services, team_id=req.team_id, user_id=req.user_id):
            slack.reply_privately(
                user_id=req.user_id, channel_id=req.channel_id, text=admin_text, blocks=blocks
            )

    admin_text, blocks = admin_help_blocks()
    return show


def register(app: App) -> None:
    """Wire `/transition`."""
    app.command(ids.COMMAND)(wire(handle_transition))
