"""Answers to the scheduled follow-ups: a ship post's one-week numbers, a decision's revisit."""

from __future__ import annotations

from typing import Any

from bot.blocks import ids
from bot.blocks.evidence import notice
from bot.blocks.ship import followup_reply
from bot.outbound import Outbound, SlackFailure
from bot.services.evidence import own_entry
from bot.services.ship import add_answer
from handlers.listener import Answer, Incoming
from handlers.views.values import metadata, state_value
from storage.models import Entry


def _own_entry(req: Incoming) -> Entry | None:
    entry_id = metadata(req.view).get("entry_id")
    if not isinstance(entry_id, int):
        return None
    return own_entry(req.services, team_id=req.team_id, user_id=req.user_id, entry_id=entry_id)


def handle_followup(req: Incoming) -> Answer:
    """Store the after-metric with the ship post, then reply in the post's thread."""
    services, view, user_id = req.services, req.view, req.user_id
    after = state_value(view, ids.FOLLOWUP_AFTER)
    if after is None:
        return Answer.errors({ids.FOLLOWUP_AFTER[0]: "What does the metric say now?"})
    note = state_value(view, ids.FOLLOWUP_NOTE)
    entry = _own_entry(req)

    if entry is None or entry.kind != "ship":
        text, blocks = notice("That ship post is gone, so there's no thread to add to.")
        return Answer.later(
            lambda slack: slack.reply_privately(
                user_id=user_id, channel_id=None, text=text, blocks=blocks
            )
        )
    answer: dict[str, Any] = {"after": after, "note": note}
    # Stored before the ack: what the modal accepted is in the database.
    entry = add_answer(
        services, entry=entry, key="followup", answer=answer, now=services.clock.now()
    )
    stored = entry

    def reply_in_thread(slack: Outbound) -> None:
        message = ":white_check_mark: Saved and added to your ship post's thread."
        if stored.post_channel_id and stored.post_ts:
            text, blocks = followup_reply(author=user_id, after=after, note=note)
            try:
                posted = slack.post(stored.post_channel_id, text, blocks, thread_ts=stored.post_ts)
            except SlackFailure:
                message = "Saved. I couldn't add it to the thread, but it's stored with your post."
            else:
                add_answer(
                    services,
                    entry=stored,
                    key="followup",
                    answer={"reply_ts": posted.ts},
                    now=services.clock.now(),
                )
        text, blocks = notice(message)
        slack.reply_privately(user_id=user_id, channel_id=None, text=text, blocks=blocks)

    return Answer.later(reply_in_thread)


def handle_revisit(req: Incoming) -> Answer:
    """Add the optional note to a decision's revisit answer (stored before the modal closes)."""
    entry = _own_entry(req)
    note = state_value(req.view, ids.REVISIT_NOTE)
    if entry is not None and note is not None:
        services = req.services
        add_answer(
            services, entry=entry, key="revisit", answer={"note": note}, now=services.clock.now()
        )
    return Answer.later()
