"""Replies to `/transition pause`, `resume` and `leave`."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, confirm_dialog, context, section
from bot.kinds import plural
from bot.services.participation import LeaveQuestion, ParticipationChange
from bot.text import safe_text

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
    if change.after_end:
        return _reply(
            "Your program is over, so there is nothing to pause. `/transition join` starts a "
            "new run whenever you like."
        )
    if not change.changed:
        return _reply("You're already paused. `/transition resume` when you're ready.")
    if change.before_start:
        return _reply(
            f"Paused before your start ({_starts(change)}). Nothing will be sent until you "
            "`/transition resume`.",
            "If the pause runs past that Monday, week 1 moves later by as many weeks.",
        )
    return _reply(
        f"Paused in week {change.week}. No prompts or reminders until you `/transition resume`.",
        "Nothing is lost: your journal and evidence stay, and you pick up in the same week.",
    )


def _starts(change: ParticipationChange) -> str:
    """ "week 1 starts Monday 14 December"."""
    assert change.participant is not None
    return f"week 1 starts {change.participant.start_date:%A %-d %B}"


def resume_reply(change: ParticipationChange) -> tuple[str, list[Block]]:
    """What `/transition resume` says."""
    if change.participant is None or change.participant.status == "left":
        return _reply(NOT_JOINED)
    if not change.changed:
        if change.before_start:
            return _reply(f"You're not paused: {_starts(change)}.")
        if change.after_end:
            return _reply("You're not paused: your program is over.")
        return _reply(f"You're not paused: you're in week {change.week}.")
    note = None
    if change.weeks_paused:
        moved = plural(change.weeks_paused, "week")
        note = f"Your program moved {moved} later, so no week is skipped."
    if change.before_start:
        return _reply(f"Welcome back: {_starts(change)}.", note)
    return _reply(f"Welcome back: you're in week {change.week}. Prompts start again.", note)


def leave_reply(change: ParticipationChange) -> tuple[str, list[Block]]:
    """What `/transition leave` says."""
    if change.participant is None or (not change.changed and change.participant.status == "left"):
        return _reply(NOT_JOINED)
    return _reply(
        "You've left the program: no more prompts or reminders.",
        "Your entries are kept until you delete them; `/transition join` starts a new run.",
    )


def leave_question_blocks(question: LeaveQuestion | None) -> tuple[str, list[Block]]:
    """Asked before leaving: what stops, what is kept, and two buttons."""
    if question is None:
        return _reply(NOT_JOINED)
    title = safe_text(question.program_title, 150)
    kept = plural(question.entry_count, "entry", "entries")
    text = (
        f"*Leave {title}?* Your weekly prompts and reminders stop. Your {kept}, deliverables "
        "and skills ratings are kept: your summary, portfolio and export still have them, and "
        "`/transition join` starts a new run whenever you like."
    )
    leave_button = button("Leave the program", ids.LEAVE_CONFIRM, value="leave", style="danger")
    leave_button["confirm"] = confirm_dialog(
        "Leave the program?", "Prompts stop; your entries are kept.", confirm="Leave", deny="Stay"
    )
    return f"Leave {question.program_title}?", [
        section(text),
        actions("leave_actions", leave_button, button("Stay in", ids.LEAVE_CANCEL, value="stay")),
    ]


def stayed() -> tuple[str, list[Block]]:
    """Said when the member decides not to leave."""
    return _reply("You're still in: nothing changed.")
