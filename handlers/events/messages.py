"""`message.im`: what a member types to the app in its Messages tab becomes an entry.

Stored before the ack (Slack redelivers an event it got no answer to; the message's channel
and ts make the second delivery find the first entry), confirmed after it, in the DM, in the
same thread when the member wrote in one.
"""

from __future__ import annotations

from typing import Any

from bot.blocks.evidence import form_offer, outcome_blocks, typed_too_long
from bot.blocks.help import help_blocks
from bot.outbound import Outbound
from bot.services.talk import Typed, log_typed
from bot.text import COMMAND_TEXT_LIMIT
from handlers.authz import is_admin
from handlers.listener import Answer, Incoming

# Subtypes that are still a member writing (Slack docs: api.slack.com/events/message);
# edits, deletions, joins and bot posts are not entries.
WRITTEN = (None, "thread_broadcast", "file_share")


def _written_by_member(event: dict[str, Any]) -> bool:
    return (
        event.get("channel_type") == "im"
        and event.get("subtype") in WRITTEN
        and not event.get("bot_id")
        and isinstance(event.get("user"), str)
        and isinstance(event.get("text"), str)
        and bool(str(event.get("text")).strip())
        and isinstance(event.get("channel"), str)
        and isinstance(event.get("ts"), str)
    )


def handle_message(req: Incoming) -> Answer | None:
    """Store a DM to the app as an entry, then confirm it with its kind menu."""
    event = req.event
    if not _written_by_member(event):
        return None
    channel, ts = str(event["channel"]), str(event["ts"])
    thread = event.get("thread_ts") if isinstance(event.get("thread_ts"), str) else None
    typed = log_typed(
        req.services,
        team_id=req.team_id,
        user_id=req.user_id,
        text=str(event["text"]),
        channel_id=channel,
        ts=ts,
        thread_ts=thread,
    )
    extra = {"thread_ts": thread} if thread else {}

    def confirm(slack: Outbound) -> None:
        text, blocks = _answer(req, typed, slack)
        slack.post(channel, text, blocks, **extra)  # a failure is logged; the entry is stored

    return Answer.later(confirm)


def _answer(req: Incoming, typed: Typed, slack: Outbound) -> tuple[str, list[Any]]:
    if typed.outcome is not None:
        return outcome_blocks(typed.outcome, quick=True)
    if typed.form_kind is not None:
        return form_offer(typed.form_kind)
    if typed.too_long:
        return typed_too_long(typed.too_long, COMMAND_TEXT_LIMIT)
    admin = is_admin(slack, req.services, team_id=req.team_id, user_id=req.user_id)
    return help_blocks(admin=admin)
