"""The timeline beyond the program's last week, as blocks for the completion message."""

from __future__ import annotations

from bot.blocks.common import Block, context, list_sections
from bot.programs import Program
from bot.text import safe_text


def timeline_blocks(program: Program) -> list[Block]:
    """Where the member stands after the last week and what the months after it look like
    (the program's `horizon`), one step per line; empty for a program without a horizon."""
    if not program.horizon:
        return []
    steps = [f"• {safe_text(line, 300)}" for line in program.horizon]
    done = (
        f":white_check_mark: *Weeks 1-{program.weeks}, done:* the habit is built and you have "
        "your first proof."
    )
    # Packed into as many sections as Slack's text limit needs (a coach's program may have
    # a long horizon).
    return [
        *list_sections("*The road from here*\n" + done, steps),
        context("It is not a race: proof built slowly, with real users in it, lasts longer."),
    ]
