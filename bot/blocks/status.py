"""The status message: where a participant stands."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, header, progress_bar, section
from bot.kinds import ENTRY_KINDS
from bot.services.status import StatusReport
from bot.text import safe_text


def not_joined_blocks() -> tuple[str, list[Block]]:
    """Status for someone who never joined."""
    text = "You haven't joined a program yet. `/transition join` to start."
    return text, [section(text), actions("status_join", button("Join a program", ids.OPEN_JOIN))]


def status_blocks(report: StatusReport) -> tuple[str, list[Block]]:
    """Status for an enrolled participant."""
    program = report.program
    title = safe_text(program.title, 100)
    if report.not_started:
        start = report.participant.start_date.strftime("%A %-d %B")
        text = f"{program.title}: week 1 starts {start}."
        head = f"{title}: starting {start}"
    elif report.finished:
        text = f"You finished {program.title}."
        head = f"{title}: complete"
    else:
        text = f"{program.title}: week {report.week} of {program.weeks}"
        head = f"Week {report.week} of {program.weeks} · {title}"
    week_done = min(max(report.week - 1, 0), program.weeks)
    blocks: list[Block] = [
        header(head),
        context(
            f"`{progress_bar(week_done, program.weeks)}`  {week_done}/{program.weeks} weeks done"
        ),
    ]
    phase = report.phase
    if phase is not None and not report.finished:
        blocks.append(section(f"*{safe_text(phase.title, 150)}*\n{safe_text(phase.goal, 600)}"))
        deliverable = phase.deliverable
        criteria = "\n".join(f"• {safe_text(c, 300)}" for c in deliverable.done_when[:8])
        blocks.append(
            section(f"*Deliverable:* {safe_text(deliverable.title, 200)}\n*Done when:*\n{criteria}")
        )
        if report.evidence_counts:
            logged = ", ".join(
                f"{n} {ENTRY_KINDS[k].lower()}" for k, n in report.evidence_counts.items()
            )
            blocks.append(context(f"Logged toward it this phase: {logged}"))
    streak = report.streak_days
    streak_text = f":fire: {streak}-day journal streak" if streak else "No journal streak yet"
    blocks.append(context(f"{streak_text}  ·  {report.total_entries} entries in all"))
    blocks.append(actions("status_actions", button("Log a decision", ids.OPEN_JOURNAL)))
    return text, blocks
