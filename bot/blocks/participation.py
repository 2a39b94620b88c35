"""Replies to `/transition pause`, `resume` and `leave`."""

from __future__ import annotations

from bot.blocks.common import Block, context, section
from bot.kinds import plural
from bot.services.participation import ParticipationChange

NOT_JOINED = "You haven't joined a program. `/transition join` to start."


def _reply(text: str, note: str | None = None) -> tuple[str, list[Block]]:
    blocks: list[Block] = [section(text)]
    if note:
        blocks.append(context(note))
    return text, blocks


def pause_reply(change: ParticipationChange) -> tuple[str, list[Block]]:
    """What `/transition pause` says."""
    if change.participant is None or change.participant.status == "left":
        return _reply(NOT_JOINED)
    if not change.changed:
        return _reply("You're already paused. `/transition resume` when you're ready.")
    return _reply(
        f"Paused in week {change.week}. No prompts or reminders until you `/transition resume`.",
        "Nothing is lost: your journal and evidence stay, and you pick up in the same week.",
    )


def resume_reply(change: ParticipationChange) -> tuple[str, list[Block]]:
    """What `/transition resume` says."""
    if change.participant is None or change.participant.status == "left":
        return _reply(NOT_JOINED)
    if not change.changed:
        return _reply(f"You're not paused: you're in week {change.week}.")
    note = None
    if change.weeks_paused:
        moved = plural(change.weeks_paused, "week")
        note = f"Your program moved {moved} later, so no week is skipped."
    return _reply(f"Welcome back: you're in week {change.week}. Prompts start again.", note)


def leave_reply(change: ParticipationChange) -> tuple[str, list[Block]]:
    """What `/transition leave` says."""
    if change.participant is None or (not change.changed and change.participant.status == "left"):
        return _reply(NOT_JOINED)
    return _reply(
        "You've left the program: no more prompts or reminders.",
        "Your entries are kept until you delete them; `/transition join` starts a new run.",
    )
