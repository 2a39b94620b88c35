"""The weekly prompt DM: where you are, what to do this week, and buttons to act on it."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from bot.blocks import ids
from bot.blocks.common import (
    Block,
    actions,
    button,
    context,
    divider,
    header,
    list_sections,
    option,
    progress_bar,
    section,
    slack_date,
)
from bot.blocks.horizon import timeline_blocks
from bot.kinds import BACKGROUNDS, ENTRY_KINDS, a_kind, counts_line, plural
from bot.programs import Phase, Program
from bot.text import safe_text

FALLBACK_LIMIT = 300
# Slack allows 50 blocks; a prompt stays well under so a note (snoozed, preview) always fits.
SNOOZE_FORMAT = "{date_long_pretty} at {time}"

_REF = re.compile(r"^([a-z0-9]+(?:[-_][a-z0-9]+)*):([a-z0-9]+(?:[-_][a-z0-9]+)*):(\d{1,3})$")


@dataclass(frozen=True)
class PromptRef:
    """Which prompt a button belongs to: program, phase and program week."""

    program_id: str
    phase_key: str
    week: int

    @property
    def value(self) -> str:
        """The button value: `program:phase:week` (slugs never contain a colon)."""
        return f"{self.program_id}:{self.phase_key}:{self.week}"

    @classmethod
    def parse(cls, value: str | None) -> PromptRef | None:
        """The reference in a button value, or None when it is not one of ours."""
        found = _REF.match(value or "")
        if found is None:
            return None
        return cls(found.group(1), found.group(2), int(found.group(3)))


def weekly_prompt(
    program: Program,
    week: int,
    *,
    background: str | None,
    logged: Mapping[str, int],
    deliverable_done: bool,
    checked: frozenset[int] = frozenset(),
) -> tuple[str, list[Block]]:
    """Fallback text and blocks of the prompt for program week `week` (1..program.weeks):
    the week's own focus, the phase's checklist (ticked boxes as the participant left them),
    the deliverable, and buttons to log the kinds that count toward it.

    A week past the end gets the completion message, so a late caller never fails.
    """
    phase = program.phase_for_week(week)
    if phase is None:
        if week > program.weeks:
            return completion_message(program)
        raise ValueError(f"week {week} is before week 1 of program {program.id!r}")
    ref = PromptRef(program.id, phase.key, week)
    week_in_phase = program.week_in_phase(week)
    phase_weeks = len(phase.weeks)
    phase_number = program.phase_index(phase) + 1
    title = safe_text(phase.title, 120)

    where = f"Phase {phase_number} of {len(program.phases)}"
    if phase_weeks > 1:
        where += f", week {week_in_phase} of {phase_weeks}"
    if phase.period:
        where += f"  ·  {safe_text(phase.period, 60)}"
    done_weeks = week - 1
    blocks: list[Block] = [
        header(f"Week {week} of {program.weeks} · {title}"),
        context(
            f"`{progress_bar(done_weeks, program.weeks)}`  {done_weeks}/{program.weeks} "
            f"weeks done  ·  {where}  ·  {safe_text(program.title, 100)}"
        ),
        section(f"*Goal:* {safe_text(phase.goal, 600)}\n_{safe_text(phase.why, 600)}_"),
    ]
    focus = phase.focus_of(week)
    if focus:
        blocks.append(section(f":dart: *This week:* {safe_text(focus, 600)}"))
    blocks += checklist_blocks(ref, phase, checked)
    blocks.append(divider())
    deliverable = phase.deliverable
    blocks.append(
        section(
            f"*Deliverable: {safe_text(deliverable.title, 150)}*\n"
            f"{safe_text(deliverable.description, 1000)}"
        )
    )
    blocks += list_sections(
        "*Done when:*", [f"• {safe_text(c, 300)}" for c in deliverable.done_when]
    )
    blocks += _due_blocks(phase, week, logged=logged, done=deliverable_done)
    tip = phase.tips.get(background) if background else None
    if tip and background:
        label = safe_text(BACKGROUNDS.get(background, background), 80)
        blocks.append(section(f":bulb: *Tip for your background ({label}):* {safe_text(tip, 300)}"))
    buttons = deliverable_buttons(ref, phase, done=deliverable_done)
    buttons.append(button("Snooze to tomorrow", ids.SNOOZE_PROMPT, value=ref.value))
    blocks.append(actions(ids.PROMPT_ACTIONS, *buttons))
    blocks.append(context(":lock: Your journal and evidence are private to you."))

    fallback = f"Week {week} of {program.weeks}: {phase.title}. {phase.goal}"
    return safe_text(fallback, FALLBACK_LIMIT), blocks


def deliverable_buttons(ref: PromptRef, phase: Phase, *, done: bool) -> list[Block]:
    """The buttons a prompt and its nudge share: log what counts, and mark the deliverable
    done while it isn't."""
    buttons = log_buttons(phase)
    if not done:
        buttons.append(
            button(
                "Mark deliverable done", ids.MARK_DELIVERABLE_DONE, value=ref.value, style="primary"
            )
        )
    return buttons


def log_buttons(phase: Phase) -> list[Block]:
    """One button per kind that counts toward the phase's deliverable ("Log a problem
    statement"), each opening that kind's form; a plain journal button when none is named."""
    kinds = phase.deliverable.evidence_kinds or ["decision"]
    return [
        button(f"Log {a_kind(kind)}", f"{ids.OPEN_KIND_FORM}:{kind}", value=kind)
        for kind in kinds[:4]
    ]


def checklist_blocks(ref: PromptRef, phase: Phase, checked: frozenset[int]) -> list[Block]:
    """The phase's activities, each a section with a "Done" checkbox beside it (Slack limits
    an option's text to 75 characters, so the activity is the section's text). The box's
    block id names the prompt and the activity (an unticked box's action carries no option
    value, its block id it always has); ticked ones show ticked next time."""
    blocks: list[Block] = [section("*Checklist for this phase*")]
    for index, activity in enumerate(phase.activities):
        box = option("Done", f"{ref.value}#{index}")
        element: Block = {"type": "checkboxes", "action_id": ids.CHECKLIST_ITEM, "options": [box]}
        if index in checked:
            element["initial_options"] = [box]
        blocks.append(
            section(
                safe_text(activity, 300),
                block_id=f"{ids.CHECKLIST_BLOCK}{ref.value}#{index}",
                accessory=element,
            )
        )
    return blocks


def parse_checklist_value(value: str) -> tuple[PromptRef, int] | None:
    """(prompt, activity index) from a checklist box's `ref#index`, or None when it is not
    ours."""
    ref_part, _, index = value.partition("#")
    ref = PromptRef.parse(ref_part)
    if ref is None or not index.isdigit() or int(index) >= 50:
        return None
    return ref, int(index)


@dataclass(frozen=True)
class RunNumbers:
    """A finished run in numbers, for the completion message (counts only)."""

    by_kind: Mapping[str, int]
    weeks_with_entries: int
    deliverables_done: int


def completion_message(
    program: Program, numbers: RunNumbers | None = None
) -> tuple[str, list[Block]]:
    """What a participant past the program's last week gets: congratulations, the run in
    numbers, their portfolio, a last skills rating and what comes next."""
    title = safe_text(program.title, 120)
    blocks: list[Block] = [
        header(f"You finished {title}"),
        context(
            f"`{progress_bar(program.weeks, program.weeks)}`  "
            f"{program.weeks}/{program.weeks} weeks done"
        ),
        section(
            ":tada: All the weeks are behind you. Your journal and evidence stay yours: "
            "keep logging when a product call crosses your desk."
        ),
    ]
    if numbers is not None:
        total = sum(numbers.by_kind.values())
        logged = counts_line(numbers.by_kind)
        lines = [
            f"• {plural(total, 'entry', 'entries')}" + (f": {logged}" if logged else ""),
            f"• Entries in {numbers.weeks_with_entries} of {program.weeks} weeks",
            f"• {numbers.deliverables_done} of {plural(len(program.phases), 'deliverable')} "
            "marked done",
        ]
        blocks.append(section("*Your run in numbers*\n" + "\n".join(lines)))
        blocks.append(
            section(
                "Your portfolio gathers all of it, with what each piece still needs. And one "
                "last skills rating shows how far you have come since week 1."
            )
        )
        blocks.append(
            actions(
                ids.COMPLETION_ACTIONS,
                button("Get my portfolio", ids.OPEN_PORTFOLIO, value="portfolio", style="primary"),
                button("Rate my skills again", ids.OPEN_SKILLS),
            )
        )
    blocks += timeline_blocks(program)
    blocks.append(context("`/transition status` shows what you did along the way."))
    text = safe_text(f"You finished {program.title}. Here is what comes next.", FALLBACK_LIMIT)
    return text, blocks


def snoozed(
    text: str, blocks: list[Block], *, post_at: int, fallback: str
) -> tuple[str, list[Block]]:
    """The same prompt with a "Snoozed until …" line on top and no snooze button."""
    note = context(f":zzz: Snoozed until {slack_date(post_at, SNOOZE_FORMAT, fallback)}")
    kept: list[Block] = []
    for block in blocks:
        if block.get("block_id") == ids.PROMPT_ACTIONS:
            elements = [e for e in block["elements"] if e.get("action_id") != ids.SNOOZE_PROMPT]
            block = {**block, "elements": elements}
        kept.append(block)
    return _cut_escaped(f"Snoozed: {text}", FALLBACK_LIMIT), [note, *kept]


def _due_blocks(phase: Phase, week: int, *, logged: Mapping[str, int], done: bool) -> list[Block]:
    """When the deliverable is due; in its last week, what is already logged toward it."""
    if done:
        return [section(":white_check_mark: *Deliverable done.* Nice work.")]
    if week < phase.last_week:
        left = phase.last_week - week
        when = "next week" if left == 1 else f"in {left} weeks"
        return [context(f":calendar: Due at the end of week {phase.last_week} ({when}).")]
    lines = [":hourglass_flowing_sand: *Due this week.*"]
    if phase.deliverable.evidence_kinds:
        counts = [
            f"{ENTRY_KINDS[kind]}: *{max(int(logged.get(kind, 0)), 0):,}*"
            for kind in phase.deliverable.evidence_kinds
        ]
        lines.append("Logged toward it this phase: " + "  ·  ".join(counts))
    return [section("\n".join(lines))]


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def preview(text: str, blocks: list[Block], *, weekday: int, hour: int) -> tuple[str, list[Block]]:
    """A prompt as an admin previews it: a line on top saying when participants get it."""
    day = _WEEKDAYS[weekday % 7]
    note = context(
        f":eyes: Preview — participants see this on {day} at {hour:02d}:00 (their own time zone)."
    )
    return _cut_escaped(f"Preview: {text}", FALLBACK_LIMIT), [note, *blocks]


def preview_usage(
    programs: Mapping[str, Program], problem: str | None = None
) -> tuple[str, list[Block]]:
    """How to call `/transition preview`, listing the programs, weeks and backgrounds."""
    # Escaped: a raw `<program>` in mrkdwn is a Slack control sequence, not visible text.
    usage = "Usage: `/transition preview &lt;program&gt; &lt;week&gt; [background]`"
    names = ", ".join(
        f"`{safe_text(p.id, 64)}` (weeks 1-{p.weeks})" for p in list(programs.values())[:20]
    )
    backgrounds = ", ".join(f"`{key}`" for key in BACKGROUNDS)
    lines = [usage, f"Programs: {names or 'none loaded'}", f"Backgrounds: {backgrounds}"]
    if problem:
        lines.insert(0, problem)
    body = "\n".join(lines)
    return _cut_escaped(" ".join(lines).replace("`", ""), FALLBACK_LIMIT), [section(body)]


def _cut_escaped(text: str, limit: int) -> str:
    """Shorten already-escaped text to `limit`, never leaving half of an `&amp;` behind."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut + "…"
