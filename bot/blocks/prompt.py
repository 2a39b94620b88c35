"""The weekly prompt and the completion message (DMs sent by the scheduler)."""

from __future__ import annotations

from collections.abc import Mapping

from bot.blocks.common import Block, context, header, section
from bot.kinds import ENTRY_KINDS
from bot.programs import Program
from bot.text import safe_text


def weekly_prompt(
    program: Program,
    week: int,
    *,
    background: str | None,
    logged: Mapping[str, int],
    deliverable_done: bool,
) -> tuple[str, list[Block]]:
    """Fallback text and blocks for program week `week`: phase, goal and deliverable."""
    phase = program.phase_for_week(week)
    if phase is None:
        raise ValueError(f"week {week} is outside 1..{program.weeks} of {program.id!r}")
    title = safe_text(phase.title, 100)
    text = f"Week {week} of {program.weeks}: {phase.title}"
    blocks: list[Block] = [
        header(f"Week {week} of {program.weeks} · {phase.title}"[:150]),
        section(f"*Goal:* {safe_text(phase.goal, 600)}"),
    ]
    tip = phase.tips.get(background or "")
    if tip:
        blocks.append(context(f":bulb: {safe_text(tip, 600)}"))
    deliverable = phase.deliverable
    state = (
        ":white_check_mark: done"
        if deliverable_done
        else "due " + (f"by the end of week {phase.last_week}")
    )
    blocks.append(
        section(f"*Deliverable of {title}:* {safe_text(deliverable.title, 150)} ({state})")
    )
    counts = [f"{ENTRY_KINDS.get(kind, kind)}: {n}" for kind, n in sorted(logged.items()) if n > 0]
    if counts:
        blocks.append(context("Logged this phase: " + ", ".join(counts)))
    return text, blocks


def completion_message(program: Program) -> tuple[str, list[Block]]:
    """Fallback text and blocks for the end of the program."""
    text = f"You finished {program.title}."
    blocks: list[Block] = [
        header(f"You finished {program.title}"[:150]),
        section(
            f"That was the last of the {program.weeks} weeks of *{safe_text(program.title, 150)}*. "
            "Your journal and evidence stay with you: `/transition status` shows where you ended."
        ),
    ]
    return text, blocks
