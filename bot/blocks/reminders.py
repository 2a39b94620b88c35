"""Scheduler messages other than the weekly prompt: the missed-prompt note, nudge and digest."""

from __future__ import annotations

from collections.abc import Mapping

from bot.blocks.common import Block, context, header, section
from bot.kinds import ENTRY_KINDS
from bot.programs import Phase, Program
from bot.text import safe_text

MISSED_NOTE = ":hourglass: You missed last week's prompt (the bot was away); here is this week's."


def missed_note() -> Block:
    """The context line a prompt carries when last week's prompt was skipped."""
    return context(MISSED_NOTE)


def nudge_message(program: Program, phase: Phase) -> tuple[str, list[Block]]:
    """The mid-week nudge: this phase's deliverable is due this week and not marked done."""
    deliverable = safe_text(phase.deliverable.title, 150)
    text = f"Reminder: {phase.deliverable.title} is due this week."
    blocks: list[Block] = [
        section(
            f":alarm_clock: *{deliverable}* is due at the end of this week "
            f"(the last week of _{safe_text(phase.title, 150)}_)."
        ),
        section(
            "*Done when:*\n"
            + "\n".join(f"• {safe_text(d, 300)}" for d in phase.deliverable.done_when)
        ),
        context(f"{safe_text(program.title, 150)} · one reminder per phase, no more."),
    ]
    return text, blocks


def digest_message(
    *,
    period: str,
    by_week: Mapping[int, int],
    logged: Mapping[str, int],
    deliverables_done: int,
    deliverables_total: int,
) -> tuple[str, list[Block]]:
    """The weekly team digest: counts only, never what anyone wrote."""
    participants = sum(by_week.values())
    text = f"Transition Coach weekly digest ({period}): {participants} participants"
    weeks = (
        "\n".join(
            f"• {f'Week {week}' if week else 'Not started yet'}: {n}"
            for week, n in sorted(by_week.items())
        )
        or "• nobody yet"
    )
    entries = (
        "\n".join(f"• {ENTRY_KINDS.get(kind, kind)}: {n}" for kind, n in sorted(logged.items()))
        or "• nothing logged"
    )
    blocks: list[Block] = [
        header(f"Weekly digest · {period}"),
        section(f"*Participants by program week* ({participants} active)\n{weeks}"),
        section(f"*Entries logged in the last 7 days*\n{entries}"),
        section(
            f"*Deliverables marked done:* {deliverables_done} in the last 7 days, "
            f"{deliverables_total} in all"
        ),
        context(":lock: Counts only: journals and evidence stay private to their authors."),
    ]
    return text, blocks
