"""The day-30/60/90 check-in: the success criteria of the stretch just finished."""

from __future__ import annotations

from bot.blocks.common import Block, context, header, section
from bot.programs.schema import CheckIn
from bot.text import safe_text


def milestone_message(checkin: CheckIn, program_title: str) -> tuple[str, list[Block]]:
    """What a member gets on a check-in day (program text, escaped like any other)."""
    title = safe_text(checkin.title, 140)
    blocks: list[Block] = [
        header(title),
        section(f"*By now:* {safe_text(checkin.criteria, 300)}"),
        section(f":mag: {safe_text(checkin.ask, 300)}"),
        context(
            f"{safe_text(program_title, 120)} · `/transition log` what you find, "
            "`/transition portfolio` for the evidence so far."
        ),
    ]
    return safe_text(f"{checkin.title}: {checkin.criteria}", 300), blocks
