"""The personal recap message."""

from __future__ import annotations

from bot.blocks.common import Block, context, divider, header, section
from bot.blocks.skills import skills_comparison
from bot.kinds import counts_line, plural
from bot.services.summary import Recap
from bot.text import safe_text


def recap_blocks(recap: Recap) -> tuple[str, list[Block]]:
    """Fallback text and blocks for /transition summary (and the weekly recap DM)."""
    report, program = recap.report, recap.report.program
    if report.not_started:
        title = f"Your recap · {program.title} starts soon"
    elif report.finished:
        title = f"Your recap · {program.title} complete"
    else:
        title = f"Your recap · week {report.week} of {program.weeks}"
    blocks: list[Block] = [header(safe_text(title, 150))]
    this_week = counts_line(recap.week_counts)
    total = counts_line(recap.total_counts)
    blocks.append(
        section(
            f"*This week:* {this_week or 'nothing logged yet'}\n"
            f"*So far:* {total or 'nothing logged yet'}"
        )
    )
    phase = report.phase
    if phase is not None and not report.finished and not report.not_started:
        mark = ":white_check_mark: done" if recap.deliverable_done else ":hourglass: not done yet"
        last_week = phase.last_week
        due = "" if recap.deliverable_done else f" (due by the end of week {last_week})"
        blocks.append(
            section(f"*Deliverable:* {safe_text(phase.deliverable.title, 200)} · {mark}{due}")
        )
    blocks.append(
        context(
            f"{recap.deliverables_done} of {len(program.phases)} deliverables done"
            f"  ·  journal streak {plural(report.streak_days, 'day')}"
        )
    )
    if recap.next_phase is not None:
        nxt = recap.next_phase
        blocks.append(
            section(
                f"*Next up, week {nxt.first_week}: {safe_text(nxt.title, 150)}*\n"
                f"{safe_text(nxt.goal, 600)}"
            )
        )
    blocks.append(divider())
    blocks.extend(skills_comparison(recap.skills))
    text = f"{title}: {this_week or 'nothing logged this week yet'}"
    return safe_text(text, 300), blocks
