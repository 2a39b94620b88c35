"""The message shortcut "Save to my journal": any Slack message, kept privately as evidence.

The text comes in the shortcut's payload (no history scope needed) and is stored before the
ack; its permalink is asked for after it, then the member sees the entry, privately.
"""

from __future__ import annotations

from slack_bolt import App

from bot.blocks import ids
from bot.blocks.evidence import nothing_to_save, saved_message_blocks, typed_too_long
from bot.outbound import Outbound
from bot.services.talk import SavedMessage, link_source, save_message
from bot.text import COMMAND_TEXT_LIMIT
from handlers.listener import Answer, Incoming, wire


def save_to_journal(req: Incoming) -> Answer:
    """Store the message the shortcut was used on, then confirm with its link."""
    message = req.body.get("message")
    message = message if isinstance(message, dict) else {}
    channel_id = req.channel_id or ""
    ts = message.get("ts") or req.body.get("message_ts")
    author = message.get("user")
    saved = save_message(
        req.services,
        team_id=req.team_id,
        user_id=req.user_id,
        message=SavedMessage(
            channel_id=channel_id,
            ts=str(ts or ""),
            author=author if isinstance(author, str) else None,
            text=str(message.get("text") or ""),
        ),
    )

    def confirm(slack: Outbound) -> None:
        if saved.outcome is None:
            text, blocks = (
                typed_too_long(saved.too_long, COMMAND_TEXT_LIMIT)
                if saved.too_long
                else nothing_to_save()
            )
        else:
            entry = saved.outcome.logged.stored
            link = slack.permalink(channel_id, str(ts)) if channel_id and ts else None
            if link:
                link_source(req.services, entry=entry, permalink=link)
            text, blocks = saved_message_blocks(saved.outcome, link)
        slack.reply_privately(user_id=req.user_id, channel_id=None, text=text, blocks=blocks)

    return Answer.later(confirm)


def register(app: App) -> None:
    """Wire the message shortcut."""
    app.shortcut(ids.SAVE_MESSAGE_SHORTCUT)(wire(save_to_journal))
