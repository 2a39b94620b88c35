"""The status message: where a participant stands."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, button, context, header, progress_bar, section
from bot.blocks.prompt import completion_message
from bot.kinds import counts_line, plural
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
    if report.participant.status == "left":
        return _left_blocks(report)
    if report.finished:
        return _finished_blocks(report)
    if report.not_started:
        start = report.participant.start_date.strftime("%A %-d %B")
        text = f"{program.title}: week 1 starts {start}."
        head = f"{title}: starting {start}"
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
    paused = paused_line(report)
    if paused:
        blocks.append(section(paused))
    phase = report.phase
    if phase is not None and not report.finished:
        blocks.append(section(f"*{safe_text(phase.title, 150)}*\n{safe_text(phase.goal, 600)}"))
        deliverable = phase.deliverable
        criteria = "\n".join(f"• {safe_text(c, 300)}" for c in deliverable.done_when[:8])
        state = (
            ":white_check_mark: done"
            if report.deliverable_done
            else "not marked done yet (use the button in your weekly prompt)"
        )
        blocks.append(
            section(
                f"*Deliverable:* {safe_text(deliverable.title, 200)}: {state}\n"
                f"*Done when:*\n{criteria}"
            )
        )
        if report.evidence_counts:
            logged = counts_line(report.evidence_counts)
            blocks.append(
                context(
                    f"Logged toward it this phase: {logged}"
                    if logged
                    else "Nothing logged toward it yet this phase."
                )
            )
    blocks.append(context(_tally(report)))
    blocks.append(actions("status_actions", button("Log a decision", ids.OPEN_JOURNAL)))
    return text, blocks


def paused_line(report: StatusReport) -> str | None:
    """The pause or time away, said plainly, when there is one."""
    participant = report.participant
    if participant.status != "paused":
        return None
    if participant.away_until is not None:
        return (
            f":palm_tree: *Away until {participant.away_until:%A %-d %B}.* Nothing is sent "
            "until then; your program resumes by itself that morning."
        )
    return ":double_vertical_bar: *Paused.* Nothing is sent until you `/transition resume`."


def _tally(report: StatusReport) -> str:
    """Streak, entries and deliverables done, on one line."""
    streak = report.streak_days
    streak_text = f":fire: {streak:,}-workday journal streak" if streak else "No journal streak yet"
    phases = len(report.program.phases)
    return (
        f"{streak_text}  ·  {plural(report.total_entries, 'entry', 'entries')} in all  ·  "
        f"{report.deliverables_done} of {phases} deliverables done"
    )


def _finished_blocks(report: StatusReport) -> tuple[str, list[Block]]:
    """Status after the last week: the completion message and what was done."""
    text, blocks = completion_message(report.program)
    blocks.append(context(_tally(report)))
    blocks.append(actions("status_actions", button("Log a decision", ids.OPEN_JOURNAL)))
    return text, blocks


def _left_blocks(report: StatusReport) -> tuple[str, list[Block]]:
    """Status after leaving: no week or deliverable (nothing more is sent), what is kept,
    and the way back."""
    title = safe_text(report.program.title, 100)
    text = (
        f"You left {report.program.title}. Nothing more is sent; what you logged is kept. "
        "`/transition join` starts a program again."
    )
    return text, [
        header(f"You left {title}"),
        section(
            "Nothing more is sent to you: no prompts, reminders or check-ins. Everything you "
            "logged is kept, and `/transition join` starts a program again."
        ),
        context(_tally(report)),
        actions("status_join", button("Join a program", ids.OPEN_JOIN)),
    ]
