"""Scheduler messages other than the weekly prompt: the missed-prompt note, nudge and digest."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, context, header, progress_bar, section
from bot.blocks.prompt import PromptRef, deliverable_buttons
from bot.kinds import ENTRY_KINDS
from bot.programs import Phase, Program
from bot.services.digest import DigestData
from bot.text import safe_text

MISSED_NOTE = ":hourglass: You missed last week's prompt (the bot was away); here is this week's."


def missed_note() -> Block:
    """The context line a prompt carries when last week's prompt was skipped."""
    return context(MISSED_NOTE)


def nudge_message(program: Program, phase: Phase) -> tuple[str, list[Block]]:
    """The mid-week nudge: this phase's deliverable is due this week and not marked done;
    it carries the prompt's buttons (log what counts, mark done)."""
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
        actions(
            ids.PROMPT_ACTIONS,
            *deliverable_buttons(
                PromptRef(program.id, phase.key, phase.weeks[-1]), phase, done=False
            ),
        ),
        context(f"{safe_text(program.title, 150)} · one reminder per phase, no more."),
    ]
    return text, blocks


def digest_message(*, period: str, data: DigestData) -> tuple[str, list[Block]]:
    """The weekly team digest: counts, bars and the week's (public) ship posts; never what
    anyone wrote in private."""
    participants = sum(data.by_week.values())
    text = f"Transition Coach weekly digest ({period}): {participants} participants"
    widest = max(data.by_week.values(), default=1)
    weeks = (
        "\n".join(
            f"`{progress_bar(n, widest, width=10)}` {n}  "
            f"{f'week {week}' if week else 'not started yet'}"
            for week, n in sorted(data.by_week.items())
        )
        or "nobody yet"
    )
    logged = (
        "\n".join(
            f"• {ENTRY_KINDS.get(kind, kind)}: {n}" for kind, n in sorted(data.logged.items())
        )
        or "• nothing logged"
    )
    ships = "\n".join(
        f"• <{link.permalink}|{safe_text(link.title, 120)}>"
        if link.permalink
        else f"• {safe_text(link.title, 120)}"
        for link in data.ship_posts[:20]
    )
    blocks: list[Block] = [
        header(f"Weekly digest · {period}"),
        section(f"*Participants by program week* ({participants} active)\n{weeks}"),
        section(f"*Entries logged in the last 7 days*\n{logged}"),
        section(
            f"*Deliverables marked done:* {data.deliverables_done} in the last 7 days, "
            f"{data.deliverables_total} in all\n"
            f"*Keeping the journal:* {data.journaling} of {participants} journaled on 3+ days"
        ),
    ]
    if ships:
        blocks.append(section(f"*Shipped this week* ({len(data.ship_posts)})\n{ships}"))
    blocks.append(
        context(":lock: Counts only: journals and evidence stay private to their authors.")
    )
    return text, blocks
