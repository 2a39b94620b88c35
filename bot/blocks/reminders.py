"""Scheduler messages other than the weekly prompt: the missed-prompt note, nudge and digest."""

from __future__ import annotations

from bot.blocks import ids
from bot.blocks.common import Block, actions, context, header, progress_bar, section
from bot.blocks.prompt import PromptRef, deliverable_buttons
from bot.kinds import counts_line, plural
from bot.programs import Phase, Program
from bot.services.digest import (
    SILENT_DAYS,
    UNANSWERED_WEEKS,
    DigestData,
    Flagged,
    ProgramDigest,
)
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


SPARKS = "▁▂▃▄▅▆▇█"
MAX_NAMES = 10  # named members per "needs attention" line; the rest is a count


def sparkline(values: tuple[int, ...], top: int) -> str:
    """A row of bars like ▁▃▅█, each value of `top`."""
    top = max(top, 1)
    return "".join(SPARKS[round((len(SPARKS) - 1) * min(v, top) / top)] for v in values)


def _flagged_line(label: str, flagged: Flagged) -> str:
    """ "• No entry in 14 days: 3 (<@U1>, and 2 not sharing)"; names only of those who share."""
    line = f"• {label}: {flagged.count}"
    if flagged.shared:
        shown = flagged.shared[:MAX_NAMES]
        names = ", ".join(f"<@{user}>" for user in shown)
        rest = flagged.count - len(shown)
        line += f" ({names}{f', and {rest} more' if rest else ''})"
    return line


def _program_blocks(p: ProgramDigest) -> list[Block]:
    """One program's part of the digest: where members are, this week, the trend, attention."""
    title = safe_text(p.title, 150)
    where = (
        f"Not started: {p.not_started} · Active: {p.active} · "
        f"Paused: {p.paused} · Finished: {p.finished}"
    )
    # Bars are of the program's active members: one person of ten is a short bar, not a
    # full one.
    bars = "\n".join(
        f"`{progress_bar(n, p.active, width=10)}` {n}  week {week} of {p.weeks}"
        for week, n in sorted(p.by_week.items())
    )
    logged = counts_line(p.logged) or "nothing logged"
    trend = " → ".join(str(n) for n in p.participation)
    week_part = (
        f"*Logged in the last 7 days:* {logged}\n"
        f"*Deliverables marked done:* {p.deliverables_done} in the last 7 days, "
        f"{p.deliverables_total} in all\n"
        f"*Keeping the journal:* {p.journaling} of {p.active} active journaled on 3+ days\n"
        f"*Participation* (members who logged anything, last {len(p.participation)} weeks): "
        f"`{sparkline(p.participation, p.members)}` {trend}"
    )
    a = p.attention
    attention = "\n".join(
        _flagged_line(label, flagged)
        for label, flagged in (
            (f"No entry in {SILENT_DAYS} days", a.silent),
            ("A deliverable past due", a.past_due),
            (f"Prompts unanswered {UNANSWERED_WEEKS} weeks running", a.unanswered),
        )
        if flagged.count
    )
    return [
        section(
            f"*{title}* · {plural(p.members, 'member')}\n{where}" + (f"\n{bars}" if bars else "")
        ),
        section(week_part),
        section(
            f"*Needs attention*\n{attention}" if a.any else "*Needs attention:* nobody right now"
        ),
    ]


def digest_message(
    *, period: str, data: DigestData, title: str | None = None
) -> tuple[str, list[Block]]:
    """The weekly team digest, per program: where members are, counts, the trend, who needs
    attention (named only if they chose to share) and the week's (public) ship posts; never
    what anyone wrote in private."""
    total = sum(p.members for p in data.programs)
    active = sum(p.active for p in data.programs)
    name = f"{title} · " if title else ""
    text = (
        f"Transition Coach weekly digest ({name}{period}): {plural(total, 'member')}, "
        f"{active} active in their program"
    )
    ships = "\n".join(
        f"• <{link.permalink}|{safe_text(link.title, 120)}>"
        if link.permalink
        else f"• {safe_text(link.title, 120)}"
        for link in data.ship_posts[:20]
    )
    blocks: list[Block] = [header(f"Weekly digest · {name}{period}")]
    for program in data.programs[:12]:  # 3 blocks each: well within a message's 50
        blocks.extend(_program_blocks(program))
    if not data.programs:
        blocks.append(section("Nobody has joined a program yet."))
    if ships:
        blocks.append(section(f"*Shipped this week* ({len(data.ship_posts)})\n{ships}"))
    blocks.append(
        context(
            ":lock: Counts only: journals and evidence stay private to their authors. "
            "Members are named only if they chose to share their progress with the coach."
        )
    )
    return text, blocks
