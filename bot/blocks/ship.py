"""The ship post in the team channel, its private confirmation, follow-ups and revisits."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from bot.blocks import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    confirm_dialog,
    context,
    modal,
    section,
    text_input,
)
from bot.kinds import plural
from bot.text import safe_text

FIELD_CHARS = 1200
# Slack errors meaning the bot can't post in a channel: inviting it fixes them.
UNREACHABLE = frozenset({"not_in_channel", "channel_not_found", "is_archived"})
INVITE_HINT = "invite me there with `/invite @Transition Coach`"
CONFIG_HINT = "ask an admin to run `/transition config channel #channel`"


def _value(fields: Mapping[str, Any], key: str) -> str | None:
    value = fields.get(key)
    return (
        safe_text(value.strip(), FIELD_CHARS) if isinstance(value, str) and value.strip() else None
    )


def ship_post(*, author: str, fields: Mapping[str, Any]) -> tuple[str, list[Block]]:
    """The announcement: we noticed a problem affecting people, built this, here's the data."""
    blocks: list[Block] = [section(f":rocket: *<@{author}> shipped something*")]
    problem, who, built = _value(fields, "problem"), _value(fields, "who"), _value(fields, "built")
    if problem:
        blocks.append(section(f"*The problem*\n{problem}"))
    if who:
        blocks.append(section(f"*Who it affected*\n{who}"))
    if built:
        blocks.append(section(f"*What was built*\n{built}"))
    before, after = _value(fields, "before"), _value(fields, "after")
    if fields.get("measuring") or not after:
        after_text = "_still measuring: the numbers follow in this thread in a week_"
    else:
        after_text = after
    blocks.append(
        section(f"*The numbers*\nBefore: {before or '_not recorded_'}\nAfter: {after_text}")
    )
    for key, label in (("feedback", "What users said"), ("learned", "What was learned")):
        value = _value(fields, key)
        if value:
            blocks.append(section(f"*{label}*\n{value}"))
    blocks.append(context(f"Posted with Transition Coach by <@{author}>"))
    return f"Ship post from <@{author}>", blocks


def fallback_note(reason: str, channel_id: str | None) -> Block:
    """Why a ship post landed in the author's DM instead of the team channel, and the fix."""
    if reason == "no_channel":
        return context(
            ":information_source: No team channel is set up yet, so this went to you: "
            f"{CONFIG_HINT}."
        )
    where = f"<#{channel_id}>" if channel_id else "the team channel"
    if reason in UNREACHABLE:
        fix = f"I'm not a member: {INVITE_HINT}"
    else:
        fix = "Slack refused it just now; an admin can check the channel with `/transition config`"
    return context(
        f":warning: I couldn't post in {where} ({fix}). "
        "Nothing is lost: your post is saved and here."
    )


def ship_confirmation(
    *,
    entry_id: int,
    permalink: str | None,
    channel_id: str | None,
    fallback: str | None,
    edited: bool = False,
) -> tuple[str, list[Block]]:
    """Private note to the author: where the post is, and Edit/Delete for 24 hours."""
    verb = "updated" if edited else "up"
    link = f"<{permalink}|view it>" if permalink else ""
    if fallback == "no_channel":
        head = f":rocket: Your ship post is saved and in our DM. To share it: {CONFIG_HINT}."
    elif fallback:
        where = f"<#{channel_id}>" if channel_id else "the team channel"
        head = (
            f":rocket: Your ship post is saved; I couldn't reach {where}, so it's in our DM. "
            f"To fix it, {INVITE_HINT}."
        )
    else:
        head = f":rocket: Your ship post is {verb} in <#{channel_id}>." if channel_id else ""
    text = f"{head} {link}".strip()
    blocks = [
        section(text),
        context("You can edit or delete it for 24 hours. In a week I'll ask how the numbers look."),
        actions(
            f"ship_{entry_id}",
            button("Edit", ids.SHIP_EDIT, value=str(entry_id)),
            {
                **button("Delete", ids.SHIP_DELETE, value=str(entry_id), style="danger"),
                "confirm": confirm_dialog(
                    "Delete this ship post?",
                    "It is removed from the channel and from your entries.",
                    confirm="Delete",
                ),
            },
        ),
    ]
    return ("Ship post updated" if edited else "Ship post posted"), blocks


def followup_dm(*, entry_id: int, built: str, permalink: str | None) -> tuple[str, list[Block]]:
    """A week after a ship post: what does the data say now?"""
    what = safe_text(" ".join(built.split()), 300)
    link = f" (<{permalink}|your post>)" if permalink else ""
    text = (
        f":chart_with_upwards_trend: A week ago you shipped _{what}_{link}. "
        "What does the data say now?"
    )
    blocks = [
        section(text),
        actions(
            f"followup_{entry_id}",
            button("Add the numbers", ids.SHIP_FOLLOWUP_OPEN, value=str(entry_id), style="primary"),
        ),
    ]
    return "A week after your ship post: what does the data say now?", blocks


def followup_modal(*, entry_id: int, before: str | None) -> Block:
    """After-metric and a note, for the ship post's thread."""
    hint = f"Before it was: {before[:100]}" if before else None
    blocks = [
        text_input(ids.FOLLOWUP_AFTER, "The metric now", max_length=500, hint=hint),
        text_input(ids.FOLLOWUP_NOTE, "Anything to add?", multiline=True, optional=True),
    ]
    return modal(
        ids.SHIP_FOLLOWUP_VIEW,
        "One week later",
        blocks,
        submit="Post in thread",
        private_metadata=json.dumps({"entry_id": entry_id}),
    )


def followup_reply(*, author: str, after: str, note: str | None) -> tuple[str, list[Block]]:
    """The one-week update posted in the ship post's thread."""
    lines = [
        f":bar_chart: *One week later*, from <@{author}>",
        f"*The metric now:* {safe_text(after, FIELD_CHARS)}",
    ]
    if note:
        lines.append(safe_text(note, FIELD_CHARS * 2))
    return f"One week later, from <@{author}>", [section("\n".join(lines))]


REVISIT_OUTCOMES = {"worked": "It worked", "didnt": "It didn't", "too_early": "Too early to tell"}


def revisit_dm(*, entry_id: int, decision: str, days: int) -> tuple[str, list[Block]]:
    """Weeks after a journal entry: you noted this decision; how did it turn out?"""
    quoted = safe_text(" ".join(decision.split()), 500)
    blocks = [
        section(
            f":hourglass: {plural(days, 'day')} ago you noted this decision:\n>{quoted}\n"
            "How did it turn out?"
        ),
        actions(
            f"revisit_{entry_id}",
            *(
                button(label, ids.REVISIT_ANSWERS[key], value=f"{entry_id}:{key}")
                for key, label in REVISIT_OUTCOMES.items()
            ),
        ),
        context(":lock: Only you can see your journal and your answer."),
    ]
    return "You noted a decision a while ago: how did it turn out?", blocks


def revisit_modal(*, entry_id: int, outcome: str) -> Block:
    """An optional note on how a decision turned out."""
    return modal(
        ids.REVISIT_VIEW,
        "How it turned out",
        [
            context(f"Saved: *{REVISIT_OUTCOMES.get(outcome, outcome)}*. Add a note if you like."),
            text_input(ids.REVISIT_NOTE, "What happened?", multiline=True, optional=True),
        ],
        private_metadata=json.dumps({"entry_id": entry_id, "outcome": outcome}),
    )
